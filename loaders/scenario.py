"""A scenario file read and built into a dataset: curated facts no national register holds.

Its format, `ccgraph-scenario/1`, is `loaders.scenario_format` (docs/scenario.md). A scenario
can stand alone (it then declares its own CCGs, practices and authorities) or be laid over the
England-2013 data, referring to real bodies by their ODS/ONS codes. Invented organisations and
people must carry `illustrative: true`; the loader refuses an unlabelled invented person.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.input_files import load_yaml
from graphmodel.model import (
    NODE_CLASSES,
    NodeKind,
    PartyRole,
    Relationship,
    RelType,
)
from graphmodel.national import add_national_layer, service_code
from loaders.scenario_format import (
    Authorisation,
    BoardMember,
    GoverningBody,
    GoverningMember,
    IcbBoard,
    Scenario,
    json_schema,
)

__all__ = ["Scenario", "apply_authorisations", "json_schema", "load_scenario", "read_scenario", "scenario_dataset"]


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
    return read_scenario_with_lines(path)[0]


def read_scenario_with_lines(path: Path) -> tuple[Scenario, Any]:
    """The validated scenario and the file as read, each mapping with its `__line__`."""
    name = Path(path).name
    raw = load_yaml(path, _LineLoader)
    if not isinstance(raw, dict):
        raise InputError([Problem(Location(name, 1), "format", "a scenario is a YAML mapping")])
    try:
        return Scenario.model_validate(_strip_lines(raw)), raw
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


def _written(loc: tuple[int | str, ...]) -> str:
    """A place in the scenario as its author sees it: ("memberships", 3, "ccg") -> memberships[3].ccg."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def scenario_dataset(scenario: Scenario, file_name: str, raw: Any = None) -> Dataset:
    """Turn a validated scenario into nodes and relationships (references checked later). With
    `raw` (the file as read, with lines), every later problem names the line and the field as
    the author wrote them: `memberships[3].ccg`, not `target`."""
    ds = Dataset()
    add_national_layer(ds)

    def at(loc: tuple[int | str, ...]) -> Location:
        return Location(file_name, _line_of(raw, loc) if raw is not None else 0)

    def node(kind: NodeKind, loc: tuple[int | str, ...], **fields: Any) -> None:
        where = at(loc)
        try:
            ds.add_node(NODE_CLASSES[kind](**fields), where, field_name=_written((*loc, "code")))
        except ValidationError as err:
            for e in err.errors():
                ds.problem(where, _written((*loc, *(p for p in e["loc"] if p != "properties"))), e["msg"])

    def link(
        source: str,
        target: str,
        rel: RelType,
        loc: tuple[int | str, ...],
        source_at: tuple[int | str, ...],
        target_at: tuple[int | str, ...],
        **fields: Any,
    ) -> None:
        where = at(loc)
        try:
            relationship = Relationship(source=source, target=target, rel=rel, **fields)
        except ValidationError as err:
            for e in err.errors():
                ds.problem(where, _written((*loc, *e["loc"])), e["msg"])
            return
        ds.add_relationship(
            relationship, where, written={"source": _written(source_at), "target": _written(target_at)}
        )

    here: tuple[int | str, ...]  # where in the file each record was written
    for i, org in enumerate(scenario.organisations):
        node(
            org.kind,
            ("organisations", i),
            code=org.code,
            name=org.name,
            illustrative=org.illustrative,
            **org.properties,
        )
    for i, p in enumerate(scenario.people):
        node(NodeKind.PERSON, ("people", i), **p.model_dump())
    for i, m in enumerate(scenario.memberships):
        here = ("memberships", i)
        link(
            m.practice,
            m.ccg,
            RelType.MEMBER_OF,
            here,
            (*here, "practice"),
            (*here, "ccg"),
            valid_from=m.valid_from,
            valid_to=m.valid_to,
        )
    for i, overlap in enumerate(scenario.overlaps):
        here = ("overlaps", i)
        link(
            overlap.ccg,
            overlap.authority,
            RelType.OVERLAPS,
            here,
            (*here, "ccg"),
            (*here, "authority"),
            share=overlap.share,
        )
    for i, cluster in enumerate(scenario.pct_clusters):
        here = ("pct_clusters", i)
        node(
            NodeKind.PCT_CLUSTER,
            here,
            code=cluster.code,
            name=cluster.name,
            illustrative=cluster.illustrative,
        )
        for j, pct in enumerate(cluster.pcts):
            link(pct, cluster.code, RelType.IN_CLUSTER, here, (*here, "pcts", j), (*here, "code"))
    for i, succession in enumerate(scenario.pct_successions):
        here = ("pct_successions", i)
        link(
            succession.pct,
            succession.ccg,
            RelType.SUCCEEDED_BY,
            here,
            (*here, "pct"),
            (*here, "ccg"),
            share=succession.share,
        )
    def members(bodies: Sequence[GoverningBody | IcbBoard], section: str, body: str, rel: RelType) -> None:
        """A governing body's or a board's members, a link per role each holds."""
        for i, entry in enumerate(bodies):
            seats: Sequence[GoverningMember | BoardMember] = entry.members
            for j, member in enumerate(seats):
                here = (section, i, "members", j)
                for role in member.roles:
                    link(
                        member.person,
                        getattr(entry, body),
                        rel,
                        here,
                        (*here, "person"),
                        (section, i, body),
                        qualifier=role,
                        valid_from=member.valid_from,
                        valid_to=member.valid_to,
                    )

    members(scenario.governing_bodies, "governing_bodies", "ccg", RelType.HOLDS_ROLE)
    members(scenario.icb_boards, "icb_boards", "icb", RelType.ON_BOARD)
    for i, h in enumerate(scenario.hwb_memberships):
        for j, seat in enumerate(h.seats):
            here = ("hwb_memberships", i, "seats", j)
            link(
                seat.holder,
                h.hwb,
                RelType.SEAT_ON,
                here,
                (*here, "holder"),
                ("hwb_memberships", i, "hwb"),
                qualifier=seat.seat,
            )
    for i, support in enumerate(scenario.csu_support):
        here = ("csu_support", i)
        link(
            support.ccg,
            support.csu,
            RelType.SUPPORTED_BY,
            here,
            (*here, "ccg"),
            (*here, "csu"),
            valid_from=support.valid_from,
            valid_to=support.valid_to,
        )
    for i, collab in enumerate(scenario.collaborations):
        here = ("collaborations", i)
        node(
            NodeKind.COLLABORATION,
            here,
            code=collab.code,
            name=collab.name,
            illustrative=collab.illustrative,
            services=tuple(collab.services),
        )
        for j, lead in enumerate(collab.lead):
            link(collab.code, lead, RelType.LED_BY, here, (*here, "code"), (*here, "lead", j))
        for j, party in enumerate(collab.members):
            link(
                party,
                collab.code,
                RelType.PARTY_TO,
                here,
                (*here, "members", j),
                (*here, "code"),
                qualifier=PartyRole.MEMBER,
            )
        for j, junior in enumerate(collab.junior_partners):
            link(
                junior,
                collab.code,
                RelType.PARTY_TO,
                here,
                (*here, "junior_partners", j),
                (*here, "code"),
                qualifier=PartyRole.JUNIOR_PARTNER,
            )
        if collab.provider:
            link(
                collab.code,
                collab.provider,
                RelType.WITH_PROVIDER,
                here,
                (*here, "code"),
                (*here, "provider"),
            )
    for i, a in enumerate(scenario.authorisations):
        _authorise(a, ("authorisations", i), node, link)
    for i, order in enumerate(scenario.commissioning):
        here = ("commissioning", i)
        link(
            order.commissioner,
            service_code(order.service),
            RelType.COMMISSIONS,
            here,
            (*here, "commissioner"),
            (*here, "service"),
            qualifier=order.population,
        )
    for i, oversight in enumerate(scenario.oversight):
        here = ("oversight", i)
        link(
            oversight.body,
            oversight.accountable_to,
            RelType.ACCOUNTABLE_TO,
            here,
            (*here, "body"),
            (*here, "accountable_to"),
        )
    for i, x in enumerate(scenario.links):
        here = ("links", i)
        ds.add_relationship(
            x,
            at(here),
            written={"source": _written((*here, "source")), "target": _written((*here, "target"))},
        )
    return ds


def _authorise(a: Authorisation, here: tuple[int | str, ...], node, link) -> None:
    """Conditions and the source of intensive support; the outcome itself is set on the CCG
    node by `apply_authorisations` once the registry and the scenario are merged."""
    for j, c in enumerate(a.conditions):
        at = (*here, "conditions", j)
        node(
            NodeKind.CONDITION,
            at,
            code=c.code,
            name=c.description or c.code,
            illustrative=c.illustrative,
            domain=c.domain,
            description=c.description,
            expires=c.expires,
            neighbour_commissions=c.neighbour_commissions,
        )
        link(a.ccg, c.code, RelType.HAS_CONDITION, at, (*here, "ccg"), (*at, "code"))
        if c.owner:
            link(c.code, c.owner, RelType.CONDITION_OWNER, at, (*at, "code"), (*at, "owner"))
    if a.support_from:
        link(
            a.ccg,
            a.support_from,
            RelType.INTENSIVE_SUPPORT_FROM,
            here,
            (*here, "ccg"),
            (*here, "support_from"),
        )


def apply_authorisations(target: Dataset, scenario: Scenario, file_name: str, raw: Any = None) -> None:
    """Set each CCG's authorisation wave, date and outcome on its node in the merged dataset."""
    for i, a in enumerate(scenario.authorisations):
        ccg = target.nodes.get(a.ccg)
        if ccg is None or ccg.kind != NodeKind.CCG:
            line = _line_of(raw, ("authorisations", i)) if raw is not None else 0
            found = f"a {ccg.kind}, not a CCG" if ccg is not None else "unknown CCG"
            target.problem(Location(file_name, line), f"authorisations[{i}].ccg", f"{found}: {a.ccg!r}")
            continue
        target.nodes[a.ccg] = ccg.model_copy(
            update={
                "authorisation_wave": a.wave,
                "authorisation_date": a.date,
                "authorisation_outcome": a.outcome,
                "authorisation_source": a.source,
            }
        )


def load_scenario(path: Path) -> tuple[Scenario, Dataset, Any]:
    """The scenario, its dataset, and the file as read (with lines, for later problems)."""
    scenario, raw = read_scenario_with_lines(path)
    return scenario, scenario_dataset(scenario, Path(path).name, raw), raw
