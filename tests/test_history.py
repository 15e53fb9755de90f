"""The structure on any date from 2013 to 2022, on the real files: the published counts, the
merger lineage, memberships carried along mergers, each year's boundaries, and both backends."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import folder_with, open_published

from ccgraph.cli import main
from ccgraph.core import System
from graphmodel.dated import ccgs_open, holder_on, lineage, memberships_on, name_on, open_on, practice_history
from queries.checks.membership import practice_single_membership

# CCGs open on 1 April each year (PROVENANCE.md, from the ODS register; the lookups agree).
CCGS_ON_1_APRIL = {
    2013: 211,
    2014: 211,
    2015: 209,
    2016: 209,
    2017: 207,
    2018: 195,
    2019: 191,
    2020: 135,
    2021: 106,
    2022: 106,
}
LAST_DAY = "2022-06-30"


@pytest.fixture(scope="module")
def dated(real_history) -> System:
    return System.open(real_history)


@pytest.mark.parametrize("year", sorted(CCGS_ON_1_APRIL))
def test_the_ccgs_open_on_1_april_are_the_published_count(dated, year):
    assert len(ccgs_open(dated.graph, f"{year}-04-01")) == CCGS_ON_1_APRIL[year]


def test_a_ccg_formed_by_a_merger_opens_the_day_the_merger_takes_effect(dated):
    """13T was established on 26 November 2014 (the register's date); its predecessors merged
    into it on 1 April 2015 (succ.csv), so there were 211 CCGs, not 212, in between."""
    assert dated.graph.nodes["13T"]["open_date"] == "2015-04-01"
    assert len(ccgs_open(dated.graph, "2015-03-31")) == len(ccgs_open(dated.graph, "2014-11-26")) == 211


def test_pcts_and_shas_end_on_31_march_2013_and_are_judged_only_at_the_handover(dated):
    """Health and Social Care Act 2012 ss.33-34: abolished from 1 April 2013. The transition
    checks judge them on the day after their last (the CCGs' first), and on no later date."""
    graph = dated.graph
    old = {n: a for n, a in graph.nodes(data=True) if a["kind"] in ("PCT", "SHA", "PCTCluster")}
    assert len([a for a in old.values() if a["kind"] == "PCT"]) == 151
    assert {a.get("close_date") for a in old.values()} == {"2013-03-31"}
    assert not [n for n, a in old.items() if open_on(a, "2013-04-01")]
    transition = ["pct_in_cluster", "pct_succession"]
    assert dated.check(as_at="2013-04-01", only=transition).findings
    assert dated.check(as_at="2013-04-02", only=transition).findings == []
    assert dated.check(as_at="2020-04-01", only=transition).findings == []


def test_area_teams_and_regions_end_when_succ_dates_their_successors(dated):
    """succ.csv: 21 of the 27 area teams succeeded on 1 April 2015 (Q44 -> Q75 ...), the North
    and the Midlands and East regions split into four on 1 April 2019 (South had become South
    East and South West by the 2018 lookup); a CCG's link to its area team ends with the team."""
    graph = dated.graph

    def open_that_day(kind: str, day: str) -> list[str]:
        return [n for n, a in graph.nodes(data=True) if a["kind"] == kind and open_on(a, day)]

    assert (len(open_that_day("AreaTeam", "2015-03-31")), len(open_that_day("AreaTeam", "2015-04-01"))) == (27, 6)
    assert (len(open_that_day("Region", "2019-03-31")), len(open_that_day("Region", "2019-04-01"))) == (5, 7)
    assert graph.nodes["Q44"]["close_date"] == "2015-03-31"
    [(team, link)] = [
        (t, a)
        for _, t, a in graph.out_edges("00C", data=True)
        if a["rel"] == "ACCOUNTABLE_TO" and graph.nodes[t]["kind"] == "AreaTeam"
    ]
    assert link.get("valid_to") == graph.nodes[team].get("close_date") == "2015-03-31"


def test_stps_are_dated_by_the_years_their_lookups_list_them(dated):
    stps = [a for _, a in dated.graph.nodes(data=True) if a["kind"] == "STP"]
    assert [sum(open_on(a, f"{y}-04-01") for a in stps) for y in (2016, 2017, 2020)] == [0, 44, 42]


def test_every_2013_ccg_leads_by_mergers_to_a_ccg_open_on_the_last_day(dated):
    graph = dated.graph
    for ccg, _ in ccgs_open(graph, "2013-04-01"):
        last = lineage(graph, ccg)["merged_into"]
        heir = last[-1]["code"] if last else ccg
        assert heir == holder_on(graph, ccg, LAST_DAY)
        assert graph.nodes[heir]["open_date"] <= LAST_DAY == graph.nodes[heir]["close_date"]
    assert {holder_on(graph, c, LAST_DAY) for c, _ in ccgs_open(graph, "2013-04-01")} == {
        c for c, _ in ccgs_open(graph, LAST_DAY)
    }


def test_ccgs_close_on_30_june_2022_when_integrated_care_boards_take_over(dated):
    assert ccgs_open(dated.graph, LAST_DAY) and all(
        a["close_date"] <= LAST_DAY for _, a in dated.graph.nodes(data=True) if a["kind"] == "CCG"
    )


@pytest.mark.parametrize("year", range(2014, 2023))
def test_no_practice_is_left_in_no_ccg_because_its_ccg_merged(dated, year):
    graph, day = dated.graph, f"{year}-04-01"
    reported = practice_single_membership(graph, as_at=day)
    assert not [p for p, ev in reported if ev["closed_ccgs"]]  # none still attached to a merged CCG
    orphans = [p for p, ev in reported if not ev["ccgs"]]
    for practice in orphans:
        before = [m for m in practice_history(graph, practice) if (m["to"] or "9999") < day]
        if before:
            last = before[-1]
            merged = lineage(graph, last["ccg"])["merged_into"]
            assert not (merged and last["to"] == graph.nodes[last["ccg"]]["close_date"]), practice
    assert len(orphans) < 5  # the few left are gaps in the ODS history itself, not mergers


def test_a_membership_recorded_past_its_ccgs_merger_continues_in_the_successor(dated):
    # The register keeps P84676 in NHS Central Manchester (00W) to 4 July 2017, though 00W merged
    # into NHS Manchester (14L) on 1 April 2017.
    history = practice_history(dated.graph, "P84676")
    assert [(m["ccg"], m["from"], m["to"], m["derived"]) for m in history] == [
        ("00W", "2013-04-01", "2017-03-31", False),
        ("14L", "2017-04-01", "2017-07-04", True),
        ("14L", "2017-07-05", "2017-10-31", False),
    ]


def test_memberships_after_the_extract_follow_mergers_and_are_marked_derived(dated):
    history = practice_history(dated.graph, "A81001")  # The Densham Surgery, Stockton-on-Tees
    assert [(m["ccg"], m["from"], m["derived"]) for m in history] == [
        ("00K", "2013-04-01", False),
        ("16C", "2020-04-01", True),  # 00K merged into NHS Tees Valley CCG on 1 April 2020
    ]
    note = next(n for n in dated.quality.notes if "derived: a practice whose CCG merged" in n)
    assert int(note.split()[0]) > 3000


def _upper_tier_crossings(lookup: Path, counties: Path, yy: int, tolerance: float = 5.0) -> set[str]:
    """Independently of the product: CCGs with >= `tolerance` % of their LSOAs in each of two or
    more upper-tier authorities, from one year's ONS files as published."""
    with open_published(counties, "utf-8-sig") as f:
        county_of = {
            r[f"LAD{yy}CD"]: r[f"CTY{yy}CD"] for r in csv.DictReader(f) if r[f"CTY{yy}CD"].startswith("E10")
        }
    lsoas: dict[str, Counter[str]] = defaultdict(Counter)
    with open_published(lookup, "utf-8-sig") as f:
        for r in csv.DictReader(f):
            district = r[f"LAD{yy}CD"]
            lsoas[r[f"CCG{yy}CDH"]][county_of.get(district, district)] += 1
    return {
        ccg
        for ccg, per_la in lsoas.items()
        if sum(1 for n in per_la.values() if round(100.0 * n / sum(per_la.values()), 2) >= tolerance) > 1
    }


@pytest.mark.parametrize("year", range(2016, 2021))
def test_boundary_findings_each_year_match_that_years_lookup(dated, real_history, year):
    yy = year % 100
    folder = real_history[1]
    expected = _upper_tier_crossings(
        folder / f"LSOA11_CCG{yy}_LAD{yy}_EN_LU.csv", folder / f"LAD{yy}_CTY{yy}_EN_LU.csv", yy
    )
    report = dated.check(only=["boundary_crossing_ccgs"], as_at=f"{year}-04-01")
    assert {f.org for f in report.findings} == expected
    assert len(expected) > 15


def test_the_2021_ccgs_take_their_predecessors_2020_areas_marked_derived(dated):
    graph = dated.graph
    formed_2021 = [c for c, a in ccgs_open(graph, "2021-04-01") if a["open_date"] == "2021-04-01"]
    assert len(formed_2021) == 9
    for ccg in formed_2021:
        links = [a for _, _, a in graph.out_edges(ccg, data=True) if a["rel"] == "OVERLAPS"]
        assert links and all(a.get("derived") for a in links)


def test_stps_group_the_ccgs_from_2017_to_2020(dated):
    counts = {y: dated.timeline()[y - 2013]["stps"] for y in (2016, 2017, 2020, 2021)}
    assert counts[2016] is None and counts[2021] is None  # no lookup for those years: not shown
    assert 40 <= counts[2017] <= 50 and 40 <= counts[2020] <= 45


def test_a_date_outside_the_data_is_refused_with_the_range(real_history):
    data = [a for d in real_history for a in ("--data", str(d))]
    for day in ("2013-03-31", "2022-07-01"):
        result = CliRunner().invoke(main, ["check", *data, "--as-at", day])
        assert result.exit_code == 2
        assert "covers dates from 2013-04-01 to 2022-06-30" in result.output


def test_one_directory_holding_both_sets_of_files_reads_the_same(tmp_path, real_history, dated):
    for folder in real_history:
        for file in folder.glob("*.csv*"):  # as published, or gzipped as the package ships them
            (tmp_path / file.name).symlink_to(file)
    together = System.open(tmp_path)
    assert together.graph.number_of_edges() == dated.graph.number_of_edges()
    assert len(ccgs_open(together.graph, "2019-04-01")) == 191


def test_diff_names_the_mergers_the_moves_and_the_counts(dated):
    changes = dated.diff("2019-04-01", "2020-04-01")
    s = changes.as_dict()
    assert s["counts"]["before"]["ccgs"] == 191 and s["counts"]["after"]["ccgs"] == 135
    assert {"from": "00K", "into": "16C", "on": "2020-04-01"}.items() <= next(
        m for m in s["mergers"] if m["from"] == "00K"
    ).items()
    assert len(s["ccgs_closed"]) == 74 and len(s["ccgs_opened"]) == 18
    assert any(p["practice"] == "A81001" and p["to"] == "16C" for p in s["practices_moved"])
    appeared = {(f["check"], f["org"]) for f in s["findings"]["appeared"]}
    assert ("boundary_crossing_ccgs", "16C") in appeared  # Tees Valley spans five unitary authorities
    assert all(
        f["kind"] == ("gap" if f["severity"] == "info" else "breach") for f in s["findings"]["appeared"]
    )


def test_the_diff_command_writes_table_json_and_csv(real_history):
    data = [a for d in real_history for a in ("--data", str(d))]
    runner = CliRunner()
    table = runner.invoke(main, ["diff", "2014-04-01", "2015-04-01", *data])
    assert table.exit_code == 0, table.output
    assert "2015-04-01: 00F NHS Gateshead -> 13T" in table.output and "ccgs" in table.output
    as_json = json.loads(
        runner.invoke(main, ["diff", "2014-04-01", "2015-04-01", *data, "--format", "json"]).stdout
    )
    assert [m["from"] for m in as_json["mergers"]] == ["00F", "00G", "00H"]
    out = runner.invoke(main, ["diff", "2014-04-01", "2015-04-01", *data, "--format", "csv"]).stdout
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["change", "code", "name", "detail"]
    assert ["merger", "00G", "NHS Newcastle North and East", "into 13T on 2015-04-01"] in rows


def test_history_traces_a_ccg_back_to_2013_and_forward_to_2022(real_history):
    data = [a for d in real_history for a in ("--data", str(d))]
    result = CliRunner().invoke(main, ["history", "16C", *data])
    assert result.exit_code == 0
    for line in ("2020-04-01: 00C NHS Darlington", "2020-04-01: 00K", "2020-04-01: 00M"):
        assert line in result.output
    forward = CliRunner().invoke(main, ["history", "00F", *data, "--json"])
    assert [m["code"] for m in json.loads(forward.stdout)["lineage"]["merged_into"]] == ["13T"]


@pytest.mark.neo4j
def test_both_backends_find_the_same_at_five_dates(real_history, neo4j_driver):
    from ccgraph.core import System as S

    embedded = S.open(real_history)
    server = S.open(real_history, backend="neo4j", driver=neo4j_driver)
    for day in ("2013-04-01", "2015-04-01", "2017-06-15", "2020-04-01", "2021-12-31", LAST_DAY):
        ours = embedded.check(as_at=day)
        theirs = server.check(as_at=day)
        assert [f.model_dump() for f in ours.findings] == [f.model_dump() for f in theirs.findings], day
        assert ours.counts["warning"] > 0
    assert (
        server.diff("2019-04-01", "2020-04-01").as_dict()
        == embedded.diff("2019-04-01", "2020-04-01").as_dict()
    )


def test_a_ccg_renamed_is_named_on_each_date_as_it_was_then(dated):
    """01K was NHS Lancashire North, and NHS Morecambe Bay CCG in the lookups from 2017."""
    attrs = dated.graph.nodes["01K"]
    assert (attrs["names"], attrs["names_from"]) == (
        ["NHS Lancashire North", "NHS Morecambe Bay CCG"],
        ["2013-04-01", "2017-04-01"],
    )
    assert name_on(attrs, "2016-04-01") == "NHS Lancashire North"
    assert name_on(attrs, "2020-04-01") == attrs["name"] == "NHS Morecambe Bay CCG"


@pytest.mark.neo4j
def test_both_backends_label_a_body_with_its_name_of_the_date(real_history, neo4j_driver):
    from queries.runner import Neo4jBackend, NetworkXBackend

    embedded = System.open(real_history)
    System.open(real_history, backend="neo4j", driver=neo4j_driver)
    for backend in (NetworkXBackend(embedded.graph), Neo4jBackend(neo4j_driver)):
        assert backend.labels(["01K"], [], "2016-04-01")["01K"]["name"] == "NHS Lancashire North"
        assert backend.labels(["01K"], [], "2020-04-01")["01K"]["name"] == "NHS Morecambe Bay CCG"


def test_without_the_register_the_graph_shows_only_1_april_2013(tmp_path, real_data):
    system = System.open(folder_with(real_data, tmp_path / "england-2013", without=("eccg_2025.csv",)))
    assert system.coverage == (date(2013, 4, 1), date(2013, 4, 1))
    assert len(memberships_on(system.graph, "2013-04-01")) == 8096


def test_an_exported_graph_keeps_the_dates_its_sources_cover(dated, tmp_path):
    path = tmp_path / "england.json"
    dated.export(path)
    again = System.open(graph_file=path)
    assert again.coverage == dated.coverage
    result = CliRunner().invoke(main, ["check", "--input", str(path), "--as-at", "2023-01-01"])
    assert result.exit_code == 2 and "covers dates from 2013-04-01 to 2022-06-30" in result.output


@pytest.mark.neo4j
def test_the_graph_held_in_neo4j_keeps_the_dates_its_sources_cover(real_history, neo4j_driver):
    from graphmodel.errors import CcgraphError

    System.open(real_history, backend="neo4j", driver=neo4j_driver)
    held = System.open(backend="neo4j", driver=neo4j_driver)  # no inputs: the graph the server holds
    assert held.coverage == (date(2013, 4, 1), date(2022, 6, 30))
    with pytest.raises(CcgraphError, match="outside what the data shows"):
        held.check(as_at="2022-07-01")
    assert len(held.check(as_at="2022-06-30", only=["ccg_without_practices"]).checks) == 1


def test_with_the_2021_lookup_the_2021_22_areas_are_exact_and_northamptonshire_is_split(real_2021):
    """From 1 April 2021 the lookup of that year is in force: no CCG's area is derived from its
    predecessors', Northamptonshire is two unitary authorities, the 2021 CCGs carry the lookup's
    names (X2C4Y covered Kirklees only) and the 42 STPs last to 30 June 2022."""
    system = System.open(real_2021)
    graph = system.graph
    assert [a for _, _, a in graph.edges(data=True)
            if a["rel"] == "OVERLAPS" and a.get("derived") and a.get("valid_to", "9999") >= "2021-04-01"] == []  # fmt: skip
    assert graph.nodes["E10000021"]["close_date"] == "2021-03-31"
    assert graph.nodes["E06000061"]["open_date"] == graph.nodes["E06000062"]["open_date"] == "2021-04-01"
    assert graph.nodes["X2C4Y"]["name"] == "NHS Kirklees CCG"
    assert "2021-22: 2021" in " ".join(system.quality.notes)
    stps = [a for _, a in graph.nodes(data=True) if a["kind"] == "STP"]
    assert [sum(open_on(a, day) for a in stps) for day in ("2021-04-01", "2022-06-30")] == [42, 42]
