"""`ccgraph data`: the national registers shipped with ccgraph, as a list, CSV or JSON, checked
against their index, or written out for a user to refresh (`loaders.bundled` holds them)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from graphmodel.errors import CcgraphError
from graphmodel.text import csv_table
from loaders.bundled import BUNDLED, FOLDERS, BundledFile, bundled_files, copy_out, verify

__all__ = ["shipped_text", "verify_text", "copy_text"]


def shipped_text(fmt: str) -> str:
    """Every shipped file: publisher, title, edition, licence, lines, checksum, where to fetch it."""
    shipped = bundled_files()
    if fmt == "json":
        return json.dumps([asdict(f) for f in shipped], indent=2, ensure_ascii=False)
    if fmt == "csv":
        columns = [f.name for f in fields(BundledFile)]
        return csv_table(columns, ([getattr(f, c) for c in columns] for f in shipped))
    if fmt != "table":
        raise CcgraphError(f"unknown format {fmt!r}; use table, json, csv")
    lines = [
        f"{len(shipped)} files shipped in {BUNDLED} (gzipped; lines, bytes and SHA-256 as published).",
        "Give --data DIR to read your own copies instead; `ccgraph data --copy-to DIR` writes these out.",
        "",
    ]
    for f in shipped:
        lines += [
            f"{f.folder}/{f.file}  [{f.source}]",
            f"  {f.title}. {f.publisher}; edition: {f.edition}",
            f"  {f.lines:,} lines, {f.bytes:,} bytes, sha256 {f.sha256}; {f.licence}",
            f"  newer editions: {f.url}",
        ]
    return "\n".join(lines)


def verify_text() -> tuple[str, bool]:
    """Each shipped copy checked against its index: the report, and whether all are whole."""
    shipped = bundled_files()
    problems = [(f, problem) for f in shipped if (problem := verify(f))]
    if not problems:
        return f"All {len(shipped)} shipped files are as the index records them.", True
    lines = [f"{len(problems)} shipped file(s) damaged; reinstall ccgraph:"]
    lines += [f"  {f.folder}/{f.file}: {problem}" for f, problem in problems]
    return "\n".join(lines), False


def copy_text(target: Path) -> str:
    """Write the shipped files out decompressed under `target`; what was written and how to use it."""
    written = copy_out(target)
    data = " ".join(f"--data {target / folder}" for folder in FOLDERS)  # in the order they are read
    return (
        f"{len(written)} files as published are under {target}, with their provenance. Replace any with a "
        f"newer edition of the same name, then: ccgraph check {data}"
    )
