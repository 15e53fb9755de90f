"""Reading the graph back from Neo4j, only when it is whole: the load marker is present and
complete and its counts are what the database holds (`require_complete_graph`), and only one
graph per read (`pinned_graph`).

A check runs some twenty queries and a fetch two; a load that commits between two of them would
give findings half from the old graph and half from the new. `pinned_graph` runs every query of
one read in one transaction that first write-locks the load marker. A load commits only after it
has set that marker in its own transaction (`graphmodel.neo4j_load`), so it waits until the read
has finished, and a read that starts while a load is committing waits for the commit and then
sees the new graph whole. The read's transaction changes nothing and is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx
from neo4j import Driver, RoutingControl

from graphmodel.neo4j_connect import ENTITY, Neo4jUnavailable, database_of


@dataclass
class PinnedGraph:
    """One complete graph, read in one transaction (see the module docstring)."""

    tx: Any  # a neo4j Transaction
    coverage: list[str] | None

    def rows(self, query: str, params: dict[str, Any] | None = None) -> list[Any]:
        return list(self.tx.run(query, params or {}))


_PIN = "MATCH (m:CcgraphLoad {singleton: true}) SET m._pinned = true REMOVE m._pinned"


@contextmanager
def pinned_graph(driver: Driver) -> Iterator[PinnedGraph]:
    """Every read inside sees the graph of one load, whole; refused as `require_complete_graph`
    refuses. Waits for a load that is committing."""
    database = database_of(driver)
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        tx.run(_PIN).consume()
        found = tx.run(_MARKER_AND_COUNTS).single(strict=True)
        coverage = _refuse_unless_complete(found, database)
        try:
            yield PinnedGraph(tx, coverage)
        finally:
            tx.rollback()


def require_complete_graph(driver: Driver) -> list[str] | None:
    """Refuse a graph that would give wrong findings: none loaded (an empty database included),
    one a bulk load left part-written, or one changed since its load (counts disagree with the
    load marker). The message says what to load. Returns the dates the graph covers, if known.

    Pinned like every other read: counted outside the pin, a load committing between the marker
    and the counts would be taken for a graph changed since its load."""
    with pinned_graph(driver) as pinned:
        return pinned.coverage


def _refuse_unless_complete(found: Any, database: str) -> list[str] | None:
    load = "Load a graph first: `ccgraph --backend neo4j load --data DIR` (or `--scenario FILE`)."
    if found["complete"] is None:
        held = f"holds {found['nodes']:,} nodes but no ccgraph load marker" if found["nodes"] else "is empty"
        raise Neo4jUnavailable(f"the Neo4j database {database!r} {held}. {load}")
    if found["complete"] is False:
        raise Neo4jUnavailable(
            f"the graph in Neo4j is incomplete: bulk load {found['pending']} did not finish. "
            "Load again (`ccgraph --backend neo4j load ...`) before using it."
        )
    if (found["nodes"], found["rels"]) != (found["marked_nodes"], found["marked_rels"]):
        raise Neo4jUnavailable(
            f"the graph in Neo4j has {found['nodes']:,} nodes and {found['rels']:,} relationships, but load "
            f"{found['run']} wrote {found['marked_nodes']:,} and {found['marked_rels']:,}: it was changed "
            f"since. {load}"
        )
    return found["coverage"]


_MARKER_AND_COUNTS = (
    "OPTIONAL MATCH (m:CcgraphLoad {singleton: true}) "
    "WITH m.complete AS complete, m.pending_run AS pending, m.run_id AS run, "
    "m.nodes AS marked_nodes, m.relationships AS marked_rels, m.coverage AS coverage "
    f"CALL {{ MATCH (n:{ENTITY}) RETURN count(n) AS nodes }} "
    "CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
    "RETURN complete, pending, run, marked_nodes, marked_rels, coverage, nodes, rels"
)


def counts(driver: Driver) -> dict[str, int]:
    """Nodes per kind and relationships per type, comparable with `Dataset.counts()`."""
    db = database_of(driver)
    nodes, _, _ = driver.execute_query(
        f"MATCH (n:{ENTITY}) RETURN n.kind AS k, count(*) AS c",
        routing_=RoutingControl.READ,
        database_=db,
        bookmark_manager_=None,
    )
    rels, _, _ = driver.execute_query(
        f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) RETURN type(r) AS k, count(*) AS c",
        routing_=RoutingControl.READ,
        database_=db,
        bookmark_manager_=None,
    )
    return dict(sorted({r["k"]: r["c"] for r in [*nodes, *rels]}.items()))


def fetch_graph(driver: Driver) -> nx.MultiDiGraph:
    """Read the whole stored graph back as the same MultiDiGraph the embedded backend builds
    (one load's graph, pinned; refusing, as `require_complete_graph` does, a graph that is
    missing or part-written)."""
    graph = nx.MultiDiGraph()
    with pinned_graph(driver) as pinned:
        if pinned.coverage:
            graph.graph["coverage"] = list(pinned.coverage)
        for r in pinned.rows(f"MATCH (n:{ENTITY}) RETURN n.code AS code, properties(n) AS p"):
            graph.add_node(r["code"], **_stored(r["p"]))
        for r in pinned.rows(
            f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) RETURN a.code AS a, b.code AS b, properties(r) AS p"
        ):
            props = _stored(r["p"])
            graph.add_edge(r["a"], r["b"], props.pop("key"), **props)
    return graph


def _stored(properties: dict[str, Any]) -> dict[str, Any]:
    """A stored entity's own properties, without the loader's bookkeeping."""
    return {k: v for k, v in properties.items() if k not in ("load_run", "load_epoch")}
