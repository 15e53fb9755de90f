"""What the loading steps share: the dataset being built, its quality report, the data folders,
the facts one step provides for the others (each named and typed below, with the step that
provides it), and the dates of the structure the steps build."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.model import CCG, Node, Practice, Relationship
from loaders.manifest import file_of
from loaders.quality import QualityReport

__all__ = [
    "END", "ONE_DAY", "PERIODS", "START", "Context", "Period", "first_found", "hwb_code", "named_code", "places", "runs"
]

LISTED = 1000  # entries of a data folder's listing searched for subfolders
START = date(2013, 4, 1)  # CCGs took over from PCTs
END = date(2022, 6, 30)  # the last day of CCGs: Integrated Care Boards from 1 July 2022
ONE_DAY = timedelta(days=1)

RegisterRow = tuple[Location, dict[str, str], date, date]  # where, row, opened, closed


class Period(NamedTuple):
    """A year of the structure, from 1 April (the last one ends on 30 June 2022)."""

    year: int
    start: date
    end: date


PERIODS = tuple(Period(y, date(y, 4, 1), min(date(y + 1, 3, 31), END)) for y in range(2013, 2023))


def places(folder: Path) -> list[Path]:
    """A data folder and the folders directly in it, from the first `LISTED` entries of its
    listing (a data folder holds a few dozen files: a huge listing is not searched, nor waited on)."""
    try:
        entries = list(islice(folder.iterdir(), LISTED))
        return [folder, *sorted(p for p in entries if p.is_dir())]
    except OSError:  # not a folder, or not readable: its files are looked for directly only
        return [folder]


def first_found(
    folders: Iterable[Path], names: Iterable[str], places_of: Callable[[Path], list[Path]] = places
) -> Path | None:
    """The first of `names` in the first of `folders` holding one, in the folder or one down:
    where a data file is read from."""
    names = tuple(names)
    for folder in folders:
        for place in places_of(folder):
            for name in names:
                if (place / name).is_file():
                    return place / name
    return None


@dataclass
class Context:
    """The build in progress. Facts are filled by the step named beside each; a step reads only
    the facts it declares it needs (`loaders.steps.step`)."""

    dirs: list[Path]
    dataset: Dataset = field(default_factory=Dataset)
    report: QualityReport = field(default_factory=QualityReport)
    read: set[Path] = field(default_factory=set)  # the files the steps asked for
    # facts, by the step that provides them
    ccg_by_ons: dict[str, str] = field(default_factory=dict)  # ccgs: the 2013 CCGs by ONS code
    later_ccgs: dict[str, RegisterRow] = field(default_factory=dict)  # ccgs: the register's others
    merged_into: dict[str, tuple[str, date]] = field(default_factory=dict)  # ccgs: successor, day
    merged_from: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # ccgs
    list_sizes: dict[str, tuple[Location, dict[str, str], int]] = field(default_factory=dict)  # list_sizes
    stp_pairs_2021: dict[tuple[str, str], tuple[Location, dict[str, str]]] = field(
        default_factory=dict
    )  # local_authorities: the April 2021 lookup's (CCG, STP) pairs, each with its first row
    names_seen: dict[str, dict[date, str]] = field(default_factory=lambda: defaultdict(dict))  # lookup_names
    # lsoa_areas: the July 2022 lookup's names of the sub-ICB locations (its LSOA areas, and the
    # CCG lookups', are kept in `dataset.areas`)
    sub_icb_names: dict[str, str] = field(default_factory=dict)
    _noted: set[object] = field(default_factory=set)
    _places: dict[Path, list[Path]] = field(default_factory=dict)  # each data folder's `places`

    def add(self, cls: type[Node], where: Location, field_name: str = "code", **fields: Any) -> None:
        """Add a node built from a row; a value the model refuses is an error naming the row."""
        try:
            node = cls(**fields)
        except ValidationError as err:
            raise row_error(err, where, field_name) from None
        self.dataset.add_node(node, where, field_name=field_name)

    def add_practice(
        self, where: Location, row: dict[str, str], opened: date | None, closed: date | None, **extra: Any
    ) -> None:
        """A GP practice from a row of an ODS practice register (epraccur)."""
        self.add(
            Practice,
            where,
            code=row["code"],
            name=row["name"],
            postcode=row["postcode"] or None,
            open_date=opened,
            close_date=closed,
            **extra,
        )

    def link(self, where: Location, written: dict[str, str] | None = None, **fields: Any) -> None:
        """Add a relationship built from a row; `written` names its ends as the file's columns."""
        try:
            rel = Relationship(**fields)
        except ValidationError as err:
            raise row_error(err, where, str(fields.get("rel", "*"))) from None
        self.dataset.add_relationship(rel, where, written=written)

    def cite(self, where: Location, row: dict[str, str], **fields: Any) -> None:
        """A link for a published fact, carrying the row's source page and quote with it."""
        self.link(where, source_url=row["source_url"], quote=row["quote"], **fields)

    def update(self, code: str, where: Location, field_name: str, **fields: Any) -> None:
        """Set fields of a node already built, validated again."""
        node = self.dataset.nodes[code]
        try:
            self.dataset.nodes[code] = type(node).model_validate({**node.model_dump(), **fields})
        except ValidationError as err:
            raise row_error(err, where, field_name) from None

    def path(self, source_id: str) -> Path | None:
        """The file of a manifest source in the first data directory that has it, in the
        directory itself or one folder down (as `england-2021-2026/geographr/` keeps its
        lookups); as published or gzipped (`NAME.gz`, as the package ships them)."""
        names = (file_of(source_id), file_of(source_id) + ".gz")
        path = first_found(self.dirs, names, lambda f: self._places.setdefault(f, places(f)))
        if path is not None:
            self.read.add(path)
        return path

    def required(self, source_id: str) -> Path:
        path = self.path(source_id)
        assert path is not None, "presence is checked before any step runs"
        return path

    def note_once(self, key: object, text: str) -> None:
        if key not in self._noted:
            self._noted.add(key)
            self.report.note(text)

    def open_ccgs(self, day: date) -> list[str]:
        return [
            code
            for code, node in self.dataset.nodes.items()
            if isinstance(node, CCG) and (node.open_date or START) <= day <= (node.close_date or END)
        ]

    def successor_on(self, code: str, day: date) -> str:
        """The CCG that held `code`'s area on `day` (itself, or what it merged into, and so on)."""
        while code in self.merged_into and self.merged_into[code][1] <= day:
            code = self.merged_into[code][0]
        return code

    def rename_from_lookup(self, code: str, name: str, ons_code: str, day: date) -> None:
        """Note the name a lookup in force from `day` gives a CCG (the `ccg_names` step dates
        them). A CCG formed after 2013 takes its name from the ONS lookups (later years win): the
        register names those still open by their 2025 sub-ICB locations."""
        if name:
            self.names_seen[code][day] = name
        node = self.dataset.nodes.get(code)
        if (
            isinstance(node, CCG)
            and code in self.later_ccgs
            and name
            and (node.name, node.ons_code) != (name, ons_code or node.ons_code)  # once per name
        ):
            self.dataset.nodes[code] = CCG.model_validate(
                {**node.model_dump(), "name": name, "ons_code": ons_code or node.ons_code}
            )


def row_error(err: ValidationError, where: Location, field_name: str) -> InputError:
    first = err.errors()[0]
    column = ".".join(map(str, first["loc"])) or field_name
    return InputError(
        [
            Problem(
                where,
                f"{field_name} ({column})" if column != field_name else field_name,
                f"{first['msg']}: {str(first.get('input'))[:40]!r}",
            )
        ]
    )


def hwb_code(la_code: str) -> str:
    return f"HWB-{la_code}"


def named_code(prefix: str, name: str) -> str:
    """A code for a body the sources name but do not code (a PCT cluster, a CSU).

    >>> named_code("CSU", "NHS Greater Manchester Commissioning Support Unit")
    'CSU-NHS-GREATER-MANCHESTER-COMMISSIONING-SUPPORT-UNIT'
    """
    words = "".join(c if c.isalnum() else " " for c in name.upper()).split()
    return "-".join([prefix, *words])[:64]


def runs(
    years: list[tuple[Period, int, float, bool]],
) -> list[tuple[Period, Period, int, float, bool]]:
    """Consecutive periods with the same values joined into one (first, last, values...)."""
    joined: list[tuple[Period, Period, int, float, bool]] = []
    for period, n, share, derived in years:
        if joined and joined[-1][2:] == (n, share, derived) and joined[-1][1].end + ONE_DAY == period.start:
            joined[-1] = (joined[-1][0], period, n, share, derived)
        else:
            joined.append((period, period, n, share, derived))
    return joined
