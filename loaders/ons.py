"""ONS code lookups (headered CSV): CCGs, area teams, regions, PCTs, SHAs, LSOAs, districts, counties.

Each function reads one published file and returns plain rows keyed by its own column names;
`loaders.england2013` turns them into the model. Quoted or bare headers and CR-only line endings
are handled by `loaders.tabular`.
"""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import Location
from loaders.tabular import count_rows, parse_number, read_rows

Rows = list[tuple[Location, dict[str, str]]]


def read_lookup(path: Path, *columns: str) -> Rows:
    """Any ONS lookup: the named columns of every row."""
    return read_rows(path, columns, header=True)


def ccgs_2013(path: Path) -> Rows:
    """CCG_APR_2013.csv: the 211 CCGs at 1 April 2013 (ONS code, ODS code, name)."""
    return read_lookup(path, "CCG13CD", "CCG13CDH", "CCG13NM")


def ccg_area_team_region(path: Path) -> Rows:
    """CCG13_NHSAT13_NHSCR13_EW_LU.csv: CCG -> NHS CB area team -> commissioning region."""
    return read_lookup(path, "CCG13CD", "NHSAT13CD", "NHSAT13NM", "NHSCR13CD", "NHSCR13NM")


def area_team_codes(path: Path) -> Rows:
    """at.csv: area team ONS code -> ODS code (Q44...)."""
    return read_lookup(path, "ons_code", "hscic_code", "name")


def pcts_2012(path: Path) -> Rows:
    """PCO12_SHA12_EN_LU.csv: each 2012 PCT with its strategic health authority."""
    return read_lookup(path, "PCO12CD", "PCO12CDO", "PCO12NM", "SHA12CD", "SHA12CDO", "SHA12NM")


def pct_ccg_shares(path: Path) -> list[tuple[Location, dict[str, str], float]]:
    """PCT12_CCG13_postcode_share.csv: PCT -> CCG with the percentage of the PCT's postcodes."""
    rows = read_lookup(path, "PCO12CDO", "CCG13CDH", "PCD_PERCENT")
    return [(w, r, parse_number(r["PCD_PERCENT"], w, "PCD_PERCENT")) for w, r in rows]


def lsoa_ccg_district(path: Path) -> tuple[int, list[tuple[Location, dict[str, str], int]]]:
    """LSOA11_CCG15_LAD15_EN_LU.csv: how many LSOAs each (CCG 2015, district) pair has.

    Returns the number of LSOA rows and each distinct pair with its count and first line.
    """
    return count_rows(path, ("CCG15CD", "CCG15CDH", "LAD15CD", "LAD15NM"), header=True)


def district_county(path: Path) -> Rows:
    """LAD15_CTY15_EN_LU.csv: district -> county (E10 codes are two-tier counties)."""
    return read_lookup(path, "LAD15CD", "LAD15NM", "CTY15CD", "CTY15NM")
