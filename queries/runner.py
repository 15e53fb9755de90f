"""Run the registered checks on either backend and return findings in one canonical form."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Protocol

import networkx as nx

from graphmodel.dataset import gc_paused
from queries.findings import Finding, to_findings
from graphmodel.dated import name_on
from queries.check import Pair
from queries.registry import BY_ID, CHECKS, Check, CheckSettings

Pairs = list[Pair]


class Backend(Protocol):
    def reading(self) -> AbstractContextManager[object]: ...
    def pairs(self, check: Check, params: dict[str, Any]) -> Pairs: ...
    def labels(
        self, codes: Iterable[str], properties: Iterable[str], as_at: str
    ) -> dict[str, dict[str, Any]]: ...


class NetworkXBackend:
    """Checks as Python functions over the in-process graph."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph

    def reading(self) -> AbstractContextManager[object]:
        return nullcontext()

    def pairs(self, check: Check, params: dict[str, Any]) -> Pairs:
        wanted = inspect.signature(check.networkx).parameters
        with gc_paused():  # a check builds many small containers over a large live graph
            return check.networkx(self.graph, **{k: v for k, v in params.items() if k in wanted})

    def labels(self, codes: Iterable[str], properties: Iterable[str], as_at: str) -> dict[str, dict[str, Any]]:
        """The name each body bore on `as_at`, and the properties asked for."""
        nodes = self.graph.nodes
        return {
            c: {"name": name_on(nodes[c], as_at), **{p: nodes[c].get(p) for p in properties}}
            for c in codes
            if c in self.graph
        }


def select(only: Iterable[str] | None = None) -> list[Check]:
    """The checks to run: every one when `only` is None, else those named (none, when it is
    empty: a selection whose rules are all out of force that day runs nothing); unknown ids are
    a usage error naming the valid ones."""
    if only is None:
        return list(CHECKS)
    unknown = [c for c in only if c not in BY_ID]
    if unknown:
        raise KeyError(f"unknown check id(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
    return [BY_ID[c] for c in only]


def run_checks(
    backend: Backend, settings: CheckSettings | None = None, only: Iterable[str] | None = None
) -> list[Finding]:
    settings = settings or CheckSettings()
    params = settings.query_parameters()
    in_force = [check for check in select(only) if check.in_force(settings.as_at)]  # a rule judged only then
    with backend.reading():  # every check reads the same graph, even while a load runs
        results: list[tuple[Check, Pairs]] = [(check, backend.pairs(check, params)) for check in in_force]
        labels = backend.labels(  # the bodies found, and the people a finding is about
            {org for _, pairs in results for org, _ in pairs}
            | {str(ev["person"]) for _, pairs in results for _, ev in pairs if ev.get("person")},
            sorted({prop for check, _ in results for prop in check.cites}),
            params["as_at"],
        )
    return [f for check, pairs in results for f in to_findings(check, pairs, labels)]


class Neo4jBackend:
    """Checks as parameterised Cypher against a real Neo4j; inside `reading()` every query reads
    one load's graph (`graphmodel.neo4j_read.pinned_graph`)."""

    def __init__(self, driver: Any):
        from graphmodel.neo4j_read import require_complete_graph

        require_complete_graph(driver)  # refused at once, before any check is asked for
        self.driver = driver
        self._pinned: Any = None

    @contextmanager
    def reading(self) -> Iterator[object]:
        from graphmodel.neo4j_read import pinned_graph

        with pinned_graph(self.driver) as self._pinned:
            try:
                yield self._pinned
            finally:
                self._pinned = None

    def _rows(self, query: str, params: dict[str, Any]) -> list[Any]:
        if self._pinned is not None:
            return self._pinned.rows(query, params)
        with self.reading():
            return self._rows(query, params)

    def pairs(self, check: Check, params: dict[str, Any]) -> Pairs:
        return [(r["org"], dict(r["evidence"])) for r in self._rows(check.cypher, params)]

    def labels(self, codes: Iterable[str], properties: Iterable[str], as_at: str) -> dict[str, dict[str, Any]]:
        """The name each body bore on `as_at` (as `graphmodel.dated.name_on`), and the properties."""
        wanted = list(properties)
        records = self._rows(
            "MATCH (n:Entity) WHERE n.code IN $codes "
            "RETURN n.code AS code, [p IN $properties | n[p]] AS values, "
            "coalesce(last([i IN range(0, size(coalesce(n.names, [])) - 1) WHERE n.names_from[i] <= $as_at "
            "| n.names[i]]), n.names[0], n.name) AS name",
            {"codes": list(codes), "properties": wanted, "as_at": as_at},
        )
        return {r["code"]: {"name": r["name"], **dict(zip(wanted, r["values"]))} for r in records}
