"""Counts on a date grouped by a level of the structure: for each region, area team, integrated
care board, STP or commissioner, how many commissioners, practices, registered patients and
residents it held that day.

The commissioners are the CCGs to 30 June 2022 and the sub-ICB locations from 1 July 2022 (as
`dated.commissioners_on` places each practice). A commissioner is placed in its group by the
links in force that day (a CCG answers to its area team, which answers to its region; from 2017
the yearly lookups place CCGs in regions directly; a sub-ICB location is in its board, which
answers to its region). Those no link places that day are one row of their own, "not placed", so
the rows always add up to England: a gap in the sources is shown, never spread.

>>> g = nx.MultiDiGraph()
>>> g.add_nodes_from([("C1", {"kind": "CCG"}), ("C2", {"kind": "CCG"})])
>>> g.add_node("R", kind="Region", name="North")
>>> g.add_nodes_from([("P1", {"kind": "Practice", "list_size": 5000}), ("P2", {"kind": "Practice"})])
>>> for practice, ccg in (("P1", "C1"), ("P2", "C2")):
...     _ = g.add_edge(practice, ccg, rel="MEMBER_OF")
>>> _ = g.add_edge("C1", "R", rel="ACCOUNTABLE_TO", valid_from="2013-04-01")
>>> found = summary_on(g, "2013-04-01", "region")
>>> [(r["code"], r["commissioners"], r["practices"], r["patients"]) for r in found["rows"]]
[('R', 1, 1, 5000), ('(not placed)', 1, 1, 0)]
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import networkx as nx

from graphmodel.dated import _iso, commissioners_on, in_force, name_on, open_on, population_on
from graphmodel.model import NodeKind, RelType
from graphmodel.national import ICBS_ESTABLISHED

__all__ = ["BY", "LIST_SIZES", "NOT_PLACED", "summary_on"]

BY = {  # the level, as the command line names it -> the kind of body grouping commissioners
    "region": NodeKind.REGION,
    "area-team": NodeKind.AREA_TEAM,
    "icb": NodeKind.ICB,
    "stp": NodeKind.STP,
    "ccg": None,  # each commissioner on its own: a CCG, or from 1 July 2022 a sub-ICB location
}
# Registered patients are the NHSBSA list sizes of April-June 2013 (`Practice.list_size`): counted
# only on the days of that quarter, never carried to other days.
LIST_SIZES = (date(2013, 4, 1), date(2013, 6, 30))
NOT_PLACED = "(not placed)"
_UP = (RelType.ACCOUNTABLE_TO, RelType.IN_ICB, RelType.IN_STP)


def summary_on(graph: nx.MultiDiGraph, day: date | str, by: str) -> dict[str, Any]:
    """The counts per body of level `by` (a key of `BY`) on `day`, with a total row."""
    if by not in BY:
        raise ValueError(f"unknown level {by!r}; use {', '.join(BY)}")
    day = _iso(day)
    members = commissioners_on(graph, day)
    bodies = _commissioners(graph, day)
    practices = Counter(members.values())
    with_patients = LIST_SIZES[0].isoformat() <= day <= LIST_SIZES[1].isoformat()
    patients: Counter[str] = Counter()
    for practice, body in members.items():
        patients[body] += graph.nodes[practice].get("list_size") or 0
    groups: dict[str, list[str]] = {}
    level = BY[by]
    for body in bodies:
        group = body if level is None else _above(graph, body, level, day)
        groups.setdefault(group or NOT_PLACED, []).append(body)
    rows = [
        _row(graph, day, code, held, practices, patients if with_patients else None)
        for code, held in sorted(groups.items(), key=lambda item: (item[0] == NOT_PLACED, item[0]))
    ]
    return {
        "by": by,
        "date": day,
        "commissioners": "sub-ICB locations" if day >= ICBS_ESTABLISHED.isoformat() else "CCGs",
        "rows": rows,
        "total": _row(graph, day, "England", bodies, practices, patients if with_patients else None),
        "patients_from": "NHSBSA list sizes, April-June 2013" if with_patients else None,
    }


def _commissioners(graph: nx.MultiDiGraph, day: str) -> list[str]:
    kind = NodeKind.SUB_ICB_LOCATION if day >= ICBS_ESTABLISHED.isoformat() else NodeKind.CCG
    return sorted(c for c, a in graph.nodes(data=True) if a.get("kind") == kind and open_on(a, day))


def _above(graph: nx.MultiDiGraph, body: str, kind: NodeKind, day: str) -> str | None:
    """The body of `kind` that `body` answers to, or is part of, on `day` (links in force)."""
    seen, frontier = {body}, [body]
    while frontier:
        reached = []
        for node in frontier:
            for _, up, link in graph.out_edges(node, data=True):
                if link["rel"] in _UP and in_force(link, day) and up not in seen:
                    if graph.nodes[up].get("kind") == kind:
                        return up
                    seen.add(up)
                    reached.append(up)
        frontier = reached
    return None


def _row(
    graph: nx.MultiDiGraph,
    day: str,
    code: str,
    bodies: list[str],
    practices: Counter[str],
    patients: Counter[str] | None,
) -> dict[str, Any]:
    people = [population_on(graph.nodes[b], day) for b in bodies]
    known = [p for p in people if p is not None]
    attrs = graph.nodes[code] if code in graph else {}
    return {
        "code": code,
        "name": name_on(attrs, day) if attrs else code,
        "commissioners": len(bodies),
        "practices": sum(practices[b] for b in bodies),
        "patients": sum(patients[b] for b in bodies) if patients is not None else None,
        # residents of the commissioners whose population is recorded (all, when `complete`)
        "population": sum(n for n, _ in known) if known else None,
        "population_complete": len(known) == len(bodies),
    }
