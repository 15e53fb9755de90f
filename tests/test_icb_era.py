"""From 1 July 2022 on the real files: CCGs give way to sub-ICB locations and integrated care
boards, the boards merge on 1 April 2026, and a 2013 CCG can be followed to its 2026 board.

Expected figures are counted again here from the raw files with the csv module, apart from the
loaders."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from helpers import open_published

from ccgraph.core import System
from graphmodel.dated import commissioners_on, open_on, structure_on

ABOLITION_EVE, ICB_DAY, MERGER_EVE, MERGER_DAY = "2022-06-30", "2022-07-01", "2026-03-31", "2026-04-01"


@pytest.fixture(scope="module")
def england(real_2021) -> System:
    return System.open(real_2021)


def _rows(folder: Path, name: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open_published(folder / name, encoding) as handle:
        return list(csv.DictReader(handle))


def test_on_each_date_only_the_bodies_that_existed_that_day(england):
    counts = {day: structure_on(england.graph, day) for day in (ABOLITION_EVE, ICB_DAY, MERGER_EVE, MERGER_DAY)}
    shown = {day: (c["ccgs"], c["stps"], c["sub_icb_locations"], c["icbs"]) for day, c in counts.items()}
    assert shown == {
        ABOLITION_EVE: (106, 42, 0, 0),
        ICB_DAY: (0, 0, 106, 42),
        MERGER_EVE: (0, 0, 106, 42),
        MERGER_DAY: (0, 0, 106, 36),
    }
    assert england.coverage[1].isoformat() == MERGER_DAY  # the last day a file dates a change


def test_every_ccg_and_stp_of_30_june_2022_is_succeeded_the_next_day(england):
    graph = england.graph
    for kind, successor_kind in (("CCG", "SubICBLocation"), ("STP", "ICB")):
        last = [n for n, a in graph.nodes(data=True) if a["kind"] == kind and open_on(a, ABOLITION_EVE)]
        assert last
        for code in last:
            successors = [
                t for _, t, a in graph.out_edges(code, data=True) if a["rel"] == "SUCCEEDED_BY" and a["valid_from"] == ICB_DAY
            ]
            assert successors and all(graph.nodes[t]["kind"] == successor_kind for t in successors), code


def test_the_boundary_moves_of_1_july_2022_are_placed_as_the_lookups_give_them(england, real_2021):
    """West Birmingham, Glossop and the Peterborough edge, counted from the raw lookups."""
    later = real_2021[2]
    geographr = later / "geographr"
    ods_of = {r["CCG21CD"]: r["CCG21CDH"] for r in _rows(later, "CCG21_names_codes_EN.csv")}
    ccg_of = {r["lsoa11_code"]: ods_of[r["ccg21_code"]] for r in _rows(geographr, "lookup_lsoa11_ccg21_stp21_ltla21.csv")}
    moves = Counter(
        (ccg_of[r["lsoa11_code"]], r["sicbl22_code_h"])
        for r in _rows(geographr, "lookup_lsoa11_sicbl22_icb22_ltla22.csv")
        if ccg_of[r["lsoa11_code"]] != r["sicbl22_code_h"]
    )
    assert moves == {("D2P2L", "15E"): 92, ("01Y", "15M"): 21, ("06H", "78H"): 9}
    placed = {
        (u, graph_target.removeprefix("SICBL-")): a["count"]
        for u, graph_target, a in england.graph.edges(data=True)
        if a["rel"] == "SUCCEEDED_BY" and a.get("valid_from") == ICB_DAY and graph_target != f"SICBL-{u}"
        and england.graph.nodes[u]["kind"] == "CCG"
    }  # fmt: skip
    assert placed == dict(moves)


def test_the_practices_of_the_last_day_are_the_registers_active_english_practices(england, real_2021):
    locations = {a["ods_code"] for _, a in england.graph.nodes(data=True) if a["kind"] == "SubICBLocation"}
    with open_published(real_2021[2] / "epraccur_2025-09.csv", "utf-8") as handle:
        active = {r[0] for r in csv.reader(handle) if r[25] == "4" and r[12] == "A" and r[14] in locations}
    assert set(commissioners_on(england.graph, MERGER_DAY)) == active
    assert len(active) == 6220


def test_a_2013_ccg_can_be_followed_to_its_2026_board(england):
    """00C merged into 16C in 2020, became sub-ICB location 16C of QHM in 2022; 06P Luton's
    board QHG merged into Central East (S1Y5D) in 2026."""
    onward = [(s["code"], s["how"]) for s in england.history("00C")["onward"]]
    assert onward == [("16C", "succeeded by"), ("SICBL-16C", "succeeded by"), ("QHM", "in board")]
    to_2026 = england.crosswalk("2013-04-01", MERGER_DAY, source="ccg", target="icb")
    luton = [(r["to"], r["share"]) for r in to_2026["rows"] if r["from"] == "06P"]
    assert luton == [("S1Y5D", 100.0)]
    assert england.graph.nodes["S1Y5D"]["name"] == "NHS Central East Integrated Care Board"


def test_crosswalk_shares_add_to_100_per_source_body(england):
    result = england.crosswalk("2021-04-01", ICB_DAY, source="ccg", target="sicbl")
    totals: Counter[str] = Counter()
    for row in result["rows"]:
        totals[row["from"]] += row["share"]
    assert len(totals) == 106
    assert all(abs(t - 100.0) < 0.05 for t in totals.values())
    shares = {(r["from"], r["to"]): r["share"] for r in result["rows"]}
    assert shares[("D2P2L", "SICBL-15E")] == pytest.approx(12.08, abs=0.01)  # West Birmingham's 25 of 207


def test_ccg_rules_are_not_judged_once_ccgs_were_abolished(england):
    before, after = england.check(as_at=ABOLITION_EVE), england.check(as_at=ICB_DAY)
    assert "practice_single_membership" in [c.id for c in before.checks]
    assert [c.id for c in after.checks] == [
        "hwb_per_authority", "icb_areas_cover_england", "icb_board_members", "icb_chief_executive_employee"
    ]
    assert "practice_single_membership" in after.meta["not_in_force"]
    assert {(f.check, f.kind) for f in after.findings} == {("icb_board_members", "gap")}  # no file names members
    assert len(after.findings) == 42  # one per board of 1 July 2022


@pytest.mark.neo4j
def test_both_backends_agree_either_side_of_each_change(real_2021, neo4j_driver, england):
    server = System.open(real_2021, backend="neo4j", driver=neo4j_driver)
    for day in (ABOLITION_EVE, ICB_DAY, MERGER_EVE, MERGER_DAY):
        ours, theirs = england.check(as_at=day), server.check(as_at=day)
        assert [f.model_dump() for f in ours.findings] == [f.model_dump() for f in theirs.findings], day
    assert server.diff(ABOLITION_EVE, ICB_DAY).as_dict() == england.diff(ABOLITION_EVE, ICB_DAY).as_dict()
    walk = ("2013-04-01", MERGER_DAY)
    assert server.crosswalk(*walk, target="icb") == england.crosswalk(*walk, target="icb")


def test_three_counties_gave_way_to_four_unitary_authorities_on_1_april_2023(england):
    """Cumbria, North Yorkshire and Somerset (structural changes orders of 2022)."""
    graph = england.graph
    counts = {day: structure_on(graph, day)["local_authorities"] for day in ("2023-03-31", "2023-04-01")}
    assert counts == {"2023-03-31": 152, "2023-04-01": 153}
    assert graph.nodes["E10000006"]["close_date"] == "2023-03-31"  # Cumbria county
    assert [graph.nodes[c]["open_date"] for c in ("E06000063", "E06000064")] == ["2023-04-01"] * 2
    assert open_on(graph.nodes["HWB-E06000065"], "2023-04-01") and not open_on(graph.nodes["HWB-E10000023"], "2023-04-01")


def test_the_diff_across_each_change_names_what_opened_closed_and_succeeded(england):
    abolition = england.diff(ABOLITION_EVE, ICB_DAY).as_dict()
    assert (len(abolition["ccgs_closed"]), len(abolition["sub_icb_locations_opened"]), len(abolition["icbs_opened"])) == (
        106,
        106,
        42,
    )
    moved_away = {(m["from"], m["into"]) for m in abolition["successions"] if m["into"] != f"SICBL-{m['from']}"}
    assert {("D2P2L", "SICBL-15E"), ("01Y", "SICBL-15M"), ("06H", "SICBL-78H")} <= moved_away
    # a practice is not counted as moving when its CCG became the location under the same code
    assert all(p["to"].removeprefix("SICBL-") != p["from"] for p in abolition["practices_moved"])
    mergers = england.diff(MERGER_EVE, MERGER_DAY).as_dict()
    assert (len(mergers["icbs_opened"]), len(mergers["icbs_closed"]), len(mergers["successions"])) == (6, 12, 16)


def test_memberships_of_january_2021_agree_with_that_months_registered_patients_file(england, real_2021):
    """An independent dated snapshot (NHS Digital, 1 January 2021): every practice in both
    files is in the same CCG."""
    from graphmodel.dated import memberships_on

    with open_published(real_2021[2] / "gp-reg-pat-prac-all_2021-01-01.csv", "utf-8-sig") as handle:
        published = {row["CODE"]: row["CCG_CODE"] for row in csv.DictReader(handle)}
    ours = memberships_on(england.graph, "2021-01-01")
    both = set(ours) & set(published)
    assert len(both) > 6600
    assert {p: (ours[p], published[p]) for p in both if ours[p] != published[p]} == {}


def test_six_boards_report_by_37_sub_icb_reporting_entities_from_2024(england):
    """London's five boards from 1 April 2024 (32), Frimley from 24 July 2024 (5, until it closed)."""
    graph = england.graph
    entities = [n for n, a in graph.nodes(data=True) if a["kind"] == "SubICBReportingEntity"]
    assert len(entities) == 37
    assert not any(open_on(graph.nodes[n], "2024-03-31") for n in entities)
    assert sum(open_on(graph.nodes[n], "2024-04-01") for n in entities) == 32
    boards = {t for n in entities for _, t, a in graph.out_edges(n, data=True) if a["rel"] == "IN_ICB"}
    assert boards == {"QKK", "QMF", "QMJ", "QRV", "QWE", "QNQ"}
    assert graph.nodes["L6J4J"]["close_date"] == "2026-03-31"  # Slough, with Frimley


def test_a_crosswalk_by_residents_places_the_chichester_lsoas_of_2020(england, real_history):
    """09G Coastal West Sussex merged into 70F West Sussex in 2020, but four of its LSOAs went to
    92A Surrey Heartlands: a crosswalk by practices cannot see that, one by residents does. The
    expected share is summed again here from the raw 2019 and 2020 lookups and the mid-2019
    estimates."""
    history = real_history[1]
    before = _column_of(history / "LSOA11_CCG19_LAD19_EN_LU.csv", "LSOA11CD", "CCG19CDH")
    after = _column_of(history / "LSOA11_CCG20_LAD20_EN_LU.csv", "LSOA11CD", "CCG20CDH")
    people = _column_of(
        england_2021_folder(real_history) / "population" / "lsoa11_population_mid2019_ONS_SAPE_persons.csv",
        "lsoa11_code",
        "total_population",
    )
    moved: Counter[str] = Counter()
    for lsoa, ccg in before.items():
        if ccg == "09G":
            moved[after[lsoa]] += int(people[lsoa])
    expected = round(100.0 * moved["92A"] / sum(moved.values()), 2)
    result = england.crosswalk("2019-04-01", "2020-04-01", weight="population")
    shares = {r["to"]: r["share"] for r in result["rows"] if r["from"] == "09G"}
    assert shares == {"70F": round(100.0 - expected, 2), "92A": expected}
    assert 0 < expected < 2
    by_practices = england.crosswalk("2019-04-01", "2020-04-01")
    assert {r["to"] for r in by_practices["rows"] if r["from"] == "09G"} == {"70F"}


def _column_of(path: Path, key: str, value: str) -> dict[str, str]:
    with open_published(path, "utf-8-sig") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle)}


def england_2021_folder(real_history: list[Path]) -> Path:
    return real_history[0].parent / "england-2021-2026"


def test_nhs_englands_regions_and_teams_are_dated_by_the_files_that_list_them(england):
    """The 2013 area teams that succ.csv does not succeed end by 31 March 2017 (the 2017 lookup
    lists local offices instead); South ends by 31 March 2018 (the 2018 lookup lists South East
    and South West); four regions follow North and Midlands and East on 1 April 2019; each board
    answers to one region from 1 July 2022."""
    counts = {day: structure_on(england.graph, day) for day in ("2016-04-01", "2017-04-01", "2018-04-01", "2019-04-01")}
    assert [(c["area_teams"], c["regions"]) for c in counts.values()] == [(6, 4), (0, 4), (0, 5), (0, 7)]
    graph = england.graph
    undated = [n for n, a in graph.nodes(data=True) if a["kind"] in ("AreaTeam", "Region", "HWB") and "open_date" not in a]
    assert undated == []
    boards = [n for n, a in graph.nodes(data=True) if a["kind"] == "ICB" and open_on(a, ICB_DAY)]
    regions_of = {
        b: [t for _, t, a in graph.out_edges(b, data=True) if a["rel"] == "ACCOUNTABLE_TO"] for b in boards
    }
    assert all(len(r) == 1 for r in regions_of.values()) and regions_of["QHM"] == ["Y63"]
    assert regions_of["QMF"] == ["E40000003"]  # London, the same region since 2013


def test_no_body_the_data_saw_born_is_undated_on_any_date(england):
    """An undated body in real data is a load error (loaders.undated), so the real graph has none."""
    from loaders.undated import BORN_IN_THE_DATA

    graph = england.graph
    assert [n for n, a in graph.nodes(data=True) if a["kind"] in BORN_IN_THE_DATA and "open_date" not in a] == []
