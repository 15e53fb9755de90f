"""What the explorer asks of the graph: search, neighbourhoods that stay drawable, findings by org.

Plain functions over the NetworkX graph (the Neo4j backend is read back into one), so that the
Streamlit app stays a thin layer and everything here is testable without a browser.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import networkx as nx

from graphmodel.text import markdown, markdown_link
from queries.findings import Finding

AGGREGATE_KINDS = ("Practice",)  # many leaves of one kind around a node become one counted node
# Search shows commissioners and authorities before the many practices and people.
KIND_ORDER = (
    "CCG",
    "LocalAuthority",
    "HWB",
    "AreaTeam",
    "Region",
    "NHSCB",
    "CSU",
    "PCT",
    "PCTCluster",
    "SHA",
    "Collaboration",
    "Provider",
    "Healthwatch",
    "Practice",
    "Person",
)


def search(graph: nx.MultiDiGraph, text: str, *, limit: int = 50) -> list[tuple[str, str, str]]:
    """Organisations whose code or name contains `text` (case-insensitive), exact codes first.

    >>> g = nx.MultiDiGraph(); g.add_node("09W", name="NHS Medway", kind="CCG")
    >>> search(g, "medway")
    [('09W', 'NHS Medway', 'CCG')]
    """
    needle = text.strip().lower()
    if not needle:
        return []
    hits = []
    for code, attrs in graph.nodes(data=True):
        name = str(attrs.get("name", ""))
        if needle in code.lower() or needle in name.lower():
            kind = str(attrs.get("kind", ""))
            exact = 0 if code.lower() == needle else 1 if code.lower().startswith(needle) else 2
            order = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
            hits.append((exact, order, name.lower(), code, name, kind))
    hits.sort()
    return [(code, name, kind) for *_, code, name, kind in hits[:limit]]


@dataclass
class Neighbourhood:
    graph: nx.MultiDiGraph
    aggregated: dict[str, int] = field(default_factory=dict)  # counted node -> how many it stands for
    truncated: bool = False


def neighbourhood(
    graph: nx.MultiDiGraph,
    centre: str,
    *,
    hops: int = 1,
    rel_types: set[str] | None = None,
    max_nodes: int = 400,
    aggregate_over: int = 12,
) -> Neighbourhood:
    """The subgraph within `hops` of `centre`, following only `rel_types` (all if None).

    More than `aggregate_over` practices around one node become one counted node; past
    `max_nodes` the breadth-first walk stops and `truncated` says so.
    """
    view = graph
    if rel_types is not None:
        view = nx.subgraph_view(graph, filter_edge=lambda u, v, k: graph.edges[u, v, k]["rel"] in rel_types)
    undirected = view.to_undirected(as_view=True)
    seen, frontier, truncated = {centre}, [centre], False
    aggregated: dict[str, int] = {}
    hidden: set[str] = set()
    for _ in range(hops):
        following = []
        for node in frontier:
            leaves = defaultdict(list)
            for other in undirected.neighbors(node):
                if other in seen or other in hidden:
                    continue
                kind = graph.nodes[other].get("kind")
                leaves[kind if kind in AGGREGATE_KINDS else other].append(other)
            for key, members in leaves.items():
                if key in AGGREGATE_KINDS and len(members) > aggregate_over:
                    aggregated[f"{node}::{key}"] = len(members)
                    hidden.update(members)
                    continue
                for other in members:
                    if len(seen) >= max_nodes:
                        truncated = True
                        break
                    seen.add(other)
                    following.append(other)
        frontier = following
    sub = nx.MultiDiGraph(view.subgraph(seen))
    for counted, n in aggregated.items():
        anchor, kind = counted.split("::")
        sub.add_node(counted, kind=kind, name=f"{n} {kind.lower()}s", count=n)
        sub.add_edge(
            counted, anchor, "aggregate", rel="MEMBER_OF" if kind == "Practice" else "LINKED", count=n
        )
    return Neighbourhood(sub, aggregated, truncated)


def findings_by_org(findings: list[Finding]) -> dict[str, list[Finding]]:
    result: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        result[f.org].append(f)
    return dict(result)


def kind_counts(graph: nx.MultiDiGraph) -> Counter[str]:
    return Counter(str(a.get("kind", "")) for _, a in graph.nodes(data=True))


def graph_from_rows(rows: list[dict]) -> nx.MultiDiGraph:
    """The nodes and relationships in Cypher results (as `read_only_query` returns them)."""
    graph = nx.MultiDiGraph()

    def visit(value) -> None:
        if isinstance(value, dict) and "code" in value and "kind" in value:
            graph.add_node(value["code"], name=value.get("name"), kind=value.get("kind"))
        elif isinstance(value, dict) and {"type", "start", "end"} <= set(value):
            graph.add_edge(value["start"], value["end"], value["type"], rel=value["type"])
        elif isinstance(value, dict):
            for inner in value.values():
                visit(inner)
        elif isinstance(value, list):
            for inner in value:
                visit(inner)

    for row in rows:
        visit(list(row.values()))
    for code in graph.nodes:
        graph.nodes[code].setdefault("kind", "")
    return graph


_HIDDEN_COLUMNS = ("direction", "rel")  # the group's title already says both


def links_markdown(links: list[dict[str, Any]]) -> str:
    """A profile's relationship group as a Markdown table, each organisation linked to its page.

    Small groups are shown this way rather than as data grids: each grid is a canvas the browser
    paints on every search, and with nine of them a CCG's network at ×10 appeared 0.7-1.3 s
    after a search instead of 0.3 s.
    """
    columns = [k for k in dict.fromkeys(k for link in links for k in link) if k not in _HIDDEN_COLUMNS]

    def cell(link: dict[str, Any], column: str) -> str:
        text = "" if link.get(column) is None else markdown(link[column])
        if column == "name":
            return f"[{text}](?page=Explore&org={quote(str(link['code']))})"
        if column == "source_url" and link.get(column):
            return markdown_link("source", link[column])  # a published fact's page: the one link from data
        return text

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(link, c) for c in columns) + " |" for link in links]
    return "\n".join(lines)
