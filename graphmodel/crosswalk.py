"""A crosswalk between two dates: for every body on the first date, the bodies on the second
that hold its area, with shares that add to 100 % per source body.

The unit is the GP practice: each practice open with one commissioner on both dates is counted
in its body on each date, at the level asked for (CCG, sub-ICB location, ICB, STP). This is how
an analyst re-bases a practice-level series (prescribing, list sizes) from one era's bodies to
another's. Practices that closed between the dates, or opened after the first, are counted
apart (`unplaced`), never spread over the others.

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

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from graphmodel.dated import commissioners_on, in_force, name_on
from graphmodel.errors import CcgraphError
from graphmodel.model import NodeKind, RelType

__all__ = ["LEVELS", "WEIGHTS", "crosswalk"]

LEVELS = ("ccg", "sicbl", "icb", "stp")
WEIGHTS = ("practices",)
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


def crosswalk(
    graph: nx.MultiDiGraph,
    first: str,
    second: str,
    source: str = "ccg",
    target: str = "ccg",
    weight: str = "practices",
) -> dict[str, Any]:
    """For each `source`-level body on `first`, the `target`-level bodies on `second` holding its
    practices, with counts and shares (ISO dates; levels from `LEVELS`)."""
    for level in (source, target):
        if level not in LEVELS:
            raise CcgraphError(f"unknown level {level!r}; use {', '.join(LEVELS)}")
    if weight not in WEIGHTS:
        raise CcgraphError(f"unknown weight {weight!r}; use {', '.join(WEIGHTS)}")
    before, after = commissioners_on(graph, first), commissioners_on(graph, second)
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    unplaced: Counter[str] = Counter()
    for practice, commissioner in before.items():
        origin = _body(graph, commissioner, source, first)
        if origin is None:
            continue
        later = after.get(practice)
        destination = _body(graph, later, target, second) if later is not None else None
        if destination is None:
            unplaced[origin] += 1
        else:
            pairs[origin][destination] += 1
    if not pairs and not unplaced:
        raise CcgraphError(
            f"no practice is in a {source} on {first}, or none in a {target} on {second}: CCGs and STPs "
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
                    "practices": n,
                    "share": round(100.0 * n / total, 2),
                }
            )
    return {
        "first": first,
        "second": second,
        "from": source,
        "to": target,
        "weight": weight,
        "rows": rows,
        "unplaced": dict(sorted(unplaced.items())),  # practices closed, or with no body, on the second date
    }
