"""The files of the integrated care boards' era (from 1 July 2022): the ODS list of sub-ICB
locations and their boards, and the ONS names of the boards.

Like the other readers, each function reads one published file and returns plain rows with
fields named for the loading step (`loaders.steps.icbs`).
"""

from __future__ import annotations

from pathlib import Path

from loaders.readers.ons import Rows, read_lookup

__all__ = ["icb_names", "sub_icb_locations"]


def _named(rows: Rows, names: tuple[str, ...]) -> Rows:
    return [(where, dict(zip(names, row.values()))) for where, row in rows]


def sub_icb_locations(path: Path) -> Rows:
    """SICBL22_ICB22_region_ODS_July2022.csv: each sub-ICB location (`code`, `name`) with its
    board (`icb`, `icb_name`) and NHS England region (`region`, `region_name`); the published
    headers end in spaces, which the reader strips."""
    columns = (
        "Sub ICB Location ODS Code",
        "Sub ICB Location Name",
        "ICB Code",
        "Integrated Care Board Name",
        "Region Code",
        "Region Name",
    )
    return _named(read_lookup(path, *columns), ("code", "name", "icb", "icb_name", "region", "region_name"))


def icb_names(path: Path) -> Rows:
    """ICB24_names_codes_EN.csv: each board's ONS code (`ons_code`), ODS code (`code`), name."""
    return _named(read_lookup(path, "ICB24CD", "ICB24CDH", "ICB24NM"), ("ons_code", "code", "name"))
