"""The scenario format: curated facts no national register holds, as one YAML file.

Format `ccgraph-scenario/1` (see docs/scenario.md and docs/scenario.schema.json). A scenario
can stand alone (it then declares its own CCGs, practices and authorities) or be laid over the
England-2013 data, referring to real bodies by their ODS/ONS codes. Invented organisations and
people must carry `illustrative: true`; the loader refuses an unlabelled invented person.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.input_files import load_yaml
from graphmodel.model import (
    NODE_CLASSES,
    AuthorisationOutcome,
    Employer,
    GoverningRole,
    HwbSeat,
    NodeKind,
    PartyRole,
    Relationship,
    RelType,
    ServiceCategory,
)
from graphmodel.national import add_national_layer, service_code

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
    hwb_memberships: list[HwbMembership] = Field(default_factory=list)
    csu_support: list[Support] = Field(default_factory=list)
    collaborations: list[CollaborationSpec] = Field(default_factory=list)
    authorisations: list[Authorisation] = Field(default_factory=list)
    commissioning: list[Commissioning] = Field(default_factory=list)
    oversight: list[Oversight] = Field(default_factory=list)
    links: list[Relationship] = Field(
        default_factory=list, description="Any other relationship, e.g. HAS_HWB (authority -> board)."
    )

    @model_validator(mode="after")
    def _people_are_labelled(self) -> "Scenario":
        for p in self.people:
            if not p.illustrative:
                raise ValueError(f"person {p.code}: people in a scenario must be illustrative: true")
        return self


def json_schema() -> dict[str, Any]:
    return Scenario.model_json_schema()


class _LineLoader(yaml.SafeLoader):
    """YAML loader that records the line of every mapping, so errors can name it.

    Dates stay strings here (pydantic parses them), so an impossible date such as 2013-02-30
    becomes a located validation error rather than an exception inside the YAML parser.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _line_of(raw: Any, loc: tuple[int | str, ...]) -> int:
    line, node = 0, raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = node.get("__line__", line)
    return line


def read_scenario(path: Path) -> Scenario:
    """Parse and validate a scenario file; errors name file, line and field."""
    name = Path(path).name
    raw = load_yaml(path, _LineLoader)
    if not isinstance(raw, dict):
        raise InputError([Problem(Location(name, 1), "format", "a scenario is a YAML mapping")])
    try:
        return Scenario.model_validate(_strip_lines(raw))
    except ValidationError as err:
        problems = [
            Problem(
                Location(name, _line_of(raw, e["loc"])),
                ".".join(map(str, e["loc"])) or "*",
                e["msg"]
                + (
                    f" (got {str(e['input'])[:60]!r})"
                    if e["type"] not in ("missing",) and not isinstance(e["input"], dict)
                    else ""
                ),
            )
            for e in err.errors()
        ]
        raise InputError(problems) from None


def scenario_dataset(scenario: Scenario, file_name: str) -> Dataset:
    """Turn a validated scenario into nodes and relationships (references checked later)."""
    ds = Dataset()
    here = Location(file_name)
    add_national_layer(ds)

    def node(kind: NodeKind, **fields: Any) -> None:
        try:
            ds.add_node(NODE_CLASSES[kind](**fields), here)
        except ValidationError as err:
            for e in err.errors():
                ds.problem(here, f"{fields.get('code')}.{'.'.join(map(str, e['loc']))}", e["msg"])

    def link(source: str, target: str, rel: RelType, **fields: Any) -> None:
        try:
            ds.add_relationship(Relationship(source=source, target=target, rel=rel, **fields), here)
        except ValidationError as err:
            for e in err.errors():
                ds.problem(here, f"{rel}.{'.'.join(map(str, e['loc']))}", e["msg"])

    for org in scenario.organisations:
        node(org.kind, code=org.code, name=org.name, illustrative=org.illustrative, **org.properties)
    for p in scenario.people:
        node(NodeKind.PERSON, **p.model_dump())
    for m in scenario.memberships:
        link(m.practice, m.ccg, RelType.MEMBER_OF, valid_from=m.valid_from, valid_to=m.valid_to)
    for overlap in scenario.overlaps:
        link(overlap.ccg, overlap.authority, RelType.OVERLAPS, share=overlap.share)
    for cluster in scenario.pct_clusters:
        node(NodeKind.PCT_CLUSTER, code=cluster.code, name=cluster.name, illustrative=cluster.illustrative)
        for pct in cluster.pcts:
            link(pct, cluster.code, RelType.IN_CLUSTER)
    for succession in scenario.pct_successions:
        link(succession.pct, succession.ccg, RelType.SUCCEEDED_BY, share=succession.share)
    for gb in scenario.governing_bodies:
        for member in gb.members:
            for role in member.roles:
                link(
                    member.person,
                    gb.ccg,
                    RelType.HOLDS_ROLE,
                    qualifier=role,
                    valid_from=member.valid_from,
                    valid_to=member.valid_to,
                )
    for h in scenario.hwb_memberships:
        for seat in h.seats:
            link(seat.holder, h.hwb, RelType.SEAT_ON, qualifier=seat.seat)
    for support in scenario.csu_support:
        link(
            support.ccg,
            support.csu,
            RelType.SUPPORTED_BY,
            valid_from=support.valid_from,
            valid_to=support.valid_to,
        )
    for collab in scenario.collaborations:
        node(
            NodeKind.COLLABORATION,
            code=collab.code,
            name=collab.name,
            illustrative=collab.illustrative,
            services=tuple(collab.services),
        )
        for lead in collab.lead:
            link(collab.code, lead, RelType.LED_BY)
        for party in collab.members:
            link(party, collab.code, RelType.PARTY_TO, qualifier=PartyRole.MEMBER)
        for junior in collab.junior_partners:
            link(junior, collab.code, RelType.PARTY_TO, qualifier=PartyRole.JUNIOR_PARTNER)
        if collab.provider:
            link(collab.code, collab.provider, RelType.WITH_PROVIDER)
    for a in scenario.authorisations:
        _authorise(ds, a, node, link)
    for order in scenario.commissioning:
        link(order.commissioner, service_code(order.service), RelType.COMMISSIONS, qualifier=order.population)
    for oversight in scenario.oversight:
        link(oversight.body, oversight.accountable_to, RelType.ACCOUNTABLE_TO)
    for x in scenario.links:
        ds.add_relationship(x, here)
    return ds


def _authorise(ds: Dataset, a: Authorisation, node, link) -> None:
    """Conditions and the source of intensive support; the outcome itself is set on the CCG
    node by `apply_authorisations` once the registry and the scenario are merged."""
    for c in a.conditions:
        node(
            NodeKind.CONDITION,
            code=c.code,
            name=c.description or c.code,
            illustrative=c.illustrative,
            domain=c.domain,
            description=c.description,
            expires=c.expires,
            neighbour_commissions=c.neighbour_commissions,
        )
        link(a.ccg, c.code, RelType.HAS_CONDITION)
        if c.owner:
            link(c.code, c.owner, RelType.CONDITION_OWNER)
    if a.support_from:
        link(a.ccg, a.support_from, RelType.INTENSIVE_SUPPORT_FROM)


def apply_authorisations(target: Dataset, scenario: Scenario, file_name: str) -> None:
    """Set each CCG's authorisation wave, date and outcome on its node in the merged dataset."""
    for a in scenario.authorisations:
        ccg = target.nodes.get(a.ccg)
        if ccg is None or ccg.kind != NodeKind.CCG:
            target.problem(Location(file_name), f"authorisations.{a.ccg}", f"unknown CCG {a.ccg!r}")
            continue
        target.nodes[a.ccg] = ccg.model_copy(
            update={
                "authorisation_wave": a.wave,
                "authorisation_date": a.date,
                "authorisation_outcome": a.outcome,
            }
        )


def load_scenario(path: Path) -> tuple[Scenario, Dataset]:
    scenario = read_scenario(path)
    return scenario, scenario_dataset(scenario, Path(path).name)
