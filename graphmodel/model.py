"""The commissioning architecture of 2012-13 as typed nodes and relationships.

Every body the seed documents name is a node kind with a stable code; every way those bodies
relate is a relationship type with the node kinds it may join. Loaders produce these objects,
`graphmodel.dataset` validates them as a whole, and the backends (NetworkX, Neo4j) store them.
Dates are kept as ISO strings inside the graphs so that both backends compare them identically.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from graphmodel.text import refuse_control_characters


class NodeKind(StrEnum):
    """Kinds of node; the value is the Neo4j label."""

    PRACTICE = "Practice"
    CCG = "CCG"
    PCT = "PCT"
    PCT_CLUSTER = "PCTCluster"
    SHA = "SHA"
    LOCAL_AUTHORITY = "LocalAuthority"
    HWB = "HWB"
    CSU = "CSU"
    NHS_CB = "NHSCB"
    REGION = "Region"
    AREA_TEAM = "AreaTeam"
    PROVIDER = "Provider"
    HEALTHWATCH = "Healthwatch"
    PERSON = "Person"
    COLLABORATION = "Collaboration"
    SERVICE = "ServiceCategory"
    CONDITION = "AuthorisationCondition"
    STP = "STP"
    SUB_ICB_LOCATION = "SubICBLocation"
    ICB = "ICB"
    SUB_ICB_REPORTING_ENTITY = "SubICBReportingEntity"
    LSOA_GROUP = "LSOAGroup"


class RelType(StrEnum):
    """Relationship types; the value is the Neo4j relationship type."""

    MEMBER_OF = "MEMBER_OF"  # practice -> CCG
    IN_CLUSTER = "IN_CLUSTER"  # PCT -> PCT cluster
    IN_SHA = "IN_SHA"  # PCT -> strategic health authority
    # PCT -> CCG (share of the PCT), CCG -> CCG (merger), CCG -> its sub-ICB location and
    # STP -> its ICB (1 July 2022), ICB -> ICB (the 2026 mergers)
    SUCCEEDED_BY = "SUCCEEDED_BY"
    OVERLAPS = "OVERLAPS"  # CCG -> upper-tier local authority (share of the CCG)
    HAS_HWB = "HAS_HWB"  # local authority -> its Health and Wellbeing Board
    SEAT_ON = "SEAT_ON"  # CCG / person / Healthwatch -> HWB (qualifier = seat role)
    HEALTHWATCH_FOR = "HEALTHWATCH_FOR"  # local Healthwatch -> local authority
    SUPPORTED_BY = "SUPPORTED_BY"  # CCG -> commissioning support unit
    ACCOUNTABLE_TO = "ACCOUNTABLE_TO"  # CCG (or, from 2022, ICB) -> area team -> region -> NHS CB
    HOLDS_ROLE = "HOLDS_ROLE"  # person -> CCG (qualifier = governing-body role)
    PARTY_TO = "PARTY_TO"  # CCG -> collaboration (qualifier = member | junior_partner)
    LED_BY = "LED_BY"  # collaboration -> its lead CCG
    WITH_PROVIDER = "WITH_PROVIDER"  # collaboration -> provider
    COMMISSIONS = "COMMISSIONS"  # commissioner -> service category (qualifier = population)
    HAS_CONDITION = "HAS_CONDITION"  # CCG -> authorisation condition
    CONDITION_OWNER = "CONDITION_OWNER"  # condition -> the body that owns it
    INTENSIVE_SUPPORT_FROM = "INTENSIVE_SUPPORT_FROM"  # CCG under directions -> supporter
    IN_STP = "IN_STP"  # CCG -> Sustainability and Transformation Partnership (2016-2022)
    IN_ICB = "IN_ICB"  # sub-ICB location (or reporting entity) -> integrated care board (from 1 July 2022)
    COMMISSIONED_BY = "COMMISSIONED_BY"  # practice -> sub-ICB location (ODS's commissioner, from 1 July 2022)
    ON_BOARD = "ON_BOARD"  # person -> integrated care board (qualifier = board role, from 1 July 2022)
    IN_AREA_OF = "IN_AREA_OF"  # LSOA group -> the CCG (to 30 June 2022) or sub-ICB location whose area holds it


class ServiceCategory(StrEnum):
    """Service categories and who must commission them (seed S1)."""

    ELECTIVE = "elective"
    ACUTE = "acute"
    EMERGENCY = "emergency"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    GENERAL_PRACTICE = "general_practice"
    PHARMACY = "pharmacy"
    DENTISTRY = "dentistry"
    SPECIALISED = "specialised"


CCG_SERVICES: tuple[ServiceCategory, ...] = (
    ServiceCategory.ELECTIVE,
    ServiceCategory.ACUTE,
    ServiceCategory.EMERGENCY,
    ServiceCategory.COMMUNITY,
    ServiceCategory.MENTAL_HEALTH,
)
NHS_CB_SERVICES: tuple[ServiceCategory, ...] = (
    ServiceCategory.GENERAL_PRACTICE,
    ServiceCategory.PHARMACY,
    ServiceCategory.DENTISTRY,
    ServiceCategory.SPECIALISED,
)


class GoverningRole(StrEnum):
    """Governing-body roles (SI 2012/1631 regs 11-12)."""

    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    ACCOUNTABLE_OFFICER = "accountable_officer"
    CHIEF_FINANCE_OFFICER = "chief_finance_officer"
    REGISTERED_NURSE = "registered_nurse"
    SECONDARY_CARE_SPECIALIST = "secondary_care_specialist"
    LAY_AUDIT = "lay_member_finance_audit"
    LAY_AREA = "lay_member_area_knowledge"
    GP_MEMBER = "gp_member"
    OTHER = "other_member"


# Roles a governing body must have under SI 2012/1631 reg 11 as made (before 14 April 2022).
REQUIRED_ROLES_2012: tuple[str, ...] = tuple(
    r.value
    for r in (
        GoverningRole.CHAIR,
        GoverningRole.DEPUTY_CHAIR,
        GoverningRole.ACCOUNTABLE_OFFICER,
        GoverningRole.CHIEF_FINANCE_OFFICER,
        GoverningRole.REGISTERED_NURSE,
        GoverningRole.SECONDARY_CARE_SPECIALIST,
        GoverningRole.LAY_AUDIT,
        GoverningRole.LAY_AREA,
    )
)


class HwbSeat(StrEnum):
    """Seats on a Health and Wellbeing Board (seed S1)."""

    CCG = "ccg"
    DIRECTOR_PUBLIC_HEALTH = "director_public_health"
    DIRECTOR_CHILDRENS_SERVICES = "director_childrens_services"
    DIRECTOR_ADULT_SOCIAL_SERVICES = "director_adult_social_services"
    COUNCILLOR = "councillor"
    HEALTHWATCH = "healthwatch"


class BoardRole(StrEnum):
    """Seats on an integrated care board (NHS Act 2006 Schedule 1B Part 1, from 1 July 2022).

    Every seat but the chair's and the chief executive's is an ordinary member's (para 3(2)); an
    ordinary member nominated under para 8 is recorded by who nominated them.
    """

    CHAIR = "chair"
    CHIEF_EXECUTIVE = "chief_executive"
    ORDINARY = "ordinary_member"
    TRUSTS_NOMINEE = "nominated_by_trusts"  # by the area's NHS trusts and foundation trusts
    PRIMARY_CARE_NOMINEE = "nominated_by_primary_care"  # by its providers of primary medical services
    LOCAL_AUTHORITY_NOMINEE = "nominated_by_local_authorities"  # by its local authorities


# The seats a board must have (Schedule 1B paras 3 and 8), in the order a finding lists them.
REQUIRED_BOARD_ROLES: tuple[str, ...] = tuple(
    r.value
    for r in (
        BoardRole.CHAIR,
        BoardRole.CHIEF_EXECUTIVE,
        BoardRole.TRUSTS_NOMINEE,
        BoardRole.PRIMARY_CARE_NOMINEE,
        BoardRole.LOCAL_AUTHORITY_NOMINEE,
    )
)


class PartyRole(StrEnum):
    MEMBER = "member"
    JUNIOR_PARTNER = "junior_partner"


class AuthorisationOutcome(StrEnum):
    """Authorisation outcomes (seeds S2, S4)."""

    AUTHORISED = "authorised"
    WITH_CONDITIONS = "authorised_with_conditions"
    WITH_DIRECTIONS = "authorised_with_directions"
    NOT_AUTHORISED = "not_authorised"


class Employer(StrEnum):
    """Who a person works for, in the terms of SI 2012/1631 Schedule 4 (who may not be a lay
    member) and reg 12(1) (who may not be the nurse or the specialist), plus neutral ones."""

    NONE = "none"
    CCG = "ccg"
    ICB = "icb"  # the integrated care board the person sits on (its chief executive must be one)
    GP_PRACTICE = "gp_practice"
    LOCAL_AUTHORITY = "local_authority"
    DEPARTMENT_OF_HEALTH = "department_of_health"
    NHS_BODY = "nhs_body"
    FOUNDATION_TRUST = "foundation_trust"
    PCT = "pct"
    CQC = "cqc"
    MONITOR = "monitor"
    COMMISSIONED_PROVIDER = "commissioned_provider"  # provides services the CCG commissions
    SOCIAL_SERVICES_CONTRACTOR = "social_services_contractor"  # Sch 4 para 11
    DENTAL_SERVICES_PARTY = "dental_services_party"  # Sch 4 para 12
    OTHER = "other"


def _fits_64_bits(value: int) -> int:
    if not -(2**63) <= value < 2**63:
        raise ValueError("is too large to store (more than 64 bits)")
    return value


# Every text field of the model is `Text` and every unbounded integer `Int64`, so that no record
# holds control characters (NUL, terminal escapes: they would corrupt reports and terminals) or
# an integer no backend can store (Neo4j's are 64-bit). tests/test_model.py holds every field to it.
Text = Annotated[str, AfterValidator(refuse_control_characters)]
Int64 = Annotated[int, AfterValidator(_fits_64_bits)]


class _Record(BaseModel):
    """What every node and relationship is: frozen, its fields declared (no extras), its text
    `Text` and its unbounded integers `Int64`."""

    # defer_build: a model's validator is built when it first validates, not at import (a kept
    # graph is read without validating, so a command answered from it never builds one)
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, defer_build=True)


class Node(_Record):
    """A body, person or record in the graph, identified by a code unique across all kinds."""

    kind: ClassVar[NodeKind]

    code: Text = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
    name: Text = Field(min_length=1, max_length=300)
    illustrative: bool = Field(
        default=False, description="True when the body or person is invented for an example."
    )

    def properties(self) -> dict[str, Any]:
        """Graph properties: every set field, dates as ISO strings, plus the kind."""
        return {"kind": str(self.kind), **self.model_dump(mode="json", exclude_none=True)}


class Practice(Node):
    kind = NodeKind.PRACTICE
    postcode: Text | None = None
    list_size: Int64 | None = Field(default=None, ge=0)
    open_date: date | None = None
    close_date: date | None = None


class _Populated(Node):
    """A body whose residents are counted: its population from each day of `populations_from` to
    the day beside it in `populations_to`, summed over its small areas (LSOAs) from the mid-year
    estimate of `population_years`; a day no span covers has no population recorded."""

    populations: tuple[Int64, ...] | None = None
    populations_from: tuple[date, ...] | None = None
    populations_to: tuple[date, ...] | None = None
    population_years: tuple[Int64, ...] | None = Field(
        default=None, description="The mid-year LSOA estimate each population is summed from."
    )


class CCG(_Populated):
    kind = NodeKind.CCG
    ons_code: Text | None = None
    pathfinder: bool | None = None
    name_abbreviated: bool | None = Field(
        default=None,
        description="True when `name` is a publisher's short form (the ONS and ODS registers'), not "
        "the CCG's own statutory name.",
    )
    names: tuple[Text, ...] | None = Field(
        default=None,
        description="Every name the CCG bore, oldest first, each from the day beside it in "
        "`names_from` (set when the sources give it more than one); `name` is its last.",
    )
    names_from: tuple[date, ...] | None = None
    authorisation_wave: int | None = Field(default=None, ge=1, le=4)
    authorisation_date: date | None = None
    authorisation_outcome: AuthorisationOutcome | None = None
    authorisation_announced: Text | None = Field(
        default=None, description="When the outcome was announced, as published (a date or a month)."
    )
    conditions_count: int | None = Field(default=None, ge=0, le=1000)
    authorisation_source: Text | None = Field(
        default=None, description="Where the authorisation facts were published (URLs, ' | ' between)."
    )
    authorisation_quote: Text | None = Field(default=None, description="What the source says, quoted.")
    open_date: date | None = None
    close_date: date | None = None


class PCT(Node):
    kind = NodeKind.PCT
    ons_code: Text | None = None
    cluster_recorded: bool | None = Field(
        default=None,
        description="False when the sources say nothing of the PCT's cluster (the registers do not "
        "record clusters): a missing cluster is then a data gap, not a breach.",
    )
    open_date: date | None = None
    close_date: date | None = Field(
        default=None, description="PCTs were abolished on 1 April 2013 (Health and Social Care Act 2012 s.34)."
    )


class PCTCluster(Node):
    kind = NodeKind.PCT_CLUSTER
    open_date: date | None = None
    close_date: date | None = None


class SHA(Node):
    kind = NodeKind.SHA
    ons_code: Text | None = None
    open_date: date | None = None
    close_date: date | None = Field(
        default=None, description="SHAs were abolished on 1 April 2013 (Health and Social Care Act 2012 s.33)."
    )


class LocalAuthority(Node):
    """An upper-tier local authority (county, unitary, metropolitan or London borough)."""

    kind = NodeKind.LOCAL_AUTHORITY
    tier: Text | None = None
    open_date: date | None = None
    close_date: date | None = None


class HWB(Node):
    kind = NodeKind.HWB
    open_date: date | None = None
    close_date: date | None = None


class STP(Node):
    """A Sustainability and Transformation Partnership: the footprint CCGs planned in from 2016."""

    kind = NodeKind.STP
    open_date: date | None = None
    close_date: date | None = None


class SubICBLocation(_Populated):
    """The area of a CCG after 1 July 2022, when an integrated care board took over its duties:
    ODS keeps the CCG's code for it (`ods_code`); the node's code is `SICBL-` and that code, as
    codes are unique across kinds and the CCG keeps its own."""

    kind = NodeKind.SUB_ICB_LOCATION
    ods_code: Text | None = Field(default=None, max_length=16)
    ons_code: Text | None = None
    open_date: date | None = None
    close_date: date | None = None


def sub_icb_code(ods_code: str) -> str:
    """The graph's code for the sub-ICB location ODS codes `ods_code` (the CCG keeps the bare code).

    >>> sub_icb_code("16C")
    'SICBL-16C'
    """
    return f"SICBL-{ods_code}"


class ICB(_Populated):
    """An integrated care board (Health and Care Act 2022 s.19): from 1 July 2022, under the
    code of the STP it replaced; 12 merged into 6 on 1 April 2026."""

    kind = NodeKind.ICB
    ons_code: Text | None = None
    open_date: date | None = None
    close_date: date | None = None


class SubICBReportingEntity(Node):
    """A unit a London board reports by from 1 April 2024 (ODS role RO327: a borough or group
    of boroughs), below the board and apart from its sub-ICB location."""

    kind = NodeKind.SUB_ICB_REPORTING_ENTITY
    open_date: date | None = None
    close_date: date | None = None


class LsoaGroup(Node):
    """Small areas (2011 LSOAs) that every lookup read places in the same body: the unit the
    areas' cover of England is judged in. Open while a lookup in force describes them."""

    kind = NodeKind.LSOA_GROUP
    lsoas: Int64 | None = Field(default=None, ge=1, description="How many LSOAs the group holds.")
    lsoa_codes: tuple[Text, ...] = Field(default=(), description="Their ONS codes.")
    open_date: date | None = None
    close_date: date | None = None


class CSU(Node):
    kind = NodeKind.CSU


class NHSCB(Node):
    kind = NodeKind.NHS_CB


class Region(Node):
    kind = NodeKind.REGION
    open_date: date | None = None
    close_date: date | None = None


class AreaTeam(Node):
    kind = NodeKind.AREA_TEAM
    ons_code: Text | None = None
    open_date: date | None = None
    close_date: date | None = None


class Provider(Node):
    kind = NodeKind.PROVIDER
    provider_type: Text | None = Field(default=None, description="acute, community or mental_health")


class Healthwatch(Node):
    kind = NodeKind.HEALTHWATCH


class Person(Node):
    kind = NodeKind.PERSON
    gp_register: bool = False
    specialist_register: bool = False
    nmc_register: bool = Field(default=False, description="Registered nurse (NMC register).")
    accountancy_qualified: bool = False
    employer: Employer = Employer.NONE
    consultant_post: bool | None = Field(
        default=None,
        description="Holds a post as an NHS consultant or in a medical specialty in the armed forces "
        "(SI 2012/1631 reg 11(6)(b)); not recorded (null) is not judged.",
    )
    specialist_until: date | None = Field(
        default=None,
        description="The last day the person met all of reg 11(6)(a)-(c) (Specialist Register, "
        "consultant post, not on the GP Register), when they no longer do: a specialist qualifies "
        "if that day falls in the 10 years ending with their appointment.",
    )
    # SI 2012/1631 Schedule 5 (who may sit on no governing body); null is "not recorded", not judged
    elected_member: bool | None = Field(
        default=None, description="A Member of Parliament, of the European Parliament or of the London Assembly (para 1)."
    )
    councillor: bool | None = Field(
        default=None, description="A member of a local authority in England and Wales, or its equivalent elsewhere (para 2)."
    )
    commissioning_support: bool | None = Field(
        default=None,
        description="Provides the CCG, by arrangement, with a service or facility supporting its commissioning "
        "(not one it commissions), or is an employee, member or partner of a body that does (para 3).",
    )
    imprisonment_conviction: date | None = Field(
        default=None,
        description="The day of a conviction whose final outcome was a sentence of imprisonment of three months "
        "or more without the option of a fine (para 4: disqualifies for five years).",
    )
    bankruptcy_restrictions_from: date | None = Field(
        default=None, description="First day under a (interim) bankruptcy restrictions order (para 5)."
    )
    bankruptcy_restrictions_to: date | None = Field(
        default=None, description="Last day under it (none: still under it)."
    )


class Collaboration(Node):
    kind = NodeKind.COLLABORATION
    services: tuple[ServiceCategory, ...] = ()


class Service(Node):
    kind = NodeKind.SERVICE


class Condition(Node):
    """A condition attached to a CCG's authorisation (seed S2)."""

    kind = NodeKind.CONDITION
    domain: int | None = Field(default=None, ge=1, le=6)
    description: Text | None = None
    expires: date | None = None
    neighbour_commissions: ServiceCategory | None = Field(
        default=None, description="Declares that a neighbouring CCG commissions this service."
    )


NODE_CLASSES: dict[NodeKind, type[Node]] = {
    cls.kind: cls
    for cls in (
        Practice,
        CCG,
        PCT,
        PCTCluster,
        SHA,
        LocalAuthority,
        HWB,
        CSU,
        NHSCB,
        Region,
        AreaTeam,
        Provider,
        Healthwatch,
        Person,
        Collaboration,
        Service,
        Condition,
        STP,
        SubICBLocation,
        ICB,
        SubICBReportingEntity,
        LsoaGroup,
    )
}

K = NodeKind
# Which node kinds each relationship may join, and which properties it may carry.
ENDPOINTS: dict[RelType, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    RelType.MEMBER_OF: (frozenset({K.PRACTICE}), frozenset({K.CCG})),
    RelType.IN_CLUSTER: (frozenset({K.PCT}), frozenset({K.PCT_CLUSTER})),
    RelType.IN_SHA: (frozenset({K.PCT}), frozenset({K.SHA})),
    RelType.SUCCEEDED_BY: (
        frozenset({K.PCT, K.CCG, K.STP, K.ICB}),
        frozenset({K.CCG, K.SUB_ICB_LOCATION, K.ICB}),
    ),
    RelType.OVERLAPS: (frozenset({K.CCG}), frozenset({K.LOCAL_AUTHORITY})),
    RelType.HAS_HWB: (frozenset({K.LOCAL_AUTHORITY}), frozenset({K.HWB})),
    RelType.SEAT_ON: (frozenset({K.CCG, K.PERSON, K.HEALTHWATCH}), frozenset({K.HWB})),
    RelType.HEALTHWATCH_FOR: (frozenset({K.HEALTHWATCH}), frozenset({K.LOCAL_AUTHORITY})),
    RelType.SUPPORTED_BY: (frozenset({K.CCG}), frozenset({K.CSU})),
    RelType.ACCOUNTABLE_TO: (
        frozenset({K.CCG, K.AREA_TEAM, K.REGION, K.ICB}),
        frozenset({K.AREA_TEAM, K.REGION, K.NHS_CB}),
    ),
    RelType.HOLDS_ROLE: (frozenset({K.PERSON}), frozenset({K.CCG})),
    RelType.PARTY_TO: (frozenset({K.CCG}), frozenset({K.COLLABORATION})),
    RelType.LED_BY: (frozenset({K.COLLABORATION}), frozenset({K.CCG})),
    RelType.WITH_PROVIDER: (frozenset({K.COLLABORATION}), frozenset({K.PROVIDER})),
    RelType.COMMISSIONS: (frozenset({K.CCG, K.NHS_CB}), frozenset({K.SERVICE})),
    RelType.HAS_CONDITION: (frozenset({K.CCG}), frozenset({K.CONDITION})),
    RelType.CONDITION_OWNER: (
        frozenset({K.CONDITION}),
        frozenset({K.NHS_CB, K.AREA_TEAM, K.REGION, K.CCG, K.CSU}),
    ),
    RelType.INTENSIVE_SUPPORT_FROM: (
        frozenset({K.CCG}),
        frozenset({K.NHS_CB, K.AREA_TEAM, K.REGION, K.CCG, K.CSU}),
    ),
    RelType.IN_STP: (frozenset({K.CCG}), frozenset({K.STP})),
    RelType.IN_ICB: (frozenset({K.SUB_ICB_LOCATION, K.SUB_ICB_REPORTING_ENTITY}), frozenset({K.ICB})),
    RelType.COMMISSIONED_BY: (frozenset({K.PRACTICE}), frozenset({K.SUB_ICB_LOCATION})),
    RelType.ON_BOARD: (frozenset({K.PERSON}), frozenset({K.ICB})),
    RelType.IN_AREA_OF: (frozenset({K.LSOA_GROUP}), frozenset({K.CCG, K.SUB_ICB_LOCATION})),
}

Scalar = str | int | float | bool


QUALIFIERS: dict[Any, tuple[str, ...]] = {  # the qualifiers a link of each type may carry
    RelType.HOLDS_ROLE: tuple(r.value for r in GoverningRole),
    RelType.SEAT_ON: tuple(s.value for s in HwbSeat),
    RelType.PARTY_TO: tuple(p.value for p in PartyRole),
    RelType.ON_BOARD: tuple(b.value for b in BoardRole),
}


class Relationship(_Record):
    """A directed, typed, optionally dated link between two coded nodes.

    `qualifier` tells apart parallel links of one type between the same two nodes (a person's
    several roles on one CCG; the population a service is commissioned for).
    """

    source: Text
    target: Text
    rel: RelType
    qualifier: Text = ""
    valid_from: date | None = None
    valid_to: date | None = None
    share: float | None = Field(default=None, ge=0, le=100, description="Percentage share.")
    count: Int64 | None = Field(default=None, ge=0)
    source_url: Text | None = Field(default=None, description="Where the fact was published.")
    quote: Text | None = Field(default=None, description="What the source says, quoted.")
    derived: bool | None = Field(
        default=None,
        description="True when ccgraph inferred the link (say, carried a membership along a merger) "
        "rather than read it from a source.",
    )

    @field_validator("qualifier")
    @classmethod
    def _qualifier_of_its_kind(cls, value: str, info: Any) -> str:
        """A role, a seat or a party's role is one the rules know, whoever wrote the link (a
        graph file is edited by hand): an unknown one would be judged as no role at all."""
        allowed = QUALIFIERS.get(info.data.get("rel"))
        if allowed is not None and value not in allowed:
            raise ValueError(f"{value[:40]!r} is not one of {', '.join(allowed)} (for {info.data['rel']})")
        return value

    @field_validator("valid_to")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: Any) -> date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value < start:
            raise ValueError(f"valid_to {value} is before valid_from {start}")
        return value

    @property
    def key(self) -> str:
        """Identity among parallel links between the same two nodes (a practice may leave and
        rejoin one CCG, so the start date is part of it)."""
        start = self.valid_from.isoformat() if self.valid_from else ""
        return f"{self.rel}|{self.qualifier}|{start}"

    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {"rel": str(self.rel), "qualifier": self.qualifier}
        for name in ("valid_from", "valid_to", "share", "count", "source_url", "quote", "derived"):
            value = getattr(self, name)
            if value is not None:
                props[name] = value.isoformat() if isinstance(value, date) else value
        return props
