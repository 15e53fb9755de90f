"""What every check reads the graph with: nodes by kind, the links in force on a date, and
small hand-made graphs for the checks' docstring examples.

Dates are ISO strings; a relationship is in force on `as_at` when
`valid_from <= as_at <= valid_to` (either end may be open).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeAlias

import networkx as nx

from graphmodel.dated import in_force
from graphmodel.model import NodeKind, RelType

__all__ = ["Graph", "example_graph", "in_links", "join_or_none", "links_of", "nodes_of", "out_links", "traced"]

Graph: TypeAlias = nx.MultiDiGraph

# What a check reads, recorded while `traced` runs it: the node kinds it scans and the link types
# it follows. `queries.over_time` evaluates a check only on the days those records change.
_READS: ContextVar[set[tuple[str, str]] | None] = ContextVar("_READS", default=None)


def traced(run: Callable[[], Any]) -> tuple[Any, set[tuple[str, str]]]:
    """`run()`'s result, and what it read through these helpers: ("kind", NodeKind) and
    ("rel", RelType) pairs."""
    reads: set[tuple[str, str]] = set()
    token = _READS.set(reads)
    try:
        return run(), reads
    finally:
        _READS.reset(token)


def _read(what: str, name: str) -> None:
    if (reads := _READS.get()) is not None:
        reads.add((what, name))


def join_or_none(items: list[Any]) -> str:
    return ", ".join(map(str, items)) if items else "none"


def example_graph(
    nodes: dict[str, str | tuple[str, dict[str, Any]]], links: list[tuple[str, str, str, dict[str, Any]]]
) -> Graph:
    """A small graph for the examples in the checks' docstrings: nodes by code, each a kind or
    (kind, attributes); links as (source, target, relationship type, attributes)."""
    graph = nx.MultiDiGraph()
    for code, spec in nodes.items():
        kind, attrs = (spec, {}) if isinstance(spec, str) else spec
        graph.add_node(code, kind=kind, **attrs)
    for source, target, rel, attrs in links:
        graph.add_edge(source, target, rel=rel, **{"qualifier": "", **attrs})
    return graph


def nodes_of(graph: Graph, kind: NodeKind) -> Iterator[tuple[str, dict[str, Any]]]:
    """Nodes of one kind. The index by kind is kept in `graph.graph` and rebuilt whenever the
    node count changes, so the checks scan the nodes once between them rather than once each."""
    _read("kind", kind)
    cached = graph.graph.get("_nodes_by_kind")
    if cached is None or cached[0] != graph.number_of_nodes():
        index: dict[str, list[str]] = defaultdict(list)
        for node, attrs in graph.nodes(data=True):
            index[attrs.get("kind", "")].append(node)
        cached = graph.graph["_nodes_by_kind"] = (graph.number_of_nodes(), index)
    nodes = graph.nodes
    return ((n, nodes[n]) for n in cached[1].get(kind, ()))


def links_of(graph: Graph, rel: RelType) -> list[tuple[str, str, dict[str, Any]]]:
    """Every link of one type, (source, target, attributes), indexed like `nodes_of` (rebuilt
    whenever the link count changes)."""
    _read("rel", rel)
    cached = graph.graph.get("_links_by_rel")
    if cached is None or cached[0] != graph.number_of_edges():
        index: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
        for source, target, attrs in graph.edges(data=True):
            index[attrs["rel"]].append((source, target, attrs))
        cached = graph.graph["_links_by_rel"] = (graph.number_of_edges(), index)
    return cached[1].get(rel, [])


def out_links(
    graph: Graph, node: str, rel: RelType, as_at: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    _read("rel", rel)
    for _, target, attrs in graph.out_edges(node, data=True):
        if attrs["rel"] == rel and (as_at is None or in_force(attrs, as_at)):
            yield target, attrs


def in_links(
    graph: Graph, node: str, rel: RelType, as_at: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    _read("rel", rel)
    for source, _, attrs in graph.in_edges(node, data=True):
        if attrs["rel"] == rel and (as_at is None or in_force(attrs, as_at)):
            yield source, attrs


