"""Who sits on a CCG's governing body, and who may."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from graphmodel.dated import open_on
from graphmodel.model import (
    REQUIRED_ROLES_2012,
    Employer,
    GoverningRole,
    NodeKind,
    Person,
    RelType,
)
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    in_links,
    join_or_none,
    nodes_of,
)

SECTION = "Governing body"  # of the rule book (RULES.md)

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



# The paragraph of SI 2012/1631 reg 11 that requires each role (as made, and the alternatives
# SI 2022/316 put in their place from 14 April 2022), so that a breach names its clause.
CLAUSES = {
    "chair": "reg 11(1)",
    "deputy_chair": "reg 11(1)",
    "accountable_officer": "reg 11(2)",
    "chief_finance_officer": "reg 11(3)(a)",
    "registered_nurse": "reg 11(3)(b)",
    "secondary_care_specialist": "reg 11(3)(c)",
    "lay_member_finance_audit": "reg 11(3)(d)",
    "lay_member_area_knowledge": "reg 11(3)(e)",
    "registered_nurse or secondary_care_specialist": "reg 11(3)(b) as amended by SI 2022/316",
    "lay_member_finance_audit or lay_member_area_knowledge": "reg 11(3)(c) as amended by SI 2022/316",
}


def with_clause(missing: str) -> str:
    """A missing role with the paragraph requiring it.

    >>> with_clause("registered_nurse")
    'registered_nurse (reg 11(3)(b))'
    """
    return f"{missing} ({CLAUSES[missing]})" if missing in CLAUSES else missing


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="The governing body has every required role",
    rule="Chair, deputy chair, accountable officer, chief finance officer, registered nurse, "
    "secondary-care specialist and two lay members; at least six members (from 14 April 2022: "
    "four, nurse or specialist, one lay member).",
    source="SI 2012/1631 regs 11-12 (as made); SI 2022/316; S0; S1",
    severity=Severity.ERROR,
    fix="Appoint to the missing roles and record them under governing_bodies.",
    reviewed="2026-11-23",
    describe=lambda ev: (
        f"missing {join_or_none([with_clause(m) for m in ev['missing']])}; {ev['members']} members "
        f"(at least {ev['min_members']}, reg 11(1))"
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
    section=SECTION,
    until=CCG_RULES_END,
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
    partly="encoded as read at legislation.gov.uk - a lay member is no registered professional and works for no body Schedule 4 paras 1-12 exclude (GP practices included); the specialist meets reg 11(6) now or within the 10 years ending with appointment; the chief finance officer is an accountancy-qualified employee of the CCG and only one is designated (reg 11(5)). Not encoded, because ccgraph has not obtained the text - reg 12(1)'s list beyond the exclusion the Lords' motion of 16 October 2012 states (a nurse or specialist employed by a body providing services to the CCG's population, which ccgraph reads as an employer recorded as commissioned_provider); any Schedule 4 paragraph after 12; and regs 13-14 (chair and deputy), of which SI 2022/316 omits 13(2)-(3) and part of 14 - so the lay-chair rule, from the summary at the time, is applied on every date.",
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
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):  # a CCG is judged only while it exists
            continue
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
