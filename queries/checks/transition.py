"""From PCTs to CCGs."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from graphmodel.dated import open_on
from graphmodel.model import (
    PCT,
    NodeKind,
    RelType,
)
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    nodes_of,
    out_links,
)

SECTION = "Transition"  # of the rule book (RULES.md)


def in_transition(attrs: dict[str, Any], as_at: str) -> bool:
    """Whether a PCT is judged on `as_at`: on the days it existed, and on the day after its last,
    when its population passed to CCGs (the real PCTs' last day was 31 March 2013, the CCGs'
    first 1 April 2013). On later dates it no longer exists and is not judged.

    >>> in_transition({"close_date": "2013-03-31"}, "2013-04-01"), in_transition({"close_date": "2013-03-31"}, "2013-04-02")
    (True, False)
    """
    eve = (date.fromisoformat(as_at) - timedelta(days=1)).isoformat()
    return open_on(attrs, as_at) or attrs.get("close_date") == eve


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Every PCT's population passes to CCGs in full",
    rule="CCGs replace PCTs from April 2013: the whole of each PCT's population passes to CCGs (judged on "
    "the days a PCT existed and the day after its last).",
    source="S1 'They will replace Primary Care Trusts'; S4",
    severity=Severity.ERROR,
    fix="Record the CCG(s) succeeding the PCT, with the share each takes.",
    reviewed="2026-11-24",
    describe=lambda ev: (
        "no CCG succeeds this PCT"
        if ev["share_passed"] == 0
        else f"its successors take {ev['share_passed']:g}% of it, not 100%"
    ),
)
def pct_succession(graph: Graph, *, as_at: str) -> list[Pair]:
    """2012 PCTs whose population passed to no CCG, or whose successors' recorded shares do not
    add up to the whole of it (100%, within half a percentage point of rounding) (S1, S4).
    Successions recorded without shares are not added up.

    Evidence: `share_passed`, the % of the PCT its successors take (0 with no successor).

    >>> g = example_graph(
    ...     {"T1": "PCT", "T2": "PCT", "T3": "PCT", "C1": "CCG", "C2": "CCG"},
    ...     [("T1", "C1", "SUCCEEDED_BY", {"share": 100.0}), ("T3", "C1", "SUCCEEDED_BY", {"share": 60.0}),
    ...      ("T3", "C2", "SUCCEEDED_BY", {"share": 30.0})],
    ... )
    >>> pct_succession(g, as_at="2013-04-01")
    [('T2', {'share_passed': 0.0}), ('T3', {'share_passed': 90.0})]
    """
    found: list[Pair] = []
    for pct, attrs in nodes_of(graph, NodeKind.PCT):
        if not in_transition(attrs, as_at):
            continue
        links = [
            link
            for ccg, link in out_links(graph, pct, RelType.SUCCEEDED_BY)
            if graph.nodes[ccg].get("kind") == NodeKind.CCG
        ]
        shares = [link["share"] for link in links if link.get("share") is not None]
        total = sum(shares)
        if not links or (shares and abs(total - 100.0) > 0.5):
            found.append(
                (pct, {"share_passed": math.floor(total * 100 + 0.5) / 100 if links else 0.0})
            )  # as Cypher's round()
    return found


@plants("pct_succession")
def _plant_pct_succession(gen: Generator) -> str:
    pct = gen.node(PCT(code=gen.code("PT"), name="Synthetic PCT without successor", illustrative=True))
    cluster = next(t for (_, t, k) in gen.ds.relationships if k.startswith(RelType.IN_CLUSTER))
    gen.link(pct, cluster, RelType.IN_CLUSTER)
    return pct


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Every PCT is in a cluster",
    rule="The PCTs were organised into 51 clusters for the transition (judged on the days a PCT existed and "
    "the day after its last).",
    source="S1 'organised into 51 clusters'",
    severity=Severity.ERROR,
    fix="Record the PCT's cluster under pct_clusters.",
    reviewed="2026-11-23",
    describe=lambda ev: "in no PCT cluster",
    gaps="no cluster recorded for it",
)
def pct_in_cluster(graph: Graph, *, as_at: str) -> list[Pair]:
    """PCTs in no cluster (S1: the PCTs were organised into 51 clusters).

    Evidence: none (`{}`); `{'recorded': False}` (a data gap) when no cluster is recorded
    anywhere, or the PCT's own sources do not record clusters (`cluster_recorded: False`: the
    registers; published facts cover some PCTs only).

    >>> g = example_graph({"T1": "PCT", "T2": "PCT", "K1": "PCTCluster"}, [("T1", "K1", "IN_CLUSTER", {})])
    >>> pct_in_cluster(g, as_at="2013-04-01")
    [('T2', {})]
    """
    recorded = any(True for _ in nodes_of(graph, NodeKind.PCT_CLUSTER))
    return [
        (pct, {} if recorded and attrs.get("cluster_recorded") is not False else {"recorded": False})
        for pct, attrs in nodes_of(graph, NodeKind.PCT)
        if in_transition(attrs, as_at) and not any(out_links(graph, pct, RelType.IN_CLUSTER))
    ]


@plants("pct_in_cluster")
def _plant_pct_in_cluster(gen: Generator) -> str:
    pct = gen.node(PCT(code=gen.code("PT"), name="Synthetic PCT without cluster", illustrative=True))
    gen.link(pct, gen.rng.choice(gen.ccgs), RelType.SUCCEEDED_BY, share=100.0)
    return pct
