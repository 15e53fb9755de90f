"""Sub-ICB reporting entities (ODS role RO327): the units some boards report by, from 1 April
2024 (London's five boards) and 24 July 2024 (Frimley), each in its board until the board
closes, from the ODS register of CCGs and their successors (eccg)."""

from __future__ import annotations

from graphmodel.model import ICB, RelType, SubICBReportingEntity
from loaders.readers import ods
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import Context

__all__ = ["REPORTING_ENTITY", "reporting_entities"]

REPORTING_ENTITY = "RO327"  # ODS: "Sub ICB Reporting Entity"


@step(reads=("ccg_dates",), needs=("icbs",), provides=("reporting_entities",))
def reporting_entities(ctx: Context) -> None:
    path = ctx.path("ccg_dates")
    if path is None or not any(isinstance(n, ICB) for n in ctx.dataset.nodes.values()):
        return
    table = ods.roles(path, REPORTING_ENTITY)
    placed = []
    for where, row in table.rows:
        opened = parse_date(row["open_date"], where, "open_date")
        closed = parse_date(row["close_date"], where, "close_date")
        if not isinstance(ctx.dataset.nodes.get(row["icb"]), ICB):
            ctx.note_once(("entity", row["code"]), f"{row['code']}: its board {row['icb']} is not in the graph.")
            continue
        board_closed = ctx.dataset.nodes[row["icb"]].close_date  # type: ignore[attr-defined]
        until = min((d for d in (closed, board_closed) if d), default=None)  # no entity outlasts its board
        ctx.add(SubICBReportingEntity, where, code=row["code"], name=row["name"], open_date=opened, close_date=until)
        ctx.link(where, source=row["code"], target=row["icb"], rel=RelType.IN_ICB, valid_from=opened, valid_to=until)
        placed.append(row["icb"])
    if placed:
        ctx.report.note(
            f"{len(placed)} sub-ICB reporting entities ({REPORTING_ENTITY}) from {path.name}, in boards "
            f"{', '.join(sorted(set(placed)))}; an entity ends with its board (no file here says where the "
            "entities of a board closed in 2026 went)."
        )
