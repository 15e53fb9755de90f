"""Reports meant to be shared, with the people in a user's registers replaced by their roles.

A register may name real people (`loaders.registers`); their names belong in that user's own
outputs only. `redact_people` replaces each one (and the code ccgraph gave them) wherever a
finding says it by what they were: "[registered_nurse of 09W]".
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphmodel.model import NodeKind, RelType

if TYPE_CHECKING:
    from ccgraph.core import Report

__all__ = ["people_labels", "redact_people"]


def people_labels(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each real person's name and code -> their roles, as a shared report says them.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("REG1-2", kind="Person", name="Dr Jane Roe")
    >>> _ = g.add_edge("REG1-2", "09W", rel="HOLDS_ROLE", qualifier="chair")
    >>> people_labels(g)["Dr Jane Roe"]
    '[chair of 09W]'
    """
    labels: dict[str, str] = {}
    for code, attrs in graph.nodes(data=True):
        if attrs.get("kind") != NodeKind.PERSON or attrs.get("illustrative"):
            continue
        roles = sorted(
            {
                f"{link.get('qualifier') or 'member'} of {body}"
                for _, body, link in graph.out_edges(code, data=True)
                if link["rel"] in (RelType.HOLDS_ROLE, RelType.SEAT_ON, RelType.ON_BOARD)
            }
        )
        label = "[" + ("; ".join(roles) or "a person") + "]"
        labels[code] = label
        if attrs.get("name"):
            labels[str(attrs["name"])] = label
            labels[f"{attrs['name']} ({code})"] = label  # as a finding's message names a person
    return labels


def redact_people(report: Report, graph: nx.MultiDiGraph) -> Report:
    """`report` with every real person's name and code replaced by their roles."""
    labels = people_labels(graph)
    if not labels:
        return report
    ordered = sorted(labels, key=len, reverse=True)  # "Jane Roe" after "Dr Jane Roe"

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for said in ordered:
                value = value.replace(said, labels[said])
            return value
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(clean(v) for v in value)
        return value

    def finding(f: Any) -> Any:
        return f.model_copy(
            update={
                "org": clean(f.org),
                "org_name": clean(f.org_name),
                "message": clean(f.message),
                "evidence": clean(f.evidence),
            }
        )

    return dataclasses.replace(
        report,
        findings=[finding(f) for f in report.findings],
        waived=[finding(f) for f in report.waived],
        meta={**report.meta, "people": "redacted: each named by their roles"},
    )
