"""Reading published CSV files as they are: BOMs, CR-only line endings, no header, odd encodings.

Every row comes with its 1-based line number so that each problem can name file, line and field.
"""

from __future__ import annotations

import csv
import functools
import itertools
import math
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, NamedTuple, TypeVar

from graphmodel.dataset import InputError, Location, Problem
from graphmodel.input_files import MAX_CSV_BYTES, open_text, read_input

MAX_FIELD = 10_000  # no field in these registers is anywhere near this long
MAX_LINE = 100_000  # characters; the widest register line (epraccur) is under 400


class Census:
    """What a reading saw of a whole file: a hash of each line, in order (8 bytes a line), from
    which `notes` tells a register with no data rows, or with rows repeated exactly, for the
    load's data-quality report rather than letting it pass silently. Counting is left to
    `notes`, so that reading pays only for a hash per line (the full tally cost 0.15 s a load).
    """

    def __init__(self, name: str, header: bool) -> None:
        self.name, self.header = name, header
        self.hashes = array("q")

    def notes(self) -> list[str]:
        first = 1 if self.header else 0
        data = [h for h in self.hashes[first:] if h not in _BLANK]
        if not data:
            return [f"{self.name} has no data rows (a header at most): nothing was read from it."]
        repeated = len(data) - len(set(data))
        if not repeated:
            return []
        seen: set[int] = set()
        for number, h in enumerate(self.hashes[first:], start=first + 1):
            if h in seen and h not in _BLANK:
                return [
                    f"{self.name} repeats {repeated:,} row(s) exactly (first at line {number}); "
                    "each was read once more, as the file has it."
                ]
            seen.add(h)
        return []


_BLANK = frozenset(hash(end) for end in ("", "\n", "\r\n", "\r"))
CENSUS: dict[Path, list[str]] = {}  # the notes of the last reading of each file, by its resolved path


def _bounded_lines(handle: IO[str], census: Census) -> Iterator[str]:
    """The file's lines, refusing one longer than `MAX_LINE` (a line of a hundred million empty
    fields would become a list of a hundred million strings), each hashed for the census."""
    remember = census.hashes.append
    for line in handle:
        if len(line) > MAX_LINE:
            where = Location(census.name, len(census.hashes) + 1)
            raise InputError([Problem(where, "*", f"line is more than {MAX_LINE:,} characters long")])
        remember(hash(line.rstrip("\r\n")))  # the same row, whatever its line ending
        yield line


ENCODINGS = ("utf-8-sig", "cp1252")  # registers published from Windows tools are cp1252


def _undecodable(path: Path, raw: bytes) -> InputError:
    """The error for a file in neither encoding, at the line of the first bad byte."""
    try:
        raw.decode(ENCODINGS[0])
        raise AssertionError("unreachable: the file decodes")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return InputError(
            [Problem(Location(path.name, line), "*", f"not UTF-8 or Windows-1252 text ({err.reason})")]
        )


class Table(NamedTuple):
    """The rows of one file that a reader kept, how many non-blank data rows it had in all, and
    how many rows each `keep` column dropped (in the order they were applied)."""

    read: int
    rows: list[tuple[Location, dict[str, str]]]
    dropped: dict[str, int]


def read_rows(
    path: Path, columns: Sequence[str | None], *, header: bool, min_columns: int | None = None
) -> list[tuple[Location, dict[str, str]]]:
    """Every non-blank row as `(location, row)` with fields named by `columns`, values stripped.

    With `header=True` the file's first line must contain every name in `columns` (extra columns
    are ignored). Without a header, `columns` name positions 1..n (`None` for a position that is
    not needed) and a row must have at least `min_columns` fields (default: all of them).
    Raises `InputError` for the first malformed row (file, line, field, reason).
    """
    return read_table(path, columns, header=header, min_columns=min_columns).rows


def read_table(
    path: Path,
    columns: Sequence[str | None],
    *,
    header: bool,
    min_columns: int | None = None,
    keep: Mapping[str, Container[str]] | None = None,
) -> Table:
    """Like `read_rows`, keeping only the rows whose value in each `keep` column is in its set.

    Filtering happens before a row becomes a dict: on the large registers most rows are of no
    interest (other settings, other organisations), and skipping them early is most of the speed.
    """

    def kept(names: list[str], rows: Iterator[tuple[int, tuple[str, ...]]]) -> Table:
        read, values, dropped = 0, [], {c: 0 for c in keep or {}}
        filters = [(c, names.index(c), allowed) for c, allowed in (keep or {}).items()]
        for line, v in rows:  # filtered as read: only the kept rows are ever held
            read += 1
            for column, i, allowed in filters:
                if v[i].strip() not in allowed:
                    dropped[column] += 1
                    break
            else:
                values.append((Location(name, line), dict(zip(names, map(str.strip, v)))))
        return Table(read, values, dropped)

    name = path.name
    return read_stream(path, columns, kept, header=header, min_columns=min_columns)


def count_rows(
    path: Path, columns: Sequence[str], *, header: bool
) -> tuple[int, list[tuple[Location, dict[str, str], int]]]:
    """The distinct rows of a file (over `columns`) with how often each occurs and its first line.

    Returns the number of rows read, then the distinct rows in order of first appearance. For
    lookups that are only tallied (tens of thousands of small areas per pair of bodies).
    """

    def tally(_: list[str], rows: Iterator[tuple[int, tuple[str, ...]]]) -> tuple[int, Counter, dict]:
        pairs = list(rows)
        lines, values = zip(*pairs) if pairs else ((), ())
        return len(values), Counter(values), dict(zip(reversed(values), reversed(lines)))

    read, raw_counts, raw_first = _count_plain(path, columns) if header else (0, None, {})
    if raw_counts is None or not header:
        read, raw_counts, raw_first = read_stream(path, columns, tally, header=header)
    counts: Counter[tuple[str, ...]] = Counter()
    first: dict[tuple[str, ...], int] = {}
    for v, n in raw_counts.items():  # in order of first appearance
        stripped = tuple(map(str.strip, v))
        counts[stripped] += n
        first.setdefault(stripped, raw_first[v])
    return read, [(Location(path.name, first[v]), dict(zip(columns, v)), n) for v, n in counts.items()]


def _count_plain(path: Path, columns: Sequence[str]) -> tuple[int, Counter | None, dict]:
    """`count_rows` for the plain case, counted in C: a UTF-8 file with a header, one line per
    row, every row full. Anything else (returns None) is left to the general reader, which
    names the line at fault."""
    limit = csv.field_size_limit(MAX_FIELD)
    try:
        with open_text(path, limit=MAX_CSV_BYTES, encoding=ENCODINGS[0]) as handle:
            census = Census(path.name, header=True)
            reader = csv.reader(_bounded_lines(handle, census))
            wanted, _ = _match_header(path.name, next(reader, []), [(c, i) for i, c in enumerate(columns)])
            if len(wanted) < 2:
                return 0, None, {}
            rows = map(operator.itemgetter(*(i for _, i in wanted)), reader)
            counts: Counter[tuple[str, ...]] = Counter()
            first: dict[tuple[str, ...], int] = {}
            read = 0
            while chunk := list(itertools.islice(rows, 50_000)):  # bounded memory, whatever the file
                counts.update(chunk)
                lines = range(read + 2, read + 2 + len(chunk))
                for value, line in dict(zip(reversed(chunk), reversed(lines))).items():
                    first.setdefault(value, line)
                read += len(chunk)
            if not read or reader.line_num != read + 1 or ("",) * len(wanted) in counts:
                return 0, None, {}
            CENSUS[path.resolve()] = census.notes()
    except (UnicodeDecodeError, IndexError, csv.Error, InputError, OSError):
        return 0, None, {}
    finally:
        csv.field_size_limit(limit)
    return read, counts, first

def read_values(
    path: Path, columns: Sequence[str | None], *, header: bool, min_columns: int | None = None
) -> tuple[list[str], list[tuple[int, tuple[str, ...]]]]:
    """The column names and, for every non-blank row, its line and raw (unstripped) wanted fields.

    The building block of the readers above, for one that aggregates many columns itself. Raises
    `InputError` on the first row that is too short or holds an over-long field.
    """
    return read_stream(
        path, columns, lambda names, rows: (names, list(rows)), header=header, min_columns=min_columns
    )


Rows = Iterator[tuple[int, tuple[str, ...]]]  # (line, wanted fields) of each non-blank row
T = TypeVar("T")


def read_stream(
    path: Path,
    columns: Sequence[str | None],
    consume: Callable[[list[str], Rows], T],
    *,
    header: bool,
    min_columns: int | None = None,
) -> T:
    """`consume(names, rows)` over the file's rows, streamed: the file is never held whole, so
    memory is what `consume` keeps plus one row (benchmarks/input_memory.py measures it). The
    building block of the readers here, for one that aggregates rows itself.

    UTF-8 is tried first, then Windows-1252 (`consume` starts again from the first row).
    Raises `InputError` on the first row that is too short or holds an over-long field.
    """
    for encoding in ENCODINGS:
        try:
            with open_text(path, limit=MAX_CSV_BYTES, encoding=encoding) as handle:
                census = Census(path.name, header)
                found = _parse(path.name, _bounded_lines(handle, census), columns, consume, header, min_columns)
                CENSUS[path.resolve()] = census.notes()
                return found
        except UnicodeDecodeError:
            continue
        except OSError as err:
            raise InputError([Problem(Location(path.name), "*", f"cannot be read: {err.strerror}")]) from None
    raise _undecodable(path, read_input(path, limit=MAX_CSV_BYTES))


def _parse(
    name: str,
    handle: Iterator[str],
    columns: Sequence[str | None],
    consume: Callable[[list[str], Rows], T],
    header: bool,
    min_columns: int | None,
) -> T:
    wanted = [(c, i) for i, c in enumerate(columns) if c]
    need = len(columns) if min_columns is None else min_columns
    reader = csv.reader(handle)
    limit = csv.field_size_limit(MAX_FIELD)  # the C parser refuses over-long fields for us
    try:
        if header:
            wanted, need = _match_header(name, next(reader, []), wanted)
        width = max(i for _, i in wanted) + 1
        getter = operator.itemgetter(*(i for _, i in wanted))
        pick = getter if len(wanted) > 1 else (lambda f: (getter(f),))

        full = max(need, width)

        def rows() -> Rows:
            """The hottest loop of every load: each non-blank row's wanted fields, with its line."""
            for fields in reader:
                if len(fields) >= full and fields[0]:  # the usual row, tested as cheaply as can be
                    yield reader.line_num, pick(fields)
                    continue
                if not any(fields):
                    continue
                if len(fields) < full:  # pad what may be padded, refuse the rest
                    fields = _padded(name, reader.line_num, fields, need, width, wanted)
                yield reader.line_num, pick(fields)

        return consume([c for c, _ in wanted], rows())
    except csv.Error as err:
        too_long = "field limit" in str(err)
        reason = f"field is more than {MAX_FIELD} characters long" if too_long else f"malformed CSV: {err}"
        raise InputError([Problem(Location(name, reader.line_num), "*", reason)]) from None
    finally:
        csv.field_size_limit(limit)


def _padded(
    name: str, line: int, fields: list[str], need: int, width: int, wanted: list[tuple[str, int]]
) -> list[str]:
    """The row, refused if shorter than `need` fields, else padded with blanks to `width`."""
    if len(fields) < need:
        column = next((c for c, i in wanted if i >= len(fields)), wanted[-1][0])
        raise InputError(
            [Problem(Location(name, line), column, f"row has {len(fields)} fields, expected at least {need}")]
        )
    return fields + [""] * (width - len(fields))


def _match_header(
    name: str, first: list[str], wanted: list[tuple[str, int]]
) -> tuple[list[tuple[str, int]], int]:
    """Column positions of the wanted names in a header line; every name must be present."""
    names = [h.strip() for h in first]
    missing = [c for c, _ in wanted if c not in names]
    if missing:
        raise InputError(
            [Problem(Location(name, 1), m, f"column missing from header {names[:12]}") for m in missing]
        )
    wanted = [(c, names.index(c)) for c, _ in wanted]
    return wanted, max(i for _, i in wanted) + 1


def parse_date(value: str, where: Location, field: str) -> date | None:
    """ODS dates are YYYYMMDD; ISO dates are accepted too. Blank means 'none'."""
    if not value:
        return None
    try:
        return _date(value)
    except ValueError as err:
        raise InputError([Problem(where, field, f"malformed date {value[:40]!r} ({err})")]) from None


@functools.lru_cache(maxsize=4096)
def _date(value: str) -> date:
    """Registers repeat a few thousand distinct dates across tens of thousands of rows."""
    text = value.replace("-", "")
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise ValueError("not YYYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def parse_number(value: str, where: Location, field: str, *, integer: bool = False) -> float:
    """A non-negative, finite number written in ASCII digits (Python would also read '١٢٣')."""
    try:
        if not value.isascii() or len(value) > 30:
            raise ValueError
        number = int(value) if integer else float(value)
    except ValueError:
        raise InputError([Problem(where, field, f"not a number: {value[:40]!r}")]) from None
    if not math.isfinite(number):
        raise InputError([Problem(where, field, f"not a finite number: {value[:40]!r}")])
    if number < 0:
        raise InputError([Problem(where, field, f"must not be negative: {value[:40]!r}")])
    return number


def header_line(path: Path) -> list[str]:
    """The field names on a file's first line (stripped), reading no further."""
    with open_text(path, limit=MAX_CSV_BYTES, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline(MAX_FIELD * 10)
    return [name.strip() for name in next(csv.reader([first]), [])]
