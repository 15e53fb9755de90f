"""The NHS Commissioning Board's oversight in 2013: each CCG's area team and region."""

from __future__ import annotations

from collections import Counter, defaultdict

from graphmodel.model import AreaTeam, Region, RelType
from graphmodel.national import NHS_CB_CODE
from loaders.manifest import file_of
from loaders.readers import ons
from loaders.steps import step
from loaders.steps._context import START, Context


@step(reads=("ccg_oversight_2013", "area_team_codes"), needs=("ccgs", "list_sizes"), provides=("oversight",))
def oversight(ctx: Context) -> None:
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
        ctx.add(Region, where, code=region, name=row["NHSCR13NM"])
        ctx.add(AreaTeam, where, code=area_team, name=name, ons_code=ons_code)
        for src, dst in ((ccg, area_team), (area_team, region), (region, NHS_CB_CODE)):
            ctx.link(where, source=src, target=dst, rel=RelType.ACCOUNTABLE_TO, valid_from=START)
        tally.used += 1
    if split:
        teams = sum(1 for n in ctx.dataset.nodes.values() if isinstance(n, AreaTeam))
        ctx.report.note(
            f"The ONS lookup's area team {', '.join(sorted(split))} is split in the NHSBSA list-size "
            f"file; its CCGs are placed in the list-size file's teams: {teams} area teams."
        )


def _area_teams_listed(ctx: Context) -> dict[str, tuple[str, str]]:
    """Each 2013 CCG's area team as the NHSBSA list-size file places its practices."""
    seen: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for _, row, total in ctx.list_sizes.values():
        ccg, team = row["PCO Code"][:3], row["Area Team Code"]
        if total and ccg in ctx.dataset.nodes and row["Area Team Name"].upper().endswith("AREA TEAM"):
            name = row["Area Team Name"].upper().removesuffix("AREA TEAM").strip().title()
            seen[ccg][(team, name)] += 1
    return {ccg: teams.most_common(1)[0][0] for ccg, teams in seen.items()}
