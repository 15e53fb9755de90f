"""The NHS Commissioning Board's authorisation of CCGs, its conditions and directions."""

from __future__ import annotations

from graphmodel.dated import open_on
from graphmodel.model import (
    AuthorisationOutcome,
    NodeKind,
    RelType,
)
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    join_or_none,
    nodes_of,
    out_links,
)

SECTION = "Authorisation and oversight"  # of the rule book (RULES.md)
CONDITIONAL = (AuthorisationOutcome.WITH_CONDITIONS, AuthorisationOutcome.WITH_DIRECTIONS)


@check(
    section=SECTION,
    until=CCG_RULES_END,
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
    section=SECTION,
    until=CCG_RULES_END,
    title="Conditions have an owner and an end date (recommended)",
    rule="Conditions give formal support that could be time-limited (S2): recording who owns each "
    "and when it ends is this tool's advice, not a requirement; a condition without them is lawful.",
    source="S2 'Conditions could be time-limited'; S4 (formal support)",
    severity=Severity.INFO,
    fix="Record who owns each condition and when it is to end.",
    reviewed="2026-11-24",
    describe=lambda ev: f"condition {ev['condition']} has no {join_or_none(ev['missing'])} recorded",
    gaps="authorised with conditions or directions; no condition recorded",
    cites=("authorisation_source",),
)
def authorisation_conditions(graph: Graph, *, as_at: str) -> list[Pair]:
    """Conditions without an owner or an end date (a recommendation: S2 says conditions *could*
    be time-limited), and conditional outcomes with no condition recorded (a data gap).

    Evidence: `condition` and `missing` (`owner`, `expiry`); `{"recorded": False}` for a gap.

    >>> g = example_graph({"C1": ("CCG", {"authorisation_outcome": "authorised_with_conditions"}),
    ...                    "K": ("AuthorisationCondition", {"expires": "2014-03-31"})},
    ...                   [("C1", "K", "HAS_CONDITION", {})])
    >>> authorisation_conditions(g, as_at="2013-04-01")
    [('C1', {'condition': 'K', 'missing': ['owner']})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):  # a CCG is judged only while it exists
            continue
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
    section=SECTION,
    until=CCG_RULES_END,
    title="Support under legal directions comes from the NHS CB or a neighbouring CCG",
    rule="A CCG under legal directions gets more intensive support from the NHS CB or from neighbouring "
    "CCGs; nobody else.",
    source="S4 'more intensive support ... provided by the NHS Commissioning Board or neighbouring CCGs'",
    severity=Severity.ERROR,
    fix="Record who supports it (support_from): the NHS CB, or a CCG that shares an upper-tier authority with it.",
    reviewed="2026-11-24",
    describe=lambda ev: f"supported by {join_or_none(ev['ineligible'])}: neither the NHS CB nor a neighbouring CCG",
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
