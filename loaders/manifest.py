"""The manifest of public sources (`sources.yaml`), kept as data like OpenPrescribing's.

It is the only place a source's file name is written: the builder asks for a source by its id
(`file_of`), runs its steps in the order the sources' `needs` give (`step_order`), and
docs/data.md's table of sources is generated from it (`sources_markdown`; a test keeps it so).
"""

from __future__ import annotations

from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

MANIFEST = Path(__file__).with_name("sources.yaml")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    file: str
    title: str
    publisher: str
    url: str
    schedule: str
    step: str  # the builder step that reads it
    needs: list[str]  # steps whose results that step uses
    takes: str  # what ccgraph takes from it
    required: bool


@cache
def sources() -> tuple[Source, ...]:
    return tuple(Source(**entry) for entry in yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))


def source(source_id: str) -> Source:
    """The source with this id (a KeyError names the known ones)."""
    for entry in sources():
        if entry.id == source_id:
            return entry
    raise KeyError(f"no source {source_id!r} in {MANIFEST.name}; known: {', '.join(s.id for s in sources())}")


def file_of(source_id: str) -> str:
    return source(source_id).file


def step_order() -> list[str]:
    """The builder's steps, each after every step its sources need.

    >>> order = step_order()
    >>> order[0], order.index("pcts") < order.index("practices")
    ('ccgs', True)
    """
    graph: dict[str, set[str]] = {}
    for entry in sources():
        graph.setdefault(entry.step, set()).update(entry.needs)
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        raise ValueError(f"{MANIFEST.name}: the sources' needs form a cycle: {err.args[1]}") from None


def sources_markdown() -> str:
    """The table of sources in docs/data.md."""
    lines = ["| file | publisher | what ccgraph takes from it |", "|---|---|---|"]
    for entry in sources():
        required = " (required)" if entry.required else ""
        lines.append(f"| `{entry.file}`{required} | {entry.publisher} | {entry.takes} |")
    return "\n".join(lines)
