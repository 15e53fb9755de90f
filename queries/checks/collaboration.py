"""CCGs commissioning together: who leads, and who may."""

from __future__ import annotations

from graphmodel.dated import open_on
from graphmodel.model import (
    CCG_SERVICES,
    AuthorisationOutcome,
    NodeKind,
    PartyRole,
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
    out_links,
)
from queries.checks.authorisation import CONDITIONAL

SECTION = "Authorisation and oversight"  # of the rule book (RULES.md)


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Each collaborative arrangement has exactly one lead",
    rule="One CCG leads a collaborative arrangement with a provider for its neighbours.",
    source="S2 'the more mature one leads with that provider'",
    severity=Severity.ERROR,
    fix="Name exactly one lead CCG for the arrangement.",
    reviewed="2026-11-23",
    describe=lambda ev: f"has {len(ev['leads'])} leads ({join_or_none(ev['leads'])})",
)
def collaboration_lead(graph: Graph, *, as_at: str) -> list[Pair]:
    """Collaborative arrangements with no lead CCG or more than one (S2).

    Evidence: `leads`, the arrangement's lead CCGs on the date (none, or two or more).

    >>> g = example_graph({"K1": "Collaboration", "C1": "CCG", "C2": "CCG"},
    ...                   [("K1", "C1", "LED_BY", {}), ("K1", "C2", "LED_BY", {})])
    >>> collaboration_lead(g, as_at="2013-04-01")
    [('K1', {'leads': ['C1', 'C2']})]
    """
    found: list[Pair] = []
    for arrangement, _ in nodes_of(graph, NodeKind.COLLABORATION):
        leads = sorted({ccg for ccg, _ in out_links(graph, arrangement, RelType.LED_BY, as_at)})
        if len(leads) != 1:
            found.append((arrangement, {"leads": leads}))
    return found


@plants("collaboration_lead")
def _plant_collaboration_lead(gen: Generator) -> str:
    return gen.collaboration(None, [gen.rng.choice(gen.ccgs)])


def _under_directions(graph: Graph, ccg: str) -> bool:
    return graph.nodes[ccg].get("authorisation_outcome") == AuthorisationOutcome.WITH_DIRECTIONS


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="A lead is a member in good standing",
    rule="The lead is a party to the arrangement and neither under legal directions nor a junior partner.",
    source="S2 (junior-partner status; more mature CCG leads); S4 (legal directions)",
    severity=Severity.ERROR,
    fix="Choose a lead that is a full party and not under directions or a junior partner.",
    reviewed="2026-11-23",
    describe=lambda ev: f"lead {ev['lead']}: {'; '.join(ev['problems'])}",
)
def collaboration_lead_eligibility(graph: Graph, *, as_at: str) -> list[Pair]:
    """Leads that are not members, are under legal directions, or are junior partners (S2).

    Evidence: `lead` and `problems` (not a party; under legal directions; junior partner in
    ...).

    >>> g = example_graph({"K1": "Collaboration", "C1": "CCG"}, [("K1", "C1", "LED_BY", {})])
    >>> collaboration_lead_eligibility(g, as_at="2013-04-01")
    [('K1', {'lead': 'C1', 'problems': ['not a party to the arrangement']})]
    """
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


@plants("collaboration_lead_eligibility")
def _plant_collaboration_lead_eligibility(gen: Generator) -> str:
    a, b = gen.rng.sample(gen.ccgs, 2)
    return gen.collaboration(a, [b])


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Junior-partner status only under conditions of authorisation",
    rule="The NHS CB may give a CCG authorised with conditions junior-partner status in collaborative "
    "commissioning; a CCG authorised without conditions is nobody's junior partner.",
    source="S2 (under conditions the NHS CB may give a CCG 'junior partner' status in collaborative commissioning)",
    severity=Severity.ERROR,
    fix="Record the condition that made it a junior partner, or make it a member.",
    reviewed="2026-11-24",
    describe=lambda ev: (
        f"junior partner in {join_or_none(ev['collaborations'])} though authorised as {ev['outcome']}"
    ),
    gaps="a junior partner; no authorisation outcome recorded",
    cites=("authorisation_source",),
)
def junior_partner_status(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` that are junior partners in a collaboration without an authorisation
    with conditions or directions (S2); no outcome recorded is a data gap.

    Evidence: `collaborations` (where it is a junior partner) and `outcome`; or
    `{"recorded": False}`.

    >>> g = example_graph(
    ...     {"C1": ("CCG", {"authorisation_outcome": "authorised"}), "C2": "CCG",
    ...      "C3": ("CCG", {"authorisation_outcome": "authorised_with_conditions"}), "X": "Collaboration"},
    ...     [(c, "X", "PARTY_TO", {"qualifier": "junior_partner"}) for c in ("C1", "C2", "C3")],
    ... )
    >>> junior_partner_status(g, as_at="2013-04-01")
    [('C1', {'collaborations': ['X'], 'outcome': 'authorised'}), ('C2', {'recorded': False})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        junior_in = sorted(
            {
                x
                for x, link in out_links(graph, ccg, RelType.PARTY_TO, as_at)
                if link["qualifier"] == PartyRole.JUNIOR_PARTNER
            }
        )
        outcome = attrs.get("authorisation_outcome")
        if not junior_in or outcome in CONDITIONAL:
            continue
        found.append(
            (
                ccg,
                {"recorded": False} if outcome is None else {"collaborations": junior_in, "outcome": outcome},
            )
        )
    return found


@plants("junior_partner_status")
def _plant_junior_partner_status(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)  # authorised without conditions ...
    lead = gen.rng.choice(gen.ccgs)
    collaboration = gen.collaboration(lead, [lead])
    gen.link(
        ccg, collaboration, RelType.PARTY_TO, qualifier=PartyRole.JUNIOR_PARTNER.value
    )  # ... yet a junior partner
    return ccg


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Services commissioned by a neighbour are declared",
    rule="A neighbour commissioning services for a CCG is a condition of its authorisation and must be declared.",
    source="S2 'some services within a CCG with conditions are commissioned by a neighbouring CCG'",
    severity=Severity.ERROR,
    fix="Record an authorisation condition with neighbour_commissions for the service.",
    reviewed="2026-11-23",
    describe=lambda ev: f"{ev['service']} commissioned by {ev['commissioner']} without a declared condition",
)
def undeclared_neighbour_commissioning(graph: Graph, *, as_at: str) -> list[Pair]:
    """Services a neighbour commissions for a CCG without a declared authorisation condition (S2).

    Evidence: `service` and `commissioner`: who commissions it for the CCG's population.

    >>> g = example_graph({"C1": "CCG", "C2": "CCG", "SVC-community": "ServiceCategory"},
    ...                   [("C2", "SVC-community", "COMMISSIONS", {"qualifier": "C1"})])
    >>> undeclared_neighbour_commissioning(g, as_at="2013-04-01")
    [('C1', {'service': 'community', 'commissioner': 'C2'})]
    """
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


@plants("undeclared_neighbour_commissioning")
def _plant_undeclared_neighbour_commissioning(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    population, neighbour = gen.ccg(la), gen.rng.choice(gen.ccgs)
    gen.link(neighbour, service_code(ServiceCategory.COMMUNITY), RelType.COMMISSIONS, qualifier=population)
    return population
