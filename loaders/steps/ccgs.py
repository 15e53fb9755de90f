"""The CCGs: the 211 of 1 April 2013 from the ONS list; every later CCG, with open and close
dates, from the ODS register (its NHS England commissioning hubs left out; a CCG the register
shows open closes on 30 June 2022, when CCGs were abolished); mergers from ODS `succ`, dated.
Without the register the graph shows 1 April 2013 only."""

from __future__ import annotations

from datetime import date

from graphmodel.dataset import Location
from graphmodel.model import CCG, RelType
from loaders.manifest import file_of
from loaders.readers import ods, ons
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import END, ONE_DAY, START, Context


@step(reads=("ccgs_2013", "ccg_dates", "successions"), provides=("ccgs", "mergers"))
def ccgs(ctx: Context) -> None:
    tally = ctx.report.tally(file_of("ccgs_2013"))
    register = _register_rows(ctx)
    for where, row in ons.ccgs_2013(ctx.required("ccgs_2013")):
        tally.read += 1
        code = row["CCG13CDH"]
        closed = register[code][3] if code in register else None
        ctx.add(
            CCG,
            where,
            field_name="CCG13CDH",
            code=code,
            name=row["CCG13NM"],
            name_abbreviated=True,
            ons_code=row["CCG13CD"],
            open_date=START,
            close_date=closed,
        )
        ctx.ccg_by_ons[row["CCG13CD"]] = code
        tally.used += 1
    if not register:
        ctx.dataset.coverage = (START, START)
        ctx.report.note(
            f"{file_of('ccg_dates')} absent: the graph shows 1 April 2013 only (no later CCGs, no close dates)."
        )
        return
    ctx.dataset.coverage = (START, END)
    ccgs_2013 = set(ctx.ccg_by_ons.values())
    ctx.later_ccgs = {c: r for c, r in register.items() if c not in ccgs_2013}
    for code, (where, row, opened, closed) in ctx.later_ccgs.items():
        ctx.add(
            CCG,
            where,
            code=code,
            name=row["name"],
            name_abbreviated=True,
            open_date=opened,
            close_date=closed,
        )
    _mergers(ctx)


def _register_rows(ctx: Context) -> dict[str, tuple[Location, dict[str, str], date, date]]:
    """The CCGs of the ODS register with open and close dates (30 June 2022 for those it
    shows open)."""
    path = ctx.path("ccg_dates")
    if path is None:
        return {}
    tally = ctx.report.tally(path.name)
    rows = {}
    abolished = 0
    for where, row in ods.ccgs(path):
        tally.read += 1
        opened = parse_date(row["open_date"], where, "open_date") or START
        closed = parse_date(row["close_date"], where, "close_date")
        if "HUB" in row["name"].upper().split():
            tally.skip("an NHS England commissioning hub, not a CCG")
        elif opened > END:
            tally.skip("opened after CCGs were abolished (a sub-ICB entity)")
        elif closed is not None and closed < START:
            tally.skip("closed before April 2013")
        else:
            if closed is None or closed > END:
                closed, abolished = END, abolished + 1
            rows[row["code"]] = (where, row, opened, closed)
            tally.used += 1
    if abolished:
        ctx.report.note(
            f"{abolished} CCGs open in the register on 30 June 2022 close that day: CCGs were abolished "
            "on 1 July 2022 (the register keeps their codes as sub-ICB locations, under 2025 names)."
        )
    return rows


def _mergers(ctx: Context) -> None:
    path = ctx.path("successions")
    if path is None:
        ctx.report.note(f"{file_of('successions')} absent: no CCG mergers, so no lineage.")
        return
    tally = ctx.report.tally(path.name)
    ccgs = {code for code, n in ctx.dataset.nodes.items() if isinstance(n, CCG)}
    table = ods.successions(path, ccgs)
    tally.read = table.read
    tally.skip("not a CCG", table.dropped["code"])
    for where, row in table.rows:
        code, successor = row["code"], row["successor"]
        when = parse_date(row["effective_date"], where, "effective_date")
        if successor not in ccgs or when is None:
            tally.skip("successor is not a CCG, or undated")
            continue
        ctx.link(
            where,
            {"source": "code", "target": "successor"},
            source=code,
            target=successor,
            rel=RelType.SUCCEEDED_BY,
            valid_from=when,
        )
        ctx.merged_into[code] = (successor, when)
        ctx.merged_from[successor].append(code)
        tally.used += 1
        closed = ctx.dataset.nodes[code].close_date  # type: ignore[attr-defined]
        opened = ctx.dataset.nodes[successor].open_date  # type: ignore[attr-defined]
        if closed != when - ONE_DAY or (opened and opened > when):
            ctx.report.note(
                f"{code} merged into {successor} on {when}, but the register closes {code} on {closed} "
                f"and opens {successor} on {opened}."
            )
    ctx.dataset.refuse_succession_cycles()  # following them (successor_on) would never end
    _open_on_taking_over(ctx)


def _open_on_taking_over(ctx: Context) -> None:
    """A CCG formed by a merger holds an area from the day its predecessors merge into it: the
    register may give an earlier day, its legal establishment (13T: 26 November 2014, for a
    merger that took effect on 1 April 2015), on which it held no area and had no practices."""
    moved = []
    for successor, predecessors in sorted(ctx.merged_from.items()):
        node = ctx.dataset.nodes[successor]
        first = min(ctx.merged_into[p][1] for p in predecessors)
        if successor in ctx.later_ccgs and isinstance(node, CCG) and node.open_date and node.open_date < first:
            moved.append(f"{successor} ({node.open_date} -> {first})")
            ctx.dataset.nodes[successor] = node.model_copy(update={"open_date": first})
    if moved:
        ctx.report.note(
            "CCGs formed by a merger open on the day it took effect, not on the earlier day the register "
            f"gives (their establishment): {', '.join(moved)}."
        )
