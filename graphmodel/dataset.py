"""A whole load, validated as one: nodes, relationships, where each came from, and the problems.

Loaders add to a `Dataset`; `Dataset.validate()` checks the cross-record rules (codes unique,
references resolve, endpoints of the right kind) and raises `InputError` naming file, line, field
and reason. A practice in two CCGs at once is not refused here: it breaks a rule, and the
`practice_single_membership` check reports it with the rest of the findings. Nothing is written to any graph until the
dataset is valid, so a failed load never leaves half a graph behind.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from graphmodel.errors import CcgraphError
from graphmodel.model import ENDPOINTS, Node, NodeKind, Relationship, RelType


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a bulk build with CPython's cyclic garbage collector paused.

    A load creates a few hundred thousand rows, dicts and models that hold no reference cycles;
    the collector would rescan all of them again and again as they accumulate (a quarter of the
    England load's time). Reference counting still frees everything; the previous state returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Location(NamedTuple):
    """Where a record came from: a file and a 1-based line (0 when not line-based)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, precise enough to fix without a debugger."""

    location: Location
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: field '{self.field}': {self.reason}"


class InputError(CcgraphError):
    """Bad input: carries every problem found (up to a limit), never a partial graph."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the input:\n{shown}{more}")


@dataclass
class Dataset:
    """Nodes by code and relationships by identity, with their origins."""

    nodes: dict[str, Node] = field(default_factory=dict)
    relationships: dict[tuple[str, str, str], Relationship] = field(default_factory=dict)
    origins: dict[object, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    coverage: tuple[date, date] | None = None  # the dates the sources can show, if they say
    # Small areas, when the sources give them (not part of the graph): each LSOA lookup's year ->
    # LSOA -> the ODS code of its CCG (2022: its sub-ICB location), and each mid-year estimate's
    # year -> LSOA -> residents. `graphmodel.crosswalk` weighs areas by them.
    areas: dict[int, dict[str, str]] = field(default_factory=dict)
    people: dict[int, dict[str, int]] = field(default_factory=dict)
    # How the user wrote a record's fields, where that differs from the model's names
    # (`memberships[3].practice` for a MEMBER_OF's source), so that problems name them so.
    written: dict[object, dict[str, str]] = field(default_factory=dict)

    def problem(self, where: Location, field_name: str, reason: str) -> None:
        self.problems.append(Problem(where, field_name, reason))

    def add_node(self, node: Node, where: Location, *, field_name: str = "code") -> None:
        """Add a node; the same code twice is an error unless it is the same record again."""
        existing = self.nodes.get(node.code)
        if existing is not None:
            if existing != node:
                first = self.origins[node.code]
                written = self.written.get(node.code, {}).get("code")
                self.problem(
                    where,
                    field_name,
                    f"duplicate code {node.code!r} ({node.kind}); first defined at {first}"
                    + (f" ({written})" if written else ""),
                )
            return
        self.nodes[node.code] = node
        self.origins[node.code] = where
        if field_name != "code":
            self.written[node.code] = {"code": field_name}

    def add_relationship(
        self, rel: Relationship, where: Location, *, written: dict[str, str] | None = None
    ) -> None:
        """Add a relationship; `written` names its source and target as the user wrote them."""
        ident = (rel.source, rel.target, rel.key)
        if written:
            self.written.setdefault(ident, written)
        existing = self.relationships.get(ident)
        if existing is not None and existing != rel:
            self.problem(
                where,
                rel.rel,
                f"{rel.source} -{rel.rel}-> {rel.target} given twice with different values; "
                f"first at {self.origins[ident]}",
            )
            return
        self.relationships[ident] = rel
        self.origins.setdefault(ident, where)

    def validate(self) -> None:
        """Raise `InputError` if any record problem or cross-record rule is broken."""
        self._check_references()
        self.refuse_succession_cycles()

    def refuse_succession_cycles(self) -> None:
        """Raise `InputError` at once if successions go round in a circle (a loader that follows
        them, as the England builder does, would never stop)."""
        self._check_succession_cycles()
        if self.problems:
            raise InputError(self.problems)

    def _check_succession_cycles(self) -> None:
        """A body cannot succeed, however indirectly, itself: every SUCCEEDED_BY in a cycle is
        named where it was written.

        >>> from graphmodel.model import CCG
        >>> d = Dataset()
        >>> for code in ("09W", "09J"):
        ...     d.add_node(CCG(code=code, name=f"NHS {code} CCG", illustrative=True), Location("t"))
        >>> for line, (a, b) in enumerate([("09W", "09J"), ("09J", "09W")], start=2):
        ...     d.add_relationship(Relationship(source=a, target=b, rel=RelType.SUCCEEDED_BY), Location("succ.csv", line))
        >>> d._check_succession_cycles()
        >>> [str(p) for p in d.problems]  # doctest: +NORMALIZE_WHITESPACE
        ["succ.csv:2: field 'target': succession cycle 09J -> 09W -> 09J: 09W SUCCEEDED_BY 09J is part of it",
         "succ.csv:3: field 'target': succession cycle 09J -> 09W -> 09J: 09J SUCCEEDED_BY 09W is part of it"]
        """
        successors: dict[str, list[str]] = defaultdict(list)
        for rel in self.relationships.values():
            if rel.rel == RelType.SUCCEEDED_BY:
                successors[rel.source].append(rel.target)
        in_cycle = _cycles(successors)
        for ident, rel in self.relationships.items():
            if rel.rel == RelType.SUCCEEDED_BY and rel.source in in_cycle and rel.target in in_cycle:
                if in_cycle[rel.source] is not in_cycle[rel.target]:
                    continue
                ring = " -> ".join([*in_cycle[rel.source], in_cycle[rel.source][0]])
                self.problem(
                    self.origins[ident],
                    self.written.get(ident, {}).get("target", "target"),
                    f"succession cycle {ring}: {rel.source} SUCCEEDED_BY {rel.target} is part of it",
                )

    def _check_references(self) -> None:
        for ident, rel in self.relationships.items():
            where = self.origins[ident]
            sources, targets = ENDPOINTS[rel.rel]  # a StrEnum: its plain value finds it
            written = self.written.get(ident, {})
            for end, code, allowed in (("source", rel.source, sources), ("target", rel.target, targets)):
                node = self.nodes.get(code)
                field_name = written.get(end, end)
                if node is None:
                    self.problem(where, field_name, f"{rel.rel} refers to unknown code {code!r}")
                elif node.kind not in allowed:
                    kinds = ", ".join(sorted(allowed))
                    self.problem(
                        where, field_name, f"{code!r} is a {node.kind}, expected {kinds} ({rel.rel} {end})"
                    )

    def overlapping_memberships(self) -> tuple[list[str], list[str]]:
        """Practices whose memberships overlap in time: of one CCG recorded twice (a data-quality
        note; the checks count the CCG once), and of two CCGs at once (a breach the
        `practice_single_membership` check reports). Each as "practice: CCG, CCG from DATE"."""
        spans: dict[str, list[tuple[date, date, str]]] = defaultdict(list)
        for rel in self.relationships.values():
            if rel.rel == RelType.MEMBER_OF:
                spans[rel.source].append((rel.valid_from or date.min, rel.valid_to or date.max, rel.target))
        same: list[str] = []
        different: list[str] = []
        for practice, periods in sorted(spans.items()):
            periods.sort()
            for (_, end_a, a), (start_b, _, b) in zip(periods, periods[1:]):
                if start_b <= end_a:
                    (same if a == b else different).append(f"{practice}: {a}, {b} from {start_b}")
        return same, different

    def counts(self) -> dict[str, int]:
        """Nodes per kind and relationships per type, for reports and parity tests."""
        result: dict[str, int] = defaultdict(int)
        for node in self.nodes.values():
            result[str(node.kind)] += 1
        for rel in self.relationships.values():
            result[str(rel.rel)] += 1
        return dict(sorted(result.items()))

    def merge(self, other: "Dataset") -> None:
        """Add another dataset's records; scenario facts about registry bodies may repeat them."""
        for code, node in other.nodes.items():
            existing = self.nodes.get(code)
            if existing is not None and existing.kind != node.kind:
                self.problem(
                    other.origins[code],
                    other.written.get(code, {}).get("code", "code"),
                    f"{code!r} is a {node.kind} here but a {existing.kind} at {self.origins[code]}",
                )
            elif existing is None:
                self.nodes[code] = node
                self.origins[code] = other.origins[code]
                if code in other.written:
                    self.written[code] = other.written[code]
        for ident, rel in other.relationships.items():
            self.add_relationship(rel, other.origins[ident], written=other.written.get(ident))
        self.problems.extend(other.problems)
        self.areas, self.people = self.areas or other.areas, self.people or other.people

    def of_kind(self, kind: NodeKind) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]


def _cycles(successors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each code in a cycle of `successors`, mapped to its cycle's members (one shared, sorted
    list per strongly connected component of two or more, or a code that succeeds itself)."""
    import networkx as nx

    graph = nx.DiGraph((a, b) for a, targets in successors.items() for b in targets)
    found: dict[str, list[str]] = {}
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1 or any(graph.has_edge(c, c) for c in component):
            members = sorted(component)
            found.update((code, members) for code in members)
    return found
