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

import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any, TypeAlias

import networkx as nx

from graphmodel.model import (
    Employer,
    GoverningRole,
    CCG_SERVICES,
    PCT,
    REQUIRED_ROLES_2012,
    Person,
    Practice,
    ServiceCategory,
    NHS_CB_SERVICES,
    AuthorisationOutcome,
    HwbSeat,
    NodeKind,
    PartyRole,
    RelType,
)
from graphmodel.dated import in_force, open_on
from graphmodel.national import service_code
from graphmodel.synthetic import Generator
from queries.check import Pair, Severity, check, plants

Graph: TypeAlias = nx.MultiDiGraph

# The regulations' own lists, used by the checks (and passed to their Cypher twins as parameters).
LAY_ROLES = (GoverningRole.LAY_AUDIT, GoverningRole.LAY_AREA)
LAY_EXCLUDED_EMPLOYERS = frozenset(  # SI 2012/1631 Schedule 4: who may not be a lay member
    {
        Employer.LOCAL_AUTHORITY,
        Employer.DEPARTMENT_OF_HEALTH,
        Employer.NHS_BODY,
        Employer.FOUNDATION_TRUST,
        Employer.PCT,
        Employer.CQC,
        Employer.MONITOR,
        Employer.COMMISSIONED_PROVIDER,
        Employer.GP_PRACTICE,  # para 9: it provides services the NHS CB commissions
        Employer.SOCIAL_SERVICES_CONTRACTOR,  # para 11
        Employer.DENTAL_SERVICES_PARTY,  # para 12
    }
)
# SI 2012/1631 reg 12(1): who may not be the registered nurse or the secondary-care specialist, as
# far as ccgraph has its text: the Lords' motion of 16 October 2012 states that it excludes them
# "if employed by a body which provides any relevant service to a person for whom the Clinical
# Commissioning Group has responsibilities". The rest of reg 12(1)'s list is not encoded.
REG12_EXCLUDED_EMPLOYERS = frozenset({Employer.COMMISSIONED_PROVIDER})


def _join(items: list[Any]) -> str:
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


@check(
    title="Every practice is a member of exactly one CCG",
    rule="Every GP practice is a member of a CCG, and of one only.",
    source="S1 'All GPs will need to be part of a CCG'; S4 'All 8,000-plus GP practices ... members of a CCG'",
    severity=Severity.ERROR,
    fix="Record the practice's CCG membership (ODS epcmem) or end the extra one.",
    reviewed="2026-11-23",
    describe=lambda ev: (
        f"member of {len(ev['ccgs'])} CCGs on the date ({_join(ev['ccgs'])})"
        + (f"; attached to closed {_join(ev['closed_ccgs'])}" if ev["closed_ccgs"] else "")
    ),
)
def practice_single_membership(graph: Graph, *, as_at: str) -> list[Pair]:
    """Practices open on `as_at` that are members of no open CCG, or of more than one (S1, S4).

    A membership of a CCG that is closed on the date does not count: a practice attached only
    to a closed CCG is in no CCG. Evidence: `ccgs`, the open CCGs the practice belongs to on the
    date (none, or two or more); `closed_ccgs`, closed CCGs it is still attached to.

    >>> g = example_graph(
    ...     {"P1": "Practice", "P2": "Practice", "P3": "Practice", "C1": "CCG", "C2": "CCG",
    ...      "C0": ("CCG", {"close_date": "2013-03-31"})},
    ...     [("P2", "C1", "MEMBER_OF", {}), ("P3", "C1", "MEMBER_OF", {}), ("P3", "C2", "MEMBER_OF", {}),
    ...      ("P1", "C0", "MEMBER_OF", {})],
    ... )
    >>> practice_single_membership(g, as_at="2013-04-01")
    [('P1', {'ccgs': [], 'closed_ccgs': ['C0']}), ('P3', {'ccgs': ['C1', 'C2'], 'closed_ccgs': []})]
    """
    ccgs_of: dict[str, set[str]] = defaultdict(set)
    closed_of: dict[str, set[str]] = defaultdict(set)
    nodes = graph.nodes
    for practice, ccg, attrs in graph.edges(data=True):  # one pass over the edges beats a lookup per practice
        if attrs["rel"] == RelType.MEMBER_OF and in_force(attrs, as_at):
            (ccgs_of if open_on(nodes[ccg], as_at) else closed_of)[practice].add(ccg)
    return [
        (
            practice,
            {"ccgs": sorted(ccgs_of.get(practice, ())), "closed_ccgs": sorted(closed_of.get(practice, ()))},
        )
        for practice, attrs in nodes_of(graph, NodeKind.PRACTICE)
        if open_on(attrs, as_at) and len(ccgs_of.get(practice, ())) != 1
    ]


@plants("practice_single_membership")
def _plant_practice_single_membership(gen: Generator) -> str:
    return gen.node(Practice(code=gen.code("PR"), name="Synthetic orphan practice", illustrative=True))


@check(
    title="No CCG without member practices",
    rule="A CCG is formed of its member GP practices.",
    source="S4 'led by their members: the GP practices'",
    severity=Severity.ERROR,
    fix="Check the CCG's memberships, or whether it had closed by the date.",
    reviewed="2026-11-23",
    describe=lambda ev: "has no member practices on the date",
)
def ccg_without_practices(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` with no open member practice: a CCG is its member practices (S4).

    Practices closed on the date do not count, so a CCG whose practices have all closed is
    reported. Evidence: none (`{}`): the CCG has no open member practice on the date.

    >>> g = example_graph(
    ...     {"C1": "CCG", "C2": "CCG", "P1": "Practice", "P2": ("Practice", {"close_date": "2012-12-31"})},
    ...     [("P1", "C1", "MEMBER_OF", {}), ("P2", "C2", "MEMBER_OF", {})],
    ... )
    >>> ccg_without_practices(g, as_at="2013-04-01")
    [('C2', {})]
    """
    nodes = graph.nodes
    return [
        (ccg, {})
        for ccg, attrs in nodes_of(graph, NodeKind.CCG)
        if open_on(attrs, as_at)
        and not any(open_on(nodes[p], as_at) for p, _ in in_links(graph, ccg, RelType.MEMBER_OF, as_at))
    ]


@plants("ccg_without_practices")
def _plant_ccg_without_practices(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    return gen.ccg(la, practices=False)


NAME_START, NAME_END = "NHS ", " Clinical Commissioning Group"


@check(
    title="A CCG's name is 'NHS … Clinical Commissioning Group'",
    rule="A CCG's name begins with 'NHS' and ends with 'Clinical Commissioning Group', a geographical "
    "reference between (that reference is not judged here); an abbreviated name does not meet it.",
    source="SI 2012/1631 regs 3-6 (as made)",
    severity=Severity.ERROR,
    fix="Record the CCG's name as its constitution gives it.",
    reviewed="2026-11-24",
    describe=lambda ev: f"named {ev['name']!r}: not 'NHS … Clinical Commissioning Group'",
    gaps="only a register's short name is recorded",
)
def ccg_name(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` whose name does not begin "NHS " and end " Clinical Commissioning
    Group" with something between (regs 3-6). A name the registers abbreviate ("NHS Darlington")
    is not the CCG's statutory name: a data gap, not a breach.

    Evidence: `name`; `{"recorded": False}` when only a register's short form is known.

    >>> g = example_graph(
    ...     {"C1": ("CCG", {"name": "NHS Medway Clinical Commissioning Group"}), "C2": ("CCG", {"name": "NHS Medway CCG"}),
    ...      "C3": ("CCG", {"name": "NHS Medway", "name_abbreviated": True})},
    ...     [],
    ... )
    >>> ccg_name(g, as_at="2013-04-01")
    [('C2', {'name': 'NHS Medway CCG'}), ('C3', {'recorded': False})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        name = str(attrs.get("name", ""))
        if attrs.get("name_abbreviated"):
            found.append((ccg, {"recorded": False}))
        elif not (
            name.startswith(NAME_START) and name.endswith(NAME_END) and len(name) > len(NAME_START + NAME_END)
        ):
            found.append((ccg, {"name": name}))
    return found


@plants("ccg_name")
def _plant_ccg_name(gen: Generator) -> str:
    ccg = gen.ccg(gen.rng.choice(gen.las))
    gen.ds.nodes[ccg] = gen.ds.nodes[ccg].model_copy(
        update={"name": f"NHS Synthetic {ccg} CCG"}
    )  # abbreviated
    return ccg


# --- geography --------------------------------------------------------------------------------


@check(
    title="CCG boundaries do not cross local-authority boundaries",
    rule="A CCG's boundary should not normally cross upper-tier local-authority boundaries.",
    source="S1 'Groups will have boundaries that will not normally cross those of local authorities'",
    severity=Severity.WARNING,
    fix="Approve it as an exception (boundary_exceptions) or review the configuration.",
    reviewed="2026-11-23",
    describe=lambda ev: (
        "crosses "
        + _join(
            [
                f"{a.get('name', '')} {a['authority']} ({a['share']:g}%)".strip()
                for a in sorted(ev["authorities"], key=lambda a: -a["share"])
            ]
        )
    ),
)
def boundary_crossing_ccgs(
    graph: Graph, *, as_at: str, tolerance_pct: float, exceptions: list[str]
) -> list[Pair]:
    """CCGs overlapping more than one upper-tier authority by at least `tolerance_pct` % each (S1).

    Evidence: `authorities`, each overlap at or above the tolerance: `authority`, `name`,
    `share` (%).

    >>> g = example_graph(
    ...     {"C1": "CCG", "LA1": "LocalAuthority", "LA2": "LocalAuthority"},
    ...     [("C1", "LA1", "OVERLAPS", {"share": 70.0}), ("C1", "LA2", "OVERLAPS", {"share": 30.0})],
    ... )
    >>> boundary_crossing_ccgs(g, as_at="2013-04-01", tolerance_pct=5.0, exceptions=[])[0][1]["authorities"][1]
    {'authority': 'LA2', 'name': None, 'share': 30.0}
    >>> boundary_crossing_ccgs(g, as_at="2013-04-01", tolerance_pct=5.0, exceptions=["C1"])
    []
    """
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


@plants("boundary_crossing_ccgs")
def _plant_boundary_crossing_ccgs(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    other = gen.rng.choice([x for x in gen.las if x != la])
    gen.link(ccg, la, RelType.OVERLAPS, share=70.0)
    gen.link(ccg, other, RelType.OVERLAPS, share=30.0)
    gen.link(ccg, f"HWB-{other}", RelType.SEAT_ON, qualifier="ccg")
    return ccg


# --- governing body ------------------------------------------------------------------------------


@check(
    title="The governing body has every required role",
    rule="Chair, deputy chair, accountable officer, chief finance officer, registered nurse, "
    "secondary-care specialist and two lay members; at least six members (from 14 April 2022: "
    "four, nurse or specialist, one lay member).",
    source="SI 2012/1631 regs 11-12 (as made); SI 2022/316; S0; S1",
    severity=Severity.ERROR,
    fix="Appoint to the missing roles and record them under governing_bodies.",
    reviewed="2026-11-23",
    describe=lambda ev: (
        f"missing {_join(ev['missing'])}; {ev['members']} members (at least {ev['min_members']})"
    ),
    gaps="no governing body recorded",
)
def governing_body_roles(
    graph: Graph, *, as_at: str, required: list[list[str]], min_members: int
) -> list[Pair]:
    """CCGs whose governing body lacks a required role or has too few members (reg 11).

    Evidence: `missing` (each a role, or alternatives joined by 'or'), `members`, `min_members`;
    `{'recorded': False}` when no governing body is recorded (a data gap).

    >>> g = example_graph({"C1": "CCG", "X": "Person"}, [("X", "C1", "HOLDS_ROLE", {"qualifier": "chair"})])
    >>> governing_body_roles(g, as_at="2013-04-01", required=[["chair"], ["registered_nurse"]], min_members=2)
    [('C1', {'missing': ['registered_nurse'], 'members': 1, 'min_members': 2})]
    """
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


@plants("governing_body_roles")
def _plant_governing_body_roles(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    return gen.ccg(
        la, roles=tuple(r for r in REQUIRED_ROLES_2012 if r != "registered_nurse") + ("gp_member",)
    )


@check(
    title="No one holds incompatible or unqualified roles",
    rule="A lay chair cannot be the finance/audit lay member; the nurse, the specialist and the chief "
    "finance officer hold their qualifications (the specialist within 10 years of appointment), the "
    "nurse and specialist are outside reg 12(1), one chief finance officer is designated; a lay person "
    "is no health-care professional and none Schedule 4 excludes.",
    source="SI 2012/1631 regs 11-12 and Schedule 4 (as made, and as SI 2022/316 amends them)",
    severity=Severity.ERROR,
    fix="Appoint a different, eligible person to one of the roles.",
    reviewed="2026-11-24",
    describe=lambda ev: f"{ev['person']}: {'; '.join(ev['problems'])}",
)
def governing_body_incompatible_roles(
    graph: Graph, *, as_at: str, reg12_excluded_employers: list[str]
) -> list[Pair]:
    """People holding roles they cannot hold together or are not qualified for (regs 11-12, Sch 4).

    - a lay chair is not also the finance/audit lay member;
    - the registered nurse is on the NMC register; the secondary-care specialist meets reg 11(6)
      (Specialist Register, an NHS consultant or armed-forces specialty post when recorded, not
      on the GP Register), now or at some time in the 10 years ending with the appointment
      (`specialist_until` against the role's `valid_from`; an unrecorded appointment is not
      judged);
    - neither works for an employer reg 12(1) excludes (`reg12_excluded_employers`);
    - the chief finance officer is qualified in accountancy and an employee of the CCG (reg
      11(3)(a); an employer not recorded is not judged), and the CCG designates one (reg 11(5));
    - a lay member is no registered health-care professional and works for no body Schedule 4
      excludes (a GP practice among them, para 9).

    Evidence: `person` and `problems`, each a sentence saying which rule the roles break.

    >>> g = example_graph(
    ...     {"C1": "CCG", "X": ("Person", {"nmc_register": False})},
    ...     [("X", "C1", "HOLDS_ROLE", {"qualifier": "registered_nurse"})],
    ... )
    >>> governing_body_incompatible_roles(g, as_at="2013-04-01", reg12_excluded_employers=[])
    [('C1', {'person': 'X', 'problems': ['registered nurse is not on the NMC register']})]
    """
    found: list[Pair] = []
    for ccg, _ in nodes_of(graph, NodeKind.CCG):
        by_person: dict[str, set[str]] = defaultdict(set)
        appointed: dict[str, str | None] = {}
        for person, link in in_links(graph, ccg, RelType.HOLDS_ROLE, as_at):
            by_person[person].add(link["qualifier"])
            if link["qualifier"] == GoverningRole.SECONDARY_CARE_SPECIALIST:
                appointed[person] = link.get("valid_from")
        cfos = sum(GoverningRole.CHIEF_FINANCE_OFFICER in roles for roles in by_person.values())
        for person, roles in by_person.items():
            p = graph.nodes[person]
            problems = []
            if {"chair", "lay_member_finance_audit"} <= roles:
                problems.append("chair is also the finance/audit lay member")
            if "secondary_care_specialist" in roles:
                problems += _specialist_problems(p, appointed.get(person))
            if "registered_nurse" in roles and not p.get("nmc_register"):
                problems.append("registered nurse is not on the NMC register")
            for role in ("registered_nurse", "secondary_care_specialist"):
                if role in roles and p.get("employer") in reg12_excluded_employers:
                    problems.append(
                        f"{role.replace('_', ' ')} falls within reg 12(1): employed by a {p.get('employer')}"
                    )
            if "chief_finance_officer" in roles:
                if not p.get("accountancy_qualified"):
                    problems.append("chief finance officer is not qualified in accountancy")
                if p.get("employer", Employer.NONE) not in (Employer.NONE, Employer.CCG):
                    problems.append(
                        f"chief finance officer is not an employee of the CCG ({p.get('employer')})"
                    )
                if cfos > 1:
                    problems.append(f"one of {cfos} designated chief finance officers (reg 11(5): one)")
            if roles & set(LAY_ROLES) and p.get("employer") in LAY_EXCLUDED_EMPLOYERS:
                problems.append(f"lay member employed by an excluded body ({p.get('employer')})")
            if roles & set(LAY_ROLES) and (
                p.get("gp_register") or p.get("specialist_register") or p.get("nmc_register")
            ):
                problems.append("lay member is a registered health-care professional")
            if problems:
                found.append((ccg, {"person": person, "problems": problems}))
    return found


def _specialist_problems(person: dict[str, Any], appointed: str | None) -> list[str]:
    """Why a secondary-care specialist does not meet reg 11(6), if they do not: the conditions
    must all hold now, or have held together at some time in the 10 years ending with the
    appointment (`specialist_until`).

    >>> _specialist_problems({"gp_register": True, "specialist_until": "2004-01-01"}, "2013-04-01")
    []
    >>> _specialist_problems({"specialist_register": True, "specialist_until": "2002-06-30"}, "2013-04-01")
    []
    >>> _specialist_problems({"specialist_register": True, "consultant_post": False,
    ...                       "specialist_until": "2002-06-30"}, "2013-04-01")
    ['secondary-care specialist does not meet reg 11(6): holds no NHS consultant or armed-forces specialty post; last met it on 2002-06-30, not within the 10 years ending with appointment on 2013-04-01']
    """
    unmet = []
    if not person.get("specialist_register"):
        unmet.append("not on the Specialist Register")
    if person.get("consultant_post") is False:
        unmet.append("holds no NHS consultant or armed-forces specialty post")
    if person.get("gp_register"):
        unmet.append("on the GP Register")
    until = person.get("specialist_until")
    if not unmet or (until is not None and (appointed is None or until > ten_years_before(appointed))):
        return []
    problem = f"secondary-care specialist does not meet reg 11(6): {', '.join(unmet)}"
    if until is not None:
        problem += f"; last met it on {until}, not within the 10 years ending with appointment on {appointed}"
    return [problem]


def ten_years_before(day: str) -> str:
    """The same day ten years earlier (28 February for a 29th), as Cypher's date arithmetic gives.

    >>> ten_years_before("2012-02-29"), ten_years_before("2013-04-01")
    ('2002-02-28', '2003-04-01')
    """
    d = date.fromisoformat(day)
    return d.replace(year=d.year - 10, day=min(d.day, 28) if d.month == 2 else d.day).isoformat()


@plants("governing_body_incompatible_roles")
def _plant_governing_body_incompatible_roles(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    person = gen.node(Person(code=gen.code("PE"), name="Synthetic unqualified CFO", illustrative=True))
    gen.link(person, ccg, RelType.HOLDS_ROLE, qualifier="chief_finance_officer")
    return ccg


# --- collaborative commissioning --------------------------------------------------------------------


@check(
    title="Each collaborative arrangement has exactly one lead",
    rule="One CCG leads a collaborative arrangement with a provider for its neighbours.",
    source="S2 'the more mature one leads with that provider'",
    severity=Severity.ERROR,
    fix="Name exactly one lead CCG for the arrangement.",
    reviewed="2026-11-23",
    describe=lambda ev: f"has {len(ev['leads'])} leads ({_join(ev['leads'])})",
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


CONDITIONAL = (AuthorisationOutcome.WITH_CONDITIONS, AuthorisationOutcome.WITH_DIRECTIONS)


@check(
    title="Junior-partner status only under conditions of authorisation",
    rule="The NHS CB may give a CCG authorised with conditions junior-partner status in collaborative "
    "commissioning; a CCG authorised without conditions is nobody's junior partner.",
    source="S2 (under conditions the NHS CB may give a CCG 'junior partner' status in collaborative commissioning)",
    severity=Severity.ERROR,
    fix="Record the condition that made it a junior partner, or make it a member.",
    reviewed="2026-11-24",
    describe=lambda ev: (
        f"junior partner in {_join(ev['collaborations'])} though authorised as {ev['outcome']}"
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


# --- Health and Wellbeing Boards ---------------------------------------------------------------------


@check(
    title="Each upper-tier authority has one Health and Wellbeing Board",
    rule="Every upper-tier local authority establishes a Health and Wellbeing Board for its area: "
    "one, not none and not two.",
    source="Health and Social Care Act 2012 s.194(1) 'A local authority must establish a Health and "
    "Wellbeing Board for its area'; S1 'new Health and Wellbeing Boards will be set up in local authorities'",
    severity=Severity.ERROR,
    fix="Record the authority's board (a HAS_HWB link), or end the extra one.",
    reviewed="2026-11-24",
    describe=lambda ev: f"has {len(ev['hwbs'])} Health and Wellbeing Boards ({_join(ev['hwbs'])}), not one",
    gaps="no Health and Wellbeing Board recorded anywhere",
)
def hwb_per_authority(graph: Graph, *, as_at: str) -> list[Pair]:
    """Upper-tier authorities open on `as_at` without exactly one board in force (s.194(1), S1).

    Evidence: `hwbs`, the codes of the authority's boards on the date (none, or two or more);
    `{"recorded": False}` for every authority when no board is recorded anywhere (a data gap).

    >>> g = nx.MultiDiGraph()
    >>> for code, kind in [("LA1", "LocalAuthority"), ("LA2", "LocalAuthority"), ("H1", "HWB")]:
    ...     g.add_node(code, kind=kind)
    >>> _ = g.add_edge("LA1", "H1", rel="HAS_HWB")
    >>> hwb_per_authority(g, as_at="2013-04-01")
    [('LA2', {'hwbs': []})]
    """
    recorded = any(True for _ in nodes_of(graph, NodeKind.HWB))
    found: list[Pair] = []
    for la, attrs in nodes_of(graph, NodeKind.LOCAL_AUTHORITY):
        if not open_on(attrs, as_at):
            continue
        hwbs = sorted(hwb for hwb, _ in out_links(graph, la, RelType.HAS_HWB, as_at))
        if len(hwbs) != 1:
            found.append((la, {"hwbs": hwbs} if recorded else {"recorded": False}))
    return found


@plants("hwb_per_authority")
def _plant_hwb_per_authority(gen: Generator) -> str:
    la = gen.authority(len(gen.las))  # a fully seated board, a CCG in its area on it ...
    gen.ccg(la)
    del gen.ds.relationships[(la, f"HWB-{la}", f"{RelType.HAS_HWB}||")]  # ... that is not the authority's
    for src, dst, key in list(gen.ds.relationships):  # (its Healthwatch's authority then unrecorded,
        if dst == la and key == f"{RelType.HEALTHWATCH_FOR}||":  # so that only this rule is broken)
            del gen.ds.relationships[(src, dst, key)]
    return la


def _hwb_of(graph: Graph, authority: str) -> str | None:
    return next((hwb for hwb, _ in out_links(graph, authority, RelType.HAS_HWB)), None)


@check(
    title="Each CCG sits on the HWB of every authority it overlaps",
    rule="CCGs are members of the Health and Wellbeing Board of each authority in their area.",
    source="S1 (HWB membership includes Clinical Commissioning Groups)",
    severity=Severity.ERROR,
    fix="Record the CCG's seat on that board, or correct the overlap.",
    reviewed="2026-11-23",
    describe=lambda ev: f"not on {ev['hwb']} though it overlaps {ev['authority']} ({ev['share']:g}%)",
)
def hwb_ccg_seats(graph: Graph, *, as_at: str, tolerance_pct: float) -> list[Pair]:
    """CCGs missing from the HWB of an authority they overlap by at least `tolerance_pct` % (S1).

    Boards with no recorded seats at all are skipped here; `hwb_statutory_members` reports them.

    Evidence: `hwb`, `authority` and `share` (%): the board the CCG is missing from, and why it
    should sit there.

    >>> g = example_graph(
    ...     {"C1": "CCG", "C2": "CCG", "LA1": "LocalAuthority", "H1": "HWB"},
    ...     [("C1", "LA1", "OVERLAPS", {"share": 40.0}), ("LA1", "H1", "HAS_HWB", {}),
    ...      ("C2", "H1", "SEAT_ON", {"qualifier": "ccg"})],
    ... )
    >>> hwb_ccg_seats(g, as_at="2013-04-01", tolerance_pct=5.0)
    [('C1', {'hwb': 'H1', 'authority': 'LA1', 'share': 40.0})]
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


@plants("hwb_ccg_seats")
def _plant_hwb_ccg_seats(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    other = gen.rng.choice([x for x in gen.las if x != la])
    gen.link(ccg, la, RelType.OVERLAPS, share=97.0)  # replaces the 100% overlap
    gen.link(ccg, other, RelType.OVERLAPS, share=3.0)  # a sliver: not boundary crossing
    gen.ds.relationships.pop((ccg, f"HWB-{la}", f"{RelType.SEAT_ON}|ccg|"))
    return ccg


@check(
    title="Each HWB has its statutory members",
    rule="CCG, director of public health, directors of children's and adult social services, an "
    "elected councillor and local Healthwatch.",
    source="S1 (HWB membership list)",
    severity=Severity.ERROR,
    fix="Record the missing seats under hwb_memberships.",
    reviewed="2026-11-23",
    describe=lambda ev: f"missing {_join(ev['missing'])}",
    gaps="no seat recorded",
)
def hwb_statutory_members(graph: Graph, *, as_at: str) -> list[Pair]:
    """HWBs open on `as_at` without each statutory seat: CCG, DPH, DCS, DASS, councillor,
    Healthwatch (S1).

    Evidence: `missing`, the statutory seats nobody holds; `{'recorded': False}` when the board
    has no seat recorded (a data gap).

    >>> g = example_graph({"H1": "HWB", "C1": "CCG"}, [("C1", "H1", "SEAT_ON", {"qualifier": "ccg"})])
    >>> hwb_statutory_members(g, as_at="2013-04-01")[0][1]["missing"][:2]
    ['director_public_health', 'director_childrens_services']
    """
    found: list[Pair] = []
    for hwb, attrs in nodes_of(graph, NodeKind.HWB):
        if not open_on(attrs, as_at):
            continue
        seats = {link["qualifier"] for _, link in in_links(graph, hwb, RelType.SEAT_ON, as_at)}
        if not seats:
            found.append((hwb, {"recorded": False}))
            continue
        missing = [s.value for s in HwbSeat if s.value not in seats]
        if missing:
            found.append((hwb, {"missing": missing}))
    return found


@plants("hwb_statutory_members")
def _plant_hwb_statutory_members(gen: Generator) -> str:
    new_la = gen.authority(len(gen.las))
    hwb = f"HWB-{new_la}"
    for src, dst, key in list(gen.ds.relationships):
        if dst == hwb and key == f"{RelType.SEAT_ON}|councillor|":
            del gen.ds.relationships[(src, dst, key)]
    gen.ccg(new_la)
    return hwb


# Who may hold each kind of seat on a board: a CCG seat is a CCG's, the Healthwatch seat the local
# Healthwatch of the board's own authority, the directors' and councillor's seats people's.
SEAT_HOLDERS = {HwbSeat.CCG.value: NodeKind.CCG, HwbSeat.HEALTHWATCH.value: NodeKind.HEALTHWATCH}


@check(
    title="Each HWB seat is held by the right kind of body",
    rule="A board's CCG seats are held by CCGs, its Healthwatch seat by the local Healthwatch of its "
    "own authority, and its directors' and councillors' seats by people.",
    source="Health and Social Care Act 2012 s.194(2); S1 (HWB membership list)",
    severity=Severity.ERROR,
    fix="Give the seat to the right body (the authority's own local Healthwatch; a CCG; a person).",
    reviewed="2026-11-24",
    describe=lambda ev: "; ".join(f"{w['seat']} seat held by {w['holder']}" for w in ev["wrong"]),
)
def hwb_seat_holders(graph: Graph, *, as_at: str) -> list[Pair]:
    """HWBs open on `as_at` with a seat held by the wrong kind of body, or a Healthwatch seat held
    by the Healthwatch of another authority (s.194(2); S1). A Healthwatch whose authority is not
    recorded is not judged on that.

    Evidence: `wrong`, each misheld seat as `seat` and `holder`.

    >>> g = example_graph(
    ...     {"H1": "HWB", "LA1": "LocalAuthority", "LA2": "LocalAuthority", "W2": "Healthwatch", "P": "Person"},
    ...     [("LA1", "H1", "HAS_HWB", {}), ("W2", "LA2", "HEALTHWATCH_FOR", {}),
    ...      ("W2", "H1", "SEAT_ON", {"qualifier": "healthwatch"}), ("P", "H1", "SEAT_ON", {"qualifier": "ccg"})],
    ... )
    >>> hwb_seat_holders(g, as_at="2013-04-01")
    [('H1', {'wrong': [{'seat': 'healthwatch', 'holder': 'W2'}, {'seat': 'ccg', 'holder': 'P'}]})]
    """
    found: list[Pair] = []
    for hwb, attrs in nodes_of(graph, NodeKind.HWB):
        if not open_on(attrs, as_at):
            continue
        authorities = {la for la, _ in in_links(graph, hwb, RelType.HAS_HWB, as_at)}
        wrong = []
        for holder, link in in_links(graph, hwb, RelType.SEAT_ON, as_at):
            seat, kind = link["qualifier"], graph.nodes[holder].get("kind")
            right = kind == SEAT_HOLDERS.get(seat, NodeKind.PERSON)
            if right and seat == HwbSeat.HEALTHWATCH.value:  # whose it is, when that is recorded
                serves = {la for la, _ in out_links(graph, holder, RelType.HEALTHWATCH_FOR, as_at)}
                right = not serves or bool(serves & authorities)
            if not right:
                wrong.append({"seat": seat, "holder": holder})
        if wrong:
            found.append((hwb, {"wrong": wrong}))
    return found


@plants("hwb_seat_holders")
def _plant_hwb_seat_holders(gen: Generator) -> str:
    """A board whose Healthwatch seat is held by another authority's local Healthwatch."""
    new_la = gen.authority(len(gen.las))
    hwb = f"HWB-{new_la}"
    gen.ccg(new_la)
    own = next(
        src
        for src, dst, key in gen.ds.relationships
        if dst == hwb and key == f"{RelType.SEAT_ON}|healthwatch|"
    )
    del gen.ds.relationships[(own, hwb, f"{RelType.SEAT_ON}|healthwatch|")]
    other = next(
        src
        for src, dst, key in gen.ds.relationships
        if key.startswith(f"{RelType.HEALTHWATCH_FOR}|") and dst != new_la
    )
    gen.link(other, hwb, RelType.SEAT_ON, qualifier="healthwatch")
    return hwb


# --- authorisation ---------------------------------------------------------------------------------


@check(
    title="Every CCG authorised by 1 April 2013",
    rule="CCGs are authorised in one of four waves and fully responsible from 1 April 2013.",
    source="S2 (four waves from July 2012); S4 (211 CCGs from 1 April 2013)",
    severity=Severity.ERROR,
    fix="Record the authorisation outcome, wave and date.",
    reviewed="2026-11-23",
    describe=lambda ev: f"not authorised by 2013-04-01 (outcome {ev.get('outcome')}, date {ev.get('date')})",
    gaps="no authorisation outcome or wave recorded",
    cites=("authorisation_source",),
)
def authorisation_by_april_2013(graph: Graph, *, as_at: str, deadline: str) -> list[Pair]:
    """CCGs not authorised by `deadline` (1 April 2013: S2, S4).

    Evidence: `outcome` and `date` of the authorisation; `{'recorded': False}` when no outcome
    or wave is recorded (a data gap).

    >>> g = example_graph({"C1": ("CCG", {"authorisation_outcome": "not_authorised"}), "C2": "CCG"}, [])
    >>> authorisation_by_april_2013(g, as_at="2013-04-01", deadline="2013-04-01")
    [('C1', {'outcome': 'not_authorised', 'date': None}), ('C2', {'recorded': False})]
    """
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


@plants("authorisation_by_april_2013")
def _plant_authorisation_by_april_2013(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    return gen.ccg(la, outcome=AuthorisationOutcome.NOT_AUTHORISED)


@check(
    title="Conditions have an owner and an end date (recommended)",
    rule="Conditions give formal support that could be time-limited (S2): recording who owns each "
    "and when it ends is this tool's advice, not a requirement; a condition without them is lawful.",
    source="S2 'Conditions could be time-limited'; S4 (formal support)",
    severity=Severity.INFO,
    fix="Record who owns each condition and when it is to end.",
    reviewed="2026-11-24",
    describe=lambda ev: f"condition {ev['condition']} has no {_join(ev['missing'])} recorded",
    gaps="authorised with conditions or directions; no condition recorded",
    cites=("authorisation_source",),
)
def authorisation_conditions(graph: Graph) -> list[Pair]:
    """Conditions without an owner or an end date (a recommendation: S2 says conditions *could*
    be time-limited), and conditional outcomes with no condition recorded (a data gap).

    Evidence: `condition` and `missing` (`owner`, `expiry`); `{"recorded": False}` for a gap.

    >>> g = example_graph({"C1": ("CCG", {"authorisation_outcome": "authorised_with_conditions"}),
    ...                    "K": ("AuthorisationCondition", {"expires": "2014-03-31"})},
    ...                   [("C1", "K", "HAS_CONDITION", {})])
    >>> authorisation_conditions(g)
    [('C1', {'condition': 'K', 'missing': ['owner']})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        conditions = [c for c, _ in out_links(graph, ccg, RelType.HAS_CONDITION)]
        if attrs.get("authorisation_outcome") in CONDITIONAL and not conditions:
            found.append((ccg, {"recorded": False}))
        for cond in conditions:
            missing = []
            if not any(out_links(graph, cond, RelType.CONDITION_OWNER)):
                missing.append("owner")
            if graph.nodes[cond].get("expires") is None:
                missing.append("expiry")
            if missing:
                found.append((ccg, {"condition": cond, "missing": missing}))
    return found


@plants("authorisation_conditions")
def _plant_authorisation_conditions(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la, outcome=AuthorisationOutcome.WITH_CONDITIONS)
    gen.condition(ccg, expires=None)
    return ccg


@check(
    title="Support under legal directions comes from the NHS CB or a neighbouring CCG",
    rule="A CCG under legal directions gets more intensive support from the NHS CB or from neighbouring "
    "CCGs; nobody else.",
    source="S4 'more intensive support ... provided by the NHS Commissioning Board or neighbouring CCGs'",
    severity=Severity.ERROR,
    fix="Record who supports it (support_from): the NHS CB, or a CCG that shares an upper-tier authority with it.",
    reviewed="2026-11-24",
    describe=lambda ev: f"supported by {_join(ev['ineligible'])}: neither the NHS CB nor a neighbouring CCG",
    gaps="under legal directions; who supports it is not recorded",
    cites=("authorisation_source",),
)
def directions_support(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` under legal directions whose support comes from anyone but the NHS CB
    (or its area teams and regions) or a neighbouring CCG, which ccgraph takes to be a CCG
    overlapping one of the same upper-tier authorities on the date (S4). No support recorded is a
    data gap: the sources rarely name it.

    Evidence: `supporters` and the `ineligible` among them; `{"recorded": False}` for a gap.

    >>> g = example_graph(
    ...     {"C1": ("CCG", {"authorisation_outcome": "authorised_with_directions"}), "C2": "CCG",
    ...      "C3": ("CCG", {"authorisation_outcome": "authorised_with_directions"}), "S": "CSU",
    ...      "LA": "LocalAuthority"},
    ...     [("C1", "C2", "INTENSIVE_SUPPORT_FROM", {}), ("C1", "S", "INTENSIVE_SUPPORT_FROM", {}),
    ...      ("C1", "LA", "OVERLAPS", {}), ("C2", "LA", "OVERLAPS", {})],
    ... )
    >>> directions_support(g, as_at="2013-04-01")
    [('C1', {'supporters': ['C2', 'S'], 'ineligible': ['S']}), ('C3', {'recorded': False})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if attrs.get("authorisation_outcome") != AuthorisationOutcome.WITH_DIRECTIONS or not open_on(
            attrs, as_at
        ):
            continue
        supporters = sorted({s for s, _ in out_links(graph, ccg, RelType.INTENSIVE_SUPPORT_FROM, as_at)})
        if not supporters:
            found.append((ccg, {"recorded": False}))
            continue
        areas = {la for la, _ in out_links(graph, ccg, RelType.OVERLAPS, as_at)}

        def eligible(supporter: str) -> bool:
            kind = graph.nodes[supporter].get("kind")
            if kind in (NodeKind.NHS_CB, NodeKind.AREA_TEAM, NodeKind.REGION):
                return True
            return kind == NodeKind.CCG and bool(
                areas & {la for la, _ in out_links(graph, supporter, RelType.OVERLAPS, as_at)}
            )

        ineligible = [s for s in supporters if not eligible(s)]
        if ineligible:
            found.append((ccg, {"supporters": supporters, "ineligible": ineligible}))
    return found


@plants("directions_support")
def _plant_directions_support(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la, outcome=AuthorisationOutcome.WITH_DIRECTIONS)
    gen.condition(ccg)
    gen.link(ccg, gen.rng.choice(gen.csus), RelType.INTENSIVE_SUPPORT_FROM)  # a CSU is neither
    return ccg


# --- who commissions what ------------------------------------------------------------------------


@check(
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
            if graph.nodes[commissioner].get("kind") == NodeKind.CCG:
                found.append((commissioner, {"service": str(service), "population": link["qualifier"]}))
    return found


@plants("reserved_commissioning")
def _plant_reserved_commissioning(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    gen.link(ccg, service_code(ServiceCategory.DENTISTRY), RelType.COMMISSIONS, qualifier=ccg)
    return ccg


@check(
    title="Every CCG service category has a commissioner",
    rule="Hospital (elective, acute, emergency), community and mental-health services are commissioned "
    "for every CCG's population.",
    source="S1 'CCGs will be responsible for commissioning hospital services...'",
    severity=Severity.ERROR,
    fix="Record who commissions each missing service for the population.",
    reviewed="2026-11-23",
    describe=lambda ev: f"no commissioner for {_join(ev['missing'])}",
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


# --- transition ---------------------------------------------------------------------------------------


@check(
    title="Every PCT's population passes to CCGs in full",
    rule="CCGs replace PCTs from April 2013: the whole of each PCT's population passes to CCGs.",
    source="S1 'They will replace Primary Care Trusts'; S4",
    severity=Severity.ERROR,
    fix="Record the CCG(s) succeeding the PCT, with the share each takes.",
    reviewed="2026-11-24",
    describe=lambda ev: (
        "no CCG succeeds this PCT"
        if ev["share_passed"] == 0
        else f"its successors take {ev['share_passed']:g}% of it, not 100%"
    ),
)
def pct_succession(graph: Graph) -> list[Pair]:
    """2012 PCTs whose population passed to no CCG, or whose successors' recorded shares do not
    add up to the whole of it (100%, within half a percentage point of rounding) (S1, S4).
    Successions recorded without shares are not added up.

    Evidence: `share_passed`, the % of the PCT its successors take (0 with no successor).

    >>> g = example_graph(
    ...     {"T1": "PCT", "T2": "PCT", "T3": "PCT", "C1": "CCG", "C2": "CCG"},
    ...     [("T1", "C1", "SUCCEEDED_BY", {"share": 100.0}), ("T3", "C1", "SUCCEEDED_BY", {"share": 60.0}),
    ...      ("T3", "C2", "SUCCEEDED_BY", {"share": 30.0})],
    ... )
    >>> pct_succession(g)
    [('T2', {'share_passed': 0.0}), ('T3', {'share_passed': 90.0})]
    """
    found: list[Pair] = []
    for pct, _ in nodes_of(graph, NodeKind.PCT):
        links = [
            link
            for ccg, link in out_links(graph, pct, RelType.SUCCEEDED_BY)
            if graph.nodes[ccg].get("kind") == NodeKind.CCG
        ]
        shares = [link["share"] for link in links if link.get("share") is not None]
        total = sum(shares)
        if not links or (shares and abs(total - 100.0) > 0.5):
            found.append(
                (pct, {"share_passed": math.floor(total * 100 + 0.5) / 100 if links else 0.0})
            )  # as Cypher's round()
    return found


@plants("pct_succession")
def _plant_pct_succession(gen: Generator) -> str:
    pct = gen.node(PCT(code=gen.code("PT"), name="Synthetic PCT without successor", illustrative=True))
    cluster = next(t for (_, t, k) in gen.ds.relationships if k.startswith(RelType.IN_CLUSTER))
    gen.link(pct, cluster, RelType.IN_CLUSTER)
    return pct


@check(
    title="Every PCT is in a cluster",
    rule="The PCTs were organised into 51 clusters for the transition.",
    source="S1 'organised into 51 clusters'",
    severity=Severity.ERROR,
    fix="Record the PCT's cluster under pct_clusters.",
    reviewed="2026-11-23",
    describe=lambda ev: "in no PCT cluster",
    gaps="no cluster recorded for it",
)
def pct_in_cluster(graph: Graph) -> list[Pair]:
    """PCTs in no cluster (S1: the PCTs were organised into 51 clusters).

    Evidence: none (`{}`); `{'recorded': False}` (a data gap) when no cluster is recorded
    anywhere, or the PCT's own sources do not record clusters (`cluster_recorded: False`: the
    registers; published facts cover some PCTs only).

    >>> g = example_graph({"T1": "PCT", "T2": "PCT", "K1": "PCTCluster"}, [("T1", "K1", "IN_CLUSTER", {})])
    >>> pct_in_cluster(g)
    [('T2', {})]
    """
    recorded = any(True for _ in nodes_of(graph, NodeKind.PCT_CLUSTER))
    return [
        (pct, {} if recorded and attrs.get("cluster_recorded") is not False else {"recorded": False})
        for pct, attrs in nodes_of(graph, NodeKind.PCT)
        if not any(out_links(graph, pct, RelType.IN_CLUSTER))
    ]


@plants("pct_in_cluster")
def _plant_pct_in_cluster(gen: Generator) -> str:
    pct = gen.node(PCT(code=gen.code("PT"), name="Synthetic PCT without cluster", illustrative=True))
    gen.link(pct, gen.rng.choice(gen.ccgs), RelType.SUCCEEDED_BY, share=100.0)
    return pct
