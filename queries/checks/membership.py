"""Who belongs to which CCG, and what a CCG is called."""

from __future__ import annotations

from collections import defaultdict

from graphmodel.dated import in_force, open_on
from graphmodel.model import (
    NodeKind,
    Practice,
    RelType,
)
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    in_links,
    join_or_none,
    links_of,
    nodes_of,
)

SECTION = "Membership and geography"  # of the rule book (RULES.md)


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Every practice is a member of exactly one CCG",
    rule="Every GP practice is a member of a CCG, and of one only.",
    source="S1 'All GPs will need to be part of a CCG'; S4 'All 8,000-plus GP practices ... members of a CCG'",
    severity=Severity.ERROR,
    fix="Record the practice's CCG membership (ODS epcmem) or end the extra one.",
    reviewed="2026-11-23",
    describe=lambda ev: (
        f"member of {len(ev['ccgs'])} CCGs on the date ({join_or_none(ev['ccgs'])})"
        + (f"; attached to closed {join_or_none(ev['closed_ccgs'])}" if ev["closed_ccgs"] else "")
    ),
)
def practice_single_membership(graph: Graph, *, as_at: str) -> list[Pair]:
    """Practices open on `as_at` that are members of no open CCG, or of more than one (S1, S4).

    A membership of a CCG that is closed on the date does not count: a practice attached only
    to a closed CCG is in no CCG. Evidence: `ccgs`, the open CCGs the practice belongs to on the
    date (none, or two or more); `closed_ccgs`, closed CCGs it is still attached to.

    >>> g = example_graph(
    ...     {"P1": "Practice", "P2": "Practice", "P3": "Practice", "C1": "CCG", "C2": "CCG",
    ...      "C0": ("CCG", {"close_date": "2013-03-31"})},
    ...     [("P2", "C1", "MEMBER_OF", {}), ("P3", "C1", "MEMBER_OF", {}), ("P3", "C2", "MEMBER_OF", {}),
    ...      ("P1", "C0", "MEMBER_OF", {})],
    ... )
    >>> practice_single_membership(g, as_at="2013-04-01")
    [('P1', {'ccgs': [], 'closed_ccgs': ['C0']}), ('P3', {'ccgs': ['C1', 'C2'], 'closed_ccgs': []})]
    """
    ccgs_of: dict[str, set[str]] = defaultdict(set)
    closed_of: dict[str, set[str]] = defaultdict(set)
    nodes = graph.nodes
    for practice, ccg, attrs in links_of(graph, RelType.MEMBER_OF):  # one pass beats a lookup per practice
        if in_force(attrs, as_at):
            (ccgs_of if open_on(nodes[ccg], as_at) else closed_of)[practice].add(ccg)
    return [
        (
            practice,
            {"ccgs": sorted(ccgs_of.get(practice, ())), "closed_ccgs": sorted(closed_of.get(practice, ()))},
        )
        for practice, attrs in nodes_of(graph, NodeKind.PRACTICE)
        if open_on(attrs, as_at) and len(ccgs_of.get(practice, ())) != 1
    ]


@plants("practice_single_membership")
def _plant_practice_single_membership(gen: Generator) -> str:
    return gen.node(Practice(code=gen.code("PR"), name="Synthetic orphan practice", illustrative=True))


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="No CCG without member practices",
    rule="A CCG is formed of its member GP practices.",
    source="S4 'led by their members: the GP practices'",
    severity=Severity.ERROR,
    fix="Check the CCG's memberships, or whether it had closed by the date.",
    reviewed="2026-11-23",
    describe=lambda ev: "has no member practices on the date",
)
def ccg_without_practices(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` with no open member practice: a CCG is its member practices (S4).

    Practices closed on the date do not count, so a CCG whose practices have all closed is
    reported. Evidence: none (`{}`): the CCG has no open member practice on the date.

    >>> g = example_graph(
    ...     {"C1": "CCG", "C2": "CCG", "P1": "Practice", "P2": ("Practice", {"close_date": "2012-12-31"})},
    ...     [("P1", "C1", "MEMBER_OF", {}), ("P2", "C2", "MEMBER_OF", {})],
    ... )
    >>> ccg_without_practices(g, as_at="2013-04-01")
    [('C2', {})]
    """
    nodes = graph.nodes
    return [
        (ccg, {})
        for ccg, attrs in nodes_of(graph, NodeKind.CCG)
        if open_on(attrs, as_at)
        and not any(open_on(nodes[p], as_at) for p, _ in in_links(graph, ccg, RelType.MEMBER_OF, as_at))
    ]


@plants("ccg_without_practices")
def _plant_ccg_without_practices(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    return gen.ccg(la, practices=False)


NAME_START, NAME_END = "NHS ", " Clinical Commissioning Group"


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="A CCG's name is 'NHS … Clinical Commissioning Group'",
    rule="A CCG's name begins with 'NHS' and ends with 'Clinical Commissioning Group', a geographical "
    "reference between (that reference is not judged here); an abbreviated name does not meet it.",
    source="SI 2012/1631 regs 3-6 (as made)",
    severity=Severity.ERROR,
    fix="Record the CCG's name as its constitution gives it.",
    reviewed="2026-11-24",
    describe=lambda ev: f"named {ev['name']!r}: not 'NHS … Clinical Commissioning Group'",
    gaps="only a register's short name is recorded",
    partly='the geographical reference is not judged (it needs a gazetteer).',
)
def ccg_name(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` whose name does not begin "NHS " and end " Clinical Commissioning
    Group" with something between (regs 3-6). A name the registers abbreviate ("NHS Darlington")
    is not the CCG's statutory name: a data gap, not a breach.

    Evidence: `name`; `{"recorded": False}` when only a register's short form is known.

    >>> g = example_graph(
    ...     {"C1": ("CCG", {"name": "NHS Medway Clinical Commissioning Group"}), "C2": ("CCG", {"name": "NHS Medway CCG"}),
    ...      "C3": ("CCG", {"name": "NHS Medway", "name_abbreviated": True})},
    ...     [],
    ... )
    >>> ccg_name(g, as_at="2013-04-01")
    [('C2', {'name': 'NHS Medway CCG'}), ('C3', {'recorded': False})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        name = str(attrs.get("name", ""))
        if attrs.get("name_abbreviated"):
            found.append((ccg, {"recorded": False}))
        elif not (
            name.startswith(NAME_START) and name.endswith(NAME_END) and len(name) > len(NAME_START + NAME_END)
        ):
            found.append((ccg, {"name": name}))
    return found


@plants("ccg_name")
def _plant_ccg_name(gen: Generator) -> str:
    ccg = gen.ccg(gen.rng.choice(gen.las))
    gen.ds.nodes[ccg] = gen.ds.nodes[ccg].model_copy(
        update={"name": f"NHS Synthetic {ccg} CCG"}
    )  # abbreviated
    return ccg
