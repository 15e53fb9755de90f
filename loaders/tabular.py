"""Reading published CSV files as they are: BOMs, CR-only line endings, no header, odd encodings.

Every row comes with its 1-based line number so that each problem can name file, line and field.
"""

from __future__ import annotations

import csv
import operator
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
    path: Path, columns: Sequence[str | None], *, header: bool, min_columns: int | None = None
) -> Iterator[tuple[Location, dict[str, str]]]:
    """Yield `(location, row)` with fields named by `columns`.

    With `header=True` the file's first line must contain every name in `columns` (extra columns
    are ignored). Without a header, `columns` name positions 1..n (`None` for a position that is
    not needed) and a row must have at least `min_columns` fields (default: all of them).
    """
    if not path.is_file():
        raise InputError([Problem(Location(path.name), "*", f"file not found in {path.parent}")])
    name = path.name
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    need = len(columns) if min_columns is None else min_columns
    wanted = [(c, i) for i, c in enumerate(columns) if c]
    try:
        if header:
            first = next(reader, None)
            names = [h.strip() for h in first] if first else []
            missing = [c for c, _ in wanted if c not in names]
            if missing:
                raise InputError(
                    [
                        Problem(Location(name, 1), m, f"column missing from header {names[:12]}")
                        for m in missing
                    ]
                )
            wanted = [(c, names.index(c)) for c, _ in wanted]
            need = max(i for _, i in wanted) + 1
        names_out = [c for c, _ in wanted]
        width = max(i for _, i in wanted) + 1
        getter = operator.itemgetter(*(i for _, i in wanted))
        pick = getter if len(wanted) > 1 else (lambda f: (getter(f),))
        for fields in reader:
            if not any(fields):
                continue
            where = Location(name, reader.line_num)
            if len(fields) < need:
                column = next((c for c, i in wanted if i >= len(fields)), wanted[-1][0])
                raise InputError(
                    [Problem(where, column, f"row has {len(fields)} fields, expected at least {need}")]
                )
            if len(fields) < width:
                fields = fields + [""] * (width - len(fields))
            values = pick(fields)
            if max(map(len, values)) > MAX_FIELD:
                column = next(c for c, v in zip(names_out, values) if len(v) > MAX_FIELD)
                raise InputError([Problem(where, column, f"field is more than {MAX_FIELD} characters long")])
            yield where, dict(zip(names_out, map(str.strip, values)))
    except csv.Error as err:
        raise InputError([Problem(Location(name, reader.line_num), "*", f"malformed CSV: {err}")]) from None


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
