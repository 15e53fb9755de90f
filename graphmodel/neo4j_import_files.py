"""The graph as the files Neo4j's offline importer reads (`neo4j-admin database import full`).

One node file per node kind and one relationship file per link type, each with its own header,
holding the properties the online load (`graphmodel.neo4j_load`) writes: a node's properties and
its labels `Entity` and its kind; a link's properties and its `key`. Not the online load's stamps
(`load_run`, `load_epoch`): an imported database holds one load only, and a later online load
takes what has no stamp for an earlier load's.

A column's type is the Python type of its values (`bool` -> boolean, `int` -> long, `float` ->
double, `str`, a date or an enum -> string, a tuple -> an array of its element type), so that the
imported graph holds what the online load would; a column whose values mix types is refused, since
the importer could not hold it as the online load does.

Every text value is quoted (so an empty text stays an empty text and a missing value stays
missing); array elements are joined by U+001F, a control character the model refuses in any text.
An empty list, which the importer reads as no value, is written after the import
(`write_empty_lists`).

>>> import tempfile
>>> from graphmodel.synthetic import generate
>>> dataset = generate(0.05, seed=1).dataset
>>> files = write_import_files(dataset, Path(tempfile.mkdtemp()))
>>> files.nodes == len(dataset.nodes), files.relationships == len(dataset.relationships)
(True, True)
>>> files.arguments()[0].startswith("--nodes=")
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from neo4j import Driver

from graphmodel.dataset import Dataset
from graphmodel.model import Node
from graphmodel.neo4j_connect import ENTITY, database_of

__all__ = [
    "ARRAY_DELIMITER",
    "ImportFiles",
    "write_empty_lists",
    "write_import_files",
    "write_link_files",
    "write_node_files",
]

ARRAY_DELIMITER = "\x1f"  # the model refuses control characters in text, so no value holds it


@dataclass
class ImportFiles:
    """What was written: the files per node kind and per link type, and how many of each."""

    folder: Path
    node_files: list[Path] = field(default_factory=list)
    relationship_files: list[Path] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0
    empty_lists: dict[str, list[str]] = field(default_factory=dict)  # property -> codes of nodes

    def arguments(self) -> list[str]:
        """The importer's `--nodes` and `--relationships` arguments for these files."""
        return [f"--nodes={path}" for path in self.node_files] + [
            f"--relationships={path}" for path in self.relationship_files
        ]


def write_import_files(dataset: Dataset, folder: Path) -> ImportFiles:
    """Write `dataset` into `folder` as the importer's CSV files (see the module docstring): its
    nodes, then its links (`write_node_files`, `write_link_files`, which may run at once)."""
    files = write_node_files(dataset, folder)
    links = write_link_files(dataset, folder)
    files.relationship_files, files.relationships = links.relationship_files, links.relationships
    return files


def write_node_files(dataset: Dataset, folder: Path) -> ImportFiles:
    """One file per node kind, built column by column from the records' fields (what
    `Node.properties` dumps, without a dictionary per record: at national scale the per-record
    dump was most of the time). Nodes are numbered for the importer in the dataset's order (its
    integer ids are quicker than text ones); the number is not stored."""
    folder.mkdir(parents=True, exist_ok=True)
    files = ImportFiles(folder)
    nodes_by_class: dict[type[Node], list[dict[str, Any]]] = defaultdict(list)
    for node in dataset.nodes.values():
        nodes_by_class[type(node)].append(node.__dict__)
    number = _numbers(dataset)
    for cls, fields in sorted(nodes_by_class.items(), key=lambda item: str(item[0].kind)):
        path = folder / f"nodes-{cls.kind}.csv"
        columns = {
            ":ID": [number[record["code"]] for record in fields],
            ":LABEL": [_quoted(f"{ENTITY}{ARRAY_DELIMITER}{cls.kind}")] * len(fields),
            "kind:string": [_quoted(str(cls.kind))] * len(fields),
        }
        for name, empty in _add_properties(path, columns, fields, list(cls.model_fields)).items():
            files.empty_lists.setdefault(name, []).extend(empty)
        _write(path, columns)
        files.node_files.append(path)
        files.nodes += len(fields)
    return files


def write_link_files(dataset: Dataset, folder: Path) -> ImportFiles:
    """One file per link type, from the links' fields (what `Relationship.properties` dumps) and
    their `key`, the ends numbered as `write_node_files` numbers the nodes."""
    folder.mkdir(parents=True, exist_ok=True)
    files = ImportFiles(folder)
    number = _numbers(dataset)
    links_by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rel in dataset.relationships.values():
        links_by_type[str(rel.rel)].append(rel.__dict__)
    for rel_type, fields in sorted(links_by_type.items()):
        path = folder / f"relationships-{rel_type}.csv"
        columns = {
            ":START_ID": [number[record["source"]] for record in fields],
            ":END_ID": [number[record["target"]] for record in fields],
            ":TYPE": [_quoted(rel_type)] * len(fields),
            "rel:string": [_quoted(rel_type)] * len(fields),
        }
        _add_properties(path, columns, fields, _LINK_PROPERTIES)
        keys = [f"{rel_type}|{r['qualifier']}|{r['valid_from'].isoformat() if r['valid_from'] else ''}" for r in fields]
        columns["key:string"] = _cells(path, "key", keys)[1]
        _write(path, columns)
        files.relationship_files.append(path)
        files.relationships += len(fields)
    return files


def _numbers(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset.nodes, map(str, range(len(dataset.nodes)))))


def write_empty_lists(driver: Driver, files: ImportFiles) -> None:
    """Give the imported nodes the empty lists the importer could not write (it reads an empty
    array field as no value), as the online load stores them."""
    for name, codes in files.empty_lists.items():
        driver.execute_query(
            f"UNWIND $codes AS code MATCH (n:{ENTITY} {{code: code}}) SET n += $props",
            codes=codes,
            props={name: []},
            database_=database_of(driver),
            bookmark_manager_=None,
        )


# What `Relationship.properties` holds besides `rel` (always `qualifier`, the rest when set)
_LINK_PROPERTIES = ["qualifier", "valid_from", "valid_to", "share", "count", "source_url", "quote", "derived"]


def _add_properties(
    path: Path, columns: dict[str, list[str]], fields: list[dict[str, Any]], names: list[str]
) -> dict[str, list[str]]:
    """Add a column per property any record holds; returns, per list property, the codes of the
    records whose list is empty (the importer would read it as none)."""
    empty_lists: dict[str, list[str]] = {}
    for name in names:
        values = list(map(itemgetter(name), fields))
        if values.count(None) == len(values):
            continue
        kind, cells = _cells(path, name, values)
        columns[f"{name}:{kind}"] = cells
        if kind.endswith("[]") and () in values:
            empty_lists[name] = [record["code"] for record, value in zip(fields, values) if value == ()]
    return empty_lists


def _write(path: Path, columns: dict[str, list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(columns) + "\n")
        out.write("\n".join(map(",".join, zip(*columns.values()))) + "\n")


def _cells(path: Path, name: str, values: list[Any]) -> tuple[str, list[str]]:
    """The importer's type for a column and its cells; a column it cannot hold as the online
    load does (values of several types, a line break, the array delimiter) is refused."""
    kinds = {_base(kind) for kind in set(map(type, values)) - {type(None)}}
    if kinds == {tuple}:
        items = {_base(type(item)) for value in values if value is not None for item in value}
        if len(items) > 1 or not items <= set(_CONVERT):
            raise ValueError(f"{path.name}: {name} holds lists of several types")
        item = _CONVERT[items.pop() if items else str]
        joined = [None if value is None else [item[1](each) for each in value] for value in values]
        if any(ARRAY_DELIMITER in each for value in joined if value for each in value):
            raise ValueError(f"{path.name}: {name} holds the importer's array delimiter U+001F")
        return f"{item[0]}[]", _texts(path, name, [None if v is None else ARRAY_DELIMITER.join(v) for v in joined])
    if len(kinds) > 1 or not kinds <= set(_CONVERT):
        raise ValueError(f"{path.name}: {name} holds values of types the importer cannot hold as one")
    if set(map(type, values)) <= {str, type(None)}:  # plain text: nothing to convert
        return "string", _texts(path, name, values)
    kind, convert = _CONVERT[kinds.pop() if kinds else str]
    texts: list[str | None] = (
        list(map(convert, values)) if None not in values else [None if v is None else convert(v) for v in values]
    )
    if kind == "string":
        return kind, _texts(path, name, texts)
    return kind, ["" if text is None else text for text in texts]


def _base(kind: type) -> type:
    """The type the importer sees: an enum's value is its text (or number)."""
    return next((base for base in (bool, str, int, float, date, tuple) if issubclass(kind, base)), kind)


def _texts(path: Path, name: str, texts: list[str | None]) -> list[str]:
    every = "".join(filter(None, texts))
    if "\n" in every or "\r" in every:
        raise ValueError(f"{path.name}: {name} holds a line break, which the model refuses in text")
    if '"' not in every:  # most columns: nothing to escape
        return ["" if text is None else f'"{text}"' for text in texts]
    return ["" if text is None else _quoted(text) for text in texts]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# A field's Python type: the importer's type for it, and its text as the online load stores it
# (`model_dump(mode="json")`: a date as ISO text, an enum value as its text)
_CONVERT: dict[type, tuple[str, Callable[[Any], str]]] = {
    str: ("string", str),
    bool: ("boolean", lambda value: "true" if value else "false"),
    int: ("long", str),
    float: ("double", repr),
    date: ("string", date.isoformat),
}
