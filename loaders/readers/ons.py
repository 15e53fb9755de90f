"""ONS code lookups (headered CSV): CCGs, area teams, regions, PCTs, SHAs, LSOAs, districts, counties.

Each function reads one published file and returns plain rows keyed by its own column names;
the loading steps (`loaders.steps`) turn them into the model. Quoted or bare headers and CR-only line endings
are handled by `loaders.readers.tabular`.
"""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import Location
from loaders.readers.tabular import count_rows, parse_number, read_rows

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


def lsoa_ccg_district(path: Path, year: int) -> tuple[int, list[tuple[Location, dict[str, str], int]]]:
    """LSOA11_CCGyy_LADyy_EN_LU.csv: how many LSOAs each (CCG, district) pair has that year.

    Returns the number of LSOA rows and each distinct pair with its count and first line; the
    row's fields are named `ccg` (ODS code), `district` and `district_name`.
    """
    yy = year % 100
    columns = (f"CCG{yy}CDH", f"LAD{yy}CD", f"LAD{yy}NM", f"CCG{yy}NM", f"CCG{yy}CD")
    read, pairs = count_rows(path, columns, header=True)
    names = ("ccg", "district", "district_name", "ccg_name", "ccg_ons")
    return read, [(w, dict(zip(names, r.values())), n) for w, r, n in pairs]


def district_county(path: Path, year: int) -> Rows:
    """LADyy_CTYyy_EN_LU.csv: district -> county that year (E10 codes are two-tier counties);
    fields named `district`, `district_name`, `county`, `county_name`."""
    yy = year % 100
    rows = read_lookup(path, f"LAD{yy}CD", f"LAD{yy}NM", f"CTY{yy}CD", f"CTY{yy}NM")
    names = ("district", "district_name", "county", "county_name")
    return [(w, dict(zip(names, r.values()))) for w, r in rows]


def ccg_stp(path: Path, year: int) -> Rows:
    """CCGyy_STPyy_EN_LU.csv: CCG (ODS code) -> Sustainability and Transformation Partnership;
    fields named `ccg`, `ccg_name`, `ccg_ons`, `stp`, `stp_name`."""
    yy = year % 100
    rows = read_lookup(path, f"CCG{yy}CDH", f"CCG{yy}NM", f"CCG{yy}CD", f"STP{yy}CD", f"STP{yy}NM")
    names = ("ccg", "ccg_name", "ccg_ons", "stp", "stp_name")
    return [(w, dict(zip(names, r.values()))) for w, r in rows]


def lsoa_ccg_district_2021(path: Path) -> tuple[int, list[tuple[Location, dict[str, str], int]]]:
    """lookup_lsoa11_ccg21_stp21_ltla21.csv: the ONS April 2021 LSOA lookup as the geographr R
    package keeps it (snake_case columns; CCGs by ONS code only, `ccg` is left empty for the
    step to fill from the 2021 names file). Fields as `lsoa_ccg_district` gives them, and the
    CCG's `stp` and `stp_name` (one STP a CCG, so the pairs are the same)."""
    columns = ("ccg21_code", "ltla21_code", "ltla21_name", "ccg21_name", "stp21_code", "stp21_name")
    read, pairs = count_rows(path, columns, header=True)
    names = ("ccg_ons", "district", "district_name", "ccg_name", "stp", "stp_name")
    return read, [(w, {"ccg": "", **dict(zip(names, r.values()))}, n) for w, r, n in pairs]


def district_upper_tier(path: Path, year: int) -> Rows:
    """lookup_ltlayy_utlayy.csv (geographr's copy of the ONS LTLA to UTLA lookup): district ->
    upper-tier authority; fields named as `district_county` gives them (a unitary district is its
    own upper tier; a county's code begins E10)."""
    yy = year % 100
    rows = read_lookup(path, f"ltla{yy}_code", f"ltla{yy}_name", f"utla{yy}_code", f"utla{yy}_name")
    names = ("district", "district_name", "county", "county_name")
    return [(w, dict(zip(names, r.values()))) for w, r in rows]


def ccg_codes(path: Path, year: int) -> Rows:
    """CCGyy_names_codes_EN.csv: each CCG's ONS code, ODS code and name; fields `ccg_ons`,
    `ccg`, `ccg_name`."""
    yy = year % 100
    rows = read_lookup(path, f"CCG{yy}CD", f"CCG{yy}CDH", f"CCG{yy}NM")
    return [(w, dict(zip(("ccg_ons", "ccg", "ccg_name"), r.values()))) for w, r in rows]

