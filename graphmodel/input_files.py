"""Opening a user's file without trusting it: regular files only, sizes bounded, YAML unbombed.

Every reader of user-supplied files (CSV registers, scenarios, waivers, boundaries) opens them
through here, so that a FIFO or `/dev/zero` given as a file is refused instead of hanging, an
oversized file is refused before it is read, and a YAML document whose aliases would expand into
millions of nodes (a "billion laughs") is refused before anything is built from it.

A file whose name ends `.gz` is read decompressed (the national registers ship so), bounded by
what it expands to as well as by its own size: a few kilobytes of gzip can expand to gigabytes.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import yaml

from graphmodel.dataset import InputError, Location, Problem

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "checked_file",
    "data_folders",
    "is_compressed",
    "open_text",
    "read_input",
    "load_yaml",
]

MAX_CSV_BYTES = 256 * 2**20  # the largest published register used here is about 3 MB
MAX_YAML_BYTES = 16 * 2**20  # a national scenario with every governing body is well under 1 MB
MAX_YAML_NODES = 1_000_000  # mappings, lists and scalars after aliases are expanded


def data_folders(given: str | Path | Iterable[str | Path] | None) -> list[Path]:
    """The data folders a user gave, in order (each source is read from the first that has it):
    one folder, several, or none; empty entries (as in `CCGRAPH_DATA=a::b`) are dropped.

    >>> data_folders("england-2013"), data_folders(["a", "", Path("b")]), data_folders(None)
    ([PosixPath('england-2013')], [PosixPath('a'), PosixPath('b')], [])
    """
    if given is None:
        return []
    if isinstance(given, (str, Path)):
        given = [given]
    return [Path(folder) for folder in given if str(folder)]


def _refuse(path: Path, reason: str) -> InputError:
    return InputError([Problem(Location(path.name), "*", reason)])


def checked_file(path: Path, *, limit: int) -> Path:
    """`path` if it is a regular file of at most `limit` bytes; else `InputError` saying why.

    >>> checked_file(Path("/dev/zero"), limit=10)
    Traceback (most recent call last):
    ...
    graphmodel.dataset.InputError: 1 problem(s) in the input:
      zero: field '*': not a regular file (a device, FIFO or socket cannot be read as input)
    """
    path = Path(path)
    try:
        info = path.stat()  # follows symbolic links: a link to /dev/zero is a device
    except FileNotFoundError:
        raise _refuse(path, f"file not found in {path.parent}") from None
    except OSError as err:
        raise _refuse(path, f"cannot be read: {err.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(path, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "not a regular file (a device, FIFO or socket cannot be read as input)")
    if info.st_size > limit:
        raise _refuse(path, f"is {info.st_size:,} bytes; at most {limit:,} are read")
    if not os.access(path, os.R_OK):
        raise _refuse(path, "cannot be read: permission denied")
    return path


def is_compressed(path: Path) -> bool:
    """Whether the file is read through gzip (its name ends `.gz`)."""
    return Path(path).name.endswith(".gz")


class _Expanded(io.RawIOBase):
    """A gzip file's decompressed bytes, refused past `limit` and when the file is not gzip or
    is cut short: an `InputError` naming the file, never a zlib or EOF error."""

    def __init__(self, path: Path, limit: int) -> None:
        self._path, self._limit, self._given = Path(path), limit, 0
        self._gzip = gzip.open(path, "rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            got = self._gzip.readinto(buffer)
        except (OSError, EOFError, zlib.error) as err:  # BadGzipFile is an OSError
            reason = "cut short" if isinstance(err, EOFError) else str(err)[:200]
            raise _refuse(self._path, f"cannot be decompressed as gzip: {reason}") from None
        self._given += got
        if self._given > self._limit:
            raise _refuse(self._path, f"expands to more than {self._limit:,} bytes; at most that is read")
        return got

    def close(self) -> None:
        self._gzip.close()
        super().close()


def open_text(path: Path, *, limit: int, encoding: str, errors: str = "strict") -> IO[str]:
    """A checked input file (see `checked_file`) opened as text, for csv (newlines untranslated);
    read through gzip, and bounded by what it expands to, when `is_compressed`."""
    checked_file(path, limit=limit)
    if not is_compressed(path):
        return open(path, encoding=encoding, errors=errors, newline="")
    raw = io.BufferedReader(_Expanded(path, limit), buffer_size=2**20)
    return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")


def read_input(path: Path, *, limit: int) -> bytes:
    """The bytes of a checked input file (see `checked_file`), decompressed when `is_compressed`."""
    try:
        if is_compressed(path):
            checked_file(path, limit=limit)
            with _Expanded(path, limit) as expanded:
                return b"".join(iter(lambda: expanded.read(2**20), b""))
        with open(checked_file(path, limit=limit), "rb") as handle:
            return handle.read(limit)  # the size was checked; a file growing since is cut there
    except OSError as err:
        raise _refuse(Path(path), f"cannot be read: {err.strerror}") from None


def _expanded_size(root: yaml.Node, name: str) -> int:
    """Nodes the document would have with every alias expanded, counted without expanding;
    refuses a document that expands past `MAX_YAML_NODES` or that contains itself."""

    def refuse(node: yaml.Node, reason: str) -> InputError:
        return InputError([Problem(Location(name, node.start_mark.line + 1), "*", reason)])

    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = (
            [child for pair in node.value for child in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if children_done:
            open_.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[id(node)] > MAX_YAML_NODES:
                raise refuse(
                    node,
                    f"the document expands to more than {MAX_YAML_NODES:,} values (aliases within aliases)",
                )
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_:
            raise refuse(
                node, "an alias refers to a node that contains it (a document cannot contain itself)"
            )
        open_.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_:
                raise refuse(
                    child, "an alias refers to a node that contains it (a document cannot contain itself)"
                )
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def load_yaml(path: Path, loader: Callable[[str], Any] = yaml.SafeLoader) -> Any:
    """Parse a YAML input file with `loader` (a SafeLoader subclass), refusing bombs and
    oversized, non-regular or non-UTF-8 files; errors name the file and line."""
    name = Path(path).name
    raw = read_input(path, limit=MAX_YAML_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError([Problem(Location(name, line), "*", f"not UTF-8 text ({err.reason})")]) from None
    parser = None
    try:
        parser = loader(text)  # its reader refuses control characters at once
        root = parser.get_single_node()
        if root is None:
            return None
        _expanded_size(root, name)
        return parser.construct_document(root)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else text.count("\n", 0, getattr(err, "position", 0)) + 1
        raise InputError(
            [Problem(Location(name, line), "*", f"not valid YAML: {getattr(err, 'problem', None) or err}")]
        ) from None
    except (ValueError, RecursionError) as err:  # e.g. an integer of more than 4,300 digits
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)[:200]
        raise InputError([Problem(Location(name), "*", f"cannot be read as YAML: {reason}")]) from None
    finally:
        if parser is not None:
            parser.dispose()
