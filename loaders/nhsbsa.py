"""NHSBSA quarterly registered-patient counts by practice and age/sex band (headered CSV)."""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import InputError, Location, Problem
from loaders.tabular import read_values

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
    _, values = read_values(path, KEY_COLUMNS + tuple(bands), header=True)
    keys = len(KEY_COLUMNS)
    result = []
    for line, v in values:
        counts = v[keys:]
        if not "".join(counts).isdecimal():  # blank is 0; a count may be padded; nothing else
            counts = tuple(c.strip() for c in counts)
            bad = next(((b, c) for b, c in zip(bands, counts) if c and not c.isdecimal()), None)
            if bad is not None:
                raise InputError(
                    [
                        Problem(
                            Location(path.name, line),
                            bad[0],
                            f"not a whole number of patients: {bad[1][:40]!r}",
                        )
                    ]
                )
        row = dict(zip(KEY_COLUMNS, map(str.strip, v[:keys])))
        result.append((Location(path.name, line), row, sum(map(int, filter(None, counts)))))
    return result
