"""NHSBSA quarterly registered-patient counts by practice and age/sex band (headered CSV)."""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import InputError, Location, Problem
from loaders.readers.tabular import Rows, header_line, read_stream

KEY_COLUMNS = (
    "Practice Code",
    "Practice Name",
    "PCO Code",
    "Area Team Code",
    "Area Team Name",
    "Regional Office Code",
    "Regional Office Name",
)
MAX_DIGITS = 9  # no practice has a billion patients in one band


def _count(text: str) -> bool:
    """A count as the registers write it: ASCII digits, not absurdly many."""
    return text.isascii() and text.isdecimal() and len(text) <= MAX_DIGITS


def list_sizes(path: Path) -> list[tuple[Location, dict[str, str], int]]:
    """Each practice row with its total registered patients (sum of every Male/Female band).

    "PCO Code" is the CCG's ODS code followed by "00" (legacy rows carry old PCT or SHA codes).
    """
    bands = [c for c in header_line(path) if c.startswith(("Male", "Female"))]
    if not bands:
        raise InputError([Problem(Location(path.name, 1), "Male 0-4", "no Male/Female age-band columns")])
    keys = len(KEY_COLUMNS)

    def totals(_: list[str], rows: Rows) -> list[tuple[Location, dict[str, str], int]]:
        return [
            (
                Location(path.name, line),
                dict(zip(KEY_COLUMNS, map(str.strip, v[:keys]))),
                _total(path.name, line, bands, v[keys:]),
            )
            for line, v in rows
        ]

    return read_stream(path, KEY_COLUMNS + tuple(bands), totals, header=True)


def _total(name: str, line: int, bands: list[str], counts: tuple[str, ...]) -> int:
    """The sum of a row's band counts; blank is 0, a count may be padded, nothing else."""
    joined = "".join(counts)
    if not (joined.isascii() and joined.isdecimal()) or max(map(len, counts)) > MAX_DIGITS:
        counts = tuple(c.strip() for c in counts)
        bad = next(((b, c) for b, c in zip(bands, counts) if c and not _count(c)), None)
        if bad is not None:
            raise InputError(
                [Problem(Location(name, line), bad[0], f"not a whole number of patients: {bad[1][:40]!r}")]
            )
    return sum(map(int, filter(None, counts)))
