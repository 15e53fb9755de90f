"""Each LSOA's CCG in every LSOA lookup read, and its sub-ICB location on 1 July 2022: the small
areas the boundary moves of 1 July 2022 and the populations are counted over, kept with the
dataset (`Dataset.areas`) for crosswalks by area."""

from __future__ import annotations

from graphmodel.crosswalk import SUB_ICB_YEAR
from loaders.readers import ons
from loaders.readers.lsoas import lsoa_codes, lsoa_codes_named
from loaders.steps import step
from loaders.steps._context import Context

__all__ = ["LOOKUP_YEARS", "lsoa_areas"]

LOOKUP_YEARS = range(2015, 2022)  # April of each year's CCG lookup (July for 2015)


@step(
    reads=(*(f"lsoa_lookup_{y}" for y in (*LOOKUP_YEARS, SUB_ICB_YEAR)), "ccg_codes_2021"),
    provides=("lsoa_areas",),
)
def lsoa_areas(ctx: Context) -> None:
    """Every lookup present: the areas' cover is judged on them (`area_cover`), the day's moves
    of 1 July 2022 and the populations counted over them."""
    for year in LOOKUP_YEARS:
        path = ctx.path(f"lsoa_lookup_{year}")
        if path is None:
            continue
        if year < 2021:
            ctx.dataset.areas[year] = lsoa_codes(path, "LSOA11CD", f"CCG{year % 100}CDH")
        elif (names := ctx.path("ccg_codes_2021")) is not None:  # the 2021 lookup has ONS codes only
            ods_of = {row["ccg_ons"]: row["ccg"] for _, row in ons.ccg_codes(names, 2021)}
            by_ons = lsoa_codes(path, "lsoa11_code", "ccg21_code")
            ctx.dataset.areas[year] = {lsoa: ods_of.get(ons_code, ons_code) for lsoa, ons_code in by_ons.items()}
    if (path := ctx.path(f"lsoa_lookup_{SUB_ICB_YEAR}")) is not None:
        ctx.dataset.areas[SUB_ICB_YEAR], ctx.sub_icb_names = lsoa_codes_named(
            path, "lsoa11_code", "sicbl22_code_h", "sicbl22_name"
        )
