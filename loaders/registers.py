"""A user's own registers, laid over the national graph by code and date.

No public register holds who sat on a CCG's governing body, which CSU supported it, or who held
a Health and Wellbeing Board's seats; an assurance team or a researcher compiles them from the
bodies' own papers. Each register is a CSV file (or an Excel workbook's first sheet) with one row
per member or seat, from a template
(`ccgraph template KIND`; `TEMPLATES` here): the body's ODS code, the person, the roles, the facts
the rules read and the dates. Real people are accepted here (unlike a scenario, whose people must
be invented): their names stay in the user's own outputs, are never logged, and `--redact-people`
replaces them by their roles in reports meant to be shared.

Every problem names the file, the row (its line) and the column. A person is known within one
file by name: the same name on two rows is one person, and the two rows must agree on the
person's facts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.model import CSU, BoardRole, Employer, GoverningRole, HwbSeat, Person, Relationship, RelType
from loaders.readers.excel import is_workbook, read_sheet
from loaders.readers.tabular import header_line, parse_date, read_rows

__all__ = ["TEMPLATES", "load_registers", "template_csv", "template_workbook"]

EXAMPLE = "EXAMPLE"  # the person or body of a template's example row, refused if left in


Rows = list[tuple[Location, dict[str, str]]]  # a register's rows, each with where it was written


@dataclass(frozen=True)
class Template:
    """A register's columns, what each holds, and the example row the template carries."""

    columns: dict[str, str]  # column -> what to write in it
    example: dict[str, str]
    read: Callable[[Rows, int, Dataset], None]  # (its rows, the file's number, into)
    optional: tuple[str, ...] = ()  # columns a register made before they were added may lack


def _bool(value: str, where: Location, column: str) -> bool | None:
    """yes/no (or true/false, y/n, 1/0); blank is "not recorded" (None)."""
    text = value.strip().lower()
    if not text:
        return None
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise InputError([Problem(where, column, f"not yes or no: {value[:40]!r}")])


def _choice(value: str, allowed: Iterable[str], where: Location, column: str) -> str:
    options = list(allowed)
    if value not in options:
        raise InputError([Problem(where, column, f"{value[:40]!r} is not one of: {', '.join(options)}")])
    return value


def _dates(row: dict[str, str], where: Location, start: str, end: str) -> tuple[date, date | None]:
    """The row's first and last day; the first is required (nothing is open "always")."""
    first = parse_date(row[start], where, start)
    if first is None:
        raise InputError([Problem(where, start, "required: the first day this was so (YYYY-MM-DD)")])
    last = parse_date(row[end], where, end)
    if last is not None and last < first:
        raise InputError([Problem(where, end, f"{last} is before {start} {first}")])
    return first, last


def _made(model: Any, where: Location, columns: dict[str, str], **fields: Any) -> Any:
    """`model(**fields)`, or an `InputError` naming the column each refused field came from
    (`columns`: field -> column)."""
    try:
        return model(**fields)
    except ValidationError as err:
        problems = [
            Problem(where, columns.get(str(e["loc"][0]), "*") if e["loc"] else "*", e["msg"])
            for e in err.errors()
        ]
        raise InputError(problems) from None


def _no_example(row: dict[str, str], where: Location, column: str) -> None:
    if row[column].upper().startswith(EXAMPLE):
        raise InputError([Problem(where, column, "the template's example row: replace it or delete it")])


def _roles(row: dict[str, str], where: Location, allowed: Iterable[str]) -> list[str]:
    """The row's roles (column `roles`, separated by ;), each one of `allowed`."""
    roles = [r.strip() for r in row["roles"].split(";") if r.strip()]
    if not roles:
        raise InputError([Problem(where, "roles", "required: one role or more, separated by ;")])
    return [_choice(role, allowed, where, "roles") for role in roles]


def _people(number: int) -> Callable[[str, dict[str, Any], Location, str], str]:
    """A person's code by name within one file: the first row naming them defines their facts."""
    seen: dict[str, tuple[str, dict[str, Any], Location]] = {}

    def code_of(name: str, facts: dict[str, Any], where: Location, column: str) -> str:
        key = " ".join(name.split()).casefold()
        if key in seen:
            code, first, at = seen[key]
            if differ := sorted(f for f in facts if facts[f] != first[f]):
                raise InputError(
                    [
                        Problem(
                            where, column, f"{name!r} is on row {at.line} too, with other {', '.join(differ)}"
                        )
                    ]
                )
            return code
        code = f"REG{number}-{where.line}"  # no name in it: a shared report keeps no trace of one
        seen[key] = (code, facts, where)
        return code

    return code_of


def _read(path: Path) -> tuple[str, Rows]:
    """A register's kind, known from its header, and its rows under every column of its
    template (one the file lacks reads as blank: not recorded), the file read once: a workbook's
    first sheet whole, a CSV's header line and then its rows."""
    header, rows = read_sheet(path) if is_workbook(path) else (header_line(path), None)
    kind = _kind(path, set(header))
    template = TEMPLATES[kind]
    if rows is None:
        rows = read_rows(
            path, [c for c in template.columns if c in header or c not in template.optional], header=True
        )
    return kind, [(where, {c: row.get(c, "") for c in template.columns}) for where, row in rows]


def _governing_bodies(rows: Rows, number: int, into: Dataset) -> None:
    person_of = _people(number)
    for where, row in rows:
        roles, days = _membership(row, where, GoverningRole)
        facts: dict[str, Any] = {
            column: _bool(row[column], where, column)
            for column in ("gp_register", "specialist_register", "nmc_register", "accountancy_qualified")
        }
        facts = {k: bool(v) for k, v in facts.items()}  # not recorded: not on the register
        facts["consultant_post"] = _bool(row["consultant_post"], where, "consultant_post")
        facts["specialist_until"] = parse_date(row["specialist_until"], where, "specialist_until")
        facts["employer"] = _choice(row["employer"] or "none", [e.value for e in Employer], where, "employer")
        for column in ("elected_member", "councillor", "commissioning_support"):  # Schedule 5
            facts[column] = _bool(row[column], where, column)
        for column in (
            "imprisonment_conviction",
            "bankruptcy_restrictions_from",
            "bankruptcy_restrictions_to",
        ):
            facts[column] = parse_date(row[column], where, column)
        code = person_of(row["person"], facts, where, "person")
        _member(into, where, row, code, facts, roles, days, "ccg_code", RelType.HOLDS_ROLE)


def _icb_boards(rows: Rows, number: int, into: Dataset) -> None:
    person_of = _people(number)
    for where, row in rows:
        roles, days = _membership(row, where, BoardRole)
        employer = _choice(row["employer"] or "none", [e.value for e in Employer], where, "employer")
        facts = {"employer": employer}
        code = person_of(row["person"], facts, where, "person")
        _member(into, where, row, code, facts, roles, days, "icb_code", RelType.ON_BOARD)


def _membership(row: dict[str, str], where: Location, allowed: Iterable[str]) -> tuple[list[str], tuple[date, date | None]]:
    """A member's row of a governing body or board: its roles (each one of `allowed`) and its
    first and last day; the template's example row and a row naming nobody are refused."""
    _no_example(row, where, "person")
    if not row["person"]:
        raise InputError([Problem(where, "person", "required: the member's name")])
    return _roles(row, where, allowed), _dates(row, where, "appointed", "left")


def _member(
    into: Dataset,
    where: Location,
    row: dict[str, str],
    code: str,
    facts: dict[str, Any],
    roles: list[str],
    days: tuple[date, date | None],
    body: str,
    rel: RelType,
) -> None:
    """A member of a governing body or board (the person, the first time the file names them)
    and a link per role they hold on the body in column `body`."""
    if code not in into.nodes:
        person = _made(Person, where, {"name": "person"}, code=code, name=row["person"], **facts)
        into.add_node(person, where, field_name="person")
    for role in roles:
        into.add_relationship(
            _made(
                Relationship, where, {"target": body},
                source=code, target=row[body], rel=rel, qualifier=role, valid_from=days[0], valid_to=days[1],
            ),
            where,
            written={"source": "person", "target": body},
        )  # fmt: skip


def _csu_support(rows: Rows, number: int, into: Dataset) -> None:
    for where, row in rows:
        _no_example(row, where, "csu_name")
        first, last = _dates(row, where, "from", "to")
        if not row["csu_code"]:
            raise InputError([Problem(where, "csu_code", "required: the CSU's ODS code")])
        csu = _made(
            CSU,
            where,
            {"code": "csu_code", "name": "csu_name"},
            code=row["csu_code"],
            name=row["csu_name"] or row["csu_code"],
        )
        into.add_node(csu, where, field_name="csu_code")
        into.add_relationship(
            _made(
                Relationship, where, {"source": "ccg_code", "target": "csu_code"},
                source=row["ccg_code"], target=row["csu_code"], rel=RelType.SUPPORTED_BY,
                valid_from=first, valid_to=last,
            ),
            where,
            written={"source": "ccg_code", "target": "csu_code"},
        )  # fmt: skip


def _hwb_seats(rows: Rows, number: int, into: Dataset) -> None:
    person_of = _people(number)
    for where, row in rows:
        _no_example(row, where, "person")
        seat = _choice(row["seat"], [s.value for s in HwbSeat], where, "seat")
        first, last = _dates(row, where, "appointed", "left")
        if bool(row["holder_code"]) == bool(row["person"]):
            raise InputError(
                [Problem(where, "holder_code", "give the holder's code (a CCG) or a person, not both")]
            )
        holder, column = row["holder_code"], "holder_code"
        if row["person"]:
            holder, column = person_of(row["person"], {}, where, "person"), "person"
            if holder not in into.nodes:
                person = _made(Person, where, {"name": "person"}, code=holder, name=row["person"])
                into.add_node(person, where, field_name="person")
        into.add_relationship(
            _made(
                Relationship, where, {"source": column, "target": "hwb_code"},
                source=holder, target=row["hwb_code"], rel=RelType.SEAT_ON, qualifier=seat,
                valid_from=first, valid_to=last,
            ),
            where,
            written={"source": column, "target": "hwb_code"},
        )  # fmt: skip


GOVERNING_BODIES = Template(
    columns={
        "ccg_code": "the CCG's ODS code (e.g. 09W)",
        "person": "the member's name, as the governing body's papers give it",
        "roles": "one or more of " + ", ".join(r.value for r in GoverningRole) + " (separated by ;)",
        "appointed": "first day in the role (YYYY-MM-DD; the date of the papers if that is all you know)",
        "left": "last day in the role (blank: still in it, or until the CCG closed)",
        "gp_register": "on the GMC GP Register: yes/no",
        "specialist_register": "on the GMC Specialist Register: yes/no",
        "nmc_register": "a registered nurse (NMC register): yes/no",
        "consultant_post": "holds an NHS consultant or armed-forces specialty post: yes/no (blank: not recorded)",
        "specialist_until": "for a specialist who no longer meets reg 11(6): the last day they did",
        "accountancy_qualified": "holds a professional qualification in accountancy: yes/no",
        "employer": "who employs them: " + ", ".join(e.value for e in Employer),
        "elected_member": "a Member of Parliament, of the European Parliament or of the London Assembly: yes/no "
        "(Schedule 5 para 1)",
        "councillor": "a member of a local authority: yes/no (Schedule 5 para 2)",
        "commissioning_support": "provides the CCG with commissioning support, or works for a body that does: "
        "yes/no (Schedule 5 para 3)",
        "imprisonment_conviction": "day of a conviction ending in three months' imprisonment or more without the "
        "option of a fine (Schedule 5 para 4)",
        "bankruptcy_restrictions_from": "first day under a bankruptcy restrictions order (Schedule 5 para 5)",
        "bankruptcy_restrictions_to": "its last day (blank: still under it)",
        "source": "where this was read (a URL of the papers), for your records: ccgraph does not read it",
    },
    example={
        "ccg_code": "09W",
        "person": f"{EXAMPLE} - replace with the member's name",
        "roles": "chair;gp_member",
        "appointed": "2013-04-01",
        "left": "",
        "gp_register": "yes",
        "specialist_register": "no",
        "nmc_register": "no",
        "consultant_post": "",
        "specialist_until": "",
        "accountancy_qualified": "no",
        "employer": "gp_practice",
        "elected_member": "no",
        "councillor": "no",
        "commissioning_support": "no",
        "imprisonment_conviction": "",
        "bankruptcy_restrictions_from": "",
        "bankruptcy_restrictions_to": "",
        "source": "https://...",
    },
    read=_governing_bodies,
    optional=(
        "elected_member",
        "councillor",
        "commissioning_support",
        "imprisonment_conviction",
        "bankruptcy_restrictions_from",
        "bankruptcy_restrictions_to",
    ),
)
CSU_SUPPORT = Template(
    columns={
        "ccg_code": "the CCG's ODS code",
        "csu_code": "the commissioning support unit's ODS code (e.g. 0CE)",
        "csu_name": "its name",
        "from": "first day of support (YYYY-MM-DD)",
        "to": "last day (blank: still, or until the CCG closed)",
        "source": "where this was read, for your records: ccgraph does not read it",
    },
    example={
        "ccg_code": "09W",
        "csu_code": "0CE",
        "csu_name": f"{EXAMPLE} - replace with the CSU's name",
        "from": "2013-04-01",
        "to": "",
        "source": "https://...",
    },
    read=_csu_support,
)
HWB_SEATS = Template(
    columns={
        "hwb_code": "the Health and Wellbeing Board's code in the graph (HWB- and the authority's code)",
        "seat": "one of " + ", ".join(s.value for s in HwbSeat),
        "holder_code": "the holder's code when it is a body (a CCG's ODS code); else blank",
        "person": "the holder's name when it is a person; else blank",
        "appointed": "first day in the seat (YYYY-MM-DD)",
        "left": "last day (blank: still in it)",
        "source": "where this was read, for your records: ccgraph does not read it",
    },
    example={
        "hwb_code": "HWB-E06000035",
        "seat": "director_public_health",
        "holder_code": "",
        "person": f"{EXAMPLE} - replace with the holder's name",
        "appointed": "2013-04-01",
        "left": "",
        "source": "https://...",
    },
    read=_hwb_seats,
)
ICB_BOARDS = Template(
    columns={
        "icb_code": "the integrated care board's ODS code (e.g. QHM), from 1 July 2022",
        "person": "the member's name, as the board's papers give it",
        "roles": "one or more of " + ", ".join(r.value for r in BoardRole) + " (separated by ;): an ordinary "
        "member nominated under Schedule 1B para 8 by who nominated them",
        "appointed": "first day on the board (YYYY-MM-DD; the date of the papers if that is all you know)",
        "left": "last day (blank: still on it, or until the board closed)",
        "employer": "who employs them: " + ", ".join(e.value for e in Employer) + " (icb: the board itself)",
        "source": "where this was read (a URL of the papers), for your records: ccgraph does not read it",
    },
    example={
        "icb_code": "QHM",
        "person": f"{EXAMPLE} - replace with the member's name",
        "roles": "chief_executive",
        "appointed": "2022-07-01",
        "left": "",
        "employer": "icb",
        "source": "https://...",
    },
    read=_icb_boards,
)
TEMPLATES = {
    "governing-bodies": GOVERNING_BODIES,
    "csu-support": CSU_SUPPORT,
    "hwb-seats": HWB_SEATS,
    "icb-boards": ICB_BOARDS,
}


def template_csv(kind: str) -> str:
    """The register's CSV template: its header and one example row, refused if left in."""
    template = TEMPLATES[kind]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(template.columns), lineterminator="\n")
    writer.writeheader()
    writer.writerow(template.example)
    return out.getvalue()


def template_workbook(kind: str, path: Path) -> None:
    """The register's Excel template: a sheet to fill (its header and the example row), then a
    sheet saying what each column holds."""
    from openpyxl import Workbook

    template = TEMPLATES[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append(list(template.columns))
    sheet.append([template.example[c] for c in template.columns])
    guide = book.create_sheet("columns")
    guide.append(["column", "what it holds"])
    for column, holds in template.columns.items():
        guide.append([column, holds])
    book.save(path)


def _kind(path: Path, names: set[str]) -> str:
    """Which register a file is, from its header (the columns of one template)."""
    for kind, template in TEMPLATES.items():
        if set(template.columns) - set(template.optional) <= names:
            return kind
    raise InputError(
        [
            Problem(
                Location(path.name, 1),
                "*",
                "not a register: its header lacks the columns of every template "
                f"({', '.join(TEMPLATES)}; `ccgraph template KIND` writes one)",
            )
        ]
    )


def load_registers(paths: Iterable[Path]) -> tuple[Dataset, list[str]]:
    """Every register read into one dataset (references are checked when it is laid over the
    graph); and a line per file for the data-quality report, without a name in it."""
    dataset, said = Dataset(), []
    for number, path in enumerate(paths, start=1):
        kind, rows = _read(Path(path))
        TEMPLATES[kind].read(rows, number, dataset)
        said.append(f"Register {Path(path).name} ({kind}): {len(rows)} row(s) laid over the graph.")
    return dataset, said
