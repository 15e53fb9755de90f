"""Where a body's area went, and where it came from, across every change of structure: CCG
mergers, the CCGs' sub-ICB locations and the STPs' integrated care boards of 1 July 2022, the
boards each location belonged to, and the boards' mergers of 1 April 2026.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for code, kind in [("00C", "CCG"), ("16C", "CCG"), ("SICBL-16C", "SubICBLocation"), ("QHM", "ICB")]:
...     g.add_node(code, kind=kind, name=f"NHS {code}")
>>> _ = g.add_edge("00C", "16C", rel="SUCCEEDED_BY", valid_from="2020-04-01")
>>> _ = g.add_edge("16C", "SICBL-16C", rel="SUCCEEDED_BY", valid_from="2022-07-01", share=100.0)
>>> _ = g.add_edge("SICBL-16C", "QHM", rel="IN_ICB", valid_from="2022-07-01")
>>> [(s["on"], s["code"], s["how"]) for s in onward(g, "00C")]
[('2020-04-01', '16C', 'succeeded by'), ('2022-07-01', 'SICBL-16C', 'succeeded by'), ('2022-07-01', 'QHM', 'in board')]
>>> [s["code"] for s in earlier(g, "QHM")]
['SICBL-16C', '16C', '00C']
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphmodel.dated import holder_on, in_force
from graphmodel.model import NodeKind, RelType

__all__ = ["area_holder", "earlier", "onward"]

Attrs = dict[str, Any]
_HOW = {RelType.SUCCEEDED_BY: "succeeded by", RelType.IN_ICB: "in board"}


def _walk(graph: nx.MultiDiGraph, code: str, *, forward: bool) -> list[Attrs]:
    steps: list[Attrs] = []
    seen, frontier = {code}, [code]
    while frontier:
        here = frontier.pop(0)
        edges = graph.out_edges(here, data=True) if forward else graph.in_edges(here, data=True)
        for source, target, attrs in edges:
            other = target if forward else source
            if attrs["rel"] not in _HOW or other in seen:
                continue
            seen.add(other)
            frontier.append(other)
            node = graph.nodes[other]
            steps.append(
                {
                    "from" if forward else "to": here,
                    "code": other,
                    "name": node.get("name", ""),
                    "kind": node.get("kind", ""),
                    "how": _HOW[attrs["rel"]],  # read from the earlier body to the later one
                    "on": attrs.get("valid_from"),
                    "until": attrs.get("valid_to"),
                    "share": attrs.get("share"),
                }
            )
    order = {"succeeded by": 0, "in board": 1}  # on one day, a succession before the board it sits in
    return sorted(steps, key=lambda s: (s["on"] or "", order[s["how"]], s["code"]), reverse=not forward)


def onward(graph: nx.MultiDiGraph, code: str) -> list[Attrs]:
    """Every body that took over `code`'s area, or part of it, after it, in date order: each
    with the body it came from, how (`succeeded by`, with the share of the area where known;
    `in board` for a sub-ICB location's board), and the day."""
    return _walk(graph, code, forward=True)


def earlier(graph: nx.MultiDiGraph, code: str) -> list[Attrs]:
    """Every body whose area, or part of it, `code` took over, latest first."""
    return _walk(graph, code, forward=False)


def area_holder(graph: nx.MultiDiGraph, code: str, day: str) -> str:
    """The body holding most of a CCG's area on `day` (ISO): the CCG it had merged into by then
    or, after 30 June 2022, the integrated care board of the sub-ICB location that took most of
    it (the location itself when no board is recorded that day, as for a board split in 2026).

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("00C", kind="CCG", close_date="2022-06-30")
    >>> g.add_node("SICBL-00C", kind="SubICBLocation", open_date="2022-07-01")
    >>> _ = g.add_edge("00C", "SICBL-00C", rel="SUCCEEDED_BY", valid_from="2022-07-01", share=100.0)
    >>> _ = g.add_edge("SICBL-00C", "QHM", rel="IN_ICB", valid_from="2022-07-01")
    >>> area_holder(g, "00C", "2020-04-01"), area_holder(g, "00C", "2023-04-01")
    ('00C', 'QHM')
    """
    holder = holder_on(graph, code, day)
    if graph.nodes[holder].get("close_date", "9999") >= day:
        return holder
    locations = [
        (a.get("share") or 0.0, t)
        for _, t, a in graph.out_edges(holder, data=True)
        if a["rel"] == RelType.SUCCEEDED_BY and graph.nodes[t].get("kind") == NodeKind.SUB_ICB_LOCATION
        and a.get("valid_from", "") <= day
    ]  # fmt: skip
    if not locations:
        return holder
    location = max(locations)[1]
    boards = [t for _, t, a in graph.out_edges(location, data=True) if a["rel"] == RelType.IN_ICB and in_force(a, day)]
    return boards[0] if len(boards) == 1 else location
