"""Reading published CSV files as they are: BOMs, CR-only line endings, no header, odd encodings.

Every row comes with its 1-based line number so that each problem can name file, line and field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from graphmodel.dataset import InputError, Location, Problem

MAX_FIELD = 10_000  # no field in these registers is anywhere near this long


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        # Registers published from Windows tools are cp1252; anything else is refused clearly.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                [Problem(Location(path.name, line), "*", f"not UTF-8 or Windows-1252 text ({err.reason})")]
            ) from None


def read_rows(
    path: Path, columns: Sequence[str], *, header: bool, min_columns: int | None = None
) -> Iterator[tuple[Location, dict[str, str]]]:
    """Yield `(location, row)` with fields named by `columns`.

    With `header=True` the file's first line must contain every name in `columns` (extra columns
    are ignored). Without a header, `columns` name positions 1..n and a row must have at least
    `min_columns` fields (default: all of them).
    """
    if not path.is_file():
        raise InputError([Problem(Location(path.name), "*", f"file not found in {path.parent}")])
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    need = len(columns) if min_columns is None else min_columns
    positions: list[int] = list(range(len(columns)))
    try:
        if header:
            first = next(reader, None)
            names = [h.strip() for h in first] if first else []
            missing = [c for c in columns if c not in names]
            if missing:
                raise InputError(
                    [Problem(Location(path.name, 1), m, f"column missing from header {names[:12]}") for m in missing]
                )
            positions = [names.index(c) for c in columns]
            need = max(positions) + 1
        for fields in reader:
            where = Location(path.name, reader.line_num)
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) < need:
                raise InputError(
                    [Problem(where, columns[min(len(fields), len(columns) - 1)], f"row has {len(fields)} fields, expected at least {need}")]
                )
            row = {}
            for name, pos in zip(columns, positions):
                value = fields[pos].strip() if pos < len(fields) else ""
                if len(value) > MAX_FIELD:
                    raise InputError([Problem(where, name, f"field is {len(value)} characters long")])
                row[name] = value
            yield where, row
    except csv.Error as err:
        raise InputError([Problem(Location(path.name, reader.line_num), "*", f"malformed CSV: {err}")]) from None


def parse_date(value: str, where: Location, field: str) -> date | None:
    """ODS dates are YYYYMMDD; ISO dates are accepted too. Blank means 'none'."""
    if not value:
        return None
    text = value.replace("-", "")
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError("not YYYYMMDD")
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as err:
        raise InputError([Problem(where, field, f"malformed date {value[:40]!r} ({err})")]) from None


def parse_number(value: str, where: Location, field: str, *, integer: bool = False) -> float:
    try:
        number = int(value) if integer else float(value)
    except ValueError:
        raise InputError([Problem(where, field, f"not a number: {value[:40]!r}")]) from None
    if number < 0 or number != number:
        raise InputError([Problem(where, field, f"must not be negative: {value[:40]!r}")])
    return number
