"""Each rule of RULES.md, proved on small hand-made graphs, on both backends (NetworkX and Neo4j).

`compliant()` is a one-CCG economy that breaks no rule; each test changes one thing and
asserts exactly which organisation the check reports, and why.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import build, org, person
from graphmodel.model import REQUIRED_ROLES_2012
from graphmodel.nx_graph import build_graph
from queries.registry import CHECKS, generate_with_breaches
from queries.runner import NetworkXBackend, run_checks

ROLES = list(REQUIRED_ROLES_2012)
QUALIFIED = {
    "chief_finance_officer": {"accountancy_qualified": True},
    "registered_nurse": {"nmc_register": True},
    "secondary_care_specialist": {"specialist_register": True},
}


def compliant() -> dict[str, Any]:
    """CCG C1 in authority LA1: members, board, HWB, authorisation and commissioning all in order."""
    return {
        "organisations": [
            org("LocalAuthority", "LA1"),
            org("LocalAuthority", "LA2"),
            org("HWB", "H1"),
            org("HWB", "H2"),
            org("CCG", "C1"),
            org("CCG", "C2"),
            org("Practice", "P1"),
            org("Practice", "P2"),
            org("Healthwatch", "W1"),
            org("Healthwatch", "W2"),
            org("PCT", "T1"),
            org("PCTCluster", "K1"),
            org("Provider", "R1", provider_type="acute"),
        ],
        "people": [person(f"GB-{r}", **QUALIFIED.get(r, {})) for r in ROLES]
        + [person(f"GB2-{r}", **QUALIFIED.get(r, {})) for r in ROLES]
        + [person(f"HW-{s}") for s in ("dph", "dcs", "dass", "cllr")],
        "memberships": [{"practice": "P1", "ccg": "C1"}, {"practice": "P2", "ccg": "C2"}],
        "overlaps": [
            {"ccg": "C1", "authority": "LA1", "share": 100},
            {"ccg": "C2", "authority": "LA2", "share": 100},
        ],
        "links": [
            {"source": "LA1", "target": "H1", "rel": "HAS_HWB"},
            {"source": "LA2", "target": "H2", "rel": "HAS_HWB"},
            {"source": "T1", "target": "K1", "rel": "IN_CLUSTER"},
            {"source": "W1", "target": "LA1", "rel": "HEALTHWATCH_FOR"},
            {"source": "W2", "target": "LA2", "rel": "HEALTHWATCH_FOR"},
        ],
        "pct_successions": [{"pct": "T1", "ccg": "C1", "share": 60}, {"pct": "T1", "ccg": "C2", "share": 40}],
        "governing_bodies": [
            {"ccg": "C1", "members": [{"person": f"GB-{r}", "roles": [r]} for r in ROLES]},
            {"ccg": "C2", "members": [{"person": f"GB2-{r}", "roles": [r]} for r in ROLES]},
        ],
        "hwb_memberships": [
            {
                "hwb": h,
                "seats": [
                    {"seat": "ccg", "holder": c},
                    {"seat": "healthwatch", "holder": w},
                    {"seat": "director_public_health", "holder": "HW-dph"},
                    {"seat": "director_childrens_services", "holder": "HW-dcs"},
                    {"seat": "director_adult_social_services", "holder": "HW-dass"},
                    {"seat": "councillor", "holder": "HW-cllr"},
                ],
            }
            for h, c, w in (("H1", "C1", "W1"), ("H2", "C2", "W2"))
        ],
        "authorisations": [
            {"ccg": c, "wave": 1, "date": "2012-12-10", "outcome": "authorised"} for c in ("C1", "C2")
        ],
        "commissioning": [
            {"commissioner": c, "service": s, "population": c}
            for c in ("C1", "C2")
            for s in ("elective", "acute", "emergency", "community", "mental_health")
        ],
        "collaborations": [
            {
                "code": "X1",
                "name": "Test collaboration",
                "illustrative": True,
                "lead": ["C1"],
                "members": ["C1", "C2"],
                "provider": "R1",
                "services": ["acute"],
            }
        ],
    }


def found(findings) -> list[tuple[str, str]]:
    return sorted((f.org, f.severity.value) for f in findings)


@pytest.mark.parametrize("check", [c.id for c in CHECKS])
def test_a_compliant_economy_breaks_no_rule(run, check):
    assert run(build(**compliant()), check) == []


def test_a_practice_in_no_ccg_is_reported(run):
    s = compliant()
    s["organisations"].append(org("Practice", "P3"))
    [f] = run(build(**s), "practice_single_membership")
    assert (f.org, f.evidence) == ("P3", {"ccgs": [], "closed_ccgs": []})


def test_a_practice_that_left_its_ccg_before_the_date_is_in_no_ccg(run):
    s = compliant()
    s["memberships"][0]["valid_to"] = "2013-03-31"
    assert found(run(build(**s), "practice_single_membership")) == [("P1", "error")]


def test_a_practice_in_two_ccgs_at_once_is_reported_and_the_rest_of_the_report_still_comes_out(run):
    s = compliant()
    s["memberships"].append({"practice": "P1", "ccg": "C2", "valid_from": "2013-04-01"})
    [f] = run(build(**s), "practice_single_membership")
    assert (f.org, f.evidence) == ("P1", {"ccgs": ["C1", "C2"], "closed_ccgs": []})
    assert run(build(**s), "ccg_without_practices") == []  # the other checks run as before


def test_a_practice_attached_only_to_a_closed_ccg_is_in_no_ccg(run):
    s = compliant()
    s["organisations"].append(org("CCG", "C0", close_date="2013-03-31"))
    s["memberships"] = [{"practice": "P1", "ccg": "C0"}, {"practice": "P2", "ccg": "C2"}]
    [f] = run(build(**s), "practice_single_membership")
    assert (f.org, f.evidence) == ("P1", {"ccgs": [], "closed_ccgs": ["C0"]})


def test_a_ccg_whose_practices_have_all_closed_has_no_member_practices(run):
    s = compliant()
    s["organisations"] = [o for o in s["organisations"] if o["code"] != "P2"]
    s["organisations"].append(org("Practice", "P2", close_date="2013-01-31"))
    assert found(run(build(**s), "ccg_without_practices")) == [("C2", "error")]


def test_a_closed_practice_need_not_belong_to_a_ccg(run):
    s = compliant()
    s["organisations"].append(org("Practice", "P9", close_date="2012-01-31"))
    assert run(build(**s), "practice_single_membership") == []


def test_a_ccg_without_member_practices_is_reported(run):
    s = compliant()
    s["memberships"] = [{"practice": "P1", "ccg": "C1"}, {"practice": "P2", "ccg": "C1"}]
    assert found(run(build(**s), "ccg_without_practices")) == [("C2", "error")]


def test_a_ccg_crossing_two_authorities_is_a_warning_with_shares(run):
    s = compliant()
    s["overlaps"][0]["share"] = 80
    s["overlaps"].append({"ccg": "C1", "authority": "LA2", "share": 20})
    [f] = run(build(**s), "boundary_crossing_ccgs")
    assert f.org == "C1" and f.severity.value == "warning"
    assert [(a["authority"], a["share"]) for a in f.evidence["authorities"]] == [("LA1", 80.0), ("LA2", 20.0)]


def test_slivers_under_the_tolerance_and_approved_exceptions_are_not_boundary_crossing(run):
    s = compliant()
    s["overlaps"][0]["share"] = 97
    s["overlaps"].append({"ccg": "C1", "authority": "LA2", "share": 3})
    assert run(build(**s), "boundary_crossing_ccgs", tolerance_pct=5) == []
    assert len(run(build(**s), "boundary_crossing_ccgs", tolerance_pct=1)) == 1
    assert run(build(**s), "boundary_crossing_ccgs", tolerance_pct=1, boundary_exceptions=["C1"]) == []


def test_a_governing_body_without_a_nurse_or_specialist_breaks_the_2012_regulations(run):
    s = compliant()
    s["governing_bodies"][0]["members"] = [
        m
        for m in s["governing_bodies"][0]["members"]
        if m["roles"][0] not in ("registered_nurse", "secondary_care_specialist")
    ]
    [f] = run(build(**s), "governing_body_roles")
    assert f.org == "C1"
    assert f.evidence == {
        "members": 6,
        "min_members": 6,
        "missing": ["registered_nurse", "secondary_care_specialist"],
    }


def test_after_april_2022_a_nurse_or_a_specialist_and_four_members_suffice(run):
    s = compliant()
    keep = {
        "chair",
        "accountable_officer",
        "chief_finance_officer",
        "registered_nurse",
        "lay_member_area_knowledge",
    }
    s["governing_bodies"][0]["members"] = [
        m for m in s["governing_bodies"][0]["members"] if m["roles"][0] in keep
    ]
    assert found(run(build(**s), "governing_body_roles", as_at="2013-04-01")) == [("C1", "error")]
    assert run(build(**s), "governing_body_roles", as_at="2022-04-14") == []


def test_a_ccg_with_no_governing_body_recorded_is_a_data_gap_not_a_breach(run):
    s = compliant()
    s["governing_bodies"] = s["governing_bodies"][:1]
    [f] = run(build(**s), "governing_body_roles")
    assert (f.org, f.severity.value, f.evidence) == ("C2", "info", {"recorded": False})


def test_a_lay_chair_cannot_also_be_the_audit_lay_member(run):
    s = compliant()
    s["governing_bodies"][0]["members"][0]["roles"] = ["chair", "lay_member_finance_audit"]
    [f] = run(build(**s), "governing_body_incompatible_roles")
    assert f.evidence == {"person": "GB-chair", "problems": ["chair is also the finance/audit lay member"]}


def test_a_specialist_on_the_gp_register_and_an_excluded_lay_member_are_reported(run):
    s = compliant()
    for p in s["people"]:
        if p["code"] == "GB-secondary_care_specialist":
            p["gp_register"] = True
        if p["code"] == "GB-lay_member_area_knowledge":
            p["employer"] = "foundation_trust"
    findings = run(build(**s), "governing_body_incompatible_roles")
    assert sorted(f.evidence["person"] for f in findings) == [
        "GB-lay_member_area_knowledge",
        "GB-secondary_care_specialist",
    ]


def test_an_arrangement_with_two_leads_or_none_is_reported(run):
    s = compliant()
    s["collaborations"][0]["lead"] = ["C1", "C2"]
    s["collaborations"].append({"code": "X2", "name": "Leaderless", "illustrative": True, "members": ["C1"]})
    findings = run(build(**s), "collaboration_lead")
    assert {f.org: f.evidence["leads"] for f in findings} == {"X1": ["C1", "C2"], "X2": []}


def test_a_lead_under_directions_or_a_junior_partner_or_not_a_member_is_not_eligible(run):
    s = compliant()
    s["authorisations"][0]["outcome"] = "authorised_with_directions"
    s["collaborations"][0]["members"] = ["C2"]
    s["collaborations"].append(
        {
            "code": "X2",
            "name": "Other",
            "illustrative": True,
            "lead": ["C2"],
            "members": ["C2"],
            "junior_partners": ["C1"],
        }
    )
    [f] = run(build(**s), "collaboration_lead_eligibility")
    assert f.org == "X1"
    assert f.evidence["problems"] == sorted(
        ["not a party to the arrangement", "under legal directions", "junior partner in X2"]
    )


def test_a_service_commissioned_by_a_neighbour_must_be_a_declared_condition(run):
    s = compliant()
    s["commissioning"].append({"commissioner": "C1", "service": "community", "population": "C2"})
    [f] = run(build(**s), "undeclared_neighbour_commissioning")
    assert (f.org, f.evidence) == ("C2", {"commissioner": "C1", "service": "community"})
    s["authorisations"][1] = {
        "ccg": "C2",
        "wave": 2,
        "outcome": "authorised_with_conditions",
        "conditions": [
            {"code": "CN1", "owner": "C1", "expires": "2014-03-31", "neighbour_commissions": "community"}
        ],
    }
    assert run(build(**s), "undeclared_neighbour_commissioning") == []


def test_a_ccg_must_sit_on_the_board_of_each_authority_it_overlaps(run):
    s = compliant()
    s["overlaps"][0]["share"] = 70
    s["overlaps"].append({"ccg": "C1", "authority": "LA2", "share": 30})
    [f] = run(build(**s), "hwb_ccg_seats")
    assert (f.org, f.evidence) == ("C1", {"authority": "LA2", "hwb": "H2", "share": 30.0})


def test_an_authority_needs_exactly_one_health_and_wellbeing_board(run):
    s = compliant()
    s["organisations"].append(org("HWB", "H3"))
    s["links"].append({"source": "LA1", "target": "H3", "rel": "HAS_HWB"})  # a second board
    s["links"] = [x for x in s["links"] if x["target"] != "H2"]  # and none for LA2
    assert [(f.org, f.evidence) for f in run(build(**s), "hwb_per_authority")] == [
        ("LA1", {"hwbs": ["H1", "H3"]}),
        ("LA2", {"hwbs": []}),
    ]


def test_with_no_board_recorded_anywhere_each_authority_is_a_data_gap(run):
    s = compliant()
    s["organisations"] = [o for o in s["organisations"] if o["kind"] != "HWB"]
    s["links"] = [x for x in s["links"] if x["rel"] != "HAS_HWB"]
    s["hwb_memberships"] = []
    assert found(run(build(**s), "hwb_per_authority")) == [("LA1", "info"), ("LA2", "info")]


def test_a_board_without_healthwatch_or_councillor_is_reported(run):
    s = compliant()
    s["hwb_memberships"][0]["seats"] = [
        x for x in s["hwb_memberships"][0]["seats"] if x["seat"] not in ("healthwatch", "councillor")
    ]
    [f] = run(build(**s), "hwb_statutory_members")
    assert (f.org, f.evidence) == ("H1", {"missing": ["councillor", "healthwatch"]})


def test_a_ccg_not_authorised_by_april_2013_is_reported(run):
    s = compliant()
    s["authorisations"][0] = {"ccg": "C1", "wave": 4, "date": "2013-04-02", "outcome": "authorised"}
    s["authorisations"][1]["outcome"] = "not_authorised"
    assert found(run(build(**s), "authorisation_by_april_2013")) == [("C1", "error"), ("C2", "error")]


def test_a_condition_without_owner_or_end_date_is_lawful_and_only_advised_against(run):
    s = compliant()
    s["authorisations"][0] = {
        "ccg": "C1",
        "wave": 2,
        "outcome": "authorised_with_conditions",
        "conditions": [{"code": "CN1", "domain": 3}],
    }
    s["authorisations"][1] = {"ccg": "C2", "wave": 2, "outcome": "authorised_with_conditions"}
    findings = {f.org: f for f in run(build(**s), "authorisation_conditions")}
    assert findings["C1"].evidence == {"condition": "CN1", "missing": ["expiry", "owner"]}
    assert (findings["C1"].severity.value, findings["C1"].kind) == (
        "info",
        "recommendation",
    )  # S2: "could be"
    assert (findings["C2"].evidence, findings["C2"].kind) == ({"recorded": False}, "gap")  # none recorded


def test_support_under_legal_directions_comes_from_the_nhs_cb_or_a_neighbouring_ccg(run):
    s = compliant()
    s["authorisations"][0] = {
        "ccg": "C1",
        "wave": 2,
        "outcome": "authorised_with_directions",
        "conditions": [{"code": "CN1", "owner": "X24", "expires": "2014-03-31"}],
    }
    [gap] = run(build(**s), "directions_support")  # no support recorded: a gap, not a breach
    assert (gap.org, gap.severity.value, gap.evidence) == ("C1", "info", {"recorded": False})
    s["authorisations"][0]["support_from"] = "C2"  # C2 shares no authority with C1: not a neighbour
    [f] = run(build(**s), "directions_support")
    assert (f.org, f.severity.value, f.evidence["ineligible"]) == ("C1", "error", ["C2"])
    s["overlaps"].append({"ccg": "C2", "authority": "LA1", "share": 10})  # now it is
    assert run(build(**s), "directions_support") == []
    s["authorisations"][0]["support_from"] = "X24"
    assert run(build(**s), "directions_support") == []


def test_a_finding_resting_on_a_published_outcome_carries_its_source_in_every_output(run):
    from queries.registry import BY_ID
    from queries.report import to_csv, to_junit, to_table

    page = "https://www.england.nhs.uk/2013/03/wave4-auth/"
    s = compliant()
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


def test_no_ccg_commissions_general_practice_pharmacy_dentistry_or_specialised_services(run):
    s = compliant()
    s["commissioning"].append({"commissioner": "C1", "service": "dentistry", "population": "C1"})
    [f] = run(build(**s), "reserved_commissioning")
    assert (f.org, f.evidence) == ("C1", {"population": "C1", "service": "dentistry"})


def test_every_ccg_service_category_has_a_commissioner_for_each_population(run):
    s = compliant()
    s["commissioning"] = [
        c for c in s["commissioning"] if (c["commissioner"], c["service"]) != ("C2", "emergency")
    ]
    [f] = run(build(**s), "uncommissioned_services")
    assert (f.org, f.evidence) == ("C2", {"missing": ["emergency"]})


def test_every_pct_passes_to_a_ccg_and_sits_in_a_cluster(run):
    s = compliant()
    s["organisations"].append(org("PCT", "T2"))
    assert found(run(build(**s), "pct_succession")) == [("T2", "error")]
    assert found(run(build(**s), "pct_in_cluster")) == [("T2", "error")]


def test_a_pcts_population_passes_to_ccgs_in_full(run):
    s = compliant()
    s["pct_successions"][1]["share"] = 30  # 60% + 30%: a tenth of T1's population passes to no CCG
    [f] = run(build(**s), "pct_succession")
    assert (f.org, f.evidence) == ("T1", {"share_passed": 90.0})
    s["pct_successions"][1]["share"] = 39.7  # 99.7%: within rounding
    assert run(build(**s), "pct_succession") == []


def test_with_no_cluster_recorded_anywhere_unclustered_pcts_are_data_gaps(run):
    s = compliant()
    s["organisations"] = [o for o in s["organisations"] if o["kind"] != "PCTCluster"]
    s["links"] = [x for x in s["links"] if x["rel"] != "IN_CLUSTER"]
    assert found(run(build(**s), "pct_in_cluster")) == [("T1", "info")]


# --- ground truth: planted violations in generated systems -------------------------------------


@pytest.mark.parametrize("check", [c.id for c in CHECKS])
def test_each_check_finds_exactly_the_violations_planted_for_it(check):
    synthetic = generate_with_breaches(0.05, seed=7, violations={check: 3})
    findings = run_checks(NetworkXBackend(build_graph(synthetic.dataset)))
    assert {f.org for f in findings} == synthetic.planted[check]
    assert {f.check for f in findings} == {check}
    assert len(synthetic.planted[check]) == 3


def test_all_planted_violations_together_are_found_and_nothing_else():
    synthetic = generate_with_breaches(0.2, seed=11, violations={c.id: 2 for c in CHECKS})
    findings = run_checks(NetworkXBackend(build_graph(synthetic.dataset)))
    by_check = {c.id: {f.org for f in findings if f.check == c.id} for c in CHECKS}
    assert by_check == {c.id: synthetic.planted[c.id] for c in CHECKS}


def test_a_healthwatch_seat_is_held_by_the_local_healthwatch_of_the_boards_own_authority(run):
    s = compliant()
    s["hwb_memberships"][0]["seats"][1]["holder"] = "W2"  # H1 is LA1's board; W2 is LA2's Healthwatch
    [f] = run(build(**s), "hwb_seat_holders")
    assert (f.org, f.evidence) == ("H1", {"wrong": [{"seat": "healthwatch", "holder": "W2"}]})


def test_a_ccg_seat_held_by_a_person_and_a_directors_seat_held_by_a_ccg_are_both_wrong(run):
    s = compliant()
    seats = s["hwb_memberships"][1]["seats"]
    seats[0]["holder"], seats[2]["holder"] = "HW-dph", "C2"
    [f] = run(build(**s), "hwb_seat_holders")
    assert f.org == "H2" and sorted(w["seat"] for w in f.evidence["wrong"]) == [
        "ccg",
        "director_public_health",
    ]


def test_only_a_ccg_authorised_with_conditions_may_be_a_junior_partner(run):
    s = compliant()
    s["collaborations"][0] |= {"members": ["C1"], "junior_partners": ["C2"]}
    [f] = run(build(**s), "junior_partner_status")  # C2 was authorised without conditions
    assert (f.org, f.severity.value, f.evidence) == (
        "C2",
        "error",
        {"collaborations": ["X1"], "outcome": "authorised"},
    )
    s["authorisations"][1] |= {
        "outcome": "authorised_with_conditions",
        "conditions": [{"code": "CN2", "owner": "X24", "expires": "2014-03-31"}],
    }
    assert run(build(**s), "junior_partner_status") == []
    del s["authorisations"][1]  # nothing recorded about C2's authorisation: a gap, not a breach
    [gap] = run(build(**s), "junior_partner_status")
    assert (gap.org, gap.severity.value) == ("C2", "info")


def test_a_ccg_name_begins_nhs_and_ends_clinical_commissioning_group(run):
    s = compliant()
    by_code = {o["code"]: o for o in s["organisations"]}
    by_code["C1"]["name"] = "NHS Test C1 CCG"  # abbreviated
    by_code["C2"]["name"] = "Test C2 Clinical Commissioning Group"  # no "NHS"
    assert found(run(build(**s), "ccg_name")) == [("C1", "error"), ("C2", "error")]


def test_a_name_a_register_abbreviates_is_a_data_gap_not_a_breach(run):
    s = compliant()
    c1 = next(o for o in s["organisations"] if o["code"] == "C1")
    c1 |= {"name": "NHS Test", "properties": {"name_abbreviated": True}}
    [gap] = run(build(**s), "ccg_name")
    assert (gap.org, gap.severity.value) == ("C1", "info")


def lawful_with_traps() -> dict[str, Any]:
    """The compliant economy with every lawful thing that a too-wide rule would flag."""
    s = compliant()
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
    return s


@pytest.mark.parametrize("as_at", ["2013-04-01", "2016-04-01", "2022-05-01"])
def test_a_lawful_economy_full_of_traps_breaks_no_rule(run, as_at):
    findings = [f for c in CHECKS for f in run(build(**lawful_with_traps()), c.id, as_at=as_at)]
    assert [f for f in findings if f.kind == "breach"] == []
    assert {(f.check, f.kind) for f in findings} == {("authorisation_conditions", "recommendation")}


def _person(s: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in s["people"] if p["code"] == code)


def test_a_lay_member_is_not_a_registered_health_care_professional_nor_works_for_a_gp_practice(run):
    s = compliant()
    _person(s, "GB-lay_member_finance_audit")["gp_register"] = True  # a GP is no lay person
    _person(s, "GB2-lay_member_area_knowledge")["employer"] = "gp_practice"  # Schedule 4 para 9
    problems = {f.org: f.evidence["problems"] for f in run(build(**s), "governing_body_incompatible_roles")}
    assert problems == {
        "C1": ["lay member is a registered health-care professional"],
        "C2": ["lay member employed by an excluded body (gp_practice)"],
    }


def test_the_chief_finance_officer_is_an_employee_of_the_ccg(run):
    s = compliant()
    _person(s, "GB-chief_finance_officer")["employer"] = "ccg"  # as reg 11(3)(a) requires
    _person(s, "GB2-chief_finance_officer")["employer"] = "nhs_body"  # seconded from elsewhere
    [f] = run(build(**s), "governing_body_incompatible_roles")
    assert (f.org, f.evidence["problems"]) == (
        "C2",
        ["chief finance officer is not an employee of the CCG (nhs_body)"],
    )


def _member(s: dict[str, Any], ccg_index: int, role: str) -> dict[str, Any]:
    return next(m for m in s["governing_bodies"][ccg_index]["members"] if m["roles"] == [role])


def test_a_specialist_who_met_reg_11_6_within_ten_years_of_appointment_qualifies(run):
    s = compliant()
    retired = _person(s, "GB-secondary_care_specialist")
    retired.update(specialist_register=False, gp_register=True, specialist_until="2004-06-30")
    _member(s, 0, "secondary_care_specialist")["valid_from"] = "2013-04-01"  # within 10 years
    lapsed = _person(s, "GB2-secondary_care_specialist")
    lapsed.update(consultant_post=False, specialist_until="2003-03-31")
    _member(s, 1, "secondary_care_specialist")["valid_from"] = "2013-04-01"  # 10 years and a day
    [f] = run(build(**s), "governing_body_incompatible_roles")
    assert (f.org, f.evidence["problems"]) == (
        "C2",
        [
            "secondary-care specialist does not meet reg 11(6): holds no NHS consultant or "
            "armed-forces specialty post; last met it on 2003-03-31, not within the 10 years "
            "ending with appointment on 2013-04-01"
        ],
    )
    _member(s, 1, "secondary_care_specialist").pop("valid_from")  # appointment not recorded
    assert run(build(**s), "governing_body_incompatible_roles") == []  # not judged


def test_a_nurse_or_specialist_employed_by_a_provider_the_ccg_commissions_falls_within_reg_12_1(run):
    s = compliant()
    _person(s, "GB-registered_nurse")["employer"] = "commissioned_provider"
    _person(s, "GB2-secondary_care_specialist")["employer"] = "foundation_trust"  # not known to be excluded
    [f] = run(build(**s), "governing_body_incompatible_roles")
    assert (f.org, f.evidence["problems"]) == (
        "C1",
        ["registered nurse falls within reg 12(1): employed by a commissioned_provider"],
    )


def test_a_ccg_designates_one_chief_finance_officer(run):
    s = compliant()
    s["people"].append(person("GB-cfo2", accountancy_qualified=True, employer="ccg"))
    s["governing_bodies"][0]["members"].append({"person": "GB-cfo2", "roles": ["chief_finance_officer"]})
    findings = run(build(**s), "governing_body_incompatible_roles")
    assert {(f.org, f.evidence["person"]) for f in findings} == {
        ("C1", "GB-chief_finance_officer"),
        ("C1", "GB-cfo2"),
    }
    assert all(
        f.evidence["problems"] == ["one of 2 designated chief finance officers (reg 11(5): one)"]
        for f in findings
    )
    s["governing_bodies"][0]["members"][-1]["valid_to"] = "2013-03-31"  # gone before the date
    assert run(build(**s), "governing_body_incompatible_roles") == []


def test_schedule_4_excludes_social_services_contractors_and_dental_parties_from_lay_membership(run):
    s = compliant()
    _person(s, "GB-lay_member_area_knowledge")["employer"] = "social_services_contractor"  # para 11
    _person(s, "GB2-lay_member_finance_audit")["employer"] = "dental_services_party"  # para 12
    problems = {f.org: f.evidence["problems"] for f in run(build(**s), "governing_body_incompatible_roles")}
    assert problems == {
        "C1": ["lay member employed by an excluded body (social_services_contractor)"],
        "C2": ["lay member employed by an excluded body (dental_services_party)"],
    }
