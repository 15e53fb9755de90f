"""Every check's cases (tests/cases/<check id>.yaml), each laid over one baseline economy that
breaks no rule, run on both backends: a lawful case finds nothing, and every other case finds
exactly the findings it expects (organisation, breach, gap or recommendation, evidence)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import baseline, build, check_cases, laid_over, unmatched

from queries.registry import BY_ID, CHECKS

CASES = check_cases()
KEYS = {"case", "remove", "set", "add", "settings", "lawful", "expect"}


@pytest.mark.parametrize("check", [c.id for c in CHECKS])
def test_the_baseline_breaks_no_rule(run, check):
    assert run(build(**baseline()), check) == []


@pytest.mark.parametrize("check, case", CASES, ids=[f"{check}: {case['case']}" for check, case in CASES])
def test_each_case_finds_exactly_what_it_expects(run, check: str, case: dict[str, Any]):
    assert set(case) <= KEYS and ("lawful" in case) != ("expect" in case), f"a case has {sorted(case)}"
    findings = run(build(**laid_over(baseline(), case)), check, **case.get("settings", {}))
    missing, unexpected = unmatched(findings, [] if case.get("lawful") else case["expect"])
    assert not missing and not unexpected, f"expected, not found: {missing}; found, not expected: {unexpected}"


def test_every_check_has_its_case_file_with_a_finding_and_a_lawful_case():
    by_check: dict[str, list[dict[str, Any]]] = {}
    for check, case in CASES:
        by_check.setdefault(check, []).append(case)
    assert set(by_check) <= set(BY_ID), f"case files for no check: {set(by_check) - set(BY_ID)}"
    for check in BY_ID:
        cases = by_check.get(check, [])
        assert any(c.get("expect") for c in cases), f"{check}: no case that finds something"
        assert any(c.get("lawful") for c in cases) or len(cases) > 1, f"{check}: nothing lawful around it"
