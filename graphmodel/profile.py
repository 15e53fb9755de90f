"""An organisation's profile: its properties and its relationships grouped by kind, both ways."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from graphmodel.dated import in_force, population_on
from graphmodel.model import RelType

# How each relationship reads from either end: (seen from the source, seen from the target).
GROUPS: dict[str, tuple[str, str]] = {
    RelType.MEMBER_OF: ("Member of", "Member practices"),
    RelType.IN_CLUSTER: ("PCT cluster", "PCTs in cluster"),
    RelType.IN_SHA: ("Strategic health authority", "PCTs"),
    RelType.SUCCEEDED_BY: ("Succeeded by", "Succeeds"),
    RelType.OVERLAPS: ("Overlaps local authorities", "Overlapping CCGs"),
    RelType.HAS_HWB: ("Health and Wellbeing Board", "Local authority"),
    RelType.SEAT_ON: ("Seats on HWBs", "HWB members"),
    RelType.HEALTHWATCH_FOR: ("Healthwatch for", "Local Healthwatch"),
    RelType.SUPPORTED_BY: ("Commissioning support", "Supports"),
    RelType.ACCOUNTABLE_TO: ("Oversight (accountable to)", "Oversees"),
    RelType.HOLDS_ROLE: ("Governing-body roles", "Governing body"),
    RelType.PARTY_TO: ("Collaborations", "Parties"),
    RelType.LED_BY: ("Lead", "Leads collaborations"),
    RelType.WITH_PROVIDER: ("Provider", "Collaborations with this provider"),
    RelType.COMMISSIONS: ("Commissions", "Commissioned by"),
    RelType.HAS_CONDITION: ("Authorisation conditions", "Condition of"),
    RelType.CONDITION_OWNER: ("Owned by", "Owns conditions"),
    RelType.INTENSIVE_SUPPORT_FROM: ("Intensive support from", "Gives intensive support to"),
    RelType.IN_STP: ("Sustainability and Transformation Partnership", "CCGs in the partnership"),
    RelType.IN_ICB: ("Integrated care board", "Sub-ICB locations and reporting entities"),
    RelType.COMMISSIONED_BY: ("Commissioner (sub-ICB location)", "Practices"),
    RelType.ON_BOARD: ("Integrated care board seats", "Board members"),
    RelType.IN_AREA_OF: ("In the area of", "Small areas (LSOA groups)"),
}


def profile(graph: nx.MultiDiGraph, code: str, *, as_at: str | None = None) -> dict[str, Any]:
    """Properties of `code` and its links (only those in force on `as_at`, when given, with its
    `population` that day where recorded), e.g. ``profile(g, "09W")["relationships"]["Member practices"]``."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for direction, edges in (
        ("->", graph.out_edges(code, data=True)),
        ("<-", graph.in_edges(code, data=True)),
    ):
        for source, target, attrs in edges:
            if as_at is not None and not in_force(attrs, as_at):
                continue
            other = target if direction == "->" else source
            label = GROUPS[attrs["rel"]][0 if direction == "->" else 1]
            node = graph.nodes[other]
            groups[label].append(
                {
                    "direction": direction,
                    "rel": attrs["rel"],
                    "code": other,
                    "name": node.get("name", ""),
                    "kind": node.get("kind", ""),
                    **{k: v for k, v in attrs.items() if k not in ("rel",) and v not in ("", None)},
                }
            )
    for links in groups.values():
        links.sort(key=lambda link: (-(link.get("share") or 0), link["code"]))
    node = dict(graph.nodes[code])
    if as_at is not None and (people := population_on(node, as_at)) is not None:
        node["population"] = f"{people[0]:,} (mid-{people[1]} LSOA estimates)"
    return {"node": node, "relationships": dict(sorted(groups.items()))}
