"""A crosswalk between two dates: for every body on the first date, the bodies on the second
that hold its area, with shares that add to 100 % per source body.

The unit is the GP practice (`practices`): each practice open with one commissioner on both
dates is counted in its body on each date, at the level asked for (CCG, sub-ICB location, ICB,
STP); this is how an analyst re-bases a practice-level series (prescribing, list sizes) from one
era's bodies to another's. Practices that closed between the dates, or opened after the first,
are counted apart (`unplaced`), never spread over the others. Or the unit is the small area
(`lsoas`, or `population`: its residents in the mid-year estimate nearest the first date), each
placed by the LSOA lookup in force on each date, for re-basing a series of residents.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("00C", kind="CCG", name="NHS Darlington", close_date="2020-03-31")
>>> g.add_node("SICBL-16C", kind="SubICBLocation", name="NHS NENC ICB - 16C", open_date="2022-07-01")
>>> g.add_node("QHM", kind="ICB", name="NHS NENC ICB", open_date="2022-07-01")
>>> g.add_node("A1", kind="Practice", name="A")
>>> _ = g.add_edge("A1", "00C", rel="MEMBER_OF", valid_to="2020-03-31")
>>> _ = g.add_edge("A1", "SICBL-16C", rel="COMMISSIONED_BY", valid_from="2022-07-01")
>>> _ = g.add_edge("SICBL-16C", "QHM", rel="IN_ICB", valid_from="2022-07-01")
>>> [(r["from"], r["to"], r["share"]) for r in crosswalk(g, "2013-04-01", "2022-07-01", "ccg", "icb")["rows"]]
[('00C', 'QHM', 100.0)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graphmodel.dated import commissioners_on, holder_on, in_force, name_on
from graphmodel.errors import CcgraphError
from graphmodel.model import NodeKind, RelType, sub_icb_code
from graphmodel.national import ICBS_ESTABLISHED

__all__ = ["LEVELS", "SUB_ICB_YEAR", "WEIGHTS", "crosswalk", "lookup_in_force"]

SUB_ICB_YEAR = 2022  # in `Dataset.areas`, the July 2022 lookup: LSOA -> sub-ICB location
LEVELS = ("ccg", "sicbl", "icb", "stp")
WEIGHTS = ("practices", "lsoas", "population")
BY_AREA = ("lsoas", "population")
_UP = {"icb": RelType.IN_ICB, "stp": RelType.IN_STP}  # from a practice's commissioner


def _body(graph: nx.MultiDiGraph, commissioner: str, level: str, day: str) -> str | None:
    """The body at `level` holding a commissioner's area on `day`."""
    kind = graph.nodes[commissioner].get("kind")
    if level == "ccg":
        return commissioner if kind == NodeKind.CCG else None
    if level == "sicbl":
        return commissioner if kind == NodeKind.SUB_ICB_LOCATION else None
    above = [
        t
        for _, t, a in graph.out_edges(commissioner, data=True)
        if a["rel"] == _UP[level] and in_force(a, day)
    ]
    return above[0] if len(above) == 1 else None


def lookup_in_force(years: Iterable[int], year: int) -> int:
    """The yearly lookup in force in the year starting 1 April `year`: the latest of `years` not
    after it, or the first for earlier years (the 2015 lookup for 2013-15).

    >>> lookup_in_force([2015, 2016, 2020], 2013), lookup_in_force([2015, 2016, 2020], 2018)
    (2015, 2016)
    """
    years = list(years)
    return max((y for y in years if y <= year), default=min(years))


def _in_lookup(graph: nx.MultiDiGraph, areas: dict[int, dict[str, str]], day: str) -> dict[str, str]:
    """Each LSOA's commissioner (graph code) on `day` by the lookup in force: from 1 July 2022 the
    sub-ICB locations'; before, the latest CCG lookup of a year starting by then (the first one
    for earlier days), its CCG carried to what it had merged into by `day`."""
    if day >= ICBS_ESTABLISHED.isoformat() and SUB_ICB_YEAR in areas:
        return {lsoa: sub_icb_code(code) for lsoa, code in areas[SUB_ICB_YEAR].items()}
    years = [y for y in areas if y != SUB_ICB_YEAR]
    if not years:
        raise CcgraphError("no CCG lookup of LSOAs was read: a crosswalk by LSOA or population needs one")
    start = int(day[:4]) if day[5:] >= "04-01" else int(day[:4]) - 1  # the year starting 1 April
    year = lookup_in_force(years, start)
    holders = {code: holder_on(graph, code, day) for code in set(areas[year].values()) if code in graph}
    return {lsoa: holders[code] for lsoa, code in areas[year].items() if code in holders}


def crosswalk(
    graph: nx.MultiDiGraph,
    first: str,
    second: str,
    source: str = "ccg",
    target: str = "ccg",
    weight: str = "practices",
    *,
    areas: dict[int, dict[str, str]] | None = None,
    people: dict[int, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """For each `source`-level body on `first`, the `target`-level bodies on `second` holding its
    practices (or its LSOAs, or their residents: `areas` and `people` as `Dataset` holds them),
    with amounts and shares (ISO dates; levels from `LEVELS`)."""
    for level in (source, target):
        if level not in LEVELS:
            raise CcgraphError(f"unknown level {level!r}; use {', '.join(LEVELS)}")
    if weight not in WEIGHTS:
        raise CcgraphError(f"unknown weight {weight!r}; use {', '.join(WEIGHTS)}")
    if weight in BY_AREA:
        if not areas or (weight == "population" and not people):
            raise CcgraphError(
                f"a crosswalk by {weight} needs the ONS LSOA lookups and estimates (the england-2021-2026 folder "
                "with the others); a scenario, a graph file or a server's graph holds no small areas"
            )
        before, after = _in_lookup(graph, areas, first), _in_lookup(graph, areas, second)
        if weight == "population":
            assert people is not None
            # the estimate nearest the first date
            nearest = min(people, key=lambda y: (abs(int(first[:4]) - y), y))
            units = {lsoa: float(people[nearest].get(lsoa, 0)) for lsoa in before}
        else:
            units = dict.fromkeys(before, 1.0)
    else:
        before, after = commissioners_on(graph, first), commissioners_on(graph, second)
        units = dict.fromkeys(before, 1.0)
    pairs: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unplaced: dict[str, float] = defaultdict(float)
    for unit, commissioner in before.items():
        origin = _body(graph, commissioner, source, first)
        if origin is None:
            continue
        later = after.get(unit)
        destination = _body(graph, later, target, second) if later is not None else None
        if destination is None:
            unplaced[origin] += units[unit]
        else:
            pairs[origin][destination] += units[unit]
    if not pairs and not unplaced:
        raise CcgraphError(
            f"nothing to weigh by {weight} is in a {source} on {first}: CCGs and STPs "
            "last to 30 June 2022, sub-ICB locations and ICBs start on 1 July 2022"
        )
    nodes = graph.nodes
    rows = []
    for origin, destinations in sorted(pairs.items()):
        total = sum(destinations.values())
        for destination, n in sorted(destinations.items(), key=lambda d: (-d[1], d[0])):
            rows.append(
                {
                    "from": origin,
                    "from_name": name_on(nodes[origin], first),
                    "to": destination,
                    "to_name": name_on(nodes[destination], second),
                    weight: round(n),
                    "share": round(100.0 * n / total, 2) if total else 0.0,
                }
            )
    return {
        "first": first,
        "second": second,
        "from": source,
        "to": target,
        "weight": weight,
        "rows": rows,
        # practices closed (or areas with no body) by the second date
        "unplaced": {origin: round(n) for origin, n in sorted(unplaced.items())},
    }
