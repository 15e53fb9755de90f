"""NHSBSA quarterly registered-patient counts by practice and age/sex band (headered CSV)."""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import InputError, Location, Problem
from loaders.tabular import read_rows

KEY_COLUMNS = ("Practice Code", "Practice Name", "PCO Code", "Area Team Code")


def list_sizes(path: Path) -> list[tuple[Location, dict[str, str], int]]:
    """Each practice row with its total registered patients (sum of every Male/Female band).

    "PCO Code" is the CCG's ODS code followed by "00" (legacy rows carry old PCT or SHA codes).
    """
    header = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()[:1]
    bands = (
        [c.strip() for c in header[0].split(",") if c.strip().startswith(("Male", "Female"))]
        if header
        else []
    )
    if not bands:
        raise InputError([Problem(Location(path.name, 1), "Male 0-4", "no Male/Female age-band columns")])
    result = []
    for where, row in read_rows(path, KEY_COLUMNS + tuple(bands), header=True):
        total = 0
        for band in bands:
            value = row[band] or "0"
            if not value.isdigit():
                raise InputError([Problem(where, band, f"not a whole number of patients: {value[:40]!r}")])
            total += int(value)
        result.append((where, row, total))
    return result
