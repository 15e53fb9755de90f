"""Answers without code: counts per region, area team, board, STP or commissioner on a date;
why each practice moved in a diff; a graph of one date for Gephi. On small hand-made graphs,
then on the real England."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from ccgraph.cli import main
from ccgraph.core import System
from graphmodel.dated import commissioners_on, open_on, structure_diff
from graphmodel.summary import NOT_PLACED, summary_on


def _two_eras() -> nx.MultiDiGraph:
    """Two CCGs under an area team of one region in 2013; one sub-ICB location of a board
    answering to the same region from 1 July 2022."""
    g = nx.MultiDiGraph()
    g.add_node("R", kind="Region", name="North")
    g.add_node("AT", kind="AreaTeam", name="Tees", close_date="2015-03-31")
    g.add_node("C1", kind="CCG", close_date="2022-06-30")
    g.add_node("C2", kind="CCG", close_date="2022-06-30")
    g.add_node("L1", kind="SubICBLocation", open_date="2022-07-01")
    g.add_node("B", kind="ICB", open_date="2022-07-01")
    g.add_node("P1", kind="Practice", list_size=4000)
    g.add_node("P2", kind="Practice", list_size=6000)
    g.add_edge("AT", "R", rel="ACCOUNTABLE_TO", valid_from="2013-04-01", valid_to="2015-03-31")
    for ccg in ("C1", "C2"):
        g.add_edge(ccg, "AT", rel="ACCOUNTABLE_TO", valid_from="2013-04-01", valid_to="2015-03-31")
    g.add_edge("P1", "C1", rel="MEMBER_OF", valid_from="2013-04-01", valid_to="2022-06-30")
    g.add_edge("P2", "C2", rel="MEMBER_OF", valid_from="2013-04-01", valid_to="2022-06-30")
    for practice in ("P1", "P2"):
        g.add_edge(practice, "L1", rel="COMMISSIONED_BY", valid_from="2022-07-01")
    g.add_edge("L1", "B", rel="IN_ICB", valid_from="2022-07-01")
    g.add_edge("B", "R", rel="ACCOUNTABLE_TO", valid_from="2022-07-01")
    return g


def test_a_ccg_is_counted_in_the_region_its_area_team_answers_to():
    found = summary_on(_two_eras(), "2013-04-01", "region")
    assert [(r["code"], r["commissioners"], r["practices"], r["patients"]) for r in found["rows"]] == [
        ("R", 2, 2, 10_000)
    ]
    assert found["total"]["practices"] == 2


def test_patients_are_counted_only_in_the_quarter_their_list_sizes_describe():
    assert summary_on(_two_eras(), "2013-06-30", "region")["total"]["patients"] == 10_000
    assert summary_on(_two_eras(), "2013-07-01", "region")["total"]["patients"] is None


def test_commissioners_no_link_places_are_a_row_of_their_own_never_spread():
    found = summary_on(_two_eras(), "2016-04-01", "region")  # the area team ended in 2015
    assert [(r["code"], r["commissioners"]) for r in found["rows"]] == [(NOT_PLACED, 2)]


def test_from_july_2022_a_sub_icb_location_counts_in_its_board_and_the_boards_region():
    g = _two_eras()
    assert [(r["code"], r["practices"]) for r in summary_on(g, "2023-04-01", "icb")["rows"]] == [("B", 2)]
    assert [(r["code"], r["practices"]) for r in summary_on(g, "2023-04-01", "region")["rows"]] == [("R", 2)]
    assert summary_on(g, "2023-04-01", "ccg")["commissioners"] == "sub-ICB locations"


def test_a_practice_moved_by_a_merger_is_told_apart_from_one_that_moved_on_its_own():
    g = nx.MultiDiGraph()
    for code, close in (("A", "2019-03-31"), ("B", None), ("C", None)):
        g.add_node(code, kind="CCG", **({"close_date": close} if close else {}))
    g.add_node("PA", kind="Practice")
    g.add_node("PC", kind="Practice")
    g.add_edge("A", "B", rel="SUCCEEDED_BY", valid_from="2019-04-01")
    g.add_edge("PA", "A", rel="MEMBER_OF", valid_to="2019-03-31")
    g.add_edge("PA", "B", rel="MEMBER_OF", valid_from="2019-04-01")
    g.add_edge("PC", "C", rel="MEMBER_OF", valid_to="2019-03-31")
    g.add_edge("PC", "B", rel="MEMBER_OF", valid_from="2019-04-01")
    moved = {
        p["practice"]: p["why"] for p in structure_diff(g, "2018-04-01", "2019-04-01")["practices_moved"]
    }
    assert moved == {"PA": "merger", "PC": "own move"}
    backwards = structure_diff(g, "2019-04-01", "2018-04-01")["practices_moved"]
    assert {p["practice"]: p["why"] for p in backwards} == moved


@pytest.fixture(scope="module")
def england() -> System:
    return System.open()  # the registers ccgraph ships


def test_on_1_april_2013_the_four_regions_hold_every_practice_and_its_patients(england):
    found = england.summary("region", "2013-04-01")
    names = [r["name"] for r in found["rows"]]
    assert names == ["North of England", "Midlands and East of England", "London", "South of England"]
    members = commissioners_on(england.graph, "2013-04-01")
    assert sum(r["practices"] for r in found["rows"]) == found["total"]["practices"] == len(members) == 8096
    patients = sum(england.graph.nodes[p].get("list_size") or 0 for p in members)
    assert sum(r["patients"] for r in found["rows"]) == found["total"]["patients"] == patients
    assert 55_000_000 < patients < 57_000_000
    assert found["patients_from"] == "NHSBSA list sizes, April-June 2013"


def test_after_2022_the_boards_hold_every_sub_icb_location_and_its_residents(england):
    found = england.summary("icb", "2026-04-01")
    boards = {r["code"] for r in found["rows"]} - {NOT_PLACED}
    assert len(boards) == 36 and sum(r["commissioners"] for r in found["rows"]) == 106
    [unplaced] = [r for r in found["rows"] if r["code"] == NOT_PLACED]
    assert unplaced["commissioners"] == 7  # no file says which boards took the split boards' locations
    assert sum(r["population"] for r in found["rows"]) == found["total"]["population"] == 56_550_138


def test_summary_as_a_table_csv_and_json_on_the_command_line():
    table = CliRunner().invoke(main, ["summary", "--by", "region", "--as-at", "2013-04-01"])
    assert table.exit_code == 0 and "London" in table.stdout and "55,918,639" in table.stdout
    rows = CliRunner().invoke(main, ["summary", "--by", "area-team", "--format", "csv"]).stdout.splitlines()
    assert rows[0].startswith("code,name,commissioners,practices") and len(rows) == 1 + 27 + 1
    found = json.loads(
        CliRunner()
        .invoke(main, ["summary", "--by", "stp", "--as-at", "2020-04-01", "--format", "json"])
        .stdout
    )
    assert len(found["rows"]) == 42 and found["total"]["commissioners"] == 135


def test_the_diff_says_which_practices_moved_with_a_merger_and_which_with_the_2022_boundary(england):
    merged = england.diff("2019-04-01", "2020-04-01").as_dict()["practices_moved"]
    assert merged and {p["why"] for p in merged} == {"merger"}
    handover = england.diff("2022-06-30", "2022-07-01").as_dict()["practices_moved"]
    glossop = [p for p in handover if p["from"] == "01Y"]
    assert glossop and {p["why"] for p in glossop} == {"boundary change"}  # Glossop to Derbyshire


def test_an_export_as_at_a_date_holds_that_day_alone(england, tmp_path):
    path = tmp_path / "england-2020.json"
    result = CliRunner().invoke(main, ["export", str(path), "--as-at", "2020-04-01"])
    assert result.exit_code == 0, result.output
    written = json.loads(path.read_text(encoding="utf-8"))
    open_that_day = [c for c, a in england.graph.nodes(data=True) if open_on(a, "2020-04-01")]
    assert len(written["nodes"]) == len(open_that_day)
    assert written["graph"]["coverage"] == ["2020-04-01", "2020-04-01"]
    again = CliRunner().invoke(main, ["check", "--input", str(path), "--as-at", "2021-04-01"])
    assert again.exit_code == 2 and "covers only 2020-04-01" in again.output
    that_day = System.open(graph_file=path).check(as_at="2020-04-01").findings
    assert that_day == england.check(as_at="2020-04-01").findings  # the day's graph judges as the whole
