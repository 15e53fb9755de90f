"""NHS England's regions after 2013, and the end of the 2013 area teams, as the later files give
them: the April 2017 and 2018 lookups (each CCG's region that year; local offices in place of
area teams), `succ.csv` (the four regions of 2019 that followed North and Midlands and East on
1 April 2019) and the July 2022 list of sub-ICB locations (each board's region).

A body is dated by the files that list it, as STPs are: a 2013 area team no lookup lists after
2013 ends the day before the first that does not (31 March 2017); a region ends the day before
the first lookup without it and begins with the first that lists it. The report names every such
date, which is the latest (or earliest) the files allow, not a day a source states.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graphmodel.dataset import Location
from graphmodel.model import CCG, ICB, AreaTeam, Region, RelType
from graphmodel.national import ICBS_ESTABLISHED, NHS_CB_CODE
from loaders.readers import ons, ods
from loaders.readers.ons import Rows
from loaders.readers.icbs import sub_icb_locations
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import ONE_DAY, Context

__all__ = ["LOOKUPS", "regions"]

LOOKUPS = (2017, 2018)


@step(
    reads=(*(f"ccg_oversight_{y}" for y in LOOKUPS), "sub_icb_locations_2022", "successions"),
    needs=("oversight", "icbs", "mergers"),
    provides=("regions",),
)
def regions(ctx: Context) -> None:
    listed: dict[int, dict[str, tuple[str, Location]]] = {}  # year -> region -> (name, first line)
    ods_of: dict[str, str] = {}  # a region's ODS code (Y5x) -> its graph code
    ccg_of_ons = {n.ons_code: c for c, n in ctx.dataset.nodes.items() if isinstance(n, CCG) and n.ons_code}
    for year in LOOKUPS:
        if (path := ctx.path(f"ccg_oversight_{year}")) is None:
            continue
        listed[year] = _lookup(ctx, year, path, ccg_of_ons, ods_of)
    if listed:
        _end_area_teams(ctx, min(listed))
        _date_regions(ctx, listed)
    path = ctx.path("sub_icb_locations_2022")
    rows = sub_icb_locations(path) if path is not None else []  # read once, for the names and the boards
    _regions_of_2019(ctx, {row["region"]: row["region_name"] for _, row in rows})
    _boards_regions(ctx, rows, ods_of)


def _lookup(
    ctx: Context, year: int, path: Path, ccg_of_ons: dict[str, str], ods_of: dict[str, str]
) -> dict[str, tuple[str, Location]]:
    """One year's lookup: each CCG accountable to its region that year; the regions it lists."""
    yy = year % 100
    tally = ctx.report.tally(path.name)
    codes = [f"CCG{yy}CD", f"NHSER{yy}CD", f"NHSER{yy}NM", *([f"NHSER{yy}CDH"] if year >= 2018 else [])]
    found: dict[str, tuple[str, Location]] = {}
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    for where, row in ons.read_lookup(path, *codes):
        tally.read += 1
        region, name = row[f"NHSER{yy}CD"], row[f"NHSER{yy}NM"]
        found.setdefault(region, (name, where))
        if row.get(f"NHSER{yy}CDH"):
            ods_of[row[f"NHSER{yy}CDH"]] = region
        ccg = ccg_of_ons.get(row[f"CCG{yy}CD"])
        if ccg is None:
            tally.skip("CCG not in the register")
            continue
        if region not in ctx.dataset.nodes:
            ctx.add(Region, where, code=region, name=name, open_date=start)
        ctx.link(where, source=ccg, target=region, rel=RelType.ACCOUNTABLE_TO, valid_from=start, valid_to=end)
        tally.used += 1
    return found


def _end_area_teams(ctx: Context, first: int) -> None:
    """The 2013 area teams still open end the day before the first later lookup (which lists
    local offices instead), with their CCGs' links to them."""
    last = date(first, 4, 1) - ONE_DAY
    ended = sorted(
        c for c, n in ctx.dataset.nodes.items() if isinstance(n, AreaTeam) and n.close_date is None
    )
    for code in ended:
        ctx.update(code, ctx.dataset.origins[code], "close_date", close_date=last)
    _end_links(ctx, set(ended), last)
    if ended:
        ctx.report.note(
            f"Area teams {', '.join(ended)} are listed by no file after 2013 and not in the April {first} lookup "
            f"(NHS England's local offices had replaced them): they end on {last} at the latest."
        )


def _date_regions(ctx: Context, listed: dict[int, dict[str, tuple[str, Location]]]) -> None:
    """A region open without an end, missing from a later lookup, ends the day before it."""
    years = sorted(listed)
    for earlier, later in zip(years, years[1:]):
        gone = sorted(r for r in listed[earlier] if r not in listed[later])
        for code in gone:
            node = ctx.dataset.nodes.get(code)
            if isinstance(node, Region) and node.close_date is None:
                last = date(later, 4, 1) - ONE_DAY
                ctx.update(code, ctx.dataset.origins[code], "close_date", close_date=last)
                _end_links(ctx, {code}, last)
                ctx.report.note(
                    f"Region {code} ({node.name}) is not in the April {later} lookup: it ends on {last}."
                )
    for year in years:
        for code, (name, where) in listed[year].items():
            node = ctx.dataset.nodes[code]
            if isinstance(node, Region) and not _linked_up(ctx, code):
                ctx.link(
                    where,
                    source=code,
                    target=NHS_CB_CODE,
                    rel=RelType.ACCOUNTABLE_TO,
                    valid_from=node.open_date,
                )


def _regions_of_2019(ctx: Context, names: dict[str, str]) -> None:
    """The regions `succ.csv` names as successors on 1 April 2019 (coded by their ODS codes),
    named from the July 2022 list when it is here (`names`)."""
    path = ctx.path("successions")
    if path is None:
        return
    added: list[str] = []
    for where, row in ods.successions(path, {"Y54", "Y55"}).rows:
        when = parse_date(row["effective_date"], where, "effective_date")
        successor = row["successor"]
        if when is None or successor in ctx.dataset.nodes:
            continue
        name = names.get(successor, f"NHS England region {successor}")  # its name is in the July 2022 list
        ctx.add(Region, where, "successor", code=successor, name=name, open_date=when)
        ctx.link(where, source=successor, target=NHS_CB_CODE, rel=RelType.ACCOUNTABLE_TO, valid_from=when)
        added.append(successor)
    if added:
        named = ", named from the July 2022 list." if names else "; the July 2022 list (absent) names them."
        ctx.report.note(f"Regions from {path.name} (1 April 2019): {', '.join(sorted(added))}{named}")


def _boards_regions(ctx: Context, rows: Rows, ods_of: dict[str, str]) -> None:
    """Each board accountable to its region from 1 July 2022 (the July 2022 list's `rows`); a
    region of 2018 by the graph code the 2018 lookup gives it, one of 2019 by its ODS code."""
    done: set[str] = set()
    for where, row in rows:
        board, region = row["icb"], ods_of.get(row["region"], row["region"])
        if board in done or not isinstance(ctx.dataset.nodes.get(board), ICB):
            continue
        if not isinstance(ctx.dataset.nodes.get(region), Region):
            ctx.note_once(
                ("region", region), f"Region {row['region']} of the July 2022 list is not in the graph."
            )
            continue
        closed = ctx.dataset.nodes[board].close_date  # type: ignore[attr-defined]
        ctx.link(
            where,
            source=board,
            target=region,
            rel=RelType.ACCOUNTABLE_TO,
            valid_from=ICBS_ESTABLISHED,
            valid_to=closed,
        )
        done.add(board)


def _end_links(ctx: Context, codes: set[str], last: date) -> None:
    """The oversight links to or from `codes` left open end on `last`, with the bodies."""
    for key, rel in list(ctx.dataset.relationships.items()):
        if rel.rel == RelType.ACCOUNTABLE_TO and {rel.source, rel.target} & codes and rel.valid_to is None:
            ctx.dataset.relationships[key] = rel.model_copy(update={"valid_to": last})


def _linked_up(ctx: Context, code: str) -> bool:
    return any(
        rel.rel == RelType.ACCOUNTABLE_TO and rel.source == code for rel in ctx.dataset.relationships.values()
    )
