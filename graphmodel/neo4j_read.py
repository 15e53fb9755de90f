"""Reading the graph back from Neo4j, only when it is whole: the load marker is present and
complete and its counts are what the database holds (`require_complete_graph`)."""

from __future__ import annotations

from typing import Any

import networkx as nx
from neo4j import Driver, RoutingControl

from graphmodel.neo4j_connect import ENTITY, Neo4jUnavailable, database_of


def require_complete_graph(driver: Driver) -> list[str] | None:
    """Refuse a graph that would give wrong findings: none loaded (an empty database included),
    one a bulk load left part-written, or one changed since its load (counts disagree with the
    load marker). The message says what to load. Returns the dates the graph covers, if known."""
    records, _, _ = driver.execute_query(
        _MARKER_AND_COUNTS, routing_=RoutingControl.READ, database_=database_of(driver)
    )
    found = records[0]
    load = "Load a graph first: `ccgraph --backend neo4j load --data DIR` (or `--scenario FILE`)."
    if found["complete"] is None:
        held = f"holds {found['nodes']:,} nodes but no ccgraph load marker" if found["nodes"] else "is empty"
        raise Neo4jUnavailable(f"the Neo4j database {database_of(driver)!r} {held}. {load}")
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
        f"MATCH (n:{ENTITY}) RETURN n.kind AS k, count(*) AS c", routing_=RoutingControl.READ, database_=db
    )
    rels, _, _ = driver.execute_query(
        f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) RETURN type(r) AS k, count(*) AS c",
        routing_=RoutingControl.READ,
        database_=db,
    )
    return dict(sorted({r["k"]: r["c"] for r in [*nodes, *rels]}.items()))


def fetch_graph(driver: Driver) -> nx.MultiDiGraph:
    """Read the whole stored graph back as the same MultiDiGraph the embedded backend builds
    (refusing, as `require_complete_graph` does, a graph that is missing or part-written)."""
    coverage = require_complete_graph(driver)
    db = database_of(driver)
    graph = nx.MultiDiGraph()
    if coverage:
        graph.graph["coverage"] = list(coverage)
    nodes, _, _ = driver.execute_query(
        f"MATCH (n:{ENTITY}) RETURN n.code AS code, properties(n) AS p",
        routing_=RoutingControl.READ,
        database_=db,
    )
    for r in nodes:
        graph.add_node(r["code"], **_stored(r["p"]))
    rels, _, _ = driver.execute_query(
        f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) RETURN a.code AS a, b.code AS b, properties(r) AS p",
        routing_=RoutingControl.READ,
        database_=db,
    )
    for r in rels:
        props = _stored(r["p"])
        graph.add_edge(r["a"], r["b"], props.pop("key"), **props)
    return graph


def _stored(properties: dict[str, Any]) -> dict[str, Any]:
    """A stored entity's own properties, without the loader's bookkeeping."""
    return {k: v for k, v in properties.items() if k != "load_run"}
