"""The national registers shipped inside the package (`loaders/data/`): the real England that a
user gets with no `--data`, gzipped, with each folder's provenance and the licence's attribution.

The copies are made by `scripts/bundle_data.py` from the published files; `index.csv` records each
file's lines, size and SHA-256 as published, so a fresh download can be compared with the copy
and a damaged copy is found (`verify`). `copy_out` writes them out decompressed, for a user who
wants to replace one with a newer edition and read the folder with `--data`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from graphmodel.dataset import InputError, Location, Problem
from loaders.manifest import OGL, sources

__all__ = [
    "BUNDLED",
    "FOLDERS",
    "BundledFile",
    "boundaries_in",
    "bundled_files",
    "bundled_folders",
    "copy_out",
    "verify",
]

BUNDLED = Path(__file__).with_name("data")
FOLDERS = ("england-2013", "england-history", "england-2021-2026", "england-2013-curated")
INDEX = BUNDLED / "index.csv"
EXTRAS = BUNDLED / "extras.yaml"
BOUNDARIES = "CCC_Feb2013.KML"  # the map's boundaries, shipped as an extra


@dataclass(frozen=True)
class BundledFile:
    """One shipped file, as `ccgraph data` lists it."""

    folder: str
    file: str  # as published, relative to its folder (the copy adds `.gz`)
    source: str  # the manifest's id, or what an extra is for (`map`, `reference`)
    lines: int
    bytes: int
    sha256: str  # of the file as published
    title: str
    publisher: str
    edition: str
    licence: str
    url: str
    takes: str

    @property
    def path(self) -> Path:
        return BUNDLED / self.folder / (self.file + ".gz")


@cache
def extras() -> list[dict[str, str]]:
    """The files shipped beside the manifest's sources (`loaders/data/extras.yaml`)."""
    return list(yaml.safe_load(EXTRAS.read_text(encoding="utf-8")))


def bundled_files() -> list[BundledFile]:
    """Every shipped file, in the index's order, with what the manifest says of its source."""
    described: dict[str, dict[str, Any]] = {e["role"]: e for e in extras()}
    described |= {s.id: s.model_dump() for s in sources()}
    with INDEX.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = []
    for row in rows:
        about = described[row["source"]]
        found.append(
            BundledFile(
                folder=row["folder"],
                file=row["file"],
                source=row["source"],
                lines=int(row["lines"]),
                bytes=int(row["bytes"]),
                sha256=row["sha256"],
                title=about["title"],
                publisher=about["publisher"],
                edition=about["edition"],
                licence=about.get("licence", OGL),
                url=about["url"],
                takes=about["takes"],
            )
        )
    return found


def bundled_folders() -> list[Path]:
    """The shipped folders, in the order a source is looked for in them; refused (naming what is
    missing) when the package was installed without its data."""
    folders = [BUNDLED / name for name in FOLDERS]
    if missing := [folder for folder in folders if not folder.is_dir()]:
        raise InputError(
            [
                Problem(Location(str(folder)), "*", "the national registers are missing: reinstall ccgraph")
                for folder in missing
            ]
        )
    return folders


def boundaries_in(folders: tuple[Path, ...] | list[Path]) -> Path | None:
    """The CCG boundary file (`CCC_Feb2013.KML`, or gzipped) in the first folder that has it."""
    for folder in folders:
        for name in (BOUNDARIES, BOUNDARIES + ".gz"):
            if (folder / name).is_file():
                return folder / name
    return None


def verify(shipped: BundledFile) -> str | None:
    """None if the copy decompresses to the file the index records; else what is wrong."""
    try:
        raw = gzip.decompress(shipped.path.read_bytes())
    except (OSError, EOFError) as err:
        return f"cannot be read: {err}"
    if hashlib.sha256(raw).hexdigest() != shipped.sha256:
        return "differs from the file the index records (damaged or replaced)"
    return None


def copy_out(target: Path) -> list[Path]:
    """Write every shipped file decompressed under `target/<folder>/` as published, with the
    provenance notes. A file already there as published is kept; one that differs (a newer
    edition the user put there, say) is never overwritten: refused before anything is written.
    The paths of the files, written or kept."""
    shipped_files = bundled_files()
    differ = [
        target / f.folder / f.file
        for f in shipped_files
        if (target / f.folder / f.file).exists() and _sha256(target / f.folder / f.file) != f.sha256
    ]
    if differ:
        why = "exists and differs from the shipped copy; nothing was overwritten"
        raise InputError([Problem(Location(str(path)), "--copy-to", why) for path in differ])
    paths = []
    for shipped in shipped_files:
        out = target / shipped.folder / shipped.file
        paths.append(out)
        if out.exists():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(shipped.path, "rb") as packed, out.open("wb") as plain:
            shutil.copyfileobj(packed, plain)
    for note in sorted(BUNDLED.rglob("*.md")):
        into = target / note.relative_to(BUNDLED)
        if not into.exists():
            into.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(note, into)
    return paths


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()
