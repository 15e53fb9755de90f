"""Whether the commissioners' areas cover England, each small area once (NHS Act 2006 as amended).

Judged on groups of LSOAs (`LSOAGroup`), each linked to the body whose area holds it on each
date (`IN_AREA_OF`): a group open on a date in no body's area is a gap in the cover, one in two
is an overlap. Before the first LSOA lookup (1 April 2015) the practices say who held whom
(`practice_single_membership`).
"""

from __future__ import annotations

from datetime import date

from graphmodel.dated import open_on
from graphmodel.model import LsoaGroup, NodeKind, RelType
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, ICB_RULES_START, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    nodes_of,
    out_links,
)

__all__ = ["ccg_areas_cover_england", "icb_areas_cover_england"]

SECTION = "Areas"  # of the rule book (RULES.md)


def _holders(graph: Graph, group: str, as_at: str, kind: NodeKind) -> list[str]:
    """The open bodies of `kind` whose area holds `group` on `as_at`."""
    return sorted(
        {body for body, _ in out_links(graph, group, RelType.IN_AREA_OF, as_at)
         if graph.nodes[body].get("kind") == kind and open_on(graph.nodes[body], as_at)}
    )  # fmt: skip


def _where(ev: dict, bodies: str) -> str:
    """Where a group's areas are, as a finding says it (the group's name says how many LSOAs)."""
    if ev.get("recorded") is False:
        return f"in {', '.join(ev['locations'])}, whose board is not recorded on this day (data gap)"
    if not ev["bodies"]:
        return f"in no {bodies}'s area: a gap in England's cover"
    return f"in the areas of {len(ev['bodies'])} {bodies}s ({', '.join(ev['bodies'])}): an overlap"


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="The CCGs' areas cover England, each small area once",
    rule="Together the CCGs cover England: every small area (LSOA) is in exactly one CCG's area.",
    source="NHS Act 2006 as amended by the Health and Social Care Act 2012 (CCG areas); RULES.md 'Areas'",
    severity=Severity.ERROR,
    fix="Check the lookup the areas were read from, or the CCGs' dates: each LSOA belongs to one open CCG.",
    reviewed="2026-12-07",
    describe=lambda ev: _where(ev, "CCG"),
    partly="judged on the ONS LSOA lookups from 1 April 2015 (the first names 13T, formed that day); "
    "before it the practices say who held whom (practice_single_membership), as no LSOA lookup of the "
    "2013 CCGs is here.",
)
def ccg_areas_cover_england(graph: Graph, *, as_at: str) -> list[Pair]:
    """LSOA groups open on `as_at` in no open CCG's area, or in more than one.

    Evidence: `lsoas` (how many the group holds) and `bodies` (the CCGs holding it).

    >>> g = example_graph(
    ...     {"G1": ("LSOAGroup", {"lsoas": 3}), "C1": "CCG", "C2": "CCG"},
    ...     [("G1", "C1", "IN_AREA_OF", {}), ("G1", "C2", "IN_AREA_OF", {"valid_to": "2016-03-31"})],
    ... )
    >>> ccg_areas_cover_england(g, as_at="2016-03-31"), ccg_areas_cover_england(g, as_at="2016-04-01")
    ([('G1', {'lsoas': 3, 'bodies': ['C1', 'C2']})], [])
    """
    return _uncovered(graph, as_at, NodeKind.CCG)


def _uncovered(graph: Graph, as_at: str, kind: NodeKind) -> list[Pair]:
    found: list[Pair] = []
    for group, attrs in nodes_of(graph, NodeKind.LSOA_GROUP):
        if open_on(attrs, as_at) and len(bodies := _holders(graph, group, as_at, kind)) != 1:
            found.append((group, {"lsoas": attrs.get("lsoas"), "bodies": bodies}))
    return found


@check(
    section=SECTION,
    since=ICB_RULES_START,
    title="The integrated care boards' areas cover England without overlap",
    rule="From 1 July 2022 the areas of integrated care boards do not coincide or overlap, and together cover "
    "the whole of England: every small area (LSOA) is in exactly one board's area.",
    source="NHS Act 2006 s.14Z25(3)-(4) (inserted by the Health and Care Act 2022, in force 1 July 2022)",
    severity=Severity.ERROR,
    fix="Check the sub-ICB locations' boards and the lookup the areas were read from.",
    reviewed="2026-12-07",
    describe=lambda ev: _where(ev, "board"),
    partly="judged on the July 2022 LSOA lookup of sub-ICB locations, each in the board it is linked to on "
    "the date; a board's area is the sum of its sub-ICB locations'.",
)
def icb_areas_cover_england(graph: Graph, *, as_at: str) -> list[Pair]:
    """LSOA groups open on `as_at` in no board's area, or in more than one: a group is in the
    area of each board its open sub-ICB locations are in that day. A location with no board
    recorded that day (a board split among successors the files do not name) is a data gap.

    Evidence: `lsoas` and `bodies` (the boards holding it); or `recorded: False` with the
    `locations` whose board is not recorded.

    >>> g = example_graph(
    ...     {"G1": ("LSOAGroup", {"lsoas": 3}), "S1": "SubICBLocation", "B1": "ICB", "B2": "ICB"},
    ...     [("G1", "S1", "IN_AREA_OF", {}), ("S1", "B1", "IN_ICB", {}), ("S1", "B2", "IN_ICB", {})],
    ... )
    >>> icb_areas_cover_england(g, as_at="2022-07-01")
    [('G1', {'lsoas': 3, 'bodies': ['B1', 'B2']})]
    """
    found: list[Pair] = []
    for group, attrs in nodes_of(graph, NodeKind.LSOA_GROUP):
        if not open_on(attrs, as_at):
            continue
        boards_of = {
            location: {board for board, _ in out_links(graph, location, RelType.IN_ICB, as_at)
                       if graph.nodes[board].get("kind") == NodeKind.ICB and open_on(graph.nodes[board], as_at)}
            for location in _holders(graph, group, as_at, NodeKind.SUB_ICB_LOCATION)
        }  # fmt: skip
        if unplaced := sorted(location for location, boards in boards_of.items() if not boards):
            found.append((group, {"recorded": False, "lsoas": attrs.get("lsoas"), "locations": unplaced}))
        elif len(boards := sorted(set().union(*boards_of.values()))) != 1:
            found.append((group, {"lsoas": attrs.get("lsoas"), "bodies": boards}))
    return found


def _group(gen: Generator, opened: date, closed: date | None) -> str:
    code = gen.code("LS")
    return gen.node(
        LsoaGroup(code=code, name=f"Synthetic small areas {code}", illustrative=True, lsoas=gen.rng.randint(1, 40),
                  open_date=opened, close_date=closed)
    )  # fmt: skip


@plants("ccg_areas_cover_england")
def _plant_ccg_areas_cover_england(gen: Generator) -> str:
    return _group(gen, gen.AREAS_START, date.fromisoformat(CCG_RULES_END))  # in no CCG's area


@plants("icb_areas_cover_england")
def _plant_icb_areas_cover_england(gen: Generator) -> str:
    return _group(gen, gen.ICB_START, None)  # in no sub-ICB location's, so no board's
