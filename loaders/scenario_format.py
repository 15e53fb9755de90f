"""The scenario format `ccgraph-scenario/1`: what a scenario file may hold, as strict models
(docs/scenario.md; docs/scenario.schema.json is generated from them). Reading a file and building
a dataset from it is `loaders.scenario`'s work."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graphmodel.model import (
    AuthorisationOutcome,
    BoardRole,
    Employer,
    GoverningRole,
    HwbSeat,
    NodeKind,
    Relationship,
    ServiceCategory,
)

FORMAT = "ccgraph-scenario/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Organisation(_Strict):
    """Any body the scenario needs that the data directory does not supply."""

    kind: NodeKind = Field(description="Node kind, e.g. CCG, Practice, CSU, Provider, PCTCluster.")
    code: str = Field(description="Stable code: the real ODS/ONS code, or an invented one.")
    name: str
    illustrative: bool = Field(description="true when the body is invented for the example.")
    properties: dict[str, Any] = Field(default_factory=dict, description="Kind-specific fields.")


class PersonSpec(_Strict):
    code: str
    name: str
    illustrative: bool = Field(description="Must be true: real people are never invented here.")
    gp_register: bool = False
    specialist_register: bool = False
    nmc_register: bool = False
    accountancy_qualified: bool = False
    employer: Employer = Employer.NONE
    consultant_post: bool | None = Field(
        default=None, description="An NHS consultant or armed-forces specialty post (reg 11(6)(b))."
    )
    specialist_until: date | None = Field(
        default=None,
        description="Last day all of reg 11(6)(a)-(c) were met, for a specialist who no longer meets them.",
    )
    elected_member: bool | None = Field(default=None, description="An MP, MEP or London Assembly member (Sch 5 para 1).")
    councillor: bool | None = Field(default=None, description="A member of a local authority (Sch 5 para 2).")
    commissioning_support: bool | None = Field(
        default=None, description="Provides the CCG with commissioning support, or works for a body that does (Sch 5 para 3)."
    )
    imprisonment_conviction: date | None = Field(
        default=None, description="Day of a conviction ending in 3+ months' imprisonment without a fine option (para 4)."
    )
    bankruptcy_restrictions_from: date | None = Field(default=None, description="Under a bankruptcy restrictions order from (para 5).")
    bankruptcy_restrictions_to: date | None = Field(default=None, description="... to this day (none: still).")

    @field_validator("illustrative")
    @classmethod
    def _invented(cls, value: bool) -> bool:
        """A scenario's people are invented; real ones belong in a user's register (registers.md)."""
        if not value:
            raise ValueError("people in a scenario must be illustrative: true (real people go in a register)")
        return value


class Membership(_Strict):
    practice: str
    ccg: str
    valid_from: date | None = None
    valid_to: date | None = None


class Overlap(_Strict):
    ccg: str
    authority: str
    share: float = Field(ge=0, le=100, description="Percentage of the CCG's population or area.")


class Cluster(_Strict):
    code: str
    name: str
    illustrative: bool
    pcts: list[str]


class Succession(_Strict):
    pct: str
    ccg: str
    share: float = Field(ge=0, le=100)


class GoverningMember(_Strict):
    person: str = Field(description="Code of a person declared under `people`.")
    roles: list[GoverningRole] = Field(min_length=1)
    valid_from: date | None = None
    valid_to: date | None = None


class GoverningBody(_Strict):
    ccg: str
    members: list[GoverningMember]


class BoardMember(_Strict):
    person: str = Field(description="Code of a person declared under `people`.")
    roles: list[BoardRole] = Field(
        min_length=1, description="chair, chief_executive, or an ordinary member's seat (by who nominated them)."
    )
    valid_from: date | None = None
    valid_to: date | None = None


class IcbBoard(_Strict):
    """An integrated care board's members (NHS Act 2006 Schedule 1B, from 1 July 2022)."""

    icb: str
    members: list[BoardMember]


class Seat(_Strict):
    seat: HwbSeat
    holder: str = Field(description="Code of the CCG, person or local Healthwatch in the seat.")


class HwbMembership(_Strict):
    hwb: str
    seats: list[Seat]


class Support(_Strict):
    ccg: str
    csu: str
    valid_from: date | None = None
    valid_to: date | None = None


class CollaborationSpec(_Strict):
    code: str
    name: str
    illustrative: bool
    lead: list[str] = Field(default_factory=list, description="Lead CCG(s); exactly one is expected.")
    members: list[str] = Field(default_factory=list)
    junior_partners: list[str] = Field(default_factory=list)
    provider: str | None = None
    services: list[ServiceCategory] = Field(default_factory=list)


class ConditionSpec(_Strict):
    code: str
    illustrative: bool = Field(default=False, description="true when the condition is invented.")
    domain: int | None = Field(default=None, ge=1, le=6)
    description: str | None = None
    owner: str | None = Field(default=None, description="Code of the body that owns the condition.")
    expires: date | None = None
    neighbour_commissions: ServiceCategory | None = None


class Authorisation(_Strict):
    ccg: str
    wave: int | None = Field(default=None, ge=1, le=4)
    date: dt.date | None = Field(default=None, description="Date the outcome was announced.")
    outcome: AuthorisationOutcome
    support_from: str | None = Field(
        default=None, description="Who gives intensive support under directions."
    )
    conditions: list[ConditionSpec] = Field(default_factory=list)
    source: str | None = Field(default=None, description="Where the fact was published.")


class Commissioning(_Strict):
    commissioner: str
    service: ServiceCategory
    population: str = Field(description="Code of the CCG whose population is served, or 'england'.")


class Oversight(_Strict):
    body: str
    accountable_to: str


class Scenario(_Strict):
    """A curated scenario file."""

    format: Literal["ccgraph-scenario/1"]
    title: str
    description: str = ""
    organisations: list[Organisation] = Field(default_factory=list)
    people: list[PersonSpec] = Field(default_factory=list)
    memberships: list[Membership] = Field(default_factory=list)
    overlaps: list[Overlap] = Field(default_factory=list)
    pct_clusters: list[Cluster] = Field(default_factory=list)
    pct_successions: list[Succession] = Field(default_factory=list)
    governing_bodies: list[GoverningBody] = Field(default_factory=list)
    icb_boards: list[IcbBoard] = Field(default_factory=list)
    hwb_memberships: list[HwbMembership] = Field(default_factory=list)
    csu_support: list[Support] = Field(default_factory=list)
    collaborations: list[CollaborationSpec] = Field(default_factory=list)
    authorisations: list[Authorisation] = Field(default_factory=list)
    commissioning: list[Commissioning] = Field(default_factory=list)
    oversight: list[Oversight] = Field(default_factory=list)
    links: list[Relationship] = Field(
        default_factory=list, description="Any other relationship, e.g. HAS_HWB (authority -> board)."
    )




def json_schema() -> dict[str, Any]:
    return Scenario.model_json_schema()
