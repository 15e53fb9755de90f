"""The check registry: each check's id, rule, source, severity, fix hint, Cypher and NetworkX twins.

Adding a check means one `.cypher` file in `queries/cypher/`, one function in
`queries/networkx_checks.py`, one entry here and one test in `tests/test_checks.py`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graphmodel.model import (
    REQUIRED_ROLES_2012,
    CCG_SERVICES,
    LAY_EXCLUDED_EMPLOYERS,
    LAY_ROLES,
    NHS_CB_SERVICES,
    HwbSeat,
)
from graphmodel.national import service_code
from queries import networkx_checks as nxc

CYPHER_DIR = Path(__file__).with_name("cypher")
REGULATIONS_2022 = date(2022, 4, 14)  # SI 2022/316 in force


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class CheckSettings(BaseModel):
    """Parameters shared by the checks; every one has a sensible default."""

    model_config = ConfigDict(extra="forbid")
    as_at: date = Field(default=date(2013, 4, 1), description="Evaluate the rules in force on this date.")
    tolerance_pct: float = Field(
        default=5.0, ge=0, le=100, description="Ignore overlaps under this % of a CCG."
    )
    boundary_exceptions: list[str] = Field(
        default_factory=list, description="CCGs approved to cross boundaries."
    )

    def query_parameters(self) -> dict[str, Any]:
        """The parameters every check receives (Cypher ignores those it does not use)."""
        post_2022 = self.as_at >= REGULATIONS_2022
        return {
            "as_at": self.as_at.isoformat(),
            "deadline": "2013-04-01",
            "tolerance_pct": float(self.tolerance_pct),
            "exceptions": list(self.boundary_exceptions),
            "required": governing_body_requirements(post_2022),
            "min_members": 4 if post_2022 else 6,
            "lay_excluded_employers": sorted(str(e) for e in LAY_EXCLUDED_EMPLOYERS),
            "lay_roles": [str(r) for r in LAY_ROLES],
            "seats": [s.value for s in HwbSeat],
            "ccg_services": [str(s) for s in CCG_SERVICES],
            "ccg_service_codes": [service_code(s) for s in CCG_SERVICES],
            "reserved_service_codes": [service_code(s) for s in NHS_CB_SERVICES],
        }


def governing_body_requirements(post_2022: bool) -> list[list[str]]:
    """Required governing-body roles, each a list of acceptable alternatives (reg 11)."""
    if post_2022:  # SI 2022/316: nurse OR specialist; one lay person of either kind
        return [
            ["chair"],
            ["accountable_officer"],
            ["chief_finance_officer"],
            ["registered_nurse", "secondary_care_specialist"],
            ["lay_member_finance_audit", "lay_member_area_knowledge"],
        ]
    return [[role] for role in REQUIRED_ROLES_2012]


def _join(items: list[Any]) -> str:
    return ", ".join(map(str, items)) if items else "none"


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    rule: str
    source: str
    severity: Severity
    fix: str
    networkx: Callable[..., list[tuple[str, dict[str, Any]]]]
    describe: Callable[[dict[str, Any]], str]

    @cached_property
    def cypher(self) -> str:
        return (CYPHER_DIR / f"{self.id}.cypher").read_text(encoding="utf-8")

    @property
    def parameters(self) -> list[str]:
        return [p for p in inspect.signature(self.networkx).parameters if p != "graph"]


GAP = "nothing recorded to check (data gap)"


def _gap_or(describe: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    return lambda ev: GAP if ev.get("recorded") is False else describe(ev)


CHECKS: tuple[Check, ...] = (
    Check(
        "practice_single_membership",
        "Every practice is a member of exactly one CCG",
        "Every GP practice is a member of a CCG, and of one only.",
        "S1 'All GPs will need to be part of a CCG'; S4 'All 8,000-plus GP practices ... members of a CCG'",
        Severity.ERROR,
        "Record the practice's CCG membership (ODS epcmem) or end the extra one.",
        nxc.practice_single_membership,
        lambda ev: f"member of {len(ev['ccgs'])} CCGs on the date ({_join(ev['ccgs'])})",
    ),
    Check(
        "ccg_without_practices",
        "No CCG without member practices",
        "A CCG is formed of its member GP practices.",
        "S4 'led by their members: the GP practices'",
        Severity.ERROR,
        "Check the CCG's memberships, or whether it had closed by the date.",
        nxc.ccg_without_practices,
        lambda ev: "has no member practices on the date",
    ),
    Check(
        "boundary_crossing_ccgs",
        "CCG boundaries do not cross local-authority boundaries",
        "A CCG's boundary should not normally cross upper-tier local-authority boundaries.",
        "S1 'Groups will have boundaries that will not normally cross those of local authorities'",
        Severity.WARNING,
        "Approve it as an exception (boundary_exceptions) or review the configuration.",
        nxc.boundary_crossing_ccgs,
        lambda ev: "crosses "
        + _join(
            [
                f"{a.get('name', '')} {a['authority']} ({a['share']:g}%)".strip()
                for a in sorted(ev["authorities"], key=lambda a: -a["share"])
            ]
        ),
    ),
    Check(
        "governing_body_roles",
        "The governing body has every required role",
        "Chair, deputy chair, accountable officer, chief finance officer, registered nurse, "
        "secondary-care specialist and two lay members; at least six members (from 14 April 2022: "
        "four, nurse or specialist, one lay member).",
        "SI 2012/1631 regs 11-12 (as made); SI 2022/316; S0; S1",
        Severity.ERROR,
        "Appoint to the missing roles and record them under governing_bodies.",
        nxc.governing_body_roles,
        _gap_or(
            lambda ev: f"missing {_join(ev['missing'])}; {ev['members']} members (at least {ev['min_members']})"
        ),
    ),
    Check(
        "governing_body_incompatible_roles",
        "No one holds incompatible or unqualified roles",
        "A lay chair cannot be the finance/audit lay member; the nurse, specialist and CFO must "
        "hold the qualification; Schedule 4 bars some employees from lay membership.",
        "SI 2012/1631 regs 11-12 and Schedule 4",
        Severity.ERROR,
        "Appoint a different, eligible person to one of the roles.",
        nxc.governing_body_incompatible_roles,
        lambda ev: f"{ev['person']}: {'; '.join(ev['problems'])}",
    ),
    Check(
        "collaboration_lead",
        "Each collaborative arrangement has exactly one lead",
        "One CCG leads a collaborative arrangement with a provider for its neighbours.",
        "S2 'the more mature one leads with that provider'",
        Severity.ERROR,
        "Name exactly one lead CCG for the arrangement.",
        nxc.collaboration_lead,
        lambda ev: f"has {len(ev['leads'])} leads ({_join(ev['leads'])})",
    ),
    Check(
        "collaboration_lead_eligibility",
        "A lead is a member in good standing",
        "The lead is a party to the arrangement and neither under legal directions nor a junior partner.",
        "S2 (junior-partner status; more mature CCG leads); S4 (legal directions)",
        Severity.ERROR,
        "Choose a lead that is a full party and not under directions or a junior partner.",
        nxc.collaboration_lead_eligibility,
        lambda ev: f"lead {ev['lead']}: {'; '.join(ev['problems'])}",
    ),
    Check(
        "undeclared_neighbour_commissioning",
        "Services commissioned by a neighbour are declared",
        "A neighbour commissioning services for a CCG is a condition of its authorisation and must be declared.",
        "S2 'some services within a CCG with conditions are commissioned by a neighbouring CCG'",
        Severity.ERROR,
        "Record an authorisation condition with neighbour_commissions for the service.",
        nxc.undeclared_neighbour_commissioning,
        lambda ev: f"{ev['service']} commissioned by {ev['commissioner']} without a declared condition",
    ),
    Check(
        "hwb_ccg_seats",
        "Each CCG sits on the HWB of every authority it overlaps",
        "CCGs are members of the Health and Wellbeing Board of each authority in their area.",
        "S1 (HWB membership includes Clinical Commissioning Groups)",
        Severity.ERROR,
        "Record the CCG's seat on that board, or correct the overlap.",
        nxc.hwb_ccg_seats,
        lambda ev: f"not on {ev['hwb']} though it overlaps {ev['authority']} ({ev['share']:g}%)",
    ),
    Check(
        "hwb_statutory_members",
        "Each HWB has its statutory members",
        "CCG, director of public health, directors of children's and adult social services, an "
        "elected councillor and local Healthwatch.",
        "S1 (HWB membership list)",
        Severity.ERROR,
        "Record the missing seats under hwb_memberships.",
        nxc.hwb_statutory_members,
        _gap_or(lambda ev: f"missing {_join(ev['missing'])}"),
    ),
    Check(
        "authorisation_by_april_2013",
        "Every CCG authorised by 1 April 2013",
        "CCGs are authorised in one of four waves and fully responsible from 1 April 2013.",
        "S2 (four waves from July 2012); S4 (211 CCGs from 1 April 2013)",
        Severity.ERROR,
        "Record the authorisation outcome, wave and date.",
        nxc.authorisation_by_april_2013,
        _gap_or(
            lambda ev: f"not authorised by 2013-04-01 (outcome {ev.get('outcome')}, date {ev.get('date')})"
        ),
    ),
    Check(
        "authorisation_conditions",
        "Conditions have an owner and an expiry",
        "Conditions give formal, possibly time-limited support: each needs an owner and an end date.",
        "S2 'Conditions could be time-limited'; S4 (formal support)",
        Severity.WARNING,
        "Record who owns each condition and when it expires.",
        nxc.authorisation_conditions,
        lambda ev: (
            "conditional authorisation outcome but no condition recorded"
            if ev.get("condition") is None
            else f"condition {ev['condition']} lacks {_join(ev['missing'])}"
        ),
    ),
    Check(
        "directions_support",
        "CCGs under legal directions have a named source of support",
        "Intensive support under legal directions comes from the NHS CB or neighbouring CCGs.",
        "S4 'more intensive support ... provided by the NHS Commissioning Board or neighbouring CCGs'",
        Severity.ERROR,
        "Record support_from for the authorisation.",
        nxc.directions_support,
        lambda ev: "under legal directions; no source of intensive support recorded",
    ),
    Check(
        "reserved_commissioning",
        "No CCG commissions what the NHS CB commissions directly",
        "General practice, pharmacy, dentistry and specialised services are commissioned by the NHS CB.",
        "S1 'The NHS Commissioning Board will also be responsible for directly commissioning'",
        Severity.ERROR,
        "Move the commissioning to the NHS CB.",
        nxc.reserved_commissioning,
        lambda ev: f"commissions {ev['service']} (reserved to the NHS CB) for {ev['population']}",
    ),
    Check(
        "uncommissioned_services",
        "Every CCG service category has a commissioner",
        "Hospital (elective, acute, emergency), community and mental-health services are commissioned "
        "for every CCG's population.",
        "S1 'CCGs will be responsible for commissioning hospital services...'",
        Severity.ERROR,
        "Record who commissions each missing service for the population.",
        nxc.uncommissioned_services,
        _gap_or(lambda ev: f"no commissioner for {_join(ev['missing'])}"),
    ),
    Check(
        "pct_succession",
        "Every PCT's population passes to a CCG",
        "CCGs replace PCTs from April 2013.",
        "S1 'They will replace Primary Care Trusts'; S4",
        Severity.ERROR,
        "Record the CCG(s) succeeding the PCT.",
        nxc.pct_succession,
        lambda ev: "no CCG succeeds this PCT",
    ),
    Check(
        "pct_in_cluster",
        "Every PCT is in a cluster",
        "The PCTs were organised into 51 clusters for the transition.",
        "S1 'organised into 51 clusters'",
        Severity.ERROR,
        "Record the PCT's cluster under pct_clusters.",
        nxc.pct_in_cluster,
        _gap_or(lambda ev: "in no PCT cluster"),
    ),
)

BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}


def catalogue_markdown() -> str:
    """The check catalogue as Markdown; docs/checks.md is exactly this (a test keeps it so)."""
    lines = [
        "# The check catalogue",
        "",
        "Generated by `ccgraph checks --markdown` from `queries/registry.py`. Each check has a",
        "Cypher file in `queries/cypher/` and a function in `queries/networkx_checks.py`; tests",
        'prove both return identical findings. Evidence `{"recorded": false}` marks a data gap',
        "(nothing recorded to check), reported as `info`.",
        "",
    ]
    for c in CHECKS:
        lines += [
            f"## `{c.id}` — {c.title}",
            "",
            f"- **Rule:** {c.rule}",
            f"- **Source:** {c.source}",
            f"- **Severity:** {c.severity.value}",
            f"- **Parameters:** {', '.join(c.parameters)}",
            f"- **Fix:** {c.fix}",
            f"- **Cypher:** `queries/cypher/{c.id}.cypher`",
            "",
        ]
    return "\n".join(lines)
