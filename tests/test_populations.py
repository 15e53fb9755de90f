"""Populations on a date, on the real files: the mid-year LSOA estimate nearest the date, summed
over each body's LSOAs. The expected sums are made again here from the raw CSVs, and the mid-2012
CCG figures held to those ONS published (Corby about 63,100; North, East, West Devon about
869,400; a median about 221,000), within the rounding of the excluded-prisoners series."""

from __future__ import annotations

import csv
import statistics
from collections import Counter

import pytest
from helpers import open_published

from ccgraph.core import System
from graphmodel.dated import open_on, population_on


@pytest.fixture(scope="module")
def england(real_2021) -> System:
    return System.open(real_2021)


def _column(path, key: str, value: str) -> dict[str, str]:
    with open_published(path, "utf-8") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle)}


def test_2013_ccg_populations_are_their_lsoas_mid_2012_estimates(england, real_2021):
    people = {
        lsoa: int(n.replace(",", ""))
        for lsoa, n in _column(
            real_2021[2] / "population" / "lsoa11_population_mid2012_IoD2015_File6.csv",
            "LSOA code (2011)",
            "Total population: mid 2012 (excluding prisoners)",
        ).items()
    }
    ccg_of = _column(real_2021[0] / "LSOA11_CCG15_LAD15_EN_LU.csv", "LSOA11CD", "CCG15CDH")
    expected: Counter[str] = Counter()
    for lsoa, ccg in ccg_of.items():
        expected[ccg] += people[lsoa]
    graph = england.graph
    ours = {
        code: population_on(attrs, "2013-04-01")
        for code, attrs in graph.nodes(data=True)
        if attrs["kind"] == "CCG" and open_on(attrs, "2013-04-01")
    }
    assert {c for c, p in ours.items() if p is None} == {"00F", "00G", "00H"}  # merged into 13T before the lookup
    assert {c: p for c, p in ours.items() if p is not None} == {c: (expected[c], 2012) for c in ours if ours[c]}
    published = {"03V": 63_100, "99P": 869_400}  # Corby; North, East, West Devon (ONS, mid-2012)
    for code, figure in published.items():
        assert ours[code][0] == pytest.approx(figure, rel=0.005), code
    assert statistics.median(p[0] for p in ours.values() if p) == pytest.approx(221_000, rel=0.01)


def test_the_boards_of_1_july_2022_hold_all_of_englands_mid_2020_population(england, real_2021):
    people = _column(
        real_2021[2] / "population" / "lsoa11_population_mid2020_ONS_SAPE_persons.csv", "lsoa11_code", "total_population"
    )
    england_total = sum(int(n) for lsoa, n in people.items() if lsoa.startswith("E"))
    boards = [a for _, a in england.graph.nodes(data=True) if a["kind"] == "ICB" and open_on(a, "2022-07-01")]
    assert len(boards) == 42
    found = [population_on(a, "2022-07-01") for a in boards]
    assert {year for _, year in found} == {2020}
    assert sum(n for n, _ in found) == england_total == 56_550_138


def test_a_board_that_took_part_of_a_split_board_has_no_population_from_that_day(england):
    """No file here says which successor took each location of Frimley (QNQ), split in 2026."""
    attrs = england.graph.nodes["QRL"]
    assert population_on(attrs, "2026-03-31") is not None
    assert population_on(attrs, "2026-04-01") is None
    assert england.profile("QRL", "2025-04-01")["node"]["population"].endswith("(mid-2020 LSOA estimates)")
