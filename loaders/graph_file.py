"""A graph written by `ccgraph generate -o FILE.json` or `ccgraph export FILE.json` (node-link
JSON), read back as a dataset: every node and relationship goes through the model again, so a
file edited by hand, or by anyone, is validated like any other input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.input_files import read_input
from graphmodel.model import NODE_CLASSES, NodeKind, Relationship
from loaders.quality import QualityReport

MAX_GRAPH_BYTES = 1024 * 2**20  # a x100 synthetic system is about 600 MB of JSON


def load_graph_file(path: Path) -> tuple[Dataset, QualityReport]:
    """The dataset in a node-link JSON file; `InputError` names the file and the element."""
    name = Path(path).name
    try:
        document = json.loads(read_input(path, limit=MAX_GRAPH_BYTES))
    except (ValueError, RecursionError) as err:
        raise InputError([Problem(Location(name), "*", f"not node-link JSON: {str(err)[:200]}")]) from None
    if (
        not isinstance(document, dict)
        or not all(isinstance(document.get(k), list) for k in ("nodes", "links"))
        or not all(isinstance(document.get(k, True), bool) for k in ("directed", "multigraph"))
    ):
        raise InputError(
            [Problem(Location(name), "nodes/links", "not a graph written by `ccgraph generate` or `export`")]
        )
    dataset, here = Dataset(), Location(name)
    for i, entry in enumerate(document["nodes"]):
        _node(dataset, here, f"nodes[{i}]", entry)
    for i, entry in enumerate(document["links"]):
        _link(dataset, here, f"links[{i}]", entry)
    dataset.coverage = _coverage(document.get("graph"), here)
    dataset.validate()
    report = QualityReport()
    tally = report.tally(name)
    tally.read = tally.used = len(document["nodes"]) + len(document["links"])
    return dataset, report


def _coverage(attrs: Any, here: Location) -> tuple[date, date] | None:
    """The dates the graph's sources cover, as `export` writes them (graph.coverage)."""
    if not isinstance(attrs, dict) or attrs.get("coverage") is None:
        return None
    try:
        first, last = (date.fromisoformat(day) for day in attrs["coverage"])
        if first > last:
            raise ValueError
    except (TypeError, ValueError):
        raise InputError([Problem(here, "graph.coverage", "not two ISO dates in order")]) from None
    return first, last


def _node(dataset: Dataset, here: Location, where: str, entry: Any) -> None:
    kind = entry.get("kind") if isinstance(entry, dict) else None
    if not isinstance(kind, str) or kind not in set(NodeKind):
        dataset.problem(here, f"{where}.kind", f"a node needs a kind, one of {', '.join(NodeKind)}")
        return
    fields = {k: v for k, v in entry.items() if k not in ("kind", "id")}
    if "id" in entry and entry["id"] != entry.get("code"):  # export writes the code as the id
        dataset.problem(here, f"{where}.id", "a node's id must be its code, as `export` writes it")
        return
    try:
        dataset.add_node(NODE_CLASSES[NodeKind(kind)](**fields), here, field_name=f"{where}.code")
    except (ValidationError, TypeError) as err:
        dataset.problem(here, *_first(err, where))


def _link(dataset: Dataset, here: Location, where: str, entry: Any) -> None:
    if not isinstance(entry, dict):
        dataset.problem(here, where, "a link is an object with source, target and rel")
        return
    fields = {k: v for k, v in entry.items() if k != "key"}  # the key is made again from the fields
    try:
        rel = Relationship(**fields)
    except (ValidationError, TypeError) as err:
        dataset.problem(here, *_first(err, where))
        return
    if "key" in entry and entry["key"] != rel.key:
        dataset.problem(here, f"{where}.key", f"the key must be the one its fields make ({rel.key!r})")
        return
    dataset.add_relationship(rel, here, written={"source": f"{where}.source", "target": f"{where}.target"})


def _first(err: Exception, where: str) -> tuple[str, str]:
    """The field (`links[67].qualifier`) and the reason of an element's first problem."""
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        field = ".".join([where, *map(str, first["loc"])])
        return field, str(first["msg"]).removeprefix("Value error, ")
    return where, str(err)[:200]
