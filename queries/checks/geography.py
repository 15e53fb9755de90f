"""Where a CCG's area lies against the local authorities'."""

from __future__ import annotations

from graphmodel.dated import open_on
from graphmodel.model import (
    NodeKind,
    RelType,
)
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    join_or_none,
    nodes_of,
    out_links,
)

SECTION = "Membership and geography"  # of the rule book (RULES.md)


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="CCG boundaries do not cross local-authority boundaries",
    rule="A CCG's boundary should not normally cross upper-tier local-authority boundaries.",
    source="S1 'Groups will have boundaries that will not normally cross those of local authorities'",
    severity=Severity.WARNING,
    fix="Approve it as an exception (boundary_exceptions) or review the configuration.",
    reviewed="2026-11-23",
    describe=lambda ev: (
        "crosses "
        + join_or_none(
            [
                f"{a.get('name', '')} {a['authority']} ({a['share']:g}%)".strip()
                for a in sorted(ev["authorities"], key=lambda a: -a["share"])
            ]
        )
    ),
)
def boundary_crossing_ccgs(
    graph: Graph, *, as_at: str, tolerance_pct: float, exceptions: list[str]
) -> list[Pair]:
    """CCGs overlapping more than one upper-tier authority by at least `tolerance_pct` % each (S1).

    Evidence: `authorities`, each overlap at or above the tolerance: `authority`, `name`,
    `share` (%).

    >>> g = example_graph(
    ...     {"C1": "CCG", "LA1": "LocalAuthority", "LA2": "LocalAuthority"},
    ...     [("C1", "LA1", "OVERLAPS", {"share": 70.0}), ("C1", "LA2", "OVERLAPS", {"share": 30.0})],
    ... )
    >>> boundary_crossing_ccgs(g, as_at="2013-04-01", tolerance_pct=5.0, exceptions=[])[0][1]["authorities"][1]
    {'authority': 'LA2', 'name': None, 'share': 30.0}
    >>> boundary_crossing_ccgs(g, as_at="2013-04-01", tolerance_pct=5.0, exceptions=["C1"])
    []
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if ccg in exceptions or not open_on(attrs, as_at):
            continue
        overlaps = [
            {"authority": la, "name": graph.nodes[la].get("name"), "share": link.get("share", 0.0)}
            for la, link in out_links(graph, ccg, RelType.OVERLAPS, as_at)
            if link.get("share", 0.0) >= tolerance_pct
        ]
        if len(overlaps) > 1:
            found.append((ccg, {"authorities": overlaps}))
    return found


@plants("boundary_crossing_ccgs")
def _plant_boundary_crossing_ccgs(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    other = gen.rng.choice([x for x in gen.las if x != la])
    gen.link(ccg, la, RelType.OVERLAPS, share=70.0)
    gen.link(ccg, other, RelType.OVERLAPS, share=30.0)
    gen.link(ccg, f"HWB-{other}", RelType.SEAT_ON, qualifier="ccg")
    return ccg
