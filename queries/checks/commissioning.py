"""Which body commissions which services."""

from __future__ import annotations

from collections import defaultdict

from graphmodel.dated import open_on
from graphmodel.model import (
    CCG_SERVICES,
    NHS_CB_SERVICES,
    NodeKind,
    RelType,
    ServiceCategory,
)
from graphmodel.national import service_code
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    in_links,
    join_or_none,
    nodes_of,
)

SECTION = "Who commissions what"  # of the rule book (RULES.md)


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="No CCG commissions what the NHS CB commissions directly",
    rule="General practice, pharmacy, dentistry and specialised services are commissioned by the NHS CB.",
    source="S1 'The NHS Commissioning Board will also be responsible for directly commissioning'",
    severity=Severity.ERROR,
    fix="Move the commissioning to the NHS CB.",
    reviewed="2026-11-23",
    describe=lambda ev: f"commissions {ev['service']} (reserved to the NHS CB) for {ev['population']}",
)
def reserved_commissioning(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs commissioning what the NHS CB must commission directly (S1).

    Evidence: `service` (general practice, pharmacy, dentistry or specialised) and `population`.

    >>> g = example_graph({"C1": "CCG", "SVC-dentistry": "ServiceCategory"},
    ...                   [("C1", "SVC-dentistry", "COMMISSIONS", {"qualifier": "C1"})])
    >>> reserved_commissioning(g, as_at="2013-04-01")
    [('C1', {'service': 'dentistry', 'population': 'C1'})]
    """
    found: list[Pair] = []
    for service in NHS_CB_SERVICES:
        svc = service_code(service)
        if svc not in graph:
            continue
        for commissioner, link in in_links(graph, svc, RelType.COMMISSIONS, as_at):
            attrs = graph.nodes[commissioner]
            if attrs.get("kind") == NodeKind.CCG and open_on(attrs, as_at):  # judged while it exists
                found.append((commissioner, {"service": str(service), "population": link["qualifier"]}))
    return found


@plants("reserved_commissioning")
def _plant_reserved_commissioning(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    gen.link(ccg, service_code(ServiceCategory.DENTISTRY), RelType.COMMISSIONS, qualifier=ccg)
    return ccg


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Every CCG service category has a commissioner",
    rule="Hospital (elective, acute, emergency), community and mental-health services are commissioned "
    "for every CCG's population.",
    source="S1 'CCGs will be responsible for commissioning hospital services...'",
    severity=Severity.ERROR,
    fix="Record who commissions each missing service for the population.",
    reviewed="2026-11-23",
    describe=lambda ev: f"no commissioner for {join_or_none(ev['missing'])}",
    gaps="nothing recorded as commissioned for its population",
)
def uncommissioned_services(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCG populations with a CCG-responsible service category nobody commissions (S1).

    Evidence: `missing`, the CCG service categories with no commissioner; `{'recorded': False}`
    when nothing is recorded as commissioned for the population (a data gap).

    >>> g = example_graph({"C1": "CCG", "SVC-acute": "ServiceCategory"},
    ...                   [("C1", "SVC-acute", "COMMISSIONS", {"qualifier": "C1"})])
    >>> uncommissioned_services(g, as_at="2013-04-01")
    [('C1', {'missing': ['elective', 'emergency', 'community', 'mental_health']})]
    """
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


@plants("uncommissioned_services")
def _plant_uncommissioned_services(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    return gen.ccg(la, services=tuple(s for s in CCG_SERVICES if s != ServiceCategory.MENTAL_HEALTH))
