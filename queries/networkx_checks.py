"""Every compliance check as a plain function over the NetworkX graph.

Each function takes the graph and keyword parameters, and returns `(org, evidence)` pairs: the
code of the organisation the finding is about and a JSON-able dict of evidence. The Cypher
twin of each function lives in `queries/cypher/<check id>.cypher` and must return the same
pairs; `queries.registry` ties them together and turns pairs into findings.

Evidence with `"recorded": False` marks a data gap (nothing recorded to check), which the
registry reports as `info` rather than as a breach.

Dates are ISO strings; a relationship is in force on `as_at` when
`valid_from <= as_at <= valid_to` (either end may be open).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TypeAlias

import networkx as nx

from graphmodel.model import (
    CCG_SERVICES,
    LAY_EXCLUDED_EMPLOYERS,
    LAY_ROLES,
    NHS_CB_SERVICES,
    AuthorisationOutcome,
    HwbSeat,
    NodeKind,
    PartyRole,
    RelType,
)
from graphmodel.national import service_code

Pair = tuple[str, dict[str, Any]]
Graph: TypeAlias = nx.MultiDiGraph


def in_force(attrs: dict[str, Any], as_at: str) -> bool:
    return attrs.get("valid_from", "0000") <= as_at <= attrs.get("valid_to", "9999")


def open_on(attrs: dict[str, Any], as_at: str) -> bool:
    return attrs.get("open_date", "0000") <= as_at <= attrs.get("close_date", "9999")


def nodes_of(graph: Graph, kind: NodeKind) -> Iterator[tuple[str, dict[str, Any]]]:
    """Nodes of one kind. The index by kind is kept in `graph.graph` and rebuilt whenever the
    node count changes, so seventeen checks scan the nodes once rather than seventeen times."""
    cached = graph.graph.get("_nodes_by_kind")
    if cached is None or cached[0] != graph.number_of_nodes():
        index: dict[str, list[str]] = defaultdict(list)
        for node, attrs in graph.nodes(data=True):
            index[attrs.get("kind", "")].append(node)
        cached = graph.graph["_nodes_by_kind"] = (graph.number_of_nodes(), index)
    nodes = graph.nodes
    return ((n, nodes[n]) for n in cached[1].get(kind, ()))


def out_links(
    graph: Graph, node: str, rel: RelType, as_at: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    for _, target, attrs in graph.out_edges(node, data=True):
        if attrs["rel"] == rel and (as_at is None or in_force(attrs, as_at)):
            yield target, attrs


def in_links(
    graph: Graph, node: str, rel: RelType, as_at: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    for source, _, attrs in graph.in_edges(node, data=True):
        if attrs["rel"] == rel and (as_at is None or in_force(attrs, as_at)):
            yield source, attrs


# --- membership -----------------------------------------------------------------------------


def practice_single_membership(graph: Graph, *, as_at: str) -> list[Pair]:
    """Practices open on `as_at` that are members of no CCG, or of more than one (S1, S4)."""
    ccgs_of: dict[str, set[str]] = defaultdict(set)
    for practice, ccg, attrs in graph.edges(data=True):  # one pass over the edges beats a lookup per practice
        if attrs["rel"] == RelType.MEMBER_OF and in_force(attrs, as_at):
            ccgs_of[practice].add(ccg)
    return [
        (practice, {"ccgs": sorted(ccgs_of.get(practice, ()))})
        for practice, attrs in nodes_of(graph, NodeKind.PRACTICE)
        if open_on(attrs, as_at) and len(ccgs_of.get(practice, ())) != 1
    ]


def ccg_without_practices(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` with no member practice: a CCG is its member practices (S4)."""
    return [
        (ccg, {})
        for ccg, attrs in nodes_of(graph, NodeKind.CCG)
        if open_on(attrs, as_at) and not any(in_links(graph, ccg, RelType.MEMBER_OF, as_at))
    ]


# --- geography --------------------------------------------------------------------------------


def boundary_crossing_ccgs(
    graph: Graph, *, as_at: str, tolerance_pct: float, exceptions: list[str]
) -> list[Pair]:
    """CCGs overlapping more than one upper-tier authority by at least `tolerance_pct` % each (S1)."""
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if ccg in exceptions or not open_on(attrs, as_at):
            continue
        overlaps = [
            {"authority": la, "name": graph.nodes[la].get("name"), "share": link.get("share", 0.0)}
            for la, link in out_links(graph, ccg, RelType.OVERLAPS, as_at)
            if link.get("share", 0.0) >= tolerance_pct
        ]
        if len(overlaps) > 1:
            found.append((ccg, {"authorities": overlaps}))
    return found


# --- governing body ------------------------------------------------------------------------------


def governing_body_roles(
    graph: Graph, *, as_at: str, required: list[list[str]], min_members: int
) -> list[Pair]:
    """CCGs whose governing body lacks a required role or has too few members (reg 11)."""
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        holders = [
            (person, link["qualifier"]) for person, link in in_links(graph, ccg, RelType.HOLDS_ROLE, as_at)
        ]
        if not holders:
            found.append((ccg, {"recorded": False}))
            continue
        roles = {role for _, role in holders}
        members = len({person for person, _ in holders})
        missing = [" or ".join(group) for group in required if not roles.intersection(group)]
        if missing or members < min_members:
            found.append((ccg, {"missing": missing, "members": members, "min_members": min_members}))
    return found


def governing_body_incompatible_roles(graph: Graph, *, as_at: str) -> list[Pair]:
    """People holding roles they cannot hold together or are not qualified for (regs 11-12, Sch 4)."""
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        by_person: dict[str, set[str]] = defaultdict(set)
        for person, link in in_links(graph, ccg, RelType.HOLDS_ROLE, as_at):
            by_person[person].add(link["qualifier"])
        for person, roles in by_person.items():
            p = graph.nodes[person]
            problems = []
            if {"chair", "lay_member_finance_audit"} <= roles:
                problems.append("chair is also the finance/audit lay member")
            if "secondary_care_specialist" in roles and (
                p.get("gp_register") or not p.get("specialist_register")
            ):
                problems.append(
                    "secondary-care specialist must be on the Specialist Register and not the GP register"
                )
            if "registered_nurse" in roles and not p.get("nmc_register"):
                problems.append("registered nurse is not on the NMC register")
            if "chief_finance_officer" in roles and not p.get("accountancy_qualified"):
                problems.append("chief finance officer is not qualified in accountancy")
            if roles & set(LAY_ROLES) and p.get("employer") in LAY_EXCLUDED_EMPLOYERS:
                problems.append(f"lay member employed by an excluded body ({p.get('employer')})")
            if problems:
                found.append((ccg, {"person": person, "problems": problems}))
    return found


# --- collaborative commissioning --------------------------------------------------------------------


def collaboration_lead(graph: Graph, *, as_at: str) -> list[Pair]:
    """Collaborative arrangements with no lead CCG or more than one (S2)."""
    found: list[Pair] = []
    for arrangement, _ in nodes_of(graph, NodeKind.COLLABORATION):
        leads = sorted({ccg for ccg, _ in out_links(graph, arrangement, RelType.LED_BY, as_at)})
        if len(leads) != 1:
            found.append((arrangement, {"leads": leads}))
    return found


def _under_directions(graph: Graph, ccg: str) -> bool:
    return graph.nodes[ccg].get("authorisation_outcome") == AuthorisationOutcome.WITH_DIRECTIONS


def collaboration_lead_eligibility(graph: Graph, *, as_at: str) -> list[Pair]:
    """Leads that are not members, are under legal directions, or are junior partners (S2)."""
    found: list[Pair] = []
    for arrangement, _ in nodes_of(graph, NodeKind.COLLABORATION):
        for lead, _ in out_links(graph, arrangement, RelType.LED_BY, as_at):
            parties = {
                ccg: link["qualifier"] for ccg, link in in_links(graph, arrangement, RelType.PARTY_TO, as_at)
            }
            junior_in = sorted(
                target
                for target, link in out_links(graph, lead, RelType.PARTY_TO, as_at)
                if link["qualifier"] == PartyRole.JUNIOR_PARTNER
            )
            problems = []
            if lead not in parties:
                problems.append("not a party to the arrangement")
            if _under_directions(graph, lead):
                problems.append("under legal directions")
            if junior_in:
                problems.append("junior partner in " + ", ".join(junior_in))
            if problems:
                found.append((arrangement, {"lead": lead, "problems": problems}))
    return found


def undeclared_neighbour_commissioning(graph: Graph, *, as_at: str) -> list[Pair]:
    """Services a neighbour commissions for a CCG without a declared authorisation condition (S2)."""
    found: list[Pair] = []
    for service in CCG_SERVICES:
        svc = service_code(service)
        if svc not in graph:
            continue
        for commissioner, link in in_links(graph, svc, RelType.COMMISSIONS, as_at):
            population = link["qualifier"]
            if population == commissioner or graph.nodes.get(population, {}).get("kind") != NodeKind.CCG:
                continue
            declared = any(
                graph.nodes[cond].get("neighbour_commissions") == service
                for cond, _ in out_links(graph, population, RelType.HAS_CONDITION)
            )
            if not declared:
                found.append((population, {"service": str(service), "commissioner": commissioner}))
    return found


# --- Health and Wellbeing Boards ---------------------------------------------------------------------


def _hwb_of(graph: Graph, authority: str) -> str | None:
    return next((hwb for hwb, _ in out_links(graph, authority, RelType.HAS_HWB)), None)


def hwb_ccg_seats(graph: Graph, *, as_at: str, tolerance_pct: float) -> list[Pair]:
    """CCGs missing from the HWB of an authority they overlap by at least `tolerance_pct` % (S1).

    Boards with no recorded seats at all are skipped here; `hwb_statutory_members` reports them.
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        for la, link in out_links(graph, ccg, RelType.OVERLAPS, as_at):
            hwb = _hwb_of(graph, la)
            if hwb is None or link.get("share", 0.0) < tolerance_pct:
                continue
            seats = [(holder, s) for holder, s in in_links(graph, hwb, RelType.SEAT_ON, as_at)]
            if seats and not any(holder == ccg for holder, _ in seats):
                found.append((ccg, {"hwb": hwb, "authority": la, "share": link.get("share", 0.0)}))
    return found


def hwb_statutory_members(graph: Graph, *, as_at: str) -> list[Pair]:
    """HWBs without each statutory seat: CCG, DPH, DCS, DASS, councillor, Healthwatch (S1)."""
    found: list[Pair] = []
    for hwb, _ in nodes_of(graph, NodeKind.HWB):
        seats = {link["qualifier"] for _, link in in_links(graph, hwb, RelType.SEAT_ON, as_at)}
        if not seats:
            found.append((hwb, {"recorded": False}))
            continue
        missing = [s.value for s in HwbSeat if s.value not in seats]
        if missing:
            found.append((hwb, {"missing": missing}))
    return found


# --- authorisation ---------------------------------------------------------------------------------


def authorisation_by_april_2013(graph: Graph, *, as_at: str, deadline: str) -> list[Pair]:
    """CCGs not authorised by `deadline` (1 April 2013: S2, S4)."""
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at) or attrs.get("open_date", "0000") > deadline:
            continue
        outcome, when = attrs.get("authorisation_outcome"), attrs.get("authorisation_date")
        if outcome is None and attrs.get("authorisation_wave") is None:
            found.append((ccg, {"recorded": False}))
        elif outcome == AuthorisationOutcome.NOT_AUTHORISED or (when is not None and when > deadline):
            found.append((ccg, {"outcome": outcome, "date": when}))
    return found


def authorisation_conditions(graph: Graph, *, as_at: str) -> list[Pair]:
    """Conditions without an owner or an expiry, and conditional outcomes with none recorded (S2)."""
    found: list[Pair] = []
    conditional = {AuthorisationOutcome.WITH_CONDITIONS, AuthorisationOutcome.WITH_DIRECTIONS}
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        conditions = [c for c, _ in out_links(graph, ccg, RelType.HAS_CONDITION)]
        if attrs.get("authorisation_outcome") in conditional and not conditions:
            found.append((ccg, {"condition": None, "missing": ["conditions"]}))
        for cond in conditions:
            missing = []
            if not any(out_links(graph, cond, RelType.CONDITION_OWNER)):
                missing.append("owner")
            if graph.nodes[cond].get("expires") is None:
                missing.append("expiry")
            if missing:
                found.append((ccg, {"condition": cond, "missing": missing}))
    return found


def directions_support(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs under legal directions with no named source of intensive support (S4)."""
    return [
        (ccg, {})
        for ccg, attrs in nodes_of(graph, NodeKind.CCG)
        if attrs.get("authorisation_outcome") == AuthorisationOutcome.WITH_DIRECTIONS
        and not any(out_links(graph, ccg, RelType.INTENSIVE_SUPPORT_FROM, as_at))
    ]


# --- who commissions what ------------------------------------------------------------------------


def reserved_commissioning(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs commissioning what the NHS CB must commission directly (S1)."""
    found: list[Pair] = []
    for service in NHS_CB_SERVICES:
        svc = service_code(service)
        if svc not in graph:
            continue
        for commissioner, link in in_links(graph, svc, RelType.COMMISSIONS, as_at):
            if graph.nodes[commissioner].get("kind") == NodeKind.CCG:
                found.append((commissioner, {"service": str(service), "population": link["qualifier"]}))
    return found


def uncommissioned_services(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCG populations with a CCG-responsible service category nobody commissions (S1)."""
    served: dict[str, set[str]] = defaultdict(set)
    for service in CCG_SERVICES:
        svc = service_code(service)
        if svc in graph:
            for _, link in in_links(graph, svc, RelType.COMMISSIONS, as_at):
                served[link["qualifier"]].add(str(service))
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        if ccg not in served:
            found.append((ccg, {"recorded": False}))
            continue
        missing = [str(s) for s in CCG_SERVICES if str(s) not in served[ccg]]
        if missing:
            found.append((ccg, {"missing": missing}))
    return found


# --- transition ---------------------------------------------------------------------------------------


def pct_succession(graph: Graph, *, as_at: str) -> list[Pair]:
    """2012 PCTs whose population passed to no CCG (S1, S4)."""
    return [
        (pct, {})
        for pct, _ in nodes_of(graph, NodeKind.PCT)
        if not any(out_links(graph, pct, RelType.SUCCEEDED_BY))
    ]


def pct_in_cluster(graph: Graph, *, as_at: str) -> list[Pair]:
    """PCTs in no cluster (S1: the PCTs were organised into 51 clusters)."""
    recorded = any(True for _ in nodes_of(graph, NodeKind.PCT_CLUSTER))
    return [
        (pct, {} if recorded else {"recorded": False})
        for pct, _ in nodes_of(graph, NodeKind.PCT)
        if not any(out_links(graph, pct, RelType.IN_CLUSTER))
    ]
