"""Who sits on an integrated care board (NHS Act 2006 Schedule 1B Part 1, from 1 July 2022).

The CCG governing-body rules end with the CCGs on 30 June 2022; these begin the next day.
"""

from __future__ import annotations

from graphmodel.dated import open_on
from graphmodel.model import REQUIRED_BOARD_ROLES, BoardRole, Employer, NodeKind, Person, RelType
from graphmodel.synthetic import Generator
from queries.check import ICB_RULES_START, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    in_links,
    join_or_none,
    nodes_of,
)

__all__ = ["icb_board_members", "icb_chief_executive_employee"]

SECTION = "Integrated care boards"  # of the rule book (RULES.md)

MIN_ORDINARY = 3  # para 3(1)(c): "at least three other members"
# How a finding says each seat the board must have (REQUIRED_BOARD_ROLES), with its paragraph.
SAID = {
    BoardRole.CHAIR.value: "a chair (para 3(1)(a))",
    BoardRole.CHIEF_EXECUTIVE.value: "a chief executive (para 3(1)(b))",
    BoardRole.TRUSTS_NOMINEE.value: "a member nominated by the area's NHS trusts and foundation trusts (para 8)",
    BoardRole.PRIMARY_CARE_NOMINEE.value: "a member nominated by its providers of primary medical services (para 8)",
    BoardRole.LOCAL_AUTHORITY_NOMINEE.value: "a member nominated by its local authorities (para 8)",
}
NOT_ORDINARY = {BoardRole.CHAIR.value, BoardRole.CHIEF_EXECUTIVE.value}  # para 3(2)


def _describe_members(ev: dict) -> str:
    return (
        f"missing {join_or_none([SAID[m] for m in ev['missing']])}; {ev['ordinary_members']} ordinary "
        f"members (at least {MIN_ORDINARY}, para 3(1)(c))"
    )


@check(
    section=SECTION,
    since=ICB_RULES_START,
    title="An integrated care board has its chair, chief executive and ordinary members",
    rule="An ICB's board has a chair, a chief executive and at least three ordinary members, including "
    "members nominated by the area's NHS trusts and foundation trusts, by its providers of primary medical "
    "services and by its local authorities.",
    source="NHS Act 2006 Schedule 1B paras 3 and 8 (inserted by the Health and Care Act 2022, in force 1 July 2022)",
    severity=Severity.ERROR,
    fix="Appoint to the missing seats and record them under icb_boards (or an icb-boards register).",
    reviewed="2026-12-07",
    describe=_describe_members,
    gaps="no board members recorded",
    partly="para 3 is encoded as read at legislation.gov.uk. Para 8's nominations are encoded as the rule book "
    "and the boards' published constitutions state them: ccgraph could read para 8 at legislation.gov.uk only "
    "to its first words, so which trusts and providers may nominate ('of a prescribed description') is not "
    "judged; an ordinary member is counted once, whoever nominated them. Para 4 (no appointment that could be "
    "regarded as undermining the health service's independence) is the appointer's judgement, not a recorded "
    "fact, and is not encoded.",
)
def icb_board_members(graph: Graph, *, as_at: str) -> list[Pair]:
    """Integrated care boards open on `as_at` whose board lacks a seat Schedule 1B requires.

    A member is an ordinary member unless they are the chair or the chief executive (para
    3(2)); a nominee (`nominated_by_...`) is an ordinary member.

    Evidence: `missing` (board roles, in `REQUIRED_BOARD_ROLES`' order), `ordinary_members`, `min_ordinary`;
    `{'recorded': False}` when no member is recorded (a data gap).

    >>> g = example_graph(
    ...     {"B1": ("ICB", {"open_date": "2022-07-01"}), "X": "Person", "Y": "Person"},
    ...     [("X", "B1", "ON_BOARD", {"qualifier": "chair"}), ("Y", "B1", "ON_BOARD", {"qualifier": "nominated_by_trusts"})],
    ... )
    >>> icb_board_members(g, as_at="2022-07-01")  # doctest: +NORMALIZE_WHITESPACE
    [('B1', {'missing': ['chief_executive', 'nominated_by_primary_care', 'nominated_by_local_authorities'],
             'ordinary_members': 1, 'min_ordinary': 3})]
    """
    found: list[Pair] = []
    for board, attrs in nodes_of(graph, NodeKind.ICB):
        if not open_on(attrs, as_at):  # a board is judged only while it exists
            continue
        held: dict[str, set[str]] = {}
        for person, link in in_links(graph, board, RelType.ON_BOARD, as_at):
            held.setdefault(person, set()).add(link["qualifier"])
        if not held:
            found.append((board, {"recorded": False}))
            continue
        roles = set().union(*held.values())
        missing = [role for role in REQUIRED_BOARD_ROLES if role not in roles]
        ordinary = sum(not (seats & NOT_ORDINARY) for seats in held.values())
        if missing or ordinary < MIN_ORDINARY:
            found.append((board, {"missing": missing, "ordinary_members": ordinary, "min_ordinary": MIN_ORDINARY}))
    return found


@plants("icb_board_members")
def _plant_icb_board_members(gen: Generator) -> str:
    return gen.icb(roles=tuple(r for r in gen.BOARD_ROLES if r != BoardRole.PRIMARY_CARE_NOMINEE))


@check(
    section=SECTION,
    since=ICB_RULES_START,
    title="An integrated care board's chief executive is its employee",
    rule="A person is eligible to become or remain an ICB's chief executive only if they are an employee of the ICB.",
    source="NHS Act 2006 Schedule 1B para 7(2) (inserted by the Health and Care Act 2022, in force 1 July 2022)",
    severity=Severity.ERROR,
    fix="Employ the chief executive at the board, or appoint one who is its employee.",
    reviewed="2026-12-07",
    describe=lambda ev: f"{ev['person']}, the chief executive, is employed by a {ev['employer']}, not the ICB (para 7(2))",
    partly="judged from the person's recorded employer; an employer not recorded is not judged.",
)
def icb_chief_executive_employee(graph: Graph, *, as_at: str) -> list[Pair]:
    """Boards open on `as_at` whose chief executive is recorded as employed by someone else.

    Evidence: `person` (the chief executive's code) and `employer` (as recorded).

    >>> g = example_graph(
    ...     {"B1": ("ICB", {"open_date": "2022-07-01"}), "X": ("Person", {"employer": "nhs_body"})},
    ...     [("X", "B1", "ON_BOARD", {"qualifier": "chief_executive"})],
    ... )
    >>> icb_chief_executive_employee(g, as_at="2022-07-01")
    [('B1', {'person': 'X', 'employer': 'nhs_body'})]
    """
    found: list[Pair] = []
    for board, attrs in nodes_of(graph, NodeKind.ICB):
        if not open_on(attrs, as_at):
            continue
        chiefs = {p for p, link in in_links(graph, board, RelType.ON_BOARD, as_at) if link["qualifier"] == "chief_executive"}
        for person in sorted(chiefs):
            employer = graph.nodes[person].get("employer", Employer.NONE)
            if employer not in (Employer.NONE, Employer.ICB):
                found.append((board, {"person": person, "employer": str(employer)}))
    return found


@plants("icb_chief_executive_employee")
def _plant_icb_chief_executive_employee(gen: Generator) -> str:
    board = gen.icb(roles=tuple(r for r in gen.BOARD_ROLES if r != BoardRole.CHIEF_EXECUTIVE))
    chief = gen.node(
        Person(code=gen.code("PE"), name="Synthetic seconded chief executive", illustrative=True, employer=Employer.NHS_BODY)
    )
    gen.link(chief, board, RelType.ON_BOARD, qualifier=BoardRole.CHIEF_EXECUTIVE, valid_from=gen.ICB_START)
    return board
