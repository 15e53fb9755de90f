"""The graph on a date, and how it changed between dates: plain functions over the NetworkX graph.

Dates are ISO strings, as stored in both backends. A body is open on a day when
`open_date <= day <= close_date`, a link in force when `valid_from <= day <= valid_to` (either
end may be missing). CCG mergers are `SUCCEEDED_BY` links from CCG to CCG dated with the merger
day; no CCG was ever split, so a CCG's successors form a chain and its predecessors a tree.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("A", kind="CCG", name="NHS A", open_date="2013-04-01", close_date="2020-03-31")
>>> g.add_node("B", kind="CCG", name="NHS B", open_date="2013-04-01", close_date="2020-03-31")
>>> g.add_node("AB", kind="CCG", name="NHS AB", open_date="2020-04-01", close_date="2022-06-30")
>>> _ = g.add_edge("A", "AB", rel="SUCCEEDED_BY", valid_from="2020-04-01")
>>> _ = g.add_edge("B", "AB", rel="SUCCEEDED_BY", valid_from="2020-04-01")
>>> [c for c, _ in ccgs_open(g, "2021-04-01")]
['AB']
>>> holder_on(g, "A", "2019-04-01"), holder_on(g, "A", "2021-04-01")
('A', 'AB')
>>> [m["from"] for m in lineage(g, "AB")["merged_from"]]
['A', 'B']
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

import networkx as nx

from graphmodel.model import NodeKind, RelType

__all__ = [
    "ccgs_open",
    "commissioners_on",
    "graph_at",
    "holder_on",
    "in_force",
    "lineage",
    "memberships_on",
    "name_on",
    "open_on",
    "population_on",
    "practice_history",
    "structure_diff",
    "structure_on",
]

Attrs = dict[str, Any]


def in_force(attrs: Attrs, day: str) -> bool:
    """Whether a link is in force on `day` (ISO date)."""
    return attrs.get("valid_from", "0000") <= day <= attrs.get("valid_to", "9999")


def open_on(attrs: Attrs, day: str) -> bool:
    """Whether a body is open on `day` (ISO date)."""
    return attrs.get("open_date", "0000") <= day <= attrs.get("close_date", "9999")


def name_on(attrs: Attrs, day: str) -> str:
    """The name a body bore on `day`: from its dated `names` where it has them, else `name`.

    >>> attrs = {"name": "NHS Morecambe Bay CCG", "names": ["NHS Lancashire North", "NHS Morecambe Bay CCG"],
    ...          "names_from": ["2013-04-01", "2017-04-01"]}
    >>> name_on(attrs, "2016-04-01"), name_on(attrs, "2020-04-01"), name_on({"name": "NHS Leeds"}, "2020-04-01")
    ('NHS Lancashire North', 'NHS Morecambe Bay CCG', 'NHS Leeds')
    """
    names, since = attrs.get("names"), attrs.get("names_from")
    if not names or not since:
        return str(attrs.get("name", ""))
    return str(next((n for n, start in reversed(list(zip(names, since))) if start <= day), names[0]))


def population_on(attrs: Attrs, day: str) -> tuple[int, int] | None:
    """A body's population on `day` and the mid-year estimate it is from, if recorded.

    >>> attrs = {"populations": [63073, 64000], "populations_from": ["2013-04-01", "2014-04-01"],
    ...          "populations_to": ["2014-03-31", "2016-03-31"], "population_years": [2012, 2015]}
    >>> population_on(attrs, "2013-06-01"), population_on(attrs, "2015-01-01"), population_on(attrs, "2017-01-01")
    ((63073, 2012), (64000, 2015), None)
    """
    spans = zip(
        attrs.get("populations") or (),
        attrs.get("populations_from") or (),
        attrs.get("populations_to") or (),
        attrs.get("population_years") or (),
    )
    return next(((int(n), int(y)) for n, start, end, y in spans if start <= day <= end), None)


def _iso(day: date | str) -> str:
    return day.isoformat() if isinstance(day, date) else day


def graph_at(graph: nx.MultiDiGraph, day: date | str) -> nx.MultiDiGraph:
    """A read-only view of the bodies open and the links in force on `day`."""
    day = _iso(day)
    nodes, edges = graph.nodes, graph.edges
    return nx.subgraph_view(
        graph,
        filter_node=lambda n: open_on(nodes[n], day),
        filter_edge=lambda u, v, k: in_force(edges[u, v, k], day),
    )


def ccgs_open(graph: nx.MultiDiGraph, day: date | str) -> list[tuple[str, Attrs]]:
    """The CCGs open on `day`, by code."""
    day = _iso(day)
    return sorted(
        (n, a) for n, a in graph.nodes(data=True) if a.get("kind") == NodeKind.CCG and open_on(a, day)
    )


def _mergers(graph: nx.MultiDiGraph, node: str, *, forward: bool) -> Iterator[tuple[str, str]]:
    """(other CCG, merger day) for the CCG-to-CCG successions out of (or into) `node`."""
    edges = graph.out_edges(node, data=True) if forward else graph.in_edges(node, data=True)
    for source, target, attrs in edges:
        other = target if forward else source
        if attrs["rel"] == RelType.SUCCEEDED_BY and graph.nodes[other].get("kind") == NodeKind.CCG:
            yield other, attrs.get("valid_from", "")


def holder_on(graph: nx.MultiDiGraph, ccg: str, day: date | str) -> str:
    """The CCG that held `ccg`'s area on `day`: itself, or what it had merged into by then."""
    day = _iso(day)
    while True:
        nxt = [(other, when) for other, when in _mergers(graph, ccg, forward=True) if when <= day]
        if not nxt:
            return ccg
        ccg = nxt[0][0]


def _about(graph: nx.MultiDiGraph, code: str) -> Attrs:
    a = graph.nodes[code]
    return {
        "code": code,
        "name": a.get("name", ""),
        "open_date": a.get("open_date"),
        "close_date": a.get("close_date"),
    }


def lineage(graph: nx.MultiDiGraph, ccg: str) -> Attrs:
    """A CCG's mergers both ways: what merged into it (back to 2013, as a tree), what it merged
    into (forward to 2022, a chain), and the PCTs its area came from in 2013, with shares."""

    def back(code: str) -> list[Attrs]:
        return [
            {"from": other, **_about(graph, other), "merged_on": when, "merged_from": back(other)}
            for other, when in sorted(_mergers(graph, code, forward=False))
        ]

    forward, code = [], ccg
    while nxt := sorted(_mergers(graph, code, forward=True)):
        code, when = nxt[0]
        forward.append({**_about(graph, code), "merged_on": when})
    pcts = sorted(
        (
            {"code": s, "name": graph.nodes[s].get("name", ""), "share": a.get("share")}
            for s, _, a in graph.in_edges(ccg, data=True)
            if a["rel"] == RelType.SUCCEEDED_BY and graph.nodes[s].get("kind") == NodeKind.PCT
        ),
        key=lambda p: (-(p["share"] or 0), p["code"]),
    )
    return {**_about(graph, ccg), "merged_from": back(ccg), "merged_into": forward, "from_pcts": pcts}


def practice_history(graph: nx.MultiDiGraph, practice: str) -> list[Attrs]:
    """A practice's CCG memberships in date order; `derived` marks those ccgraph inferred."""
    rows = [
        {
            "ccg": ccg,
            "name": graph.nodes[ccg].get("name", ""),
            "from": a.get("valid_from"),
            "to": a.get("valid_to"),
            "derived": bool(a.get("derived")),
        }
        for _, ccg, a in graph.out_edges(practice, data=True)
        if a["rel"] == RelType.MEMBER_OF
    ]
    return sorted(rows, key=lambda r: r["from"] or "")


def memberships_on(graph: nx.MultiDiGraph, day: date | str) -> dict[str, str]:
    """Each practice open on `day` with the CCG it was a member of (practices in none or in
    several are left out: the checks report those)."""
    return _single(graph, _iso(day), (RelType.MEMBER_OF,))


def commissioners_on(graph: nx.MultiDiGraph, day: date | str) -> dict[str, str]:
    """Each practice open on `day` with its one commissioner: the CCG it was a member of until
    30 June 2022, its sub-ICB location (as ODS records it) from 1 July 2022."""
    return _single(graph, _iso(day), (RelType.MEMBER_OF, RelType.COMMISSIONED_BY))


def _single(graph: nx.MultiDiGraph, day: str, rels: tuple[RelType, ...]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    nodes = graph.nodes
    for practice, body, a in graph.edges(data=True):
        if a["rel"] in rels and in_force(a, day) and open_on(nodes[practice], day):
            found.setdefault(practice, []).append(body)
    return {p: bodies[0] for p, bodies in found.items() if len(bodies) == 1}


def _links_on(graph: nx.MultiDiGraph, rel: RelType, day: str) -> dict[tuple[str, str], Attrs]:
    return {(u, v): a for u, v, a in graph.edges(data=True) if a["rel"] == rel and in_force(a, day)}


class _State(NamedTuple):
    """The structure on one day, read once: open CCGs, memberships, overlaps in force, counts."""

    ccgs: dict[str, Attrs]
    members: dict[str, str]
    overlaps: set[tuple[str, str]]
    counts: dict[str, int]


def _open_count(graph: nx.MultiDiGraph, kind: NodeKind, day: str) -> int:
    return sum(1 for _, a in graph.nodes(data=True) if a.get("kind") == kind and open_on(a, day))


def _state(graph: nx.MultiDiGraph, day: str) -> _State:
    nodes = graph.nodes
    ccgs, members = dict(ccgs_open(graph, day)), commissioners_on(graph, day)
    overlaps = set(_links_on(graph, RelType.OVERLAPS, day))
    counts = {
        "ccgs": len(ccgs),
        "practices": len(members),  # with one commissioner: a CCG, or from 1 July 2022 a sub-ICB location
        "sub_icb_locations": _open_count(graph, NodeKind.SUB_ICB_LOCATION, day),
        "icbs": _open_count(graph, NodeKind.ICB, day),
        "stps": len({stp for _, stp in _links_on(graph, RelType.IN_STP, day)}),
        "local_authorities": _open_count(graph, NodeKind.LOCAL_AUTHORITY, day),
        "area_teams": _open_count(graph, NodeKind.AREA_TEAM, day),
        "regions": _open_count(graph, NodeKind.REGION, day),
        "overlaps": sum(1 for ccg, _ in overlaps if open_on(nodes[ccg], day)),
    }
    return _State(ccgs, members, overlaps, counts)


def structure_on(graph: nx.MultiDiGraph, day: date | str) -> dict[str, int]:
    """How many CCGs, practices (with one commissioner), STPs, upper-tier authorities, area
    teams, regions, CCG-authority overlaps, sub-ICB locations and ICBs there were on `day`."""
    return _state(graph, _iso(day)).counts


def structure_diff(graph: nx.MultiDiGraph, before: date | str, after: date | str) -> Attrs:
    """What changed in the structure from `before` to `after` (either order of dates works;
    `before` is the earlier state): CCGs opened, closed and merged, practices that moved
    commissioner (each with `why`: "merger" when its commissioner merged into the new one,
    "boundary change" when the area passed to several bodies and the practice went with its part,
    as on 1 July 2022, "own move" otherwise), overlaps that appeared or went away, sub-ICB locations and boards opened and
    closed, the other successions (CCG to location, STP to board, board to board), and the
    counts on each day."""
    before, after = _iso(before), _iso(after)
    low, high = min(before, after), max(before, after)
    then, later = _state(graph, before), _state(graph, after)
    was, now = then.ccgs, later.ccgs
    nodes = graph.nodes
    mergers = [
        {
            "from": u,
            "from_name": nodes[u].get("name", ""),
            "into": v,
            "into_name": nodes[v].get("name", ""),
            "on": a["valid_from"],
        }
        for u, v, a in graph.edges(data=True)
        if a["rel"] == RelType.SUCCEEDED_BY
        and nodes[u].get("kind") == NodeKind.CCG
        and low < a.get("valid_from", "") <= high
    ]
    members_before, members_after = then.members, later.members

    def area(code: str) -> str:  # a sub-ICB location is its CCG's area under the same ODS code
        return str(nodes[code].get("ods_code", code))

    def why(was: str, body: str) -> str:
        """Whether the practice moved with its commissioner or on its own (the docstring above)."""
        holder = holder_on(graph, was, max(before, after))
        if area(holder) == area(body):
            return "merger"
        successors = {t for _, t, a in graph.out_edges(holder, data=True) if a["rel"] == RelType.SUCCEEDED_BY}
        return "boundary change" if body in successors else "own move"

    moved = [
        {
            "practice": p,
            "name": nodes[p].get("name", ""),
            "from": members_before[p],
            "to": body,
            "why": why(members_before[p], body) if before <= after else why(body, members_before[p]),
        }
        for p, body in sorted(members_after.items())
        if p in members_before and area(members_before[p]) != area(body)
    ]
    overlaps_before, overlaps_after = then.overlaps, later.overlaps
    successions = [  # of every kind but CCG mergers and the PCTs' of 2013: locations, boards
        {
            "from": u,
            "from_name": nodes[u].get("name", ""),
            "into": v,
            "into_name": nodes[v].get("name", ""),
            "on": a["valid_from"],
            "share": a.get("share"),
        }
        for u, v, a in graph.edges(data=True)
        if a["rel"] == RelType.SUCCEEDED_BY
        and nodes[u].get("kind") not in (NodeKind.PCT, *((NodeKind.CCG,) if nodes[v].get("kind") == NodeKind.CCG else ()))
        and low < a.get("valid_from", "") <= high
    ]
    return {
        "before": before,
        "after": after,
        "counts": {"before": then.counts, "after": later.counts},
        "ccgs_opened": [_about(graph, c) for c in sorted(set(now) - set(was))],
        "ccgs_closed": [_about(graph, c) for c in sorted(set(was) - set(now))],
        "mergers": sorted(mergers, key=lambda m: (m["on"], m["into"], m["from"])),
        "practices_moved": moved,
        "practices_joined": sorted(set(members_after) - set(members_before)),
        "practices_left": sorted(set(members_before) - set(members_after)),
        "overlaps_appeared": [
            {"ccg": c, "authority": la} for c, la in sorted(overlaps_after - overlaps_before)
        ],
        "overlaps_gone": [{"ccg": c, "authority": la} for c, la in sorted(overlaps_before - overlaps_after)],
        **_opened_and_closed(graph, NodeKind.SUB_ICB_LOCATION, "sub_icb_locations", before, after),
        **_opened_and_closed(graph, NodeKind.ICB, "icbs", before, after),
        "successions": sorted(successions, key=lambda m: (m["on"], m["into"], m["from"])),
    }


def _opened_and_closed(graph: nx.MultiDiGraph, kind: NodeKind, key: str, before: str, after: str) -> Attrs:
    """The bodies of `kind` open on one date and not the other."""
    was = {n for n, a in graph.nodes(data=True) if a.get("kind") == kind and open_on(a, before)}
    now = {n for n, a in graph.nodes(data=True) if a.get("kind") == kind and open_on(a, after)}
    return {
        f"{key}_opened": [_about(graph, c) for c in sorted(now - was)],
        f"{key}_closed": [_about(graph, c) for c in sorted(was - now)],
    }
