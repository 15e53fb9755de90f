"""What holds across the checks, on both backends: a lawful economy full of traps for a rule
read too wide breaks none; a finding resting on a published fact carries its source into every
output; and every check finds exactly the breaches planted for it in generated systems.

Each check's own cases, lawful, breach and gap, are in tests/cases/<check id>.yaml
(tests/test_cases.py runs them)."""

from __future__ import annotations

from typing import Any

import pytest

from graphmodel.nx_graph import build_graph
from helpers import baseline, build, org, person
from queries.registry import BY_ID, CHECKS, CheckSettings, generate_with_breaches
from queries.runner import NetworkXBackend, run_checks


def lawful_with_traps() -> dict[str, Any]:
    """The baseline economy with every lawful thing that a too-wide rule would flag."""
    s = baseline()
    s["organisations"] += [
        org("Practice", "P3"),
        org("Practice", "P9", close_date="2012-01-31"),  # closed before the date: needs no CCG
        org("CCG", "C0", close_date="2013-03-31"),  # closed before the date: needs no practices
    ]
    s["memberships"] += [  # P3 moves from C1 to C2: one CCG at a time
        {"practice": "P3", "ccg": "C1", "valid_to": "2015-03-31"},
        {"practice": "P3", "ccg": "C2", "valid_from": "2015-04-01"},
    ]
    s["overlaps"].append({"ccg": "C1", "authority": "LA2", "share": 3})  # a sliver, under tolerance
    s["overlaps"][0]["share"] = 97
    s["authorisations"][1] = {  # C2 under directions, supported by its neighbour C1 (both in LA2)
        "ccg": "C2",
        "wave": 2,
        "outcome": "authorised_with_directions",
        "support_from": "C1",
        "conditions": [{"code": "CN2", "owner": "X24"}],  # no end date: lawful, advice only
    }
    s["collaborations"][0] |= {"members": ["C1"], "junior_partners": ["C2"]}  # junior under conditions
    s["links"] = [link for link in s["links"] if link["source"] != "W2"]  # W2's authority unrecorded
    s["pct_successions"][1]["share"] = 39.7  # 99.7% in all: within rounding
    specialist = next(p for p in s["people"] if p["code"] == "GB-secondary_care_specialist")
    specialist |= {"specialist_register": False, "gp_register": True, "specialist_until": "2005-01-31"}
    for member in s["governing_bodies"][0]["members"]:  # a specialist until 2005, appointed 2013
        if member["roles"] == ["secondary_care_specialist"]:
            member["valid_from"] = "2013-01-01"
    nurse = next(p for p in s["people"] if p["code"] == "GB2-registered_nurse")
    nurse["employer"] = "foundation_trust"  # not an exclusion ccgraph knows reg 12(1) to make
    s["people"].append(person("GB-accountant", accountancy_qualified=True, employer="ccg"))
    s["governing_bodies"][0]["members"].append(  # qualifies as CFO too, but is not designated
        {"person": "GB-accountant", "roles": ["other_member"]}
    )
    for member in s["governing_bodies"][1]["members"]:  # gone when SI 2022/316 stopped requiring both
        if member["roles"] in (["registered_nurse"], ["lay_member_area_knowledge"]):
            member["valid_to"] = "2022-04-13"
    for ccg in s["organisations"]:  # the CCGs end with the CCGs, the day before the boards begin
        if ccg["kind"] == "CCG" and "close_date" not in ccg["properties"]:
            ccg["properties"]["close_date"] = "2022-06-30"
    board = s["icb_boards"][0]["members"]
    board[0]["valid_to"] = "2023-03-31"  # one chair leaves, the next starts the day after
    s["people"] += [person("IB-chair2"), person("IB-extra", employer="foundation_trust")]
    board += [
        {"person": "IB-chair2", "roles": ["chair"], "valid_from": "2023-04-01"},
        {"person": "IB-extra", "roles": ["ordinary_member"]},  # more than the minimum, from anywhere
    ]
    return s


# Either side of each change in the law: SI 2022/316 (14 April 2022) and the boards (1 July 2022).
DATES = ["2013-04-01", "2016-04-01", "2022-04-13", "2022-04-14", "2022-06-30", "2022-07-01", "2023-04-01"]


@pytest.mark.parametrize("as_at", DATES)
def test_a_lawful_economy_full_of_traps_breaks_no_rule(run, as_at):
    findings = [f for c in CHECKS for f in run(build(**lawful_with_traps()), c.id, as_at=as_at)]
    assert [f for f in findings if f.kind == "breach"] == []
    advice = {("authorisation_conditions", "recommendation")} if as_at < "2022-07-01" else set()
    assert {(f.check, f.kind) for f in findings} == advice


def test_a_finding_resting_on_a_published_outcome_carries_its_source_in_every_output(run):
    from queries.registry import BY_ID
    from queries.report import to_csv, to_junit, to_table

    page = "https://www.england.nhs.uk/2013/03/wave4-auth/"
    s = baseline()
    s["authorisations"][0] = {"ccg": "C1", "outcome": "authorised_with_directions", "source": page}
    s["authorisations"][1] = {
        "ccg": "C2",
        "outcome": "not_authorised",
        "source": f"{page} | https://b.example",
    }
    [gap] = run(build(**s), "directions_support")  # a gap that rests on the published outcome
    assert (gap.kind, gap.sources) == ("gap", (page,))
    assert gap.message == "under legal directions; who supports it is not recorded (data gap)"
    [breach] = [f for f in run(build(**s), "authorisation_by_april_2013") if f.org == "C2"]
    assert (breach.kind, breach.sources) == ("breach", (page, "https://b.example"))
    checks = [BY_ID["authorisation_by_april_2013"]]
    assert f"source: {page} | https://b.example" in to_table(checks, [breach], [])
    assert to_csv([breach]).splitlines()[1].endswith(f"{page} | https://b.example")
    assert f"(source: {page}" in to_junit(checks, [breach])
    s["authorisations"][1].pop("source")  # no source recorded: none shown
    assert [f.sources for f in run(build(**s), "authorisation_by_april_2013")] == [()]


# --- ground truth: planted violations in generated systems -------------------------------------


@pytest.mark.parametrize("check", [c.id for c in CHECKS])
def test_each_check_finds_exactly_the_violations_planted_for_it(check):
    synthetic = generate_with_breaches(0.05, seed=7, violations={check: 3})
    findings = run_checks(NetworkXBackend(build_graph(synthetic.dataset)), judged_on(check))
    assert {f.org for f in findings} == synthetic.planted[check]
    assert {f.check for f in findings} == {check}
    assert len(synthetic.planted[check]) == 3


def test_all_planted_violations_together_are_found_and_nothing_else():
    synthetic = generate_with_breaches(0.2, seed=11, violations={c.id: 2 for c in CHECKS})
    backend = NetworkXBackend(build_graph(synthetic.dataset))
    findings = {day: run_checks(backend, CheckSettings(as_at=day)) for day in ("2013-04-01", "2022-07-01")}
    by_check = {
        c.id: {f.org for f in findings[judged_on(c.id).as_at.isoformat()] if f.check == c.id} for c in CHECKS
    }
    assert by_check == {c.id: synthetic.planted[c.id] for c in CHECKS}
    boards_began = CheckSettings(as_at="2022-07-01").as_at
    assert {f.check for f in findings["2022-07-01"]} == {c.id for c in CHECKS if c.in_force(boards_began)}


def judged_on(check: str) -> CheckSettings:
    """The day a generated system is judged for `check`: its 2013 bodies, or its boards from the
    day their rules began."""
    return CheckSettings(as_at=BY_ID[check].since or "2013-04-01")
