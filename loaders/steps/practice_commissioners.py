"""GP practices after the 2019 register: their closures, the practices opened since, and each
practice's commissioner from 1 July 2022, from the ODS registers of December 2023 and September
2025.

Each register gives a practice's current commissioner and the day it joined it (or left, for a
closed practice), so two registers give at most the last two moves. A practice open on 1 July
2022 whose first recorded join is later is placed, until that join, in the sub-ICB location of
the CCG it was a member of on 30 June 2022 (marked derived). A practice the later register calls
dormant (status D: registered, but providing no services) is counted until the day before the
extract of the first register that calls it so (when it became dormant is not recorded). A
practice opened after the 2019 register and before 1 July 2022 is a member of the CCG it joined.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from graphmodel.dataset import Location
from graphmodel.model import CCG, RelType, sub_icb_code
from graphmodel.national import ICBS_ESTABLISHED
from loaders.readers import ods
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import END, ONE_DAY, Context

__all__ = ["practice_commissioners"]

GP_PRACTICE_SETTING = "4"
DORMANT = "D"
REGISTERS = ("practices_2023", "practices_2025")  # oldest first: the later wins


@step(reads=REGISTERS, needs=("practices", "icbs", "mergers"), provides=("commissioners",))
def practice_commissioners(ctx: Context) -> None:
    paths = [p for source in REGISTERS if (p := ctx.path(source)) is not None]
    if not paths:
        return
    records, extracts = _records(ctx, paths)
    coverage_end = ctx.dataset.coverage[1] if ctx.dataset.coverage else END
    eve = _members_on_eve(ctx)
    closed = opened = placed = derived = dormant = 0
    for code, rows in sorted(records.items()):
        where, row = rows[-1][0], rows[-1][1]
        moves = sorted({move for _, _, move, _ in rows if move is not None})
        opened_on = parse_date(row["open_date"], where, "open_date")
        closed_on = parse_date(row["close_date"], where, "close_date")
        if opened_on and opened_on > coverage_end:
            continue
        node = ctx.dataset.nodes.get(code)
        if node is None:
            if not _joined_before_abolition(moves) and (closed_on and closed_on < ICBS_ESTABLISHED):
                continue
            ctx.add_practice(where, row, opened_on, closed_on)
            opened += 1
            _member_before_abolition(ctx, code, moves, where)
        elif closed_on and (node.close_date is None or closed_on < node.close_date):  # type: ignore[attr-defined]
            ctx.update(code, where, "close_date", close_date=closed_on)
            closed += 1
        if closed_on and closed_on < ICBS_ESTABLISHED:
            continue
        end = closed_on
        if row["status"] == DORMANT:  # dormant by the extract of the first register saying so
            first = next(extracts[i] for _, r, _, i in rows if r["status"] == DORMANT)
            end, dormant = min(end or date.max, first - ONE_DAY), dormant + 1
        n, d = _commissioners(ctx, code, moves, end, eve.get(code), where)
        placed, derived = placed + n, derived + d
    ctx.report.note(
        f"Later ODS registers ({', '.join(p.name for p in paths)}): {closed} practices close on the day they "
        f"give, {opened} practices opened since the 2019 register are added, {placed} commissioner links from "
        f"{ICBS_ESTABLISHED} ({derived} derived: the sub-ICB location of the practice's CCG on {END}, until a recorded "
        f"move), {dormant} practices the latest register calls dormant (status D) are counted until the day before "
        f"the extract of the first register saying so ({', '.join(map(str, extracts))})."
    )


# where, the row, its recorded (join day, commissioner) if it gives a join day, the register's index
Record = tuple[Location, dict[str, str], tuple[date, str] | None, int]


def _records(ctx: Context, paths: list[Path]) -> tuple[dict[str, list[Record]], list[date]]:
    """Each GP practice's rows in the registers, oldest register first, each with its recorded
    (join day, commissioner) move; and each register's extract day (the latest day it holds)."""
    found: dict[str, list[Record]] = {}
    extracts = []
    for index, path in enumerate(paths):
        extract = date.min
        tally = ctx.report.tally(path.name)
        table = ods.practices(path, {GP_PRACTICE_SETTING})
        tally.read = table.read
        tally.skip("not a GP practice (prescribing setting is not 4)", table.dropped["setting"])
        reasons: Counter[str] = Counter()
        for where, row in table.rows:
            joined = parse_date(row["join_date"], where, "join_date")
            for field in ("open_date", "close_date", "join_date", "left_date"):
                extract = max(extract, parse_date(row[field], where, field) or extract)
            commissioner = row["commissioner"]
            if sub_icb_code(commissioner) not in ctx.dataset.nodes and commissioner not in ctx.dataset.nodes:
                reasons["commissioner is not an English CCG or sub-ICB location (Wales, a hub)"] += 1
                continue
            move = (joined, commissioner) if joined else None
            found.setdefault(row["code"], []).append((where, row, move, index))
            tally.used += 1
        for reason, n in reasons.items():
            tally.skip(reason, n)
        extracts.append(extract)
    return found, extracts


def _joined_before_abolition(moves: list[tuple[date, str]]) -> bool:
    return any(day <= END for day, _ in moves)


def _member_before_abolition(ctx: Context, code: str, moves: list[tuple[date, str]], where: Location) -> None:
    """A practice new to the graph: a member, from the day it joined, of the CCG it joined
    before 1 July 2022."""
    before = [(day, node) for day, c in moves if day <= END and isinstance(node := ctx.dataset.nodes.get(c), CCG)]
    if before:
        day, ccg = before[-1]
        start = max(day, ccg.open_date or day)  # not before the CCG was
        ctx.link(where, source=code, target=ccg.code, rel=RelType.MEMBER_OF, valid_from=start, valid_to=END)


def _commissioners(
    ctx: Context,
    code: str,
    moves: list[tuple[date, str]],
    closed_on: date | None,
    ccg_on_eve: str | None,
    where: Location,
) -> tuple[int, int]:
    """The practice's commissioner links from 1 July 2022; returns (links, derived links)."""
    spans: list[tuple[date, str, bool]] = []
    known = [(day, c) for day, c in moves if day <= ICBS_ESTABLISHED]
    if known:
        spans.append((ICBS_ESTABLISHED, known[-1][1], False))
    elif ccg_on_eve is not None:
        spans.append((ICBS_ESTABLISHED, ccg_on_eve, True))
    spans += [(day, c, False) for day, c in moves if day > ICBS_ESTABLISHED]
    n = d = 0
    for i, (start, commissioner, is_derived) in enumerate(spans):
        end = spans[i + 1][0] - ONE_DAY if i + 1 < len(spans) else closed_on
        if sub_icb_code(commissioner) not in ctx.dataset.nodes or (end is not None and end < start):
            continue
        ctx.link(
            where,
            source=code,
            target=sub_icb_code(commissioner),
            rel=RelType.COMMISSIONED_BY,
            valid_from=start,
            valid_to=end,
            derived=is_derived or None,
        )
        n, d = n + 1, d + is_derived
    return n, d


def _members_on_eve(ctx: Context) -> dict[str, str]:
    """Each practice with the CCG it was a member of on 30 June 2022."""
    return {
        rel.source: rel.target
        for rel in ctx.dataset.relationships.values()
        if rel.rel == RelType.MEMBER_OF and (rel.valid_from or date.min) <= END <= (rel.valid_to or date.max)
    }
