"""End to end on the real England-2013 files: the published facts of 1 April 2013 hold in the
graph seen on that day (tests/test_history.py follows it to 2022)."""

from __future__ import annotations

from collections import Counter

import pytest

from graphmodel.dated import open_on
from graphmodel.nx_graph import build_graph
from loaders.inputs import load_inputs
from queries.runner import NetworkXBackend, run_checks


DAY = "2013-04-01"


@pytest.fixture(scope="module")
def england(real_data):
    return load_inputs(real_data)


def open_that_day(england, kind: str) -> list:
    return [n for n in england.dataset.of_kind(kind) if open_on(n.properties(), DAY)]


def test_there_are_211_ccgs_in_april_2013(england):
    assert len(open_that_day(england, "CCG")) == 211


def test_over_8000_gp_practices_are_members_on_1_april_2013(england):
    members = {
        r.source
        for r in england.dataset.relationships.values()
        if r.rel == "MEMBER_OF" and str(r.valid_from or "") <= DAY <= str(r.valid_to or "9999")
    }
    practices = [p for p in open_that_day(england, "Practice") if p.code in members]
    with_patients = [p for p in practices if p.list_size]
    assert len(practices) == 8096  # epcmem: GP practices (setting 4) open on the day
    # The NHSBSA April-June file gives 7,986 of them a registered list (83 are absent from it).
    assert len(with_patients) == 7986


def test_every_practice_with_patients_is_in_exactly_one_ccg_on_the_day(england):
    graph = build_graph(england.dataset)
    findings = run_checks(
        NetworkXBackend(graph), only=["practice_single_membership", "ccg_without_practices"]
    )
    assert findings == []


def test_registered_patients_total_about_56_million(england):
    total = sum(p.list_size or 0 for p in england.dataset.of_kind("Practice"))
    assert 55_000_000 < total < 57_000_000


def test_152_upper_tier_authorities_each_with_one_hwb(england):
    assert len(open_that_day(england, "LocalAuthority")) == 152 and len(open_that_day(england, "HWB")) == 152
    findings = run_checks(NetworkXBackend(build_graph(england.dataset)), only=["hwb_per_authority"])
    assert findings == []


def test_the_2012_pcts_and_their_shas(england):
    # PCO_2012 lists 151 PCTs (seed S1 says 151; S4 says 152 - the ONS file has 151).
    counts = england.dataset.counts()
    assert counts["PCT"] == 151 and counts["SHA"] == 10


def test_four_commissioning_regions_and_27_area_teams_under_the_nhs_cb(england):
    # The ONS lookup has 25, with London as one; the NHSBSA list-size file splits London into
    # North East London (Q61), North West London (Q62) and South London (Q63).
    # On 1 April 2013; the regions that followed in 2019 (succ.csv) are in the graph from then.
    assert (len(open_that_day(england, "Region")), len(open_that_day(england, "AreaTeam"))) == (4, 27)
    london = {n.code for n in open_that_day(england, "AreaTeam") if "London" in n.name}
    assert london == {"Q61", "Q62", "Q63"}


def test_every_pct_passes_to_a_ccg(england):
    findings = run_checks(NetworkXBackend(build_graph(england.dataset)), only=["pct_succession"])
    assert findings == []


def test_the_report_reconciles_membership_sources(england):
    note = next(n for n in england.report.notes if n.startswith("Membership on 2013-04-01"))
    assert "7992 agree, 21 differ" in note and "83 absent" in note


def test_boundary_crossing_ccgs_are_found_with_their_shares(england):
    findings = run_checks(NetworkXBackend(build_graph(england.dataset)), only=["boundary_crossing_ccgs"])
    by_org = {f.org: f for f in findings}
    assert "00K" in by_org  # Hartlepool and Stockton-on-Tees: two unitary authorities
    shares = {a["authority"]: a["share"] for a in by_org["00K"].evidence["authorities"]}
    assert shares == {"E06000004": 67.42, "E06000001": 32.58}
    assert all(f.severity.value == "warning" for f in findings)
    assert Counter(len(f.evidence["authorities"]) for f in findings)[2] >= 15


def test_published_facts_lay_over_the_real_data_each_with_its_source(real_data):
    loaded = load_inputs([real_data, real_data.parent / "england-2013-curated"])
    nodes = loaded.dataset.nodes
    directed = {
        n.code
        for n in loaded.dataset.of_kind("CCG")
        if n.authorisation_outcome == "authorised_with_directions"
    }
    assert len(directed) == 15 and {"04G", "06N", "09W"} <= directed  # all 15, as published
    assert (
        nodes["04G"].name == "NHS Nene"
        and "england.nhs.uk/2013/01/wave2-auth" in nodes["04G"].authorisation_source
    )
    assert nodes["04G"].authorisation_quote
    sourced = [
        r
        for r in loaded.dataset.relationships.values()
        if r.rel in ("IN_CLUSTER", "SUPPORTED_BY", "INTENSIVE_SUPPORT_FROM")
    ]
    assert len(sourced) == 42 + 21 + 6 and all(r.source_url and r.quote for r in sourced)
    support = {(r.source, r.target) for r in sourced if r.rel == "INTENSIVE_SUPPORT_FROM"}
    assert ("04G", "03V") in support and ("04G", "X24") in support  # Corby commissions for Nene
    graph = build_graph(loaded.dataset)
    unclustered = run_checks(NetworkXBackend(graph), only=["pct_in_cluster"])
    assert len(unclustered) == 151 - 42 and {f.kind for f in unclustered} == {"gap"}  # partial facts: gaps
    note = next(n for n in loaded.report.notes if n.startswith("Published facts"))
    assert "authorisation recorded for 44 of 211 CCGs" in note and "a PCT cluster for 42 of 151 PCTs" in note


def test_the_report_lists_orphans(england):
    note = england.report.notes[-1]
    assert note.startswith("Orphans")
    assert "CCG" not in note and "Practice" not in note  # every CCG and practice is linked
