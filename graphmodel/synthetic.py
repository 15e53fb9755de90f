"""A seeded synthetic health system of any size, with a known number of planted violations.

Scale 1 is about England in 2013 (211 CCGs, ~8,000 practices, 152 authorities, 151 PCTs);
scale 10 and 100 multiply every count. Every body is invented and flagged `illustrative`.
The baseline is fully compliant (no finding from any check, not even a data gap); then
`violations[check_id]` breaches of each check are planted on bodies of their own, so that each
check must find exactly the planted organisations: the ground truth for the check tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from graphmodel.dataset import Dataset, Location, gc_paused
from graphmodel.model import (
    REQUIRED_BOARD_ROLES,
    REQUIRED_ROLES_2012,
    CCG,
    CCG_SERVICES,
    CSU,
    HWB,
    PCT,
    AreaTeam,
    ICB,
    AuthorisationOutcome,
    BoardRole,
    Collaboration,
    Condition,
    Healthwatch,
    LocalAuthority,
    LsoaGroup,
    PCTCluster,
    Employer,
    Person,
    Practice,
    Region,
    Relationship,
    RelType,
    ServiceCategory,
)
from graphmodel.national import NHS_CB_CODE, add_national_layer, service_code

HERE = Location("synthetic generator")
START = date(2013, 4, 1)
GOVERNING_ROLES = REQUIRED_ROLES_2012
HWB_SEATS = (
    "director_public_health",
    "director_childrens_services",
    "director_adult_social_services",
    "councillor",
)


# A x100 system holds about 4.7 GB in memory; x200 about twice that. Beyond, a machine like the
# one this was measured on (24 GB) would be killed by the kernel part-way, so it is refused.
MAX_SCALE = 200.0
MAX_VIOLATIONS = 1000  # breaches planted per check


def size_problem(scale: float, violations: int) -> str | None:
    """Why a synthetic system of this size cannot be generated, or None.

    >>> size_problem(10, 3) is None
    True
    >>> size_problem(float("nan"), 0)
    'scale must be a number above 0 and at most 200 (x100 holds about 4.7 GB), not nan'
    >>> size_problem(1, -1)
    'violations must be a whole number from 0 to 1000 per check, not -1'
    """
    if not (0 < scale <= MAX_SCALE):  # also false for nan
        return (
            f"scale must be a number above 0 and at most {MAX_SCALE:g} (x100 holds about 4.7 GB), not {scale:g}"
        )
    if not 0 <= violations <= MAX_VIOLATIONS:
        return f"violations must be a whole number from 0 to {MAX_VIOLATIONS} per check, not {violations}"
    return None


@dataclass
class Synthetic:
    dataset: Dataset
    planted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


class Generator:
    """Builds a lawful synthetic system, then plants breaches with recipes that use its blocks:
    `rng`, `las` / `ccgs` (authority and CCG codes), `ds` (the dataset), `code(prefix)`,
    `node(model)`, `link(source, target, rel, ...)`, `authority(i)`, `ccg(la, ...)`,
    `collaboration(lead, members)`, `condition(ccg, ...)` and `icb(...)`; each returns the code it
    made. Its integrated care boards open on `ICB_START`, and their boards are judged from then."""

    ICB_START = date(2022, 7, 1)
    AREAS_START = START  # each CCG's small areas, recorded to the CCGs' last day
    AREAS_END = date(2022, 6, 30)
    BOARD_ROLES = REQUIRED_BOARD_ROLES  # a lawful board: a member in each seat Schedule 1B requires

    def __init__(self, scale: float, seed: int):
        self.rng = random.Random(seed)
        self.ds = Dataset()
        self.planted: dict[str, set[str]] = defaultdict(set)
        self.scale = scale
        self.serial = 0
        add_national_layer(self.ds)

    def code(self, prefix: str) -> str:
        self.serial += 1
        return f"SY{prefix}{self.serial:07d}"

    def node(self, node) -> str:
        self.ds.nodes[node.code] = node
        self.ds.origins[node.code] = HERE
        return node.code

    def link(self, source: str, target: str, rel: RelType, **fields) -> None:
        r = Relationship(source=source, target=target, rel=rel, **fields)
        ident = (r.source, r.target, r.key)
        self.ds.relationships[ident] = r
        self.ds.origins[ident] = HERE

    # -- the compliant baseline --------------------------------------------------------------
    def build(self) -> None:
        n_regions = 4
        n_teams = max(1, round(25 * self.scale))
        n_las = max(2, round(152 * self.scale))
        n_ccgs = max(2, round(211 * self.scale))
        self.regions = [
            self.node(Region(code=self.code("RG"), name=f"Synthetic region {i}", illustrative=True))
            for i in range(n_regions)
        ]
        self.teams = []
        for i in range(n_teams):
            team = self.node(
                AreaTeam(code=self.code("AT"), name=f"Synthetic area team {i}", illustrative=True)
            )
            self.link(team, self.regions[i % n_regions], RelType.ACCOUNTABLE_TO)
            self.teams.append(team)
        for region in self.regions:
            self.link(region, NHS_CB_CODE, RelType.ACCOUNTABLE_TO)
        self.las = [self.authority(i) for i in range(n_las)]
        self.csus = [
            self.node(CSU(code=self.code("CS"), name=f"Synthetic CSU {i}", illustrative=True))
            for i in range(max(1, round(19 * self.scale)))
        ]
        self.ccgs = [self.ccg(self.las[i % n_las]) for i in range(n_ccgs)]
        cluster = None
        for i in range(max(1, round(151 * self.scale))):
            if i % 3 == 0:
                cluster = self.node(
                    PCTCluster(code=self.code("CL"), name=f"Synthetic cluster {i // 3}", illustrative=True)
                )
            pct = self.node(PCT(code=self.code("PT"), name=f"Synthetic PCT {i}", illustrative=True))
            assert cluster is not None  # made at i == 0
            self.link(pct, cluster, RelType.IN_CLUSTER)
            self.link(pct, self.ccgs[i % n_ccgs], RelType.SUCCEEDED_BY, share=100.0, valid_from=START)
        for i in range(0, n_ccgs - 1, 4):
            self.collaboration(lead=self.ccgs[i], members=[self.ccgs[i], self.ccgs[i + 1]])
        self.icbs = [self.icb() for _ in range(max(1, round(42 * self.scale)))]

    def authority(self, i: int) -> str:
        la = self.node(
            LocalAuthority(code=self.code("LA"), name=f"Synthetic authority {i}", illustrative=True)
        )
        hwb = self.node(HWB(code=f"HWB-{la}", name=f"Synthetic authority {i} HWB", illustrative=True))
        self.link(la, hwb, RelType.HAS_HWB)
        for seat in HWB_SEATS:
            person = self.node(Person(code=self.code("PE"), name=f"Synthetic {seat}", illustrative=True))
            self.link(person, hwb, RelType.SEAT_ON, qualifier=seat)
        watch = self.node(
            Healthwatch(code=self.code("HW"), name=f"Synthetic Healthwatch {i}", illustrative=True)
        )
        self.link(watch, la, RelType.HEALTHWATCH_FOR)
        self.link(watch, hwb, RelType.SEAT_ON, qualifier="healthwatch")
        return la

    def ccg(
        self,
        la: str,
        *,
        practices: bool = True,
        roles: tuple[str, ...] = GOVERNING_ROLES,
        services: tuple[ServiceCategory, ...] = CCG_SERVICES,
        outcome: AuthorisationOutcome = AuthorisationOutcome.AUTHORISED,
    ) -> str:
        ccg = self.node(
            CCG(
                code=self.code("CG"),
                name=f"NHS Synthetic {self.serial} Clinical Commissioning Group",
                illustrative=True,
                authorisation_wave=1 + self.serial % 4,
                authorisation_date=date(2013, 3, 1),
                authorisation_outcome=outcome,
            )
        )
        self.link(ccg, self.rng.choice(self.teams), RelType.ACCOUNTABLE_TO)
        self.link(ccg, self.rng.choice(self.csus), RelType.SUPPORTED_BY, valid_from=START)
        self.link(ccg, la, RelType.OVERLAPS, share=100.0)
        self.link(ccg, f"HWB-{la}", RelType.SEAT_ON, qualifier="ccg")
        areas = self.node(
            LsoaGroup(code=f"LSOAS-{ccg}", name=f"Synthetic small areas of {ccg}", illustrative=True,
                      lsoas=self.rng.randint(100, 300), open_date=self.AREAS_START, close_date=self.AREAS_END)
        )  # fmt: skip
        self.link(areas, ccg, RelType.IN_AREA_OF, valid_from=self.AREAS_START)
        for role in roles:
            person = self.node(
                Person(
                    code=self.code("PE"),
                    name=f"Synthetic {role}",
                    illustrative=True,
                    nmc_register=role == "registered_nurse",
                    specialist_register=role == "secondary_care_specialist",
                    accountancy_qualified=role == "chief_finance_officer",
                )
            )
            self.link(person, ccg, RelType.HOLDS_ROLE, qualifier=role)
        for service in services:
            self.link(ccg, service_code(service), RelType.COMMISSIONS, qualifier=ccg)
        if practices:
            for _ in range(self.rng.randint(20, 56)):
                practice = self.node(
                    Practice(
                        code=self.code("PR"),
                        name="Synthetic practice",
                        illustrative=True,
                        list_size=self.rng.randint(1500, 15000),
                    )
                )
                self.link(practice, ccg, RelType.MEMBER_OF, valid_from=START)
        return ccg

    def collaboration(self, lead: str | None, members: list[str]) -> str:
        collab = self.node(
            Collaboration(
                code=self.code("CO"),
                name="Synthetic collaboration",
                illustrative=True,
                services=(ServiceCategory.ACUTE,),
            )
        )
        if lead:
            self.link(collab, lead, RelType.LED_BY)
        for member in members:
            self.link(member, collab, RelType.PARTY_TO, qualifier="member")
        return collab

    def condition(self, ccg: str, *, expires: date | None = date(2014, 3, 31)) -> str:
        cond = self.node(
            Condition(
                code=self.code("CN"), name="Synthetic condition", illustrative=True, domain=4, expires=expires
            )
        )
        self.link(ccg, cond, RelType.HAS_CONDITION)
        self.link(cond, NHS_CB_CODE, RelType.CONDITION_OWNER)
        return cond

    def icb(self, *, roles: tuple[str, ...] = BOARD_ROLES) -> str:
        """An integrated care board from 1 July 2022, with a member in each of `roles`."""
        board = self.node(
            ICB(code=self.code("IB"), name=f"NHS Synthetic {self.serial} Integrated Care Board", illustrative=True,
                open_date=self.ICB_START)
        )  # fmt: skip
        for role in roles:
            employer = Employer.ICB if role == BoardRole.CHIEF_EXECUTIVE else Employer.NONE
            person = self.node(Person(code=self.code("PE"), name=f"Synthetic board {role}", illustrative=True, employer=employer))
            self.link(person, board, RelType.ON_BOARD, qualifier=role, valid_from=self.ICB_START)
        return board

    # -- planted violations, each on a body of its own ------------------------------------------
    def plant(self, check: str, recipe: Callable[[Generator], str]) -> None:
        """Plant one breach of `check` with its recipe (registered with the check, in `queries`)."""
        self.planted[check].add(recipe(self))


def generate(
    scale: float = 1.0,
    seed: int = 0,
    violations: dict[str, int] | None = None,
    recipes: dict[str, Callable[[Generator], str]] | None = None,
) -> Synthetic:
    """Build a synthetic system; `violations` maps check ids to how many breaches to plant,
    each with its recipe from `recipes` (`queries.registry.generate_with_breaches` passes every
    check's own).

    >>> s = generate(0.05, seed=1)
    >>> len(s.dataset.nodes) > 100, len(s.planted)
    (True, 0)
    """
    if (problem := size_problem(scale, max((violations or {}).values(), default=0))) is not None:
        raise ValueError(problem)
    with gc_paused():
        gen = Generator(scale, seed)
        gen.build()
        for check, count in sorted((violations or {}).items()):
            if count and check not in (recipes or {}):
                raise KeyError(f"no way to plant a violation of {check!r}")
            for _ in range(count):
                gen.plant(check, (recipes or {})[check])
    return Synthetic(gen.ds, gen.planted)
