"""The validated graph kept between runs, so that an unchanged question is answered without
reading and validating the same public files again.

An entry is keyed by the SHA-256 of every input file (each data folder's files, one folder down
too, and the scenario) and of ccgraph's own code, so a changed file or another version of
ccgraph never reads an entry made from something else. It lives in the user's cache directory
(`$CCGRAPH_CACHE_DIR`, else `$XDG_CACHE_HOME/ccgraph`, else `~/.cache/ccgraph`), private to the
user (a folder only they may open, files only they may read), as gzipped JSON — never pickle —
signed with a key kept beside it: an entry that is truncated, edited or not ccgraph's own fails
its signature and is rebuilt from the inputs, never loaded. A graph holding a user's own
registers (real people) is never written. `CCGRAPH_CACHE=off` turns the cache off.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import itertools
import os
import secrets
import stat
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from graphmodel.dataset import gc_paused

__all__ = ["Cached", "cache_key", "read_cached", "write_cached"]

FORMAT = "ccgraph-graph-cache/1"
MAGIC = b"ccgraph-cache-1 "
KEEP = 8  # entries kept; the oldest are removed beyond it
MAX_BYTES = 1 << 30  # an entry's JSON, expanded (the real England's is about 5 MB)
LISTED = 1000  # entries of a data folder listed for a key (as the load lists them)
MAX_KEYED = 1 << 30  # input files hashed for a key, at most (the shipped England is 7 MB)
CODE = Path(__file__).resolve().parents[1]  # the folder holding ccgraph's packages
PACKAGES = ("ccgraph", "graphmodel", "loaders", "queries")
CODE_SUFFIXES = (".py", ".yaml", ".cypher", ".csv", ".json")


@dataclass
class Cached:
    graph: nx.MultiDiGraph
    quality: dict[str, Any]  # QualityReport.as_dict()
    source: str


def enabled() -> bool:
    return os.environ.get("CCGRAPH_CACHE", "").lower() not in ("off", "0", "no", "false")


def root() -> Path:
    """The cache folder (not created here)."""
    if given := os.environ.get("CCGRAPH_CACHE_DIR"):
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ccgraph"


def _sha(path: Path) -> str:
    """The file's SHA-256; opened without waiting (a FIFO put in its place since it was listed
    is refused, never waited on)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        digest = hashlib.sha256()
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _listing(folder: Path) -> list[Path]:
    """A folder's entries, at most `LISTED` of them (more: not keyed, the load will list it
    its own bounded way), in order."""
    entries = list(itertools.islice(folder.iterdir(), LISTED + 1))
    if len(entries) > LISTED:
        raise OSError(f"{folder}: more than {LISTED} entries")
    return sorted(entries)


def _files(folder: Path) -> list[Path]:
    """A data folder's regular files and its subfolders' (where sources are read from), in
    order; a FIFO, a device or a socket is never opened (the load refuses it, naming it)."""
    found: list[Path] = []
    for entry in _listing(folder) if folder.is_dir() else []:
        if entry.is_dir():
            found += [p for p in _listing(entry) if _regular(p)]
        elif _regular(entry):
            found.append(entry)
    return found


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _code_fingerprint() -> str:
    """ccgraph's own code: any change to it, a new version among them, is another key."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        for path in sorted((CODE / package).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "data" not in path.relative_to(CODE / package).parts[:1]:
                digest.update(path.relative_to(CODE).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(folders: Iterable[Path], scenario: Path | None) -> str | None:
    """The key of the graph these inputs make: their files' checksums and ccgraph's code; None
    when a file cannot be read, or they hold more than `MAX_KEYED` bytes (not worth keeping)."""
    if not enabled():
        return None
    parts: list[str] = [FORMAT, _code_fingerprint()]
    try:
        files = [(f"{i}:{p.relative_to(f).as_posix()}", p) for i, f in enumerate(map(Path, folders)) for p in _files(f)]
        if scenario is not None:
            if not _regular(Path(scenario)):
                return None  # a FIFO or a device is never read here: the load refuses it, naming it
            files.append(("scenario", Path(scenario)))
        if sum(path.stat().st_size for _, path in files) > MAX_KEYED:
            return None
        parts += [f"{name}:{_sha(path)}" for name, path in files]
    except OSError:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _private_root() -> Path:
    folder = root()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _signing_key(folder: Path) -> bytes:
    """The key entries are signed with, made on first use, readable by the user alone."""
    path = folder / "key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) != 32:
            raise OSError(f"{path}: not a cache key") from None
        return key
    with os.fdopen(fd, "wb") as handle:
        handle.write(key := secrets.token_bytes(32))
    return key


def _entry(folder: Path, key: str) -> Path:
    return folder / f"{key}.json.gz"


def read_cached(key: str) -> Cached | None:
    """The entry for `key`, or None: none, off, unreadable, or failing its signature (then
    removed, to be rebuilt)."""
    if not enabled():
        return None
    folder = root()
    path = _entry(folder, key)
    try:
        blob = path.read_bytes()
        signing = (folder / "key").read_bytes()
    except OSError:
        return None
    head, _, body = blob.partition(b"\n")
    signature = head.removeprefix(MAGIC)
    if not head.startswith(MAGIC) or not hmac.compare_digest(
        signature, hmac.new(signing, key.encode() + body, hashlib.sha256).hexdigest().encode()
    ):
        path.unlink(missing_ok=True)
        return None
    with gc_paused():  # a few hundred thousand objects, none of them garbage
        try:
            payload = json.loads(zlib.decompressobj(wbits=31).decompress(body, MAX_BYTES))
            kept = Cached(_graph(payload["graph"]), payload["quality"], payload["source"])
        except (zlib.error, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            return None
    os.utime(path)  # recently used: kept longest
    return kept


def write_cached(key: str, graph: nx.MultiDiGraph, quality: dict[str, Any], source: str) -> None:
    """Keep the graph under `key` (atomically: a reader sees the old entry or the whole new
    one); a cache that cannot be written is skipped, never an error."""
    if not enabled():
        return
    try:
        folder = _private_root()
        signing = _signing_key(folder)
        body = gzip.compress(
            json.dumps({"format": FORMAT, "graph": _plain(graph), "quality": quality, "source": source}).encode(),
            compresslevel=1,
        )
        signature = hmac.new(signing, key.encode() + body, hashlib.sha256).hexdigest().encode()
        temporary = folder / f".{key}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + signature + b"\n" + body)
        os.replace(temporary, _entry(folder, key))
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)


def _plain(graph: nx.MultiDiGraph) -> dict[str, Any]:
    return {
        "attrs": {k: v for k, v in graph.graph.items() if not k.startswith("_")},  # not the checks' indexes
        "nodes": [[code, attrs] for code, attrs in graph.nodes(data=True)],
        "edges": [[u, v, k, attrs] for u, v, k, attrs in graph.edges(keys=True, data=True)],
    }


def _graph(plain: dict[str, Any]) -> nx.MultiDiGraph:
    """The graph `_plain` wrote, its adjacency filled directly: a third of the time of
    `add_edges_from`, which checks each edge as it adds it (tests hold the two equal)."""
    graph = nx.MultiDiGraph()
    graph.graph.update(plain["attrs"])
    nodes, successors, predecessors = graph._node, graph._succ, graph._pred
    for code, attrs in plain["nodes"]:
        nodes[code], successors[code], predecessors[code] = attrs, {}, {}
    for source, target, key, attrs in plain["edges"]:
        keyed = successors[source].get(target)
        if keyed is None:  # one dict of parallel links, seen from both ends, as networkx keeps it
            keyed = successors[source][target] = predecessors[target][source] = {}
        keyed[key] = attrs
    return graph
