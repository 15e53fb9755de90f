"""NHS Digital ODS extracts (no header, quoted, CRLF): epcmem, epraccur, eccg, succ.

Column positions follow the ODS specification; only the columns the model uses are named.
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from graphmodel.dataset import Location
from loaders.readers.tabular import Table, read_rows, read_table

Rows = list[tuple[Location, dict[str, str]]]


def _layout(width: int, **columns: int) -> tuple[str | None, ...]:
    """Names at their 1-based column numbers in the ODS specification; None for unused columns."""
    names: list[str | None] = [None] * width
    for name, number in columns.items():
        names[number - 1] = name
    return tuple(names)


EPRACCUR = _layout(
    26,
    code=1,
    name=2,
    postcode=10,
    open_date=11,
    close_date=12,
    status=13,
    commissioner=15,
    join_date=16,
    left_date=17,
    setting=26,
)
ECCG = _layout(12, code=1, name=2, postcode=10, open_date=11, close_date=12)
ECCG_ROLES = _layout(14, code=1, name=2, icb=4, open_date=11, close_date=12, roles=14)  # the 2022+ columns
EPCMEM = ("code", "parent", "parent_type", "join_date", "left_date", "amended")
SUCC = ("code", "successor", None, "effective_date", "indicator")


def practices(path: Path, settings: Container[str]) -> Table:
    """epraccur: prescribing sites whose setting (column 26) is one of `settings` (4 = GP practice)."""
    return read_table(path, EPRACCUR, header=False, keep={"setting": settings})


def memberships(path: Path, codes: Container[str], parents: Container[str]) -> Table:
    """epcmem: dated memberships of the cost centres in `codes` in the commissioners in `parents`."""
    return read_table(path, EPCMEM, header=False, min_columns=5, keep={"code": codes, "parent": parents})


def successions(path: Path, codes: Container[str]) -> Table:
    """succ: the successors of the organisations in `codes`, with effective dates (CCG and CSU mergers)."""
    return read_table(path, SUCC, header=False, min_columns=4, keep={"code": codes})


def ccgs(path: Path) -> Rows:
    """eccg: every CCG with postcode and open/close dates."""
    return read_rows(path, ECCG, header=False)


def roles(path: Path, role: str) -> Table:
    """eccg (2022 and later extracts): the organisations holding the ODS non-primary `role`
    (column 14, roles joined by `|`), with their integrated care board (column 4)."""
    table = read_table(path, ECCG_ROLES, header=False, min_columns=12)
    kept = [(where, row) for where, row in table.rows if role in row["roles"].split("|")]
    return Table(table.read, kept, {"roles": table.read - len(kept)})
