"""The NHS Commissioning Board's oversight in 2013: each CCG's area team and region."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from graphmodel.dataset import Location
from graphmodel.model import AreaTeam, Region, RelType
from graphmodel.national import NHS_CB_CODE
from loaders.manifest import file_of
from loaders.readers import ods, ons
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import ONE_DAY, START, Context


@step(
    reads=("ccg_oversight_2013", "area_team_codes", "successions"),
    needs=("ccgs", "list_sizes"),
    provides=("oversight",),
)
def oversight(ctx: Context) -> None:
    """Each 2013 CCG's area team and region, accountable to the NHS Commissioning Board from
    1 April 2013 until the day before `succ.csv` dates their successors (21 area teams on
    1 April 2015, two regions on 1 April 2019)."""
    tally = ctx.report.tally(file_of("ccg_oversight_2013"))
    at_ods: dict[str, str] = {}
    if (at_path := ctx.path("area_team_codes")) is not None:
        at_tally = ctx.report.tally(at_path.name)
        for _, row in ons.area_team_codes(at_path):
            at_tally.read += 1
            at_tally.used += 1
            at_ods[row["ons_code"]] = row["hscic_code"]
    listed = _area_teams_listed(ctx)
    split: set[str] = set()
    placed: list[tuple[Location, str, str, str, str | None, str, str]] = []
    for where, row in ons.ccg_area_team_region(ctx.required("ccg_oversight_2013")):
        tally.read += 1
        ccg = ctx.ccg_by_ons.get(row["CCG13CD"])
        if ccg is None:
            tally.skip("CCG not in England 2013 list (Wales)")
            continue
        region, at_ons = row["NHSCR13CD"], row["NHSAT13CD"]
        area_team, name = at_ods.get(at_ons, at_ons), row["NHSAT13NM"]
        ons_code: str | None = at_ons
        if ccg in listed and listed[ccg][0] not in at_ods.values():  # a team the lookup lacks
            split.add(f"{area_team} ({name})")
            (area_team, name), ons_code = listed[ccg], None
        placed.append((where, ccg, area_team, name, ons_code, region, row["NHSCR13NM"]))
        tally.used += 1
    regions = {region: region_name for *_, region, region_name in placed}
    teams = {p[2] for p in placed}
    last_day = _last_days(ctx, teams, _region_ods_codes(ctx, regions))
    if last_day and (open_still := sorted((teams | set(regions)) - set(last_day))):
        ctx.report.note(
            f"{file_of('successions')} does not date the end of {', '.join(open_still)}: later lookups "
            "may bound it (see the regions notes); otherwise they are shown open to the end of the data, "
            "which is not a statement that they lasted (a data gap)."
        )
    for where, ccg, area_team, name, ons_code, region, region_name in placed:
        team_end, region_end = last_day.get(area_team), last_day.get(region)
        # the April 2013 lookup: the NHS CB's teams and regions from the day it took over
        ctx.add(Region, where, code=region, name=region_name, open_date=START, close_date=region_end)
        ctx.add(AreaTeam, where, code=area_team, name=name, ons_code=ons_code, open_date=START, close_date=team_end)
        either_end = min((d for d in (team_end, region_end) if d), default=None)
        for src, dst, end in (
            (ccg, area_team, team_end),
            (area_team, region, either_end),
            (region, NHS_CB_CODE, region_end),
        ):
            ctx.link(where, source=src, target=dst, rel=RelType.ACCOUNTABLE_TO, valid_from=START, valid_to=end)
    if split:
        count = sum(1 for n in ctx.dataset.nodes.values() if isinstance(n, AreaTeam))
        ctx.report.note(
            f"The ONS lookup's area team {', '.join(sorted(split))} is split in the NHSBSA list-size "
            f"file; its CCGs are placed in the list-size file's teams: {count} area teams."
        )


def _region_ods_codes(ctx: Context, regions: dict[str, str]) -> dict[str, str]:
    """The ODS code (Y54...) of each 2013 region (E40...), matched by name in the list-size file."""
    by_name = {name.upper(): code for code, name in regions.items()}
    return {
        row["Regional Office Code"]: by_name[row["Regional Office Name"].upper()]
        for _, row, _ in ctx.list_sizes.values()
        if row["Regional Office Name"].upper() in by_name
    }


def _last_days(ctx: Context, area_teams: set[str], region_of_ods: dict[str, str]) -> dict[str, date]:
    """The last day of each area team and region `succ.csv` gives successors (the day before
    the first succession), keyed by the graph's code; the successors are named in the report,
    which also says that no file here names them or places the CCGs under them."""
    path = ctx.path("successions")
    if path is None:
        return {}
    last: dict[str, date] = {}
    successors: dict[str, set[str]] = defaultdict(set)
    table = ods.successions(path, area_teams | set(region_of_ods))
    for where, row in table.rows:
        when = parse_date(row["effective_date"], where, "effective_date")
        if when is None:
            continue
        code = region_of_ods.get(row["code"], row["code"])
        last[code] = min(last.get(code, when - ONE_DAY), when - ONE_DAY)
        successors[code].add(row["successor"])
    if last:
        ended = "; ".join(f"{c} on {d} (by {', '.join(sorted(successors[c]))})" for c, d in sorted(last.items()))
        ctx.report.note(
            f"Area teams and regions end as {file_of('successions')} dates their successors: {ended}. "
            "No file here names the successors or places CCGs under them: after those days the graph "
            "records no NHS England body between those CCGs and the NHS Commissioning Board (a data gap)."
        )
    return last


def _area_teams_listed(ctx: Context) -> dict[str, tuple[str, str]]:
    """Each 2013 CCG's area team as the NHSBSA list-size file places its practices."""
    seen: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for _, row, total in ctx.list_sizes.values():
        ccg, team = row["PCO Code"][:3], row["Area Team Code"]
        if total and ccg in ctx.dataset.nodes and row["Area Team Name"].upper().endswith("AREA TEAM"):
            name = row["Area Team Name"].upper().removesuffix("AREA TEAM").strip().title()
            seen[ccg][(team, name)] += 1
    return {ccg: teams.most_common(1)[0][0] for ccg, teams in seen.items()}
