"""A user's register kept as an Excel workbook (.xlsx): its first sheet, read as rows under a
header, as the CSV readers give them (`(Location, row)`, values as text, the row's number as its
line), so that every problem still names the file, the row and the column.

A workbook is a zip of XML files, and both can be bombs: the zip's entries are refused before
anything is expanded when they would expand past `MAX_CSV_BYTES` in all, and the XML is parsed
with defusedxml (openpyxl uses it when installed), which refuses entity expansion.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graphmodel.dataset import InputError, Location, Problem
from graphmodel.input_files import MAX_CSV_BYTES, checked_file

__all__ = ["is_workbook", "read_sheet"]

MAX_ENTRIES = 1_000  # a register's workbook holds a few dozen parts


def is_workbook(path: Path) -> bool:
    return Path(path).suffix.lower() == ".xlsx"


def _refuse(path: Path, reason: str, line: int = 0, column: str = "*") -> InputError:
    return InputError([Problem(Location(Path(path).name, line), column, reason)])


def _opened(path: Path) -> Any:
    """The workbook, read-only, after its zip is found small enough to expand."""
    checked_file(path, limit=MAX_CSV_BYTES)
    try:
        with zipfile.ZipFile(path) as packed:
            entries = packed.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise _refuse(path, f"not an Excel workbook (.xlsx): {str(err)[:120]}") from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_CSV_BYTES:
        raise _refuse(path, f"expands to more than {MAX_CSV_BYTES:,} bytes or {MAX_ENTRIES:,} parts")
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - a dependency of ccgraph
        raise _refuse(path, "cannot be read safely: install defusedxml")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a broken workbook
        raise _refuse(
            path, f"not a readable Excel workbook: {type(err).__name__}: {str(err)[:120]}"
        ) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet(path: Path) -> list[list[str]]:
    book = _opened(path)
    try:
        rows = [[_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    except Exception as err:
        raise _refuse(
            path, f"its first sheet cannot be read: {type(err).__name__}: {str(err)[:120]}"
        ) from None
    finally:
        book.close()
    return rows


def read_sheet(path: Path) -> tuple[list[str], list[tuple[Location, dict[str, str]]]]:
    """The first sheet's header, and every non-blank row under it as `read_rows` gives a CSV's
    (its number as its line), the workbook read once."""
    rows = _sheet(path)
    names = rows[0] if rows else []
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if any(row):
            found.append(
                (
                    Location(path.name, number),
                    {c: row[i] if i < len(row) else "" for i, c in enumerate(names)},
                )
            )
    return names, found
