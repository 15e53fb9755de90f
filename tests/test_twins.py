"""Each check's two twins, compared without a server: the Cypher file exists, takes exactly the
parameters the NetworkX function takes, and returns the same fields (the parity tests then run
both on the same graphs against a real Neo4j)."""

from __future__ import annotations

import re

import pytest

from graphmodel.nx_graph import build_graph
from queries.registry import CHECKS, CheckSettings, generate_with_breaches

PLANTED = generate_with_breaches(0.05, 3, {c.id: 2 for c in CHECKS})
GRAPH = build_graph(PLANTED.dataset)
PARAMETERS = CheckSettings().query_parameters()
# The rule's own lists (lay roles, seats, service codes...), which the NetworkX twin reads from
# queries.checks and the Cypher twin receives as parameters made from those same values.
RULE_LISTS = {
    "lay_excluded_employers",
    "lay_roles",
    "seats",
    "ccg_services",
    "ccg_service_codes",
    "reserved_service_codes",
    "eve",  # the day before as_at, which the NetworkX twin computes from as_at
}


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_both_twins_take_the_same_parameters(check):
    used_in_cypher = set(re.findall(r"\$(\w+)", check.cypher))
    assert used_in_cypher - RULE_LISTS == set(check.parameters)
    assert used_in_cypher <= set(PARAMETERS)  # every one is given to both backends


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_both_twins_return_an_org_and_the_same_evidence_fields(check):
    cypher = re.sub(r"//[^\n]*", "", check.cypher)
    assert re.search(r"\bAS org\b", cypher) and re.search(r"\bAS evidence\b", cypher)
    judged = {**PARAMETERS, **({"as_at": check.since.isoformat()} if check.since else {})}
    pairs = check.networkx(GRAPH, **{p: judged[p] for p in check.parameters})
    assert pairs, f"the planted breaches of {check.id} are found"
    fields = {key for _, evidence in pairs for key in evidence}
    in_cypher = set(re.findall(r"[{,]\s*(\w+)\s*:", cypher))  # the keys of its map literals
    assert fields <= in_cypher, f"{check.id}: evidence fields missing from its Cypher"
