"""Small-area files read as one column keyed by another: each LSOA's CCG (or sub-ICB location)
in a lookup, each LSOA's population in an estimate. Streamed and bounded like every reader
(`loaders.readers.tabular.read_stream`); a value that is not a number names its line."""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import InputError, Location, Problem
from loaders.readers.tabular import Rows, parse_number, read_stream

__all__ = ["lsoa_codes", "lsoa_codes_named", "lsoa_numbers"]


def lsoa_codes(path: Path, lsoa: str, code: str) -> dict[str, str]:
    """`lsoa` column -> `code` column, for every row."""
    return lsoa_codes_named(path, lsoa, code)[0]


def lsoa_codes_named(
    path: Path, lsoa: str, code: str, name: str | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """`lsoa` column -> `code` column, and (with `name`) each code's name, in one pass. A
    lookup gives each LSOA one body: one listed again with another is refused, naming the line."""

    def consume(_header: list[str], rows: Rows) -> tuple[dict[str, str], dict[str, str]]:
        codes: dict[str, str] = {}
        names: dict[str, str] = {}
        for line, v in rows:
            area, body = v[0].strip(), v[1].strip()
            if codes.setdefault(area, body) != body:
                raise InputError(
                    [Problem(Location(path.name, line), code, f"{area[:20]!r} is listed again, in {body[:20]!r} "
                             f"after {codes[area][:20]!r}: a lookup places each small area in one body")]
                )  # fmt: skip
            if name is not None:
                names.setdefault(v[1].strip(), v[2].strip())
        return codes, names

    return read_stream(path, (lsoa, code, *([name] if name else [])), consume, header=True)


def lsoa_numbers(path: Path, lsoa: str, value: str) -> dict[str, int]:
    """`lsoa` column -> `value` column as a whole number (a thousands separator or `.00` as
    published is accepted)."""

    def consume(_header: list[str], rows: Rows) -> dict[str, int]:
        found = {}
        for line, (code, text) in rows:
            plain = text.strip().replace(",", "")
            if not plain.isdigit():  # "1296.00", or not a number: checked (and named) the long way
                plain = str(round(parse_number(plain, Location(path.name, line), value)))
            found[code.strip()] = int(plain)
        return found

    return read_stream(path, (lsoa, value), consume, header=True)
