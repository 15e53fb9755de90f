"""Run the registered checks on either backend and return findings in one canonical form."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, Protocol

import networkx as nx

from graphmodel.dataset import gc_paused
from queries.findings import Finding, to_findings
from queries.networkx_checks import Pair
from queries.registry import BY_ID, CHECKS, Check, CheckSettings

Pairs = list[Pair]


class Backend(Protocol):
    def pairs(self, check: Check, params: dict[str, Any]) -> Pairs: ...
    def labels(self, codes: Iterable[str], properties: Iterable[str]) -> dict[str, dict[str, Any]]: ...


class NetworkXBackend:
    """Checks as Python functions over the in-process graph."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph

    def pairs(self, check: Check, params: dict[str, Any]) -> Pairs:
        wanted = inspect.signature(check.networkx).parameters
        with gc_paused():  # a check builds many small containers over a large live graph
            return check.networkx(self.graph, **{k: v for k, v in params.items() if k in wanted})

    def labels(self, codes: Iterable[str], properties: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = ("name", *properties)
        return {
            c: {p: self.graph.nodes[c].get(p) for p in wanted} for c in codes if c in self.graph
        }


def select(only: Iterable[str] | None = None) -> list[Check]:
    """The checks to run; unknown ids are a usage error naming the valid ones."""
    if not only:
        return list(CHECKS)
    unknown = [c for c in only if c not in BY_ID]
    if unknown:
        raise KeyError(f"unknown check id(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
    return [BY_ID[c] for c in only]


def run_checks(
    backend: Backend, settings: CheckSettings | None = None, only: Iterable[str] | None = None
) -> list[Finding]:
    params = (settings or CheckSettings()).query_parameters()
    results: list[tuple[Check, Pairs]] = [(check, backend.pairs(check, params)) for check in select(only)]
    labels = backend.labels(
        {org for _, pairs in results for org, _ in pairs},
        sorted({prop for check, _ in results for prop in check.cites}),
    )
    return [f for check, pairs in results for f in to_findings(check, pairs, labels)]


class Neo4jBackend:
    """Checks as parameterised Cypher, run in READ transactions against a real Neo4j."""

    def __init__(self, driver: Any):
        from graphmodel.neo4j_connect import database_of
        from graphmodel.neo4j_read import require_complete_graph

        require_complete_graph(driver)
        self.driver = driver
        self.database = database_of(driver)

    def pairs(self, check: Check, params: dict[str, Any]) -> Pairs:
        from neo4j import RoutingControl

        records, _, _ = self.driver.execute_query(
            check.cypher, params, routing_=RoutingControl.READ, database_=self.database
        )
        return [(r["org"], dict(r["evidence"])) for r in records]

    def labels(self, codes: Iterable[str], properties: Iterable[str]) -> dict[str, dict[str, Any]]:
        from neo4j import RoutingControl

        records, _, _ = self.driver.execute_query(
            "MATCH (n:Entity) WHERE n.code IN $codes "
            "RETURN n.code AS code, [p IN $properties | n[p]] AS values",
            {"codes": list(codes), "properties": ["name", *properties]},
            routing_=RoutingControl.READ,
            database_=self.database,
        )
        wanted = ["name", *properties]
        return {r["code"]: dict(zip(wanted, r["values"])) for r in records}
