"""The London boards' sub-ICB reporting entities from 1 April 2024 (ODS role RO327), each in its
board, from the ODS register of CCGs and their successors (eccg)."""

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
        ctx.add(SubICBReportingEntity, where, code=row["code"], name=row["name"], open_date=opened, close_date=closed)
        ctx.link(where, source=row["code"], target=row["icb"], rel=RelType.IN_ICB, valid_from=opened, valid_to=closed)
        placed.append(row["code"])
    if placed:
        ctx.report.note(
            f"{len(placed)} sub-ICB reporting entities ({REPORTING_ENTITY}, London's boards, from "
            f"{min(ctx.dataset.nodes[c].open_date for c in placed)}) from {path.name}."  # type: ignore[attr-defined]
        )
