"""Each CCG's Sustainability and Transformation Partnership, year by year (2017-2020)."""

from __future__ import annotations

from collections import defaultdict

from graphmodel.dataset import Location
from graphmodel.model import STP, RelType
from loaders.readers import ons
from loaders.steps import step
from loaders.steps._context import PERIODS, Context, Period, runs

STP_YEARS = range(2017, 2021)


# Its CCG names are applied after the LSOA lookups' (the later file wins, as before).
@step(reads=tuple(f"ccg_stp_{y}" for y in STP_YEARS), needs=("ccgs", "lookup_names"), provides=("stps",))
def stps(ctx: Context) -> None:
    """Each CCG's Sustainability and Transformation Partnership, year by year (2017-2020); an
    STP is dated from the first to the last year a lookup lists it."""
    years: dict[tuple[str, str], list[tuple[Period, int, float, bool]]] = defaultdict(list)
    origin: dict[tuple[str, str], Location] = {}
    seen: dict[str, list[Period]] = defaultdict(list)  # the years each STP's lookups list it
    for year in STP_YEARS:
        path = ctx.path(f"ccg_stp_{year}")
        if path is None:
            continue
        tally = ctx.report.tally(path.name)
        period = next(p for p in PERIODS if p.year == year)
        for where, row in ons.ccg_stp(path, year):
            tally.read += 1
            if row["ccg"] not in ctx.dataset.nodes:
                tally.skip("CCG not in the register")
                continue
            ctx.dataset.nodes.pop(row["stp"], None)  # the latest year's name wins
            ctx.add(STP, where, code=row["stp"], name=row["stp_name"])
            ctx.rename_from_lookup(row["ccg"], row["ccg_name"], row["ccg_ons"])
            years[(row["ccg"], row["stp"])].append((period, 0, 0.0, False))
            origin.setdefault((row["ccg"], row["stp"]), where)
            seen[row["stp"]].append(period)
            tally.used += 1
    for stp, periods in seen.items():  # dated by the first and last years a lookup lists it
        ctx.update(stp, ctx.dataset.origins[stp], "stp", open_date=periods[0].start, close_date=periods[-1].end)
    if seen:
        latest = max(p.end for periods in seen.values() for p in periods)
        ctx.report.note(
            f"STPs are dated by the years their lookups list them; none read here lists them after {latest}, "
            "so none is shown after it (STPs lasted until integrated care boards took over on 1 July 2022)."
        )
    for (ccg, stp), spans in sorted(years.items()):
        for first, last, _, _, _ in runs(spans):
            ctx.link(
                origin[(ccg, stp)],
                source=ccg,
                target=stp,
                rel=RelType.IN_STP,
                valid_from=first.start,
                valid_to=last.end,
            )
