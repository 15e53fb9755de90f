"""England at 1 April 2013, assembled from the ONS, ODS and NHSBSA files in a data directory.

Reconciliation rules (also in docs/data.md):
- Membership on 1 April 2013 comes from ODS `epcmem` (dated) when present, restricted to GP
  practices (epraccur setting 4, open that day); otherwise from the NHSBSA list-size file's
  "PCO Code". Where the two disagree the report says how often and shows examples.
- List sizes come from the NHSBSA April-June 2013 file.
- CCG -> local-authority overlaps come from the July 2015 LSOA lookup (share of the CCG's LSOAs).
  Three 2013 CCGs merged into 13T in 2015: their LSOAs are given back to the predecessor named
  after each district, and marked approximate; 09G and 09N changed ONS code (boundary change)
  and are matched by ODS code, also approximate.
- Upper-tier authority = the county for a district in a two-tier county (CTY15CD E10...),
  otherwise the district; each has one Health and Wellbeing Board.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.model import (
    CCG,
    HWB,
    PCT,
    SHA,
    AreaTeam,
    LocalAuthority,
    Node,
    Practice,
    Region,
    Relationship,
    RelType,
)
from graphmodel.national import NHS_CB_CODE, add_national_layer
from loaders import nhsbsa, ods, ons
from loaders.manifest import file_of, sources, step_order
from loaders.quality import QualityReport, SourceTally
from loaders.tabular import parse_date

AS_AT = date(2013, 4, 1)
GP_PRACTICE_SETTING = "4"


def hwb_code(la_code: str) -> str:
    return f"HWB-{la_code}"


def load_england_2013(data_dir: Path) -> tuple[Dataset, QualityReport]:
    """Read every known source in `data_dir`; raise `InputError` if a required one is missing."""
    data_dir = Path(data_dir)
    missing = [f for f in _required_files() if not (data_dir / f).is_file()]
    if missing:
        raise InputError(
            [Problem(Location(f), "*", f"required file not found in {data_dir}") for f in missing]
        )
    builder = _Builder(data_dir)
    builder.build()
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


def _required_files() -> list[str]:
    return [s.file for s in sources() if s.required]


class _Builder:
    def __init__(self, data_dir: Path):
        self.dir = data_dir
        self.dataset = Dataset()
        self.report = QualityReport()
        self.ccg_by_ons: dict[str, str] = {}
        self._noted: set[object] = set()

    def add(self, cls: type[Node], where: Location, field_name: str = "code", **fields: Any) -> None:
        """Add a node built from a row; a value the model refuses is an error naming the row."""
        try:
            node = cls(**fields)
        except ValidationError as err:
            raise _row_error(err, where, field_name) from None
        self.dataset.add_node(node, where, field_name=field_name)

    def link(self, where: Location, **fields: Any) -> None:
        try:
            rel = Relationship(**fields)
        except ValidationError as err:
            raise _row_error(err, where, str(fields.get("rel", "*"))) from None
        self.dataset.add_relationship(rel, where)

    def path(self, source_id: str) -> Path | None:
        """The file of a manifest source in the data directory, if it is there."""
        p = self.dir / file_of(source_id)
        return p if p.is_file() else None

    def required(self, source_id: str) -> Path:
        return self.dir / file_of(source_id)  # presence checked before any step runs

    def build(self) -> None:
        """Run the steps the manifest names, in the order its sources' needs give."""
        add_national_layer(self.dataset)
        for step in step_order():
            getattr(self, step)()

    # -- CCGs, area teams, regions --------------------------------------------------------
    def ccgs(self) -> None:
        tally = self.report.tally(file_of("ccgs_2013"))
        close_dates = self._ccg_close_dates()
        for where, row in ons.ccgs_2013(self.required("ccgs_2013")):
            tally.read += 1
            code = row["CCG13CDH"]
            self.add(
                CCG,
                where,
                field_name="CCG13CDH",
                code=code,
                name=row["CCG13NM"],
                ons_code=row["CCG13CD"],
                open_date=AS_AT,
                close_date=close_dates.get(code),
            )
            self.ccg_by_ons[row["CCG13CD"]] = code
            tally.used += 1

    def _ccg_close_dates(self) -> dict[str, date]:
        path = self.path("ccg_dates")
        if path is None:
            return {}
        tally = self.report.tally(path.name)
        result = {}
        for where, row in ods.ccgs(path):
            tally.read += 1
            closed = parse_date(row["close_date"], where, "close_date")
            if closed:
                result[row["code"]] = closed
                tally.used += 1
            else:
                tally.skip("still open or never closed")
        return result

    def oversight(self) -> None:
        tally = self.report.tally(file_of("ccg_oversight_2013"))
        at_ods: dict[str, str] = {}
        if (at_path := self.path("area_team_codes")) is not None:
            at_tally = self.report.tally(at_path.name)
            for _, row in ons.area_team_codes(at_path):
                at_tally.read += 1
                at_tally.used += 1
                at_ods[row["ons_code"]] = row["hscic_code"]
        for where, row in ons.ccg_area_team_region(self.dir / tally.file):
            tally.read += 1
            ccg = self.ccg_by_ons.get(row["CCG13CD"])
            if ccg is None:
                tally.skip("CCG not in England 2013 list (Wales)")
                continue
            region, at_ons = row["NHSCR13CD"], row["NHSAT13CD"]
            area_team = at_ods.get(at_ons, at_ons)
            self.add(Region, where, code=region, name=row["NHSCR13NM"])
            self.add(AreaTeam, where, code=area_team, name=row["NHSAT13NM"], ons_code=at_ons)
            for src, dst in ((ccg, area_team), (area_team, region), (region, NHS_CB_CODE)):
                self.link(where, source=src, target=dst, rel=RelType.ACCOUNTABLE_TO, valid_from=AS_AT)
            tally.used += 1

    # -- PCTs, SHAs, succession -------------------------------------------------------------
    def pcts(self) -> None:
        tally = self.report.tally(file_of("pcts_2012"))
        pct_shas: dict[str, list[str]] = defaultdict(list)
        for where, row in ons.pcts_2012(self.dir / tally.file):
            tally.read += 1
            pct, sha = row["PCO12CDO"], row["SHA12CDO"]
            self.add(PCT, where, code=pct, name=row["PCO12NM"], ons_code=row["PCO12CD"])
            self.add(SHA, where, code=sha, name=row["SHA12NM"], ons_code=row["SHA12CD"])
            self.link(where, source=pct, target=sha, rel=RelType.IN_SHA, valid_to=date(2013, 3, 31))
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
        for where, row, share in ons.pct_ccg_shares(path):
            tally.read += 1
            pct, ccg = row["PCO12CDO"], row["CCG13CDH"]
            if pct not in self.dataset.nodes or ccg not in self.dataset.nodes:
                tally.skip("PCT or CCG code not in the 2012/2013 lists")
                continue
            self.link(where, source=pct, target=ccg, rel=RelType.SUCCEEDED_BY, share=share, valid_from=AS_AT)
            tally.used += 1

    # -- local authorities, HWBs, overlaps -----------------------------------------------------
    def local_authorities(self) -> None:
        """Upper-tier authorities, their boards, and each CCG's overlaps with them."""
        county_of: dict[str, tuple[str, str]] = {}
        tally = self.report.tally(file_of("district_county_2015"))
        for _, row in ons.district_county(self.dir / tally.file):
            tally.read += 1
            if row["CTY15CD"].startswith("E10"):
                county_of[row["LAD15CD"]] = (row["CTY15CD"], row["CTY15NM"])
                tally.used += 1
            else:
                tally.skip("district is itself upper tier (no E10 county)")
        tally = self.report.tally(file_of("lsoa_lookup_2015"))
        lsoas: Counter[tuple[str, str]] = Counter()
        origin: dict[str, Location] = {}
        tally.read, pairs = ons.lsoa_ccg_district(self.dir / tally.file)
        for where, row, n in pairs:
            district = row["LAD15CD"]
            la, la_name = county_of.get(district, (district, row["LAD15NM"]))
            tier = "county" if district in county_of else "unitary/metropolitan/London"
            if la not in self.dataset.nodes:
                self.add(LocalAuthority, where, code=la, name=la_name, tier=tier)
                self.add(HWB, where, code=hwb_code(la), name=f"{la_name} Health and Wellbeing Board")
                self.link(where, source=la, target=hwb_code(la), rel=RelType.HAS_HWB)
            ccgs = self._ccgs_2013_for(row["CCG15CD"], row["CCG15CDH"], row["LAD15NM"], tally, n)
            for ccg in ccgs:
                lsoas[(ccg, la)] += n
                origin.setdefault(ccg, where)  # pairs come in order of first appearance
            tally.used += n if ccgs else 0
        per_ccg: Counter[str] = Counter()
        for (ccg, _), n in lsoas.items():
            per_ccg[ccg] += n
        for (ccg, la), n in sorted(lsoas.items()):
            self.link(
                origin[ccg],
                source=ccg,
                target=la,
                rel=RelType.OVERLAPS,
                count=n,
                share=round(100.0 * n / per_ccg[ccg], 2),
            )
        uncovered = sorted(set(self.ccg_by_ons.values()) - set(per_ccg))
        if uncovered:
            self.report.note(f"CCGs with no LSOA in the lookup (no overlaps): {', '.join(uncovered)}")

    def _ccgs_2013_for(
        self, ons_code: str, ods_code: str, district_name: str, tally: SourceTally, lsoas: int
    ) -> list[str]:
        """The 2013 CCG(s) covering an LSOA of a 2015 CCG (see the module docstring)."""
        if ons_code in self.ccg_by_ons:
            return [self.ccg_by_ons[ons_code]]
        if ods_code in self.dataset.nodes:
            self._note_once(
                ods_code,
                f"CCG {ods_code} has a new ONS code in 2015 ({ons_code}): matched by ODS code; "
                "its 2013 boundary may differ slightly (overlaps approximate).",
            )
            return [ods_code]
        predecessors = self._predecessors.get(ods_code, [])
        word = district_name.split()[0].lower()
        named = [p for p in predecessors if word in self.dataset.nodes[p].name.lower()]
        if not named:
            tally.skip(f"2015 CCG {ods_code} has no 2013 equivalent", lsoas)
            return []
        self._note_once(
            (ods_code, district_name),
            f"2015 CCG {ods_code} (a merger of {', '.join(predecessors)}): its LSOAs in {district_name} "
            f"are counted for {', '.join(named)} (approximate).",
        )
        return named

    def _note_once(self, key: object, text: str) -> None:
        if key not in self._noted:
            self._noted.add(key)
            self.report.note(text)

    @cached_property
    def _predecessors(self) -> dict[str, list[str]]:
        """2013 CCGs by the code of the CCG that later succeeded them (ODS succ)."""
        result: dict[str, list[str]] = defaultdict(list)
        path = self.path("successions")
        if path is not None:
            tally = self.report.tally(path.name)
            table = ods.successions(path, set(self.ccg_by_ons.values()))
            tally.read = table.read
            tally.skip("not a 2013 CCG", table.dropped["code"])
            for _, row in table.rows:
                result[row["successor"]].append(row["code"])
                tally.used += 1
        return result

    # -- practices and membership ---------------------------------------------------------
    def practices(self) -> None:
        sizes = self._list_sizes()
        epcmem, epraccur = self.path("memberships"), self.path("practices_2019") or self.path(
            "practices_2015"
        )
        if epcmem is not None and epraccur is not None:
            self._practices_from_ods(epcmem, epraccur, sizes)
        else:
            self.report.note(
                f"{file_of('memberships')} or epraccur absent: membership taken from the NHSBSA list-size file."
            )
            self._practices_from_list_sizes(sizes)

    def _list_sizes(self) -> dict[str, tuple[Location, dict[str, str], int]]:
        tally = self.report.tally(file_of("list_sizes_2013q2"))
        result = {}
        for where, row, total in nhsbsa.list_sizes(self.required("list_sizes_2013q2")):
            tally.read += 1
            result[row["Practice Code"]] = (where, row, total)
        return result

    def _practices_from_list_sizes(self, sizes) -> None:
        tally = self.report.tally(file_of("list_sizes_2013q2"))
        for code, (where, row, total) in sizes.items():
            ccg = row["PCO Code"][:3]
            if total == 0:
                tally.skip("no registered patients (not a GP practice)")
            elif ccg not in self.dataset.nodes or self.dataset.nodes[ccg].kind != "CCG":
                tally.skip("legacy PCO code (not a 2013 CCG)")
            else:
                self.add(Practice, where, code=code, name=row["Practice Name"], list_size=total)
                self.link(where, source=code, target=ccg, rel=RelType.MEMBER_OF, valid_from=AS_AT)
                tally.used += 1

    def _practices_from_ods(self, epcmem: Path, epraccur: Path, sizes) -> None:
        tally = self.report.tally(epraccur.name)
        gp: dict[str, tuple[Location, dict[str, str], date | None, date | None]] = {}
        table = ods.practices(epraccur, {GP_PRACTICE_SETTING})
        tally.read = table.read
        tally.skip("not a GP practice (prescribing setting is not 4)", table.dropped["setting"])
        for where, row in table.rows:
            opened = parse_date(row["open_date"], where, "open_date")
            closed = parse_date(row["close_date"], where, "close_date")
            if (opened and opened > AS_AT) or (closed and closed < AS_AT):
                tally.skip("not open on 2013-04-01")
                continue
            gp[row["code"]] = (where, row, opened, closed)
            tally.used += 1
        tally = self.report.tally(epcmem.name)
        members_on_day: dict[str, str] = {}
        pct_on_eve: dict[str, str] = {}
        pcts = {code for code, node in self.dataset.nodes.items() if node.kind == "PCT"}
        table = ods.memberships(epcmem, gp, pcts | set(self.ccg_by_ons.values()))
        tally.read = table.read
        tally.skip("not a GP practice open on 2013-04-01", table.dropped["code"])
        tally.skip("parent is not a 2013 CCG or PCT (a PCG, a later CCG)", table.dropped["parent"])
        for where, row in table.rows:
            code, parent = row["code"], row["parent"]
            if parent in pcts:
                if row["left_date"] == "20130331":
                    pct_on_eve[code] = parent
                tally.skip("parent is a PCT (membership before 2013)")
                continue
            joined = parse_date(row["join_date"], where, "join_date")
            left = parse_date(row["left_date"], where, "left_date")
            if (joined is None or joined <= AS_AT) and (left is None or left >= AS_AT):
                members_on_day[code] = parent
            self.link(
                where, source=code, target=parent, rel=RelType.MEMBER_OF, valid_from=joined, valid_to=left
            )
            tally.used += 1
        self._successions_from_practices(pct_on_eve, members_on_day, Location(epcmem.name))
        members = {r.source for r in self.dataset.relationships.values() if r.rel == RelType.MEMBER_OF}
        for code in sorted(members):
            where, row, opened, closed = gp[code]
            size = sizes.get(code)
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
                valid_from=AS_AT,
                count=n,
                share=round(100.0 * n / per_pct[pct], 2),
            )
        if per_pct:
            self.report.note(
                f"PCTs with no 2013 successor in the postcode-share file ({', '.join(sorted(per_pct))}): "
                "succession taken from where their practices went on 2013-04-01 (share of practices)."
            )
