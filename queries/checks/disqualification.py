"""Who may sit on no CCG governing body at all (SI 2012/1631 Schedule 5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from graphmodel.dated import open_on
from graphmodel.model import NodeKind, Person, RelType
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    in_links,
    nodes_of,
)

SECTION = "Who may not sit on a governing body at all"  # of the rule book (RULES.md)

# Schedule 5's paragraphs as encoded, each with what a finding says of it.
GROUNDS = {
    "para 1": "a Member of Parliament, of the European Parliament or of the London Assembly",
    "para 2": "a member of a local authority",
    "para 3": "provides the CCG with commissioning support, or works for a body that does",
    "para 4": "convicted within the five years before appointment, imprisoned three months or more",
    "para 5": "subject to a bankruptcy restrictions order",
}


def _five_years_before(day: str) -> str:
    """The first day of "the period of five years immediately preceding" `day` (ISO).

    >>> _five_years_before("2013-04-01"), _five_years_before("2016-02-29")
    ('2008-04-01', '2011-03-01')
    """
    then = date.fromisoformat(day)
    try:
        return then.replace(year=then.year - 5).isoformat()
    except ValueError:  # 29 February: five years back there is no such day
        return date(then.year - 5, 3, 1).isoformat()


def grounds(person: dict[str, Any], appointed: str | None, as_at: str) -> list[str]:
    """The paragraphs of Schedule 5 a member falls within on `as_at`, having been appointed on
    `appointed` (None: not recorded, so para 4, which counts from it, is not judged).

    >>> grounds({"councillor": True}, "2013-04-01", "2014-01-01")
    ['para 2']
    >>> grounds({"imprisonment_conviction": "2009-01-01"}, "2013-04-01", "2014-01-01")
    ['para 4']
    >>> grounds({"imprisonment_conviction": "2007-01-01"}, "2013-04-01", "2014-01-01")
    []
    """
    found = [para for para, fact in (("para 1", "elected_member"), ("para 2", "councillor")) if person.get(fact)]
    if person.get("commissioning_support"):
        found.append("para 3")
    convicted = person.get("imprisonment_conviction")
    if convicted and appointed and _five_years_before(appointed) <= convicted < appointed:
        found.append("para 4")
    start, end = person.get("bankruptcy_restrictions_from"), person.get("bankruptcy_restrictions_to")
    if start and start <= as_at and (end is None or as_at <= end):
        found.append("para 5")
    return found


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="No one Schedule 5 disqualifies sits on a governing body",
    rule="No governing-body member is an MP, MEP or London Assembly member, a local councillor, a provider "
    "(or staff of a provider) of the CCG's commissioning support, convicted within five years before "
    "appointment with three months' imprisonment or more, or under a bankruptcy restrictions order.",
    source="SI 2012/1631 reg 12(6) and Schedule 5 paras 1-5 (as made)",
    severity=Severity.ERROR,
    fix="End the disqualified member's appointment and appoint an eligible person.",
    reviewed="2026-12-07",
    describe=lambda ev: (
        f"{ev['person']} is disqualified by Schedule 5 "
        + "; ".join(f"{para} ({GROUNDS[para]})" for para in ev["paragraphs"])
    ),
    partly="paras 1-5 are encoded as read at legislation.gov.uk, from facts recorded about each member "
    "(a fact not recorded is not judged); para 4 counts from the appointment, the start of the role "
    "(a role with no start is not judged on it). Not encoded, because ccgraph could not read its whole "
    "text: para 6 (dismissal within five years from employment by the health bodies its list names) and "
    "any later paragraph.",
)
def governing_body_disqualified(graph: Graph, *, as_at: str) -> list[Pair]:
    """Governing-body members Schedule 5 disqualifies (SI 2012/1631 reg 12(6)), on `as_at`.

    Evidence: `person` (the member's code) and `paragraphs` (of Schedule 5, e.g. `para 2`).

    >>> g = example_graph(
    ...     {"C1": "CCG", "X": ("Person", {"councillor": True})},
    ...     [("X", "C1", "HOLDS_ROLE", {"qualifier": "chair", "valid_from": "2013-04-01"})],
    ... )
    >>> governing_body_disqualified(g, as_at="2013-04-01")
    [('C1', {'person': 'X', 'paragraphs': ['para 2']})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        appointed: dict[str, str | None] = {}
        for person, link in in_links(graph, ccg, RelType.HOLDS_ROLE, as_at):
            start = link.get("valid_from")
            earlier = appointed.get(person, start)
            appointed[person] = min(filter(None, (earlier, start)), default=None)
        for person, start in sorted(appointed.items()):
            if paragraphs := grounds(graph.nodes[person], start, as_at):
                found.append((ccg, {"person": person, "paragraphs": paragraphs}))
    return found


@plants("governing_body_disqualified")
def _plant_governing_body_disqualified(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    member = gen.node(Person(code=gen.code("PE"), name="Synthetic councillor", illustrative=True, councillor=True))
    gen.link(member, ccg, RelType.HOLDS_ROLE, qualifier="other_member")
    return ccg
