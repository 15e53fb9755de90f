"""Each CCG's Sustainability and Transformation Partnership, year by year (2017-2020)."""

from __future__ import annotations

from collections import defaultdict

from graphmodel.dataset import Location
from graphmodel.model import STP, RelType
from loaders.manifest import file_of
from loaders.readers import ons
from loaders.readers.ons import Rows
from loaders.steps import step
from loaders.steps._context import END, PERIODS, Context, Period, runs

STP_YEARS = range(2017, 2021)
LOOKUP_2021 = 2021  # its STPs are read from the April 2021 LSOA lookup


# Its CCG names are applied after the LSOA lookups' (the later file wins, as before).
@step(
    reads=tuple(f"ccg_stp_{y}" for y in STP_YEARS),
    needs=("ccgs", "lookup_names", "stp_pairs_2021"),
    provides=("stps",),
)
def stps(ctx: Context) -> None:
    """Each CCG's Sustainability and Transformation Partnership, year by year (2017-2020, and
    2021 to 30 June 2022 from the April 2021 LSOA lookup when given); an STP is dated from the
    first to the last year a lookup lists it."""
    years: dict[tuple[str, str], list[tuple[Period, int, float, bool]]] = defaultdict(list)
    origin: dict[tuple[str, str], Location] = {}
    seen: dict[str, list[Period]] = defaultdict(list)  # the years each STP's lookups list it
    for year, name, rows in _lookups(ctx):
        tally = ctx.report.tally(name)
        # the 2021 lookup holds to the STPs' last day, 30 June 2022 (integrated care boards followed)
        covered = [p for p in PERIODS if p.year == year or (year == LOOKUP_2021 and p.year > year)]
        for where, row in rows:
            tally.read += 1
            if row["ccg"] not in ctx.dataset.nodes:
                tally.skip("CCG not in the register")
                continue
            ctx.dataset.nodes.pop(row["stp"], None)  # the latest year's name wins
            ctx.add(STP, where, code=row["stp"], name=row["stp_name"])
            ctx.rename_from_lookup(row["ccg"], row["ccg_name"], row["ccg_ons"], covered[0].start)
            years[(row["ccg"], row["stp"])] += [(period, 0, 0.0, False) for period in covered]
            origin.setdefault((row["ccg"], row["stp"]), where)
            seen[row["stp"]] += covered
            tally.used += 1
    for stp, periods in seen.items():  # dated by the first and last years a lookup lists it
        ctx.update(stp, ctx.dataset.origins[stp], "stp", open_date=periods[0].start, close_date=periods[-1].end)
    latest = max((p.end for periods in seen.values() for p in periods), default=END)
    if latest < END:
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


def _lookups(ctx: Context) -> list[tuple[int, str, Rows]]:
    """Each year's CCG -> STP rows, under the name the report tallies them by: the yearly
    lookups, then the pairs of the April 2021 LSOA lookup, as the local_authorities step read
    them (its CCGs given their ODS codes from the 2021 names file)."""
    found = [
        (y, path.name, ons.ccg_stp(path, y)) for y in STP_YEARS if (path := ctx.path(f"ccg_stp_{y}")) is not None
    ]
    if ctx.stp_pairs_2021:
        name = f"{file_of('lsoa_lookup_2021')} (its CCG-STP pairs)"
        found.append((LOOKUP_2021, name, list(ctx.stp_pairs_2021.values())))
    return found
