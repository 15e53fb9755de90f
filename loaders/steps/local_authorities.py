"""Upper-tier authorities and their Health and Wellbeing Boards, and each CCG's overlaps with
them, year by year from 1 April: the July 2015 LSOA lookup for 2013-14 to 2015-16, then each
year's lookup (2016-2020). A CCG the lookup in force does not list takes the union of its
predecessors' areas in it (2021-22: the 2020 lookup), or, for the three 2013 CCGs merged into
13T in 2015, 13T's LSOAs in the district each is named after; both are marked derived. The
upper-tier authority is the county for a district in a two-tier county (E10...) that year,
otherwise the district."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import NamedTuple

from graphmodel.crosswalk import lookup_in_force
from graphmodel.dataset import Location
from graphmodel.model import HWB, LocalAuthority, RelType
from loaders.manifest import file_of
from loaders.readers import ons
from loaders.steps import step
from loaders.steps._context import PERIODS, START, Context, Period, hwb_code, runs

FIRST_LOOKUP = 2015  # the required LSOA lookup; it gives the boundaries before 2016 too
LATER_LOOKUPS = range(2016, 2022)  # 2021's in its own format (below)
GEOGRAPHR_YEAR = 2021  # the lookup kept by the geographr R package: CCGs by ONS code only


class _Lookup(NamedTuple):
    """One year's LSOA lookup, tallied: LSOAs per (CCG, upper-tier authority) and per district."""

    year: int
    areas: dict[str, Counter[str]]  # CCG -> authority -> LSOAs
    districts: dict[str, Counter[tuple[str, str]]]  # CCG -> (district, its name) -> LSOAs
    authorities: dict[str, tuple[str, str, Location]]  # authority -> (name, tier, first line)
    authority_of: dict[str, str]  # district -> its upper-tier authority


@step(
    reads=(
        "lsoa_lookup_2015",
        "district_county_2015",
        *(f"{kind}_{y}" for y in LATER_LOOKUPS for kind in ("lsoa_lookup", "district_county")),
        "ccg_codes_2021",
    ),
    needs=("ccgs", "mergers"),
    provides=("authorities", "lookup_names", "stp_pairs_2021"),
)
def local_authorities(ctx: Context) -> None:
    """Upper-tier authorities and their boards, and each CCG's overlaps with them, per year."""
    earliest = _lookup(ctx, FIRST_LOOKUP, "lsoa_lookup_2015", "district_county_2015")
    assert earliest is not None, "required files are checked before any step runs"
    lookups = {FIRST_LOOKUP: earliest}
    for year in LATER_LOOKUPS:
        lookup = _lookup(ctx, year, f"lsoa_lookup_{year}", f"district_county_{year}")
        if lookup is not None:
            lookups[year] = lookup
    periods = [p for p in PERIODS if ctx.dataset.coverage is None or p.start <= ctx.dataset.coverage[1]]
    spans: dict[tuple[str, str], list[tuple[Period, int, float, bool]]] = defaultdict(list)
    present: dict[str, list[Period]] = defaultdict(list)
    derived_ccgs: Counter[int] = Counter()
    for period in periods:
        in_force = lookup_in_force(lookups, period.year)
        lookup = lookups[in_force]
        for la in {la for areas in lookup.areas.values() for la in areas}:
            present[la].append(period)
        for ccg in ctx.open_ccgs(period.start):
            areas, derived = _areas_of(ctx, ccg, lookup, period)
            derived_ccgs[period.year] += derived and bool(areas)
            total = sum(areas.values())
            for la, n in areas.items():
                spans[(ccg, la)].append((period, n, round(100.0 * n / total, 2), derived))
    authorities = {la: n for lk in lookups.values() for la, n in lk.authorities.items()}
    for la, seen in sorted(present.items()):
        _add_authority(ctx, la, authorities[la], seen, periods)
    for (ccg, la), years in sorted(spans.items()):
        for first, last, n, share, derived in runs(years):
            ctx.link(
                ctx.dataset.origins[ccg],
                source=ccg,
                target=la,
                rel=RelType.OVERLAPS,
                count=n,
                share=share,
                valid_from=first.start,
                valid_to=last.end,
                derived=derived or None,
            )
    used = ", ".join(
        f"{p.start.year}-{(p.year + 1) % 100:02d}: {lookup_in_force(lookups, p.year)}" for p in periods
    )
    ctx.report.note(f"Boundaries (year from 1 April: lookup in force): {used}.")
    if any(derived_ccgs.values()):
        per_year = ", ".join(f"{y}: {n}" for y, n in sorted(derived_ccgs.items()) if n)
        ctx.report.note(
            f"CCG areas derived from a lookup that does not list the CCG (union of its predecessors', "
            f"or a split of its successor's by district), marked derived: {per_year}."
        )


def _lookup(ctx: Context, year: int, lsoa_id: str, county_id: str) -> _Lookup | None:
    lsoa_path = ctx.path(lsoa_id)
    if lsoa_path is None:
        return None
    needed = [county_id, *(["ccg_codes_2021"] if year == GEOGRAPHR_YEAR else [])]
    if missing := [file_of(n) for n in needed if ctx.path(n) is None]:
        ctx.report.note(f"{lsoa_path.name} present without {' and '.join(missing)}: not used.")
        return None
    county_path = ctx.required(county_id)
    county_of: dict[str, tuple[str, str]] = {}
    tally = ctx.report.tally(county_path.name)
    counties = ons.district_upper_tier if year == GEOGRAPHR_YEAR else ons.district_county
    for _, row in counties(county_path, year):
        tally.read += 1
        if row["county"].startswith("E10"):
            county_of[row["district"]] = (row["county"], row["county_name"])
            tally.used += 1
        else:
            tally.skip("district is itself upper tier (no E10 county)")
    tally = ctx.report.tally(lsoa_path.name)
    areas: dict[str, Counter[str]] = defaultdict(Counter)
    districts: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    authorities: dict[str, tuple[str, str, Location]] = {}
    authority_of: dict[str, str] = {}
    tally.read, pairs = _pairs(ctx, year, lsoa_path)
    for where, row, n in pairs:
        district, ccg = row["district"], row["ccg"]
        if ccg not in ctx.dataset.nodes:
            tally.skip(f"CCG not in the register ({ccg})", n)
            continue
        la, la_name = county_of.get(district, (district, row["district_name"]))
        tier = "county" if district in county_of else "unitary/metropolitan/London"
        authorities.setdefault(la, (la_name, tier, where))
        authority_of[district] = la
        areas[ccg][la] += n
        districts[ccg][(district, row["district_name"])] += n
        ctx.rename_from_lookup(ccg, row["ccg_name"], row["ccg_ons"], date(year, 4, 1))
        tally.used += n
    return _Lookup(year, areas, districts, authorities, authority_of)


def _pairs(ctx: Context, year: int, lsoa_path: Path) -> tuple[int, list[tuple[Location, dict[str, str], int]]]:
    """Each (CCG, district) pair of a year's lookup with its LSOAs; the 2021 lookup's CCGs are
    given their ODS codes from the 2021 names file."""
    if year != GEOGRAPHR_YEAR:
        return ons.lsoa_ccg_district(lsoa_path, year)
    names_path = ctx.required("ccg_codes_2021")  # its presence is checked with the county file's
    tally = ctx.report.tally(names_path.name)
    ods_of = {}
    for _, row in ons.ccg_codes(names_path, year):
        tally.read += 1
        tally.used += 1
        ods_of[row["ccg_ons"]] = row["ccg"]
    read, pairs = ons.lsoa_ccg_district_2021(lsoa_path)
    mapped = [(where, {**row, "ccg": ods_of.get(row["ccg_ons"], row["ccg_ons"])}, n) for where, row, n in pairs]
    for where, row, _ in mapped:  # kept for the stps step, which would otherwise read the file again
        ctx.stp_pairs_2021.setdefault((row["ccg"], row["stp"]), (where, row))
    return read, mapped


def _areas_of(ctx: Context, ccg: str, lookup: _Lookup, period: Period) -> tuple[Counter[str], bool]:
    """A CCG's LSOAs per authority in a lookup, and whether they had to be derived."""
    if ccg in lookup.areas:
        return lookup.areas[ccg], False
    union: Counter[str] = Counter()
    for predecessor in ctx.merged_from.get(ccg, []):
        areas, _ = _areas_of(ctx, predecessor, lookup, period)
        union.update(areas)
    if union:
        return union, True
    successor = ctx.successor_on(ccg, date(lookup.year, 4, 1))
    if successor != ccg and successor in lookup.districts:
        return _named_share(ctx, ccg, successor, lookup), True
    ctx.note_once(("no area", ccg), f"CCG {ccg}: no area in the {lookup.year} lookup or its lineage.")
    return Counter(), False


def _named_share(ctx: Context, ccg: str, successor: str, lookup: _Lookup) -> Counter[str]:
    """A CCG that later merged: its successor's LSOAs in the districts it is named after."""
    name = ctx.dataset.nodes[ccg].name.lower()
    result: Counter[str] = Counter()
    for (district, district_name), n in lookup.districts[successor].items():
        if district_name.split()[0].lower() in name:
            result[lookup.authority_of[district]] += n
    ctx.note_once(
        (ccg, successor),
        f"{ccg} (merged into {successor}): its area before the merger is {successor}'s LSOAs in the "
        f"districts it is named after, from the {lookup.year} lookup (approximate, marked derived).",
    )
    return result


def _add_authority(
    ctx: Context, la: str, about: tuple[str, str, Location], seen: list[Period], periods: list[Period]
) -> None:
    name, tier, where = about
    opened = seen[0].start if seen[0] != periods[0] else None
    closed = seen[-1].end if seen[-1] != periods[-1] else None
    ctx.add(LocalAuthority, where, code=la, name=name, tier=tier, open_date=opened, close_date=closed)
    board = hwb_code(la)
    ctx.add(
        HWB,
        where,
        code=board,
        name=f"{name} Health and Wellbeing Board",
        open_date=opened or START,  # boards were established on 1 April 2013 (HSCA 2012 s.194)
        close_date=closed,
    )
    ctx.link(where, source=la, target=board, rel=RelType.HAS_HWB, valid_from=opened, valid_to=closed)
