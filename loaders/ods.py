"""NHS Digital ODS extracts (no header, quoted, CRLF): epcmem, epraccur, eccg, succ.

Column positions follow the ODS specification; only the columns the model uses are named.
"""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import Location
from loaders.tabular import read_rows

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
EPCMEM = ("code", "parent", "parent_type", "join_date", "left_date", "amended")
SUCC = ("code", "successor", None, "effective_date", "indicator")


def practices(path: Path) -> Rows:
    """epraccur: GP practices and other prescribing sites (column 26 = 4 for GP practices)."""
    return list(read_rows(path, EPRACCUR, header=False))


def memberships(path: Path) -> Rows:
    """epcmem: dated membership of each prescribing cost centre in its parent commissioner."""
    return list(read_rows(path, EPCMEM, header=False, min_columns=5))


def successions(path: Path) -> Rows:
    """succ: organisation -> successor with effective date (CCG and CSU mergers)."""
    return list(read_rows(path, SUCC, header=False, min_columns=4))


def ccgs(path: Path) -> Rows:
    """eccg: every CCG with postcode and open/close dates."""
    return list(read_rows(path, ECCG, header=False))
