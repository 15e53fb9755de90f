"""Small areas in the graph: the 2011 LSOAs grouped by the body each lookup in force places them
in, each group linked to its CCG (from 1 April 2015 to 30 June 2022) and sub-ICB location (from
1 July 2022) for the dates each lookup was in force, so that the areas' cover of England can be
judged on both backends (`queries.checks.areas`) without 32,844 nodes.

The July 2015 lookup is the first: it names 13T, formed on 1 April 2015, so groups open that
day; before it, practices' memberships say who held whom. A group whose LSOAs a lookup in force
does not list is in no body's area for those dates.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from graphmodel.crosswalk import SUB_ICB_YEAR, lookup_in_force
from graphmodel.dataset import Location
from graphmodel.model import LsoaGroup, RelType, sub_icb_code
from graphmodel.national import ICBS_ESTABLISHED
from loaders.manifest import file_of
from loaders.steps import step
from loaders.steps._context import PERIODS, Context

__all__ = ["area_cover"]

FIRST_YEAR = 2015  # the year from 1 April of the first lookup a group's area is taken from


@step(reads=(), needs=("lsoa_areas", "ccgs", "icbs"), provides=("area_cover",))
def area_cover(ctx: Context) -> None:
    areas, coverage = ctx.dataset.areas, ctx.dataset.coverage
    lookups = sorted(y for y in areas if y != SUB_ICB_YEAR)
    if not lookups or coverage is None:
        return
    # (first day, last day or None, the lookup's year, whether it places sub-ICB locations)
    spans: list[tuple[date, date | None, int, bool]] = [
        (p.start, p.end, lookup_in_force(lookups, p.year), False)
        for p in PERIODS
        if p.year >= FIRST_YEAR and p.start <= coverage[1]
    ]
    if SUB_ICB_YEAR in areas and coverage[1] >= ICBS_ESTABLISHED:
        spans.append((ICBS_ESTABLISHED, None, SUB_ICB_YEAR, True))
    if not spans:
        return
    groups: dict[tuple[str | None, ...], list[str]] = defaultdict(list)
    for lsoa in sorted(set().union(*(areas[year] for _, _, year, _ in spans))):
        groups[tuple(areas[year].get(lsoa) for _, _, year, _ in spans)].append(lsoa)
    for history, lsoas in groups.items():
        code = f"LSOAS-{lsoas[0]}"
        first = next(i for i, holder in enumerate(history) if holder is not None)
        where = Location(file_of(f"lsoa_lookup_{spans[first][2]}"))
        others = f" and {len(lsoas) - 1:,} other LSOAs" if len(lsoas) > 1 else ""
        ctx.add(
            LsoaGroup, where, code=code, name=f"{lsoas[0]}{others}", lsoas=len(lsoas), lsoa_codes=tuple(lsoas),
            open_date=spans[0][0],
        )  # fmt: skip
        runs: list[list] = []  # [target, first day, last day, lookup year]
        for (start, end, year, sub_icb), holder in zip(spans, history, strict=True):
            target = None if holder is None else sub_icb_code(holder) if sub_icb else holder
            if runs and runs[-1][0] == target:
                runs[-1][2] = end
            else:
                runs.append([target, start, end, year])
        for target, start, end, year in runs:
            if target is not None:
                ctx.link(
                    Location(file_of(f"lsoa_lookup_{year}")),
                    source=code, target=target, rel=RelType.IN_AREA_OF, valid_from=start, valid_to=end,
                )  # fmt: skip
    ctx.report.note(
        f"Small areas: {sum(map(len, groups.values())):,} LSOAs in {len(groups)} groups, each placed in a body "
        f"by the lookup in force from {spans[0][0]} (the areas' cover of England is judged on them)."
    )
