"""GP practices and their CCG membership. Membership comes from ODS `epcmem` (dated, to its
October 2019 extract) for GP practices (epraccur setting 4); after that, a membership still
open in a CCG that merged is carried to the CCG it merged into, marked derived. Without
`epcmem`, membership on 1 April 2013 comes from the NHSBSA list-size file's "PCO Code"."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from graphmodel.dataset import Location
from graphmodel.model import CCG, Practice, RelType
from loaders.manifest import file_of
from loaders.readers import ods
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import ONE_DAY, START, Context

GP_PRACTICE_SETTING = "4"


@step(
    reads=("memberships", "practices_2019", "practices_2015"),
    needs=("ccgs", "mergers", "pcts", "list_sizes"),
    provides=("practices",),
)
def practices(ctx: Context) -> None:
    epcmem, epraccur = (
        ctx.path("memberships"),
        ctx.path("practices_2019") or ctx.path("practices_2015"),
    )
    if epcmem is not None and epraccur is not None:
        _practices_from_ods(ctx, epcmem, epraccur)
    else:
        ctx.report.note(
            f"{file_of('memberships')} or epraccur absent: membership taken from the NHSBSA list-size file."
        )
        _practices_from_list_sizes(ctx)


def _practices_from_list_sizes(ctx: Context) -> None:
    tally = ctx.report.tally(file_of("list_sizes_2013q2"))
    ccgs_2013 = set(ctx.ccg_by_ons.values())
    for code, (where, row, total) in ctx.list_sizes.items():
        ccg = row["PCO Code"][:3]
        if total == 0:
            tally.skip("no registered patients (not a GP practice)")
        elif ccg not in ccgs_2013:
            tally.skip("legacy PCO code (not a 2013 CCG)")
        else:
            ctx.add(Practice, where, code=code, name=row["Practice Name"], list_size=total)
            ctx.link(where, source=code, target=ccg, rel=RelType.MEMBER_OF, valid_from=START)
            tally.used += 1


def _practices_from_ods(ctx: Context, epcmem: Path, epraccur: Path) -> None:
    last_day = ctx.dataset.coverage[1] if ctx.dataset.coverage else START
    tally = ctx.report.tally(epraccur.name)
    gp: dict[str, tuple[Location, dict[str, str], date | None, date | None]] = {}
    table = ods.practices(epraccur, {GP_PRACTICE_SETTING})
    tally.read = table.read
    tally.skip("not a GP practice (prescribing setting is not 4)", table.dropped["setting"])
    for where, row in table.rows:
        opened = parse_date(row["open_date"], where, "open_date")
        closed = parse_date(row["close_date"], where, "close_date")
        if (opened and opened > last_day) or (closed and closed < START):
            tally.skip(f"not open between {START} and {last_day}")
            continue
        gp[row["code"]] = (where, row, opened, closed)
        tally.used += 1
    tally = ctx.report.tally(epcmem.name)
    members_on_day: dict[str, str] = {}
    pct_on_eve: dict[str, str] = {}
    recorded: list[tuple[str, str, date | None, date | None, Location]] = []
    pcts = {code for code, node in ctx.dataset.nodes.items() if node.kind == "PCT"}
    ccgs = {code for code, node in ctx.dataset.nodes.items() if isinstance(node, CCG)}
    table = ods.memberships(epcmem, gp, pcts | ccgs)
    tally.read = table.read
    tally.skip("not a GP practice open in the period", table.dropped["code"])
    tally.skip("parent is not a CCG or 2012 PCT (a PCG, a hub)", table.dropped["parent"])
    extract = START
    for where, row in table.rows:
        code, parent = row["code"], row["parent"]
        joined = parse_date(row["join_date"], where, "join_date")
        left = parse_date(row["left_date"], where, "left_date")
        extract = max(extract, joined or extract, left or extract)
        if parent in pcts:
            if left == START - ONE_DAY:
                pct_on_eve[code] = parent
            tally.skip("parent is a PCT (membership before 2013)")
            continue
        if (joined is None or joined <= START) and (left is None or left >= START):
            members_on_day[code] = parent
        recorded.append((code, parent, joined, left, where))
        tally.used += 1
    _follow_mergers(ctx, recorded, gp, extract)
    _successions_from_practices(ctx, pct_on_eve, members_on_day, Location(epcmem.name))
    members = {r.source for r in ctx.dataset.relationships.values() if r.rel == RelType.MEMBER_OF}
    for code in sorted(members):
        where, row, opened, closed = gp[code]
        size = ctx.list_sizes.get(code)
        ctx.add_practice(where, row, opened, closed, list_size=size[2] if size else None)
    _compare_with_list_sizes(ctx, members_on_day)
    dormant = sum(1 for code in members if gp[code][1]["status"] == "D" and gp[code][3] is None)
    if dormant and ctx.path("practices_2023") is None and ctx.path("practices_2025") is None:
        ctx.report.note(
            f"{dormant} practices {epraccur.name} calls dormant (status D), with no closing day, are counted "
            "to the end of their memberships: the later registers (england-2021-2026) give the days they closed."
        )


def _follow_mergers(
    ctx: Context,
    recorded: list[tuple[str, str, date | None, date | None, Location]],
    gp: dict[str, tuple[Location, dict[str, str], date | None, date | None]],
    extract: date,
) -> None:
    """Each recorded membership, as far as its CCG lasted. A membership cannot outlast its
    CCG: one left open by the extract, or recorded past the CCG's closure (the register
    catching up with a merger), ends on the closure, and the practice continues in the CCG
    it merged into (derived) until the record's own end, or the practice's next recorded
    membership, or the practice's closure."""
    starts: dict[str, list[date]] = defaultdict(list)
    for code, _, joined, _, _ in recorded:
        starts[code].append(joined or date.min)
    derived = outlasting = 0
    for code, ccg, joined, left, where in recorded:
        closed_practice = gp[code][3]
        start, is_derived = joined, None
        while True:
            close = ctx.dataset.nodes[ccg].close_date  # type: ignore[attr-defined]
            end = left if close is None or (left is not None and left <= close) else close
            ctx.link(
                where,
                source=code,
                target=ccg,
                rel=RelType.MEMBER_OF,
                valid_from=start,
                valid_to=end,
                derived=is_derived,
            )
            if end == left or ccg not in ctx.merged_into:
                break
            outlasting += left is not None and not is_derived
            ccg, start = ctx.merged_into[ccg]
            later = [s for s in starts[code] if s >= start]
            if later and min(later) == start:
                break  # a recorded membership takes over on the day
            if closed_practice is not None and closed_practice < start:
                break
            if later:
                left = min(left or date.max, min(later) - ONE_DAY)
            is_derived, derived = True, derived + 1
    if derived:
        ctx.report.note(
            f"{derived} memberships are derived: a practice whose CCG merged is counted in the CCG it "
            f"merged into, after the epcmem extract ({extract}) or where the register records the "
            f"practice in the closed CCG for a while ({outlasting} such records, ended on the closure)."
        )


def _compare_with_list_sizes(ctx: Context, members_on_day: dict[str, str]) -> None:
    sizes = ctx.list_sizes
    absent = [c for c in members_on_day if c not in sizes]
    ctx.report.tally(file_of("list_sizes_2013q2")).used = len(members_on_day) - len(absent)
    disagree = [
        f"{c} {ccg} vs {sizes[c][1]['PCO Code']}"
        for c, ccg in members_on_day.items()
        if c in sizes and sizes[c][1]["PCO Code"][:3] != ccg
    ]
    bsa_only = [c for c, (_, row, total) in sizes.items() if total > 0 and c not in members_on_day]
    ctx.report.note(
        f"Membership on 2013-04-01 from epcmem: {len(members_on_day)} GP practices. Against the "
        f"NHSBSA file: {len(members_on_day) - len(disagree) - len(absent)} agree, {len(disagree)} differ "
        f"(e.g. {', '.join(disagree[:5]) or '-'}), {len(absent)} absent from it; {len(bsa_only)} BSA rows "
        f"with patients are not GP practices in epcmem that day (e.g. {', '.join(bsa_only[:5]) or '-'})."
    )


def _successions_from_practices(
    ctx: Context, pct_of: dict[str, str], ccg_of: dict[str, str], where: Location
) -> None:
    """PCTs the postcode-share file gives no 2013 successor: follow their practices instead."""
    succeeded = {r.source for r in ctx.dataset.relationships.values() if r.rel == RelType.SUCCEEDED_BY}
    moves: Counter[tuple[str, str]] = Counter(
        (pct, ccg_of[p]) for p, pct in pct_of.items() if pct not in succeeded and p in ccg_of
    )
    per_pct: Counter[str] = Counter()
    for (pct, _), n in moves.items():
        per_pct[pct] += n
    for (pct, ccg), n in sorted(moves.items()):
        ctx.link(
            where,
            source=pct,
            target=ccg,
            rel=RelType.SUCCEEDED_BY,
            valid_from=START,
            count=n,
            share=round(100.0 * n / per_pct[pct], 2),
        )
    if per_pct:
        ctx.report.note(
            f"PCTs with no 2013 successor in the postcode-share file ({', '.join(sorted(per_pct))}): "
            "succession taken from where their practices went on 2013-04-01 (share of practices)."
        )
