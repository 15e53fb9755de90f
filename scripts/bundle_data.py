"""Make the package's copy of the national registers (`loaders/data/`) from the published files.

A maintainer's tool, run when a source is added or refreshed, never by the product:

    python scripts/bundle_data.py ../shared/data

Each file the manifest (`loaders/sources.yaml`) names, and each extra file listed in
`loaders/data/extras.yaml`, is copied gzipped (deterministically: no name or time in the gzip
header) into the same folder (and subfolder) it has under the given directory, with the folders'
PROVENANCE or SOURCES notes verbatim. `loaders/data/index.csv` records for each file its lines,
size and SHA-256 as published, so a user can compare a fresh download with it (`ccgraph data`).
Files the manifest does not name are left out; the index says what was shipped, nothing else.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.bundled import BUNDLED, FOLDERS, INDEX, extras  # noqa: E402
from loaders.manifest import sources  # noqa: E402

NOTES = ("PROVENANCE.md", "SOURCES.md")


def bundle(published: Path) -> list[dict[str, str]]:
    """Copy every wanted file from `published` into the package, gzipped; the index rows."""
    wanted = {s.file: s.id for s in sources()} | {e["file"]: e["role"] for e in extras()}
    rows = []
    for folder in FOLDERS:
        source = published / folder
        target = BUNDLED / folder
        if target.exists():
            shutil.rmtree(target)
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if path.name in NOTES:
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target / relative)
            elif path.name in wanted:
                raw = path.read_bytes()
                out = target / relative.with_name(path.name + ".gz")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
                rows.append(
                    {
                        "folder": folder,
                        "file": relative.as_posix(),
                        "source": wanted[path.name],
                        "lines": str(len(raw.splitlines())),  # at.csv ends its lines with CR alone
                        "bytes": str(len(raw)),
                        "sha256": hashlib.sha256(raw).hexdigest(),
                    }
                )
                print(f"{folder}/{relative}: {len(raw):,} bytes -> {out.stat().st_size:,}", file=sys.stderr)
    found = {row["file"].rsplit("/", 1)[-1] for row in rows}
    if missing := sorted(set(wanted) - found):
        sys.exit(f"not found under {published}: {', '.join(missing)}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("published", type=Path, help="the folder holding england-2013/ and the others")
    args = parser.parse_args()
    rows = bundle(args.published)
    for note in sorted(args.published.glob("PROVENANCE*.md")):
        shutil.copyfile(note, BUNDLED / note.name)
    with INDEX.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} files in {BUNDLED.relative_to(ROOT)}, listed in {INDEX.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
