"""Each CCG's, sub-ICB location's and integrated care board's population on each date: the
mid-year LSOA estimate nearest the date, summed over the LSOAs the lookup in force gives the
body (the year's CCG lookup; from 1 July 2022 the July 2022 lookup; a board is the sum of its
locations). A CCG a lookup does not list is the sum of its predecessors in it when they are all
there; otherwise its population is not given (a data gap the report names), never guessed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from graphmodel.crosswalk import SUB_ICB_YEAR, lookup_in_force
from graphmodel.model import ICB, RelType, SubICBLocation, sub_icb_code
from graphmodel.national import ICBS_ESTABLISHED
from loaders.readers.lsoas import lsoa_numbers
from loaders.steps import step
from loaders.steps._context import END, ONE_DAY, PERIODS, Context
from loaders.steps.lsoa_areas import LOOKUP_YEARS

__all__ = ["ESTIMATES", "populations"]

# Each estimate's source, its LSOA and population columns
ESTIMATES = {
    2012: ("population_2012", "LSOA code (2011)", "Total population: mid 2012 (excluding prisoners)"),
    2015: ("population_2015", "LSOA code (2011)", "Total population: mid 2015 (excluding prisoners)"),
    2017: ("population_2017", "lsoa11_code", "total_population"),
    2019: ("population_2019", "lsoa11_code", "total_population"),
    2020: ("population_2020", "lsoa11_code", "total_population"),
}
Dated = dict[str, list[tuple[date, date, int | None, int]]]  # body -> (from, to, population, estimate year)


@step(
    reads=tuple(source for source, _, _ in ESTIMATES.values()),
    needs=("lsoa_areas", "icbs", "mergers"),
    provides=("populations",),
)
def populations(ctx: Context) -> None:
    estimates = {}
    for year, (source, lsoa, value) in ESTIMATES.items():
        if (path := ctx.path(source)) is not None:
            estimates[year] = lsoa_numbers(path, lsoa, value)
            tally = ctx.report.tally(path.name)
            tally.read = tally.used = len(estimates[year])
    ctx.dataset.people = estimates  # kept with the dataset for crosswalks weighted by residents
    if not estimates or not ctx.dataset.areas:
        return
    dated: Dated = defaultdict(list)
    missing: Counter[str] = Counter()
    for period in PERIODS:
        if ctx.dataset.coverage and period.start > ctx.dataset.coverage[1]:
            break
        lookups = [y for y in ctx.dataset.areas if y in LOOKUP_YEARS]
        if not lookups:
            break
        year = _nearest(estimates, period.start)
        sums = _sums(ctx.dataset.areas[lookup_in_force(lookups, period.year)], estimates[year])
        for ccg in ctx.open_ccgs(period.start):
            found = _of(ctx, ccg, sums, period.start)
            missing[ccg] += found is None
            closed = ctx.dataset.nodes[ccg].close_date or END  # type: ignore[attr-defined]
            dated[ccg].append((period.start, min(period.end, closed), found, year))
    if SUB_ICB_YEAR in ctx.dataset.areas and ctx.dataset.coverage and ctx.dataset.coverage[1] >= ICBS_ESTABLISHED:
        _boards(
            ctx,
            _sums(ctx.dataset.areas[SUB_ICB_YEAR], estimates[_nearest(estimates, ICBS_ESTABLISHED)]),
            dated,
            estimates,
        )
    for code, spans in dated.items():
        joined: list[tuple[date, date, int, int]] = []
        for start, end, people, year in spans:
            if people is None:
                continue  # not known that day: no span covers it
            if joined and joined[-1][2:] == (people, year) and joined[-1][1] + ONE_DAY == start:
                joined[-1] = (joined[-1][0], end, people, year)
            else:
                joined.append((start, end, people, year))
        if joined:
            ctx.update(
                code,
                ctx.dataset.origins[code],
                "populations",
                populations=tuple(p for _, _, p, _ in joined),
                populations_from=tuple(s for s, _, _, _ in joined),
                populations_to=tuple(e for _, e, _, _ in joined),
                population_years=tuple(y for _, _, _, y in joined),
            )
    gaps = sorted(c for c, n in missing.items() if n)
    used = ", ".join(f"mid-{y}" for y in estimates)
    ctx.report.note(
        f"Populations: the LSOA estimates ({used}) nearest each date, summed over each body's LSOAs in the lookup "
        f"in force. Not given (the lookup holds no area for them, a data gap): {', '.join(gaps) or 'none'}."
    )


def _nearest(estimates: dict[int, dict[str, int]], day: date) -> int:
    """The estimate (at 30 June of its year) nearest `day`; the earlier on a tie."""
    return min(estimates, key=lambda y: (abs((date(y, 6, 30) - day).days), y))


def _sums(areas: dict[str, str], people: dict[str, int]) -> Counter[str]:
    sums: Counter[str] = Counter()
    for lsoa, body in areas.items():
        sums[body] += people.get(lsoa, 0)
    return sums


def _of(ctx: Context, ccg: str, sums: Counter[str], day: date) -> int | None:
    """A CCG's population from a lookup: its own LSOAs, or its predecessors' when the lookup is
    older than the CCG (a merger after the lookup: all of them must be in it)."""
    if ccg in sums:
        return sums[ccg]
    parts = [_of(ctx, p, sums, day) for p in ctx.merged_from.get(ccg, [])]
    return sum(p for p in parts if p is not None) if parts and all(p is not None for p in parts) else None


def _boards(ctx: Context, sums: Counter[str], dated: Dated, estimates: dict[int, dict[str, int]]) -> None:
    """Sub-ICB locations from 1 July 2022, and each board from each day its locations change: a
    board that took part of a board split among several successors is not given one."""
    year = _nearest(estimates, ICBS_ESTABLISHED)
    last = ctx.dataset.coverage[1] if ctx.dataset.coverage else ICBS_ESTABLISHED
    for location, people in sums.items():
        if sub_icb_code(location) in ctx.dataset.nodes:
            dated[sub_icb_code(location)].append((ICBS_ESTABLISHED, last, people, year))
    rels = list(ctx.dataset.relationships.values())
    boards = {code: node for code, node in ctx.dataset.nodes.items() if isinstance(node, ICB)}
    successors: Counter[str] = Counter(  # of each board (an STP's several successors are not a split)
        r.source for r in rels if r.rel == RelType.SUCCEEDED_BY and r.source in boards and r.target in boards
    )
    took_a_split = {  # board -> the day it took part of a split board
        r.target: r.valid_from or ICBS_ESTABLISHED
        for r in rels
        if r.rel == RelType.SUCCEEDED_BY and successors[r.source] > 1
    }
    days = sorted({r.valid_from for r in rels if r.rel == RelType.IN_ICB and r.valid_from})
    for i, day in enumerate(days):
        until = days[i + 1] - ONE_DAY if i + 1 < len(days) else last
        members: Counter[str] = Counter()
        for r in rels:
            member = ctx.dataset.nodes[r.source]
            if (
                r.rel == RelType.IN_ICB
                and isinstance(member, SubICBLocation)  # not a reporting entity: a board is its locations
                and (r.valid_from or ICBS_ESTABLISHED) <= day <= (r.valid_to or date.max)
            ):
                members[r.target] += sums.get(member.ods_code or "", 0)
        for code, board in boards.items():
            if (board.open_date or ICBS_ESTABLISHED) <= day <= (board.close_date or date.max):
                split = code in took_a_split and day >= took_a_split[code]
                end = min(until, board.close_date or until)
                dated[code].append((day, end, None if split else members[code], year))
