"""The check registry: every registered check, the settings they share, and the catalogue.

A check registers itself (`queries.check`): importing `queries.checks` registers the built-in
ones. The registry orders them by the rule book's sections (`rules_coverage.yaml`), then as
registered. Adding a check touches its module, its Cypher and its case file:
docs/adding-a-check.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from graphmodel.model import (
    REQUIRED_ROLES_2012,
    CCG_SERVICES,
    NHS_CB_SERVICES,
    HwbSeat,
)
from graphmodel.national import service_code
from graphmodel.synthetic import Synthetic
from graphmodel.synthetic import generate as _generate
import queries.checks  # noqa: F401  (registers the built-in checks)
from queries.check import Check, Severity, recipes, registered
from queries.checks.governing_body import LAY_EXCLUDED_EMPLOYERS, LAY_ROLES, REG12_EXCLUDED_EMPLOYERS

__all__ = ["BY_ID", "CHECKS", "Check", "CheckSettings", "Severity", "generate_with_breaches"]

REGULATIONS_2022 = date(2022, 4, 14)  # SI 2022/316 in force


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
            "eve": (self.as_at - timedelta(days=1)).isoformat(),  # the day before: a closing's last day
            "deadline": "2013-04-01",
            "tolerance_pct": float(self.tolerance_pct),
            "exceptions": list(self.boundary_exceptions),
            "required": governing_body_requirements(post_2022),
            "min_members": 4 if post_2022 else 6,
            "lay_excluded_employers": sorted(str(e) for e in LAY_EXCLUDED_EMPLOYERS),
            "lay_roles": [str(r) for r in LAY_ROLES],
            "reg12_excluded_employers": sorted(str(e) for e in REG12_EXCLUDED_EMPLOYERS),
            "seats": [s.value for s in HwbSeat],
            "ccg_services": [str(s) for s in CCG_SERVICES],
            "ccg_service_codes": [service_code(s) for s in CCG_SERVICES],
            "reserved_service_codes": [service_code(s) for s in NHS_CB_SERVICES],
        }


def governing_body_requirements(post_2022: bool) -> list[list[str]]:
    """Required governing-body roles, each a list of acceptable alternatives (reg 11)."""
    if post_2022:  # SI 2022/316: nurse OR specialist; one lay person of either kind; reg 11(1)
        return [  # still reads "(including its chair and deputy chair)": only "six" became "four"
            ["chair"],
            ["deputy_chair"],
            ["accountable_officer"],
            ["chief_finance_officer"],
            ["registered_nurse", "secondary_care_specialist"],
            ["lay_member_finance_audit", "lay_member_area_knowledge"],
        ]
    return [[role] for role in REQUIRED_ROLES_2012]


def generate_with_breaches(
    scale: float = 1.0, seed: int = 0, violations: dict[str, int] | None = None
) -> Synthetic:
    """A synthetic system with `violations[check id]` breaches of each check planted, each by
    the check's own recipe (`@plants`), and which bodies they are on.

    >>> system = generate_with_breaches(0.05, seed=1, violations={"pct_in_cluster": 2})
    >>> len(system.planted["pct_in_cluster"])
    2
    """
    return _generate(scale, seed, violations, recipes())


RULES_COVERAGE = Path(__file__).with_name("rules_coverage.yaml")


@cache
def rule_book() -> dict[str, Any]:
    """The rule book's sections in order, and its rules no check covers with why."""
    book: dict[str, Any] = yaml.safe_load(RULES_COVERAGE.read_text(encoding="utf-8"))
    return book


SECTIONS: tuple[str, ...] = tuple(rule_book()["sections"])
CLAUSES = Path(__file__).with_name("clauses.yaml")


@cache
def clauses() -> list[dict[str, Any]]:
    """The law clause by clause, with what ccgraph encodes of each (queries/clauses.yaml)."""
    rows: list[dict[str, Any]] = yaml.safe_load(CLAUSES.read_text(encoding="utf-8"))
    return rows


def _in_rule_book_order(checks: tuple[Check, ...]) -> tuple[Check, ...]:
    unknown = sorted({c.section for c in checks} - set(SECTIONS))
    if unknown:
        raise ValueError(f"checks name sections the rule book does not have: {', '.join(unknown)}")
    return tuple(sorted(checks, key=lambda c: SECTIONS.index(c.section)))  # stable: as registered within


CHECKS: tuple[Check, ...] = _in_rule_book_order(registered())
BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}


def catalogue_markdown() -> str:
    """The check catalogue as Markdown; docs/checks.md is exactly this (a test keeps it so)."""
    lines = [
        "# The check catalogue",
        "",
        "Generated by `ccgraph checks --markdown` from the registered checks. Each check is a",
        "function in a module of `queries/checks/` (with its metadata and a recipe that plants a",
        "breach of it) and a Cypher file beside it; tests prove both return identical",
        'findings. Evidence `{"recorded": false}` marks a data gap (nothing recorded to check),',
        "reported as `info`. The sources (S0-S4, the regulations) are listed in",
        "[sources.md](sources.md). To add a check: [adding-a-check.md](adding-a-check.md).",
        "",
    ]
    lines += ["## Every rule in the rule book, and what checks it", ""]
    lines += [
        "| section | rule | checked by | judged | not (fully) checked, and why |",
        "|---|---|---|---|---|",
    ]
    unchecked = rule_book()["not_checked"]
    for section in SECTIONS:
        for c in CHECKS:
            if c.section == section:
                lines.append(f"| {section} | {c.rule} | `{c.id}` | {c.in_force_text} | {c.partly or '-'} |")
        for entry in unchecked:
            if entry["section"] == section:
                lines.append(f"| {section} | {entry['rule']} | - | - | {entry['why']} |")
    lines += [
        "",
        "## Clause by clause",
        "",
        "Each clause of the law the rule book draws on, the days it applied to the bodies in the graph,",
        "and what ccgraph encodes of it. A clause whose text ccgraph could not read is not encoded.",
        "",
        "| law | clause | what it says | applies | checked by | encoded | not encoded, and why |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in clauses():
        applies = f"{row['from']} to {row['to'] or 'the end of the data'}"
        checks = ", ".join(f"`{c}`" for c in row["checks"]) or "-"
        lines.append(
            f"| {row['law']} | {row['clause']} | {row['says']} | {applies} | {checks} | {row['encoded']} "
            f"| {row.get('note') or '-'} |"
        )
    lines.append("")
    for c in CHECKS:
        lines += [
            f"## `{c.id}` — {c.title}",
            "",
            f"- **Rule:** {c.rule}",
            f"- **Source:** {c.source}",
            f"- **Severity:** {c.severity.value}",
            f"- **In force:** {c.in_force_text} (not judged on other days)",
            f"- **Parameters:** {', '.join(c.parameters) or 'none (it does not depend on the date)'}",
            f"- **Fix:** {c.fix}",
            f"- **Rule last written or reviewed against its source:** {c.reviewed.isoformat()}",
            f"- **Cypher:** `{c.cypher_path.relative_to(Path(__file__).parent.parent).as_posix()}`",
            "",
        ]
    return "\n".join(lines)
