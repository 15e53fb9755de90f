"""The manifest of public sources (`sources.yaml`), kept as data like OpenPrescribing's.

It is the only place a source's file name is written: a loading step asks for a source by its
id (`file_of`), and docs/data.md's table of sources is generated from it (`sources_markdown`).
Which step reads each source is declared by the step (`loaders.steps`); a test holds the two
to each other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

MANIFEST = Path(__file__).with_name("sources.yaml")
OGL = "Open Government Licence v3.0"


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    file: str
    title: str
    edition: str  # the date of the copy read and shipped
    publisher: str
    url: str
    schedule: str
    takes: str  # what ccgraph takes from it
    required: bool
    read_with: tuple[str, ...] = ()  # sources without which it is not used
    licence: str = OGL


@cache
def sources() -> tuple[Source, ...]:
    """Every source, a family of yearly editions expanded into one source a year.

    >>> [s.file for s in sources() if s.id.startswith("ccg_stp_")]
    ['CCG17_STP17_EN_LU.csv', 'CCG18_STP18_EN_LU.csv', 'CCG19_STP19_EN_LU.csv', 'CCG20_STP20_EN_LU.csv']
    """
    entries = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return tuple(Source(**edition) for entry in entries for edition in _editions(entry))


def _editions(entry: dict[str, Any]) -> list[dict[str, Any]]:
    if "years" not in entry:
        return [entry]
    first, last = entry["years"]
    fields = {k: v for k, v in entry.items() if k != "years"}
    return [_filled(fields, year) for year in range(first, last + 1)]


def _filled(value: Any, year: int) -> Any:
    if isinstance(value, str):
        return value.format(year=year, yy=f"{year % 100:02d}", next=year + 1)
    if isinstance(value, list):
        return [_filled(v, year) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, year) for k, v in value.items()}
    return value


def source(source_id: str) -> Source:
    """The source with this id (a KeyError names the known ones)."""
    for entry in sources():
        if entry.id == source_id:
            return entry
    raise KeyError(f"no source {source_id!r} in {MANIFEST.name}; known: {', '.join(s.id for s in sources())}")


def file_of(source_id: str) -> str:
    return source(source_id).file


def sources_markdown() -> str:
    """The table of sources in docs/data.md."""
    lines = ["| file | publisher | what ccgraph takes from it |", "|---|---|---|"]
    for entry in sources():
        required = " (required)" if entry.required else ""
        lines.append(f"| `{entry.file}`{required} | {entry.publisher} | {entry.takes} |")
    return "\n".join(lines)
