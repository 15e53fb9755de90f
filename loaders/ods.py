"""NHS Digital ODS extracts (no header, quoted, CRLF): epcmem, epraccur, eccg, succ.

Column positions follow the ODS specification; only the columns the model uses are named.
"""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import Location
from loaders.tabular import read_rows

Rows = list[tuple[Location, dict[str, str]]]

# epraccur: 1 code, 2 name, 10 postcode, 11 open, 12 close, 13 status, 15 commissioner, 26 setting.
EPRACCUR = (
    "code",
    "name",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    "postcode",
    "open_date",
    "close_date",
    "status",
    None,
    "commissioner",
    "join_date",
    "left_date",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    "setting",
)
EPCMEM = ("code", "parent", "parent_type", "join_date", "left_date", "amended")
SUCC = ("code", "successor", None, "effective_date", "indicator")
ECCG = ("code", "name", None, None, None, None, None, None, None, "postcode", "open_date", "close_date")


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
