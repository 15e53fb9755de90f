"""The embedded default: the whole model as an in-process NetworkX `MultiDiGraph`.

Nodes are keyed by code and carry their properties (`kind`, `name`, ...); edges are keyed by
`"REL|qualifier"` and carry `rel`, `qualifier`, dates and shares. No server is needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from graphmodel.dataset import Dataset, gc_paused
from graphmodel.errors import CcgraphError

EXPORT_FORMATS = ("graphml", "gexf", "json")


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """Build a fresh graph from a validated dataset (the caller swaps it in only when done)."""
    graph = nx.MultiDiGraph()
    if dataset.coverage:
        graph.graph["coverage"] = [day.isoformat() for day in dataset.coverage]
    with gc_paused():
        graph.add_nodes_from((code, node.properties()) for code, node in dataset.nodes.items())
        graph.add_edges_from(
            (rel.source, rel.target, rel.key, rel.properties()) for rel in dataset.relationships.values()
        )
    return graph


def _flat(attrs: dict[str, Any]) -> dict[str, Any]:
    """GraphML and GEXF take scalars only: lists become ';'-joined strings."""
    return {k: (";".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for k, v in attrs.items()}


def export_format(path: Path, fmt: str | None = None) -> str:
    """The format to write `path` in: `fmt` if given, else the file's extension.

    >>> export_format(Path("g.GEXF")), export_format(Path("g.xml"), "graphml")
    ('gexf', 'graphml')
    >>> export_format(Path("g.xml"))
    Traceback (most recent call last):
    ...
    graphmodel.errors.CcgraphError: cannot tell the format from 'g.xml': name it .graphml, .gexf or .json, or give --format
    """
    chosen = fmt or path.suffix.lstrip(".").lower()
    if chosen not in EXPORT_FORMATS:
        raise CcgraphError(
            f"cannot tell the format from {path.name!r}: name it {', '.join('.' + f for f in EXPORT_FORMATS[:-1])} "
            f"or .{EXPORT_FORMATS[-1]}, or give --format"
        )
    return chosen


def export_graph(graph: nx.MultiDiGraph, path: Path, fmt: str) -> None:
    """Write the graph as GraphML, GEXF (Gephi) or node-link JSON."""
    if fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        data["graph"] = {k: v for k, v in data["graph"].items() if not k.startswith("_")}  # caches
        path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
        return
    flat = nx.MultiDiGraph()
    flat.add_nodes_from((n, _flat(a)) for n, a in graph.nodes(data=True))
    flat.add_edges_from((u, v, k, _flat(a)) for u, v, k, a in graph.edges(keys=True, data=True))
    if fmt == "graphml":
        nx.write_graphml(flat, path)
    elif fmt == "gexf":
        nx.write_gexf(flat, path)
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
