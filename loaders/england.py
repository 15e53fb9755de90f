"""England from 1 April 2013 to 30 June 2022, assembled from ONS, ODS and NHSBSA files.

The files may sit in one directory or several (`--data` given more than once); each is looked
for by its manifest name. Reconciliation rules (also in docs/data.md):
- CCGs: the 211 of 1 April 2013 from the ONS list; every later CCG, with open and close dates,
  from the ODS register `eccg` (its NHS England commissioning hubs left out). CCGs were abolished
  on 1 July 2022, so a CCG the register still shows open closes on 30 June 2022. Mergers from
  ODS `succ`, dated. Without the register the graph shows 1 April 2013 only.
- Membership comes from ODS `epcmem` (dated, to its October 2019 extract) for GP practices
  (epraccur setting 4); after that, a membership still open in a CCG that merged is carried to
  the CCG it merged into, marked derived. Without `epcmem`, membership on 1 April 2013 comes from
  the NHSBSA list-size file's "PCO Code". List sizes are the NHSBSA April-June 2013 counts.
- CCG -> upper-tier authority overlaps, per year from 1 April: the July 2015 LSOA lookup for
  2013-14 to 2015-16, then each year's lookup (2016-2020). A CCG the lookup in force does not
  list takes the union of its predecessors' areas in it (2021-22: the 2020 lookup), or, for the
  three 2013 CCGs merged into 13T in 2015, 13T's LSOAs in the district each is named after;
  both are marked derived.
- Upper-tier authority = the county for a district in a two-tier county (E10...) that year,
  otherwise the district; each has one Health and Wellbeing Board.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.input_files import data_folders
from graphmodel.model import (
    CCG,
    CSU,
    HWB,
    PCT,
    SHA,
    STP,
    AreaTeam,
    AuthorisationOutcome,
    LocalAuthority,
    Node,
    PCTCluster,
    Practice,
    Region,
    Relationship,
    RelType,
)
from graphmodel.national import NHS_CB_CODE, add_national_layer
from loaders import nhsbsa, ods, ons, published
from loaders.manifest import file_of, sources, step_order
from loaders.quality import QualityReport
from loaders.tabular import CENSUS, parse_date

START = date(2013, 4, 1)  # CCGs took over from PCTs
END = date(2022, 6, 30)  # the last day of CCGs: Integrated Care Boards from 1 July 2022
AS_AT = START  # the date the 2013 files describe
GP_PRACTICE_SETTING = "4"
FIRST_LOOKUP = 2015  # the required LSOA lookup; it gives the boundaries before 2016 too
LATER_LOOKUPS = range(2016, 2021)
STP_YEARS = range(2017, 2021)
ONE_DAY = timedelta(days=1)
PUBLISHED_OUTCOMES = {
    "no conditions": AuthorisationOutcome.AUTHORISED,
    "conditions": AuthorisationOutcome.WITH_CONDITIONS,
    "directions": AuthorisationOutcome.WITH_DIRECTIONS,
}


def hwb_code(la_code: str) -> str:
    return f"HWB-{la_code}"


def named_code(prefix: str, name: str) -> str:
    """A code for a body the sources name but do not code (a PCT cluster, a CSU).

    >>> named_code("CSU", "NHS Greater Manchester Commissioning Support Unit")
    'CSU-NHS-GREATER-MANCHESTER-COMMISSIONING-SUPPORT-UNIT'
    """
    words = "".join(c if c.isalnum() else " " for c in name.upper()).split()
    return "-".join([prefix, *words])[:64]


def load_england(data_dirs: Path | Iterable[Path]) -> tuple[Dataset, QualityReport]:
    """Read every known source in the directories; raise `InputError` if a required one is missing."""
    dirs = data_folders(data_dirs)
    builder = _Builder(dirs)
    missing = [s.file for s in sources() if s.required and builder.path(s.id) is None]
    if missing:
        where = " or ".join(map(str, dirs))
        raise InputError([Problem(Location(f), "*", f"required file not found in {where}") for f in missing])
    builder.build()
    for path in sorted(builder.read):  # empty or repeating registers, said in the report
        for text in CENSUS.get(path.resolve(), []):
            builder.report.note(text)
    return builder.dataset, builder.report


def _row_error(err: ValidationError, where: Location, field_name: str) -> InputError:
    first = err.errors()[0]
    column = ".".join(map(str, first["loc"])) or field_name
    return InputError(
        [
            Problem(
                where,
                f"{field_name} ({column})" if column != field_name else field_name,
                f"{first['msg']}: {str(first.get('input'))[:40]!r}",
            )
        ]
    )


class Period(NamedTuple):
    """A year of the structure, from 1 April (the last one ends on 30 June 2022)."""

    year: int
    start: date
    end: date


PERIODS = tuple(Period(y, date(y, 4, 1), min(date(y + 1, 3, 31), END)) for y in range(2013, 2023))


class _Lookup(NamedTuple):
    """One year's LSOA lookup, tallied: LSOAs per (CCG, upper-tier authority) and per district."""

    year: int
    areas: dict[str, Counter[str]]  # CCG -> authority -> LSOAs
    districts: dict[str, Counter[tuple[str, str]]]  # CCG -> (district, its name) -> LSOAs
    authorities: dict[str, tuple[str, str, Location]]  # authority -> (name, tier, first line)
    authority_of: dict[str, str]  # district -> its upper-tier authority


class _Builder:
    def __init__(self, data_dirs: list[Path]):
        self.dirs = data_dirs
        self.dataset = Dataset()
        self.report = QualityReport()
        self.ccg_by_ons: dict[str, str] = {}  # the 2013 CCGs by ONS code
        self.merged_into: dict[str, tuple[str, date]] = {}
        self.merged_from: dict[str, list[str]] = defaultdict(list)
        self._noted: set[object] = set()
        self.read: set[Path] = set()  # the files the steps asked for

    def add(self, cls: type[Node], where: Location, field_name: str = "code", **fields: Any) -> None:
        """Add a node built from a row; a value the model refuses is an error naming the row."""
        try:
            node = cls(**fields)
        except ValidationError as err:
            raise _row_error(err, where, field_name) from None
        self.dataset.add_node(node, where, field_name=field_name)

    def link(self, where: Location, written: dict[str, str] | None = None, **fields: Any) -> None:
        """Add a relationship built from a row; `written` names its ends as the file's columns."""
        try:
            rel = Relationship(**fields)
        except ValidationError as err:
            raise _row_error(err, where, str(fields.get("rel", "*"))) from None
        self.dataset.add_relationship(rel, where, written=written)

    def cite(self, where: Location, row: dict[str, str], **fields: Any) -> None:
        """A link for a published fact, carrying the row's source page and quote with it."""
        self.link(where, source_url=row["source_url"], quote=row["quote"], **fields)

    def path(self, source_id: str) -> Path | None:
        """The file of a manifest source in the first data directory that has it."""
        for folder in self.dirs:
            p = folder / file_of(source_id)
            if p.is_file():
                self.read.add(p)
                return p
        return None

    def required(self, source_id: str) -> Path:
        path = self.path(source_id)
        assert path is not None, "presence is checked before any step runs"
        return path

    def build(self) -> None:
        """Run the steps the manifest names, in the order its sources' needs give."""
        add_national_layer(self.dataset)
        for step in step_order():
            getattr(self, step)()

    def _note_once(self, key: object, text: str) -> None:
        if key not in self._noted:
            self._noted.add(key)
            self.report.note(text)

    def open_ccgs(self, day: date) -> list[str]:
        return [
            code
            for code, node in self.dataset.nodes.items()
            if isinstance(node, CCG) and (node.open_date or START) <= day <= (node.close_date or END)
        ]

    # -- CCGs and their mergers ---------------------------------------------------------------
    def ccgs(self) -> None:
        tally = self.report.tally(file_of("ccgs_2013"))
        register = self._register_rows
        for where, row in ons.ccgs_2013(self.required("ccgs_2013")):
            tally.read += 1
            code = row["CCG13CDH"]
            closed = register[code][3] if code in register else None
            self.add(
                CCG,
                where,
                field_name="CCG13CDH",
                code=code,
                name=row["CCG13NM"],
                name_abbreviated=True,
                ons_code=row["CCG13CD"],
                open_date=START,
                close_date=closed,
            )
            self.ccg_by_ons[row["CCG13CD"]] = code
            tally.used += 1
        if not register:
            self.dataset.coverage = (START, START)
            self.report.note(
                f"{file_of('ccg_dates')} absent: the graph shows 1 April 2013 only (no later CCGs, no close dates)."
            )
            return
        self.dataset.coverage = (START, END)
        for code, (where, row, opened, closed) in self._later_ccgs.items():
            self.add(
                CCG,
                where,
                code=code,
                name=row["name"],
                name_abbreviated=True,
                open_date=opened,
                close_date=closed,
            )
        self._mergers()

    @cached_property
    def _register_rows(self) -> dict[str, tuple[Location, dict[str, str], date, date]]:
        """The CCGs of the ODS register with open and close dates (30 June 2022 for those it
        shows open)."""
        path = self.path("ccg_dates")
        if path is None:
            return {}
        tally = self.report.tally(path.name)
        rows = {}
        abolished = 0
        for where, row in ods.ccgs(path):
            tally.read += 1
            opened = parse_date(row["open_date"], where, "open_date") or START
            closed = parse_date(row["close_date"], where, "close_date")
            if "HUB" in row["name"].upper().split():
                tally.skip("an NHS England commissioning hub, not a CCG")
            elif opened > END:
                tally.skip("opened after CCGs were abolished (a sub-ICB entity)")
            elif closed is not None and closed < START:
                tally.skip("closed before April 2013")
            else:
                if closed is None or closed > END:
                    closed, abolished = END, abolished + 1
                rows[row["code"]] = (where, row, opened, closed)
                tally.used += 1
        if abolished:
            self.report.note(
                f"{abolished} CCGs open in the register on 30 June 2022 close that day: CCGs were abolished "
                "on 1 July 2022 (the register keeps their codes as sub-ICB locations, under 2025 names)."
            )
        return rows

    @cached_property
    def _later_ccgs(self) -> dict[str, tuple[Location, dict[str, str], date, date]]:
        ccgs_2013 = set(self.ccg_by_ons.values())
        return {c: r for c, r in self._register_rows.items() if c not in ccgs_2013}

    def _mergers(self) -> None:
        path = self.path("successions")
        if path is None:
            self.report.note(f"{file_of('successions')} absent: no CCG mergers, so no lineage.")
            return
        tally = self.report.tally(path.name)
        ccgs = {code for code, n in self.dataset.nodes.items() if isinstance(n, CCG)}
        table = ods.successions(path, ccgs)
        tally.read = table.read
        tally.skip("not a CCG", table.dropped["code"])
        for where, row in table.rows:
            code, successor = row["code"], row["successor"]
            when = parse_date(row["effective_date"], where, "effective_date")
            if successor not in ccgs or when is None:
                tally.skip("successor is not a CCG, or undated")
                continue
            self.link(
                where,
                {"source": "code", "target": "successor"},
                source=code,
                target=successor,
                rel=RelType.SUCCEEDED_BY,
                valid_from=when,
            )
            self.merged_into[code] = (successor, when)
            self.merged_from[successor].append(code)
            tally.used += 1
            closed = self.dataset.nodes[code].close_date  # type: ignore[attr-defined]
            opened = self.dataset.nodes[successor].open_date  # type: ignore[attr-defined]
            if closed != when - ONE_DAY or (opened and opened > when):
                self.report.note(
                    f"{code} merged into {successor} on {when}, but the register closes {code} on {closed} "
                    f"and opens {successor} on {opened}."
                )
        self.dataset.refuse_succession_cycles()  # following them (successor_on) would never end

    def successor_on(self, code: str, day: date) -> str:
        """The CCG that held `code`'s area on `day` (itself, or what it merged into, and so on)."""
        while code in self.merged_into and self.merged_into[code][1] <= day:
            code = self.merged_into[code][0]
        return code

    def rename_from_lookup(self, code: str, name: str, ons_code: str) -> None:
        """A CCG formed after 2013 takes its name from the ONS lookups (later years win): the
        register names those still open by their 2025 sub-ICB locations."""
        node = self.dataset.nodes.get(code)
        if (
            isinstance(node, CCG)
            and code in self._later_ccgs
            and name
            and (node.name, node.ons_code) != (name, ons_code or node.ons_code)  # once per name
        ):
            self.dataset.nodes[code] = CCG.model_validate(
                {**node.model_dump(), "name": name, "ons_code": ons_code or node.ons_code}
            )

    # -- area teams and regions ---------------------------------------------------------------
    def oversight(self) -> None:
        tally = self.report.tally(file_of("ccg_oversight_2013"))
        at_ods: dict[str, str] = {}
        if (at_path := self.path("area_team_codes")) is not None:
            at_tally = self.report.tally(at_path.name)
            for _, row in ons.area_team_codes(at_path):
                at_tally.read += 1
                at_tally.used += 1
                at_ods[row["ons_code"]] = row["hscic_code"]
        listed = self._area_teams_listed()
        split: set[str] = set()
        for where, row in ons.ccg_area_team_region(self.required("ccg_oversight_2013")):
            tally.read += 1
            ccg = self.ccg_by_ons.get(row["CCG13CD"])
            if ccg is None:
                tally.skip("CCG not in England 2013 list (Wales)")
                continue
            region, at_ons = row["NHSCR13CD"], row["NHSAT13CD"]
            area_team, name = at_ods.get(at_ons, at_ons), row["NHSAT13NM"]
            ons_code: str | None = at_ons
            if ccg in listed and listed[ccg][0] not in at_ods.values():  # a team the lookup lacks
                split.add(f"{area_team} ({name})")
                (area_team, name), ons_code = listed[ccg], None
            self.add(Region, where, code=region, name=row["NHSCR13NM"])
            self.add(AreaTeam, where, code=area_team, name=name, ons_code=ons_code)
            for src, dst in ((ccg, area_team), (area_team, region), (region, NHS_CB_CODE)):
                self.link(where, source=src, target=dst, rel=RelType.ACCOUNTABLE_TO, valid_from=START)
            tally.used += 1
        if split:
            teams = sum(1 for n in self.dataset.nodes.values() if isinstance(n, AreaTeam))
            self.report.note(
                f"The ONS lookup's area team {', '.join(sorted(split))} is split in the NHSBSA list-size "
                f"file; its CCGs are placed in the list-size file's teams: {teams} area teams."
            )

    def _area_teams_listed(self) -> dict[str, tuple[str, str]]:
        """Each 2013 CCG's area team as the NHSBSA list-size file places its practices."""
        seen: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        for _, row, total in self._sizes.values():
            ccg, team = row["PCO Code"][:3], row["Area Team Code"]
            if total and ccg in self.dataset.nodes and row["Area Team Name"].upper().endswith("AREA TEAM"):
                name = row["Area Team Name"].upper().removesuffix("AREA TEAM").strip().title()
                seen[ccg][(team, name)] += 1
        return {ccg: teams.most_common(1)[0][0] for ccg, teams in seen.items()}

    # -- PCTs, SHAs, succession -------------------------------------------------------------
    def pcts(self) -> None:
        tally = self.report.tally(file_of("pcts_2012"))
        pct_shas: dict[str, list[str]] = defaultdict(list)
        for where, row in ons.pcts_2012(self.required("pcts_2012")):
            tally.read += 1
            pct, sha = row["PCO12CDO"], row["SHA12CDO"]
            self.add(
                PCT, where, code=pct, name=row["PCO12NM"], ons_code=row["PCO12CD"], cluster_recorded=False
            )
            self.add(SHA, where, code=sha, name=row["SHA12NM"], ons_code=row["SHA12CD"])
            self.link(where, source=pct, target=sha, rel=RelType.IN_SHA, valid_to=START - ONE_DAY)
            pct_shas[pct].append(sha)
            tally.used += 1
        split = sorted(p for p, s in pct_shas.items() if len(s) > 1)
        if split:
            self.report.note(
                f"{len(split)} PCTs appear under two SHAs in the ONS lookup ({', '.join(split)}); "
                "both links are kept (the lookup is geographic)."
            )
        path = self.path("pct_ccg_shares")
        if path is None:
            self.report.note(f"{file_of('pct_ccg_shares')} absent: no PCT -> CCG succession.")
            return
        tally = self.report.tally(path.name)
        ccgs_2013 = set(self.ccg_by_ons.values())
        for where, row, share in ons.pct_ccg_shares(path):
            tally.read += 1
            pct, ccg = row["PCO12CDO"], row["CCG13CDH"]
            if pct not in self.dataset.nodes or ccg not in ccgs_2013:
                tally.skip("PCT or CCG code not in the 2012/2013 lists")
                continue
            self.link(where, source=pct, target=ccg, rel=RelType.SUCCEEDED_BY, share=share, valid_from=START)
            tally.used += 1

    # -- local authorities, HWBs, overlaps, year by year ----------------------------------------
    def local_authorities(self) -> None:
        """Upper-tier authorities and their boards, and each CCG's overlaps with them, per year."""
        earliest = self._lookup(FIRST_LOOKUP, "lsoa_lookup_2015", "district_county_2015")
        assert earliest is not None, "required files are checked before any step runs"
        lookups = {FIRST_LOOKUP: earliest}
        for year in LATER_LOOKUPS:
            lookup = self._lookup(year, f"lsoa_lookup_{year}", f"district_county_{year}")
            if lookup is not None:
                lookups[year] = lookup
        periods = [p for p in PERIODS if self.dataset.coverage is None or p.start <= self.dataset.coverage[1]]
        spans: dict[tuple[str, str], list[tuple[Period, int, float, bool]]] = defaultdict(list)
        present: dict[str, list[Period]] = defaultdict(list)
        derived_ccgs: Counter[int] = Counter()
        for period in periods:
            in_force = max((y for y in lookups if y <= period.year), default=FIRST_LOOKUP)
            lookup = lookups[in_force]
            for la in {la for areas in lookup.areas.values() for la in areas}:
                present[la].append(period)
            for ccg in self.open_ccgs(period.start):
                areas, derived = self._areas_of(ccg, lookup, period)
                derived_ccgs[period.year] += derived and bool(areas)
                total = sum(areas.values())
                for la, n in areas.items():
                    spans[(ccg, la)].append((period, n, round(100.0 * n / total, 2), derived))
        authorities = {la: n for lk in lookups.values() for la, n in lk.authorities.items()}
        for la, seen in sorted(present.items()):
            self._add_authority(la, authorities[la], seen, periods)
        for (ccg, la), years in sorted(spans.items()):
            for first, last, n, share, derived in _runs(years):
                self.link(
                    self.dataset.origins[ccg],
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
            f"{p.start.year}-{(p.year + 1) % 100:02d}: {max((y for y in lookups if y <= p.year), default=FIRST_LOOKUP)}"
            for p in periods
        )
        self.report.note(f"Boundaries (year from 1 April: lookup in force): {used}.")
        if any(derived_ccgs.values()):
            per_year = ", ".join(f"{y}: {n}" for y, n in sorted(derived_ccgs.items()) if n)
            self.report.note(
                f"CCG areas derived from a lookup that does not list the CCG (union of its predecessors', "
                f"or a split of its successor's by district), marked derived: {per_year}."
            )

    def _lookup(self, year: int, lsoa_id: str, county_id: str) -> _Lookup | None:
        lsoa_path, county_path = self.path(lsoa_id), self.path(county_id)
        if lsoa_path is None:
            return None
        if county_path is None:
            self.report.note(f"{lsoa_path.name} present without {file_of(county_id)}: not used.")
            return None
        county_of: dict[str, tuple[str, str]] = {}
        tally = self.report.tally(county_path.name)
        for _, row in ons.district_county(county_path, year):
            tally.read += 1
            if row["county"].startswith("E10"):
                county_of[row["district"]] = (row["county"], row["county_name"])
                tally.used += 1
            else:
                tally.skip("district is itself upper tier (no E10 county)")
        tally = self.report.tally(lsoa_path.name)
        areas: dict[str, Counter[str]] = defaultdict(Counter)
        districts: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        authorities: dict[str, tuple[str, str, Location]] = {}
        authority_of: dict[str, str] = {}
        tally.read, pairs = ons.lsoa_ccg_district(lsoa_path, year)
        for where, row, n in pairs:
            district, ccg = row["district"], row["ccg"]
            if ccg not in self.dataset.nodes:
                tally.skip(f"CCG not in the register ({ccg})", n)
                continue
            la, la_name = county_of.get(district, (district, row["district_name"]))
            tier = "county" if district in county_of else "unitary/metropolitan/London"
            authorities.setdefault(la, (la_name, tier, where))
            authority_of[district] = la
            areas[ccg][la] += n
            districts[ccg][(district, row["district_name"])] += n
            self.rename_from_lookup(ccg, row["ccg_name"], row["ccg_ons"])
            tally.used += n
        return _Lookup(year, areas, districts, authorities, authority_of)

    def _areas_of(self, ccg: str, lookup: _Lookup, period: Period) -> tuple[Counter[str], bool]:
        """A CCG's LSOAs per authority in a lookup, and whether they had to be derived."""
        if ccg in lookup.areas:
            return lookup.areas[ccg], False
        union: Counter[str] = Counter()
        for predecessor in self.merged_from.get(ccg, []):
            areas, _ = self._areas_of(predecessor, lookup, period)
            union.update(areas)
        if union:
            return union, True
        successor = self.successor_on(ccg, date(lookup.year, 4, 1))
        if successor != ccg and successor in lookup.districts:
            return self._named_share(ccg, successor, lookup), True
        self._note_once(("no area", ccg), f"CCG {ccg}: no area in the {lookup.year} lookup or its lineage.")
        return Counter(), False

    def _named_share(self, ccg: str, successor: str, lookup: _Lookup) -> Counter[str]:
        """A CCG that later merged: its successor's LSOAs in the districts it is named after."""
        name = self.dataset.nodes[ccg].name.lower()
        result: Counter[str] = Counter()
        for (district, district_name), n in lookup.districts[successor].items():
            if district_name.split()[0].lower() in name:
                result[lookup.authority_of[district]] += n
        self._note_once(
            (ccg, successor),
            f"{ccg} (merged into {successor}): its area before the merger is {successor}'s LSOAs in the "
            f"districts it is named after, from the {lookup.year} lookup (approximate, marked derived).",
        )
        return result

    def _add_authority(
        self, la: str, about: tuple[str, str, Location], seen: list[Period], periods: list[Period]
    ) -> None:
        name, tier, where = about
        opened = seen[0].start if seen[0] != periods[0] else None
        closed = seen[-1].end if seen[-1] != periods[-1] else None
        self.add(LocalAuthority, where, code=la, name=name, tier=tier, open_date=opened, close_date=closed)
        board = hwb_code(la)
        self.add(
            HWB,
            where,
            code=board,
            name=f"{name} Health and Wellbeing Board",
            open_date=opened,
            close_date=closed,
        )
        self.link(where, source=la, target=board, rel=RelType.HAS_HWB, valid_from=opened, valid_to=closed)

    # -- published facts of 2012-13 (curated, each with its source) --------------------------------
    def published_facts(self) -> None:
        """Authorisation outcomes, PCT clusters, commissioning support and arrangements under
        legal directions, as published at the time: each fact keeps its page and quote."""
        ccgs_2013 = set(self.ccg_by_ons.values())
        coverage = [
            self._published_authorisations(ccgs_2013),
            self._published_clusters(),
            self._published_support(ccgs_2013),
            self._published_directions(ccgs_2013),
        ]
        found = [c for c in coverage if c]
        if found:
            self.report.note("Published facts (each with its source): " + "; ".join(found) + ".")

    def _update(self, code: str, where: Location, field_name: str, **fields: Any) -> None:
        node = self.dataset.nodes[code]
        try:
            self.dataset.nodes[code] = type(node).model_validate({**node.model_dump(), **fields})
        except ValidationError as err:
            raise _row_error(err, where, field_name) from None

    def _published_authorisations(self, ccgs_2013: set[str]) -> str:
        path = self.path("published_authorisation")
        if path is None:
            return ""
        tally = self.report.tally(path.name)
        waves = outcomes = 0
        for where, row in published.authorisations(path):
            tally.read += 1
            code = row["ccg_code"]
            if code not in ccgs_2013:
                tally.skip("not a 2013 CCG")
                continue
            if row["outcome"] and row["outcome"] not in PUBLISHED_OUTCOMES:
                raise InputError(
                    [
                        Problem(
                            where,
                            "outcome",
                            f"unknown outcome {row['outcome'][:40]!r}; one of {', '.join(PUBLISHED_OUTCOMES)}",
                        )
                    ]
                )
            announced = row["announced"] or None
            self._update(
                code,
                where,
                "ccg_code",
                authorisation_wave=row["wave"] or None,
                authorisation_outcome=PUBLISHED_OUTCOMES.get(row["outcome"]),
                authorisation_announced=announced,
                authorisation_date=announced if announced and len(announced) == 10 else None,
                conditions_count=row["conditions_count"] or None,
                authorisation_source=row["source_url"],
                authorisation_quote=row["quote"],
            )
            waves += bool(row["wave"])
            outcomes += bool(row["outcome"])
            tally.used += 1
        return (
            f"authorisation recorded for {tally.used} of {len(ccgs_2013)} CCGs "
            f"(the wave for {waves}, the outcome for {outcomes})"
        )

    def _published_clusters(self) -> str:
        path = self.path("published_pct_clusters")
        if path is None:
            return ""
        tally = self.report.tally(path.name)
        clusters = set()
        for where, row in published.pct_clusters(path):
            tally.read += 1
            if row["pct_code"] not in self.dataset.nodes:
                tally.skip("not a 2012 PCT")
                continue
            cluster = named_code("CLU", row["cluster_name"])
            self.add(PCTCluster, where, field_name="cluster_name", code=cluster, name=row["cluster_name"])
            self.cite(where, row, source=row["pct_code"], target=cluster, rel=RelType.IN_CLUSTER)
            clusters.add(cluster)
            tally.used += 1
        pcts = sum(1 for n in self.dataset.nodes.values() if isinstance(n, PCT))
        return f"a PCT cluster for {tally.used} of {pcts} PCTs ({len(clusters)} clusters)"

    def _published_support(self, ccgs_2013: set[str]) -> str:
        path = self.path("published_csu")
        if path is None:
            return ""
        tally = self.report.tally(path.name)
        in_house = []
        for where, row in published.commissioning_support(path):
            tally.read += 1
            code = row["ccg_code"]
            if code not in ccgs_2013:
                tally.skip("not a 2013 CCG")
            elif row["csu_name"].startswith("(in-house"):
                in_house.append(code)
                tally.skip("support kept in-house (no CSU)")
            else:
                csu = named_code("CSU", row["csu_name"])
                self.add(CSU, where, field_name="csu_name", code=csu, name=row["csu_name"])
                self.cite(where, row, source=code, target=csu, rel=RelType.SUPPORTED_BY)
                tally.used += 1
        kept = f", and {len(in_house)} keeping it in-house ({', '.join(in_house)})" if in_house else ""
        return f"commissioning support for {tally.used} of {len(ccgs_2013)} CCGs{kept}"

    def _published_directions(self, ccgs_2013: set[str]) -> str:
        """Each directed CCG is supported by the NHS CB, or by the neighbouring CCG that
        commissions on its behalf under the same arrangement (S2, S4)."""
        path = self.path("published_directions")
        if path is None:
            return ""
        tally = self.report.tally(path.name)
        rows = published.directions(path)
        receiving = {r["arrangement"]: r["ccg_codes"] for _, r in rows if r["role"].startswith("receiving")}
        links = 0
        for where, row in rows:
            tally.read += 1
            if row["role"].startswith("receiving"):
                tally.used += 1  # the other party of a directed CCG's arrangement
                continue
            supporter = (
                NHS_CB_CODE
                if row["counterparty"].startswith("NHS Commissioning Board")
                else receiving.get(row["arrangement"])
            )
            if supporter is None or not row["role"].startswith("directed"):
                tally.skip("no supporter the model can name (not the NHS CB, no receiving CCG)")
                continue
            codes = [c.strip() for c in row["ccg_codes"].split(";") if c.strip() in ccgs_2013]
            if not codes:
                tally.skip("not a 2013 CCG")
                continue
            for code in codes:
                self.cite(
                    where,
                    row,
                    source=code,
                    target=supporter,
                    rel=RelType.INTENSIVE_SUPPORT_FROM,
                    qualifier=row["arrangement"],
                )
                links += 1
            tally.used += 1
        return f"{tally.read} rows of arrangements under legal directions ({links} links of support)"

    # -- STPs ------------------------------------------------------------------------------------
    def stps(self) -> None:
        """Each CCG's Sustainability and Transformation Partnership, year by year (2017-2020)."""
        years: dict[tuple[str, str], list[tuple[Period, int, float, bool]]] = defaultdict(list)
        origin: dict[tuple[str, str], Location] = {}
        for year in STP_YEARS:
            path = self.path(f"ccg_stp_{year}")
            if path is None:
                continue
            tally = self.report.tally(path.name)
            period = next(p for p in PERIODS if p.year == year)
            for where, row in ons.ccg_stp(path, year):
                tally.read += 1
                if row["ccg"] not in self.dataset.nodes:
                    tally.skip("CCG not in the register")
                    continue
                self.dataset.nodes.pop(row["stp"], None)  # the latest year's name wins
                self.add(STP, where, code=row["stp"], name=row["stp_name"])
                self.rename_from_lookup(row["ccg"], row["ccg_name"], row["ccg_ons"])
                years[(row["ccg"], row["stp"])].append((period, 0, 0.0, False))
                origin.setdefault((row["ccg"], row["stp"]), where)
                tally.used += 1
        for (ccg, stp), spans in sorted(years.items()):
            for first, last, _, _, _ in _runs(spans):
                self.link(
                    origin[(ccg, stp)],
                    source=ccg,
                    target=stp,
                    rel=RelType.IN_STP,
                    valid_from=first.start,
                    valid_to=last.end,
                )

    # -- practices and membership ---------------------------------------------------------
    @cached_property
    def _sizes(self) -> dict[str, tuple[Location, dict[str, str], int]]:
        tally = self.report.tally(file_of("list_sizes_2013q2"))
        result = {}
        for where, row, total in nhsbsa.list_sizes(self.required("list_sizes_2013q2")):
            tally.read += 1
            result[row["Practice Code"]] = (where, row, total)
        return result

    def practices(self) -> None:
        epcmem, epraccur = (
            self.path("memberships"),
            self.path("practices_2019") or self.path("practices_2015"),
        )
        if epcmem is not None and epraccur is not None:
            self._practices_from_ods(epcmem, epraccur)
        else:
            self.report.note(
                f"{file_of('memberships')} or epraccur absent: membership taken from the NHSBSA list-size file."
            )
            self._practices_from_list_sizes()

    def _practices_from_list_sizes(self) -> None:
        tally = self.report.tally(file_of("list_sizes_2013q2"))
        ccgs_2013 = set(self.ccg_by_ons.values())
        for code, (where, row, total) in self._sizes.items():
            ccg = row["PCO Code"][:3]
            if total == 0:
                tally.skip("no registered patients (not a GP practice)")
            elif ccg not in ccgs_2013:
                tally.skip("legacy PCO code (not a 2013 CCG)")
            else:
                self.add(Practice, where, code=code, name=row["Practice Name"], list_size=total)
                self.link(where, source=code, target=ccg, rel=RelType.MEMBER_OF, valid_from=START)
                tally.used += 1

    def _practices_from_ods(self, epcmem: Path, epraccur: Path) -> None:
        last_day = self.dataset.coverage[1] if self.dataset.coverage else START
        tally = self.report.tally(epraccur.name)
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
        tally = self.report.tally(epcmem.name)
        members_on_day: dict[str, str] = {}
        pct_on_eve: dict[str, str] = {}
        recorded: list[tuple[str, str, date | None, date | None, Location]] = []
        pcts = {code for code, node in self.dataset.nodes.items() if node.kind == "PCT"}
        ccgs = {code for code, node in self.dataset.nodes.items() if isinstance(node, CCG)}
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
        self._follow_mergers(recorded, gp, extract)
        self._successions_from_practices(pct_on_eve, members_on_day, Location(epcmem.name))
        members = {r.source for r in self.dataset.relationships.values() if r.rel == RelType.MEMBER_OF}
        for code in sorted(members):
            where, row, opened, closed = gp[code]
            size = self._sizes.get(code)
            self.add(
                Practice,
                where,
                code=code,
                name=row["name"],
                postcode=row["postcode"] or None,
                list_size=size[2] if size else None,
                open_date=opened,
                close_date=closed,
            )
        self._compare_with_list_sizes(members_on_day)

    def _follow_mergers(
        self,
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
                close = self.dataset.nodes[ccg].close_date  # type: ignore[attr-defined]
                end = left if close is None or (left is not None and left <= close) else close
                self.link(
                    where,
                    source=code,
                    target=ccg,
                    rel=RelType.MEMBER_OF,
                    valid_from=start,
                    valid_to=end,
                    derived=is_derived,
                )
                if end == left or ccg not in self.merged_into:
                    break
                outlasting += left is not None and not is_derived
                ccg, start = self.merged_into[ccg]
                later = [s for s in starts[code] if s >= start]
                if later and min(later) == start:
                    break  # a recorded membership takes over on the day
                if closed_practice is not None and closed_practice < start:
                    break
                if later:
                    left = min(left or date.max, min(later) - ONE_DAY)
                is_derived, derived = True, derived + 1
        if derived:
            self.report.note(
                f"{derived} memberships are derived: a practice whose CCG merged is counted in the CCG it "
                f"merged into, after the epcmem extract ({extract}) or where the register records the "
                f"practice in the closed CCG for a while ({outlasting} such records, ended on the closure)."
            )

    def _compare_with_list_sizes(self, members_on_day: dict[str, str]) -> None:
        sizes = self._sizes
        absent = [c for c in members_on_day if c not in sizes]
        self.report.tally(file_of("list_sizes_2013q2")).used = len(members_on_day) - len(absent)
        disagree = [
            f"{c} {ccg} vs {sizes[c][1]['PCO Code']}"
            for c, ccg in members_on_day.items()
            if c in sizes and sizes[c][1]["PCO Code"][:3] != ccg
        ]
        bsa_only = [c for c, (_, row, total) in sizes.items() if total > 0 and c not in members_on_day]
        self.report.note(
            f"Membership on 2013-04-01 from epcmem: {len(members_on_day)} GP practices. Against the "
            f"NHSBSA file: {len(members_on_day) - len(disagree) - len(absent)} agree, {len(disagree)} differ "
            f"(e.g. {', '.join(disagree[:5]) or '-'}), {len(absent)} absent from it; {len(bsa_only)} BSA rows "
            f"with patients are not GP practices in epcmem that day (e.g. {', '.join(bsa_only[:5]) or '-'})."
        )

    def _successions_from_practices(
        self, pct_of: dict[str, str], ccg_of: dict[str, str], where: Location
    ) -> None:
        """PCTs the postcode-share file gives no 2013 successor: follow their practices instead."""
        succeeded = {r.source for r in self.dataset.relationships.values() if r.rel == RelType.SUCCEEDED_BY}
        moves: Counter[tuple[str, str]] = Counter(
            (pct, ccg_of[p]) for p, pct in pct_of.items() if pct not in succeeded and p in ccg_of
        )
        per_pct: Counter[str] = Counter()
        for (pct, _), n in moves.items():
            per_pct[pct] += n
        for (pct, ccg), n in sorted(moves.items()):
            self.link(
                where,
                source=pct,
                target=ccg,
                rel=RelType.SUCCEEDED_BY,
                valid_from=START,
                count=n,
                share=round(100.0 * n / per_pct[pct], 2),
            )
        if per_pct:
            self.report.note(
                f"PCTs with no 2013 successor in the postcode-share file ({', '.join(sorted(per_pct))}): "
                "succession taken from where their practices went on 2013-04-01 (share of practices)."
            )


def _runs(
    years: list[tuple[Period, int, float, bool]],
) -> list[tuple[Period, Period, int, float, bool]]:
    """Consecutive periods with the same values joined into one (first, last, values...)."""
    runs: list[tuple[Period, Period, int, float, bool]] = []
    for period, n, share, derived in years:
        if runs and runs[-1][2:] == (n, share, derived) and runs[-1][1].end + ONE_DAY == period.start:
            runs[-1] = (runs[-1][0], period, n, share, derived)
        else:
            runs.append((period, period, n, share, derived))
    return runs
