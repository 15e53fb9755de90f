"""Waivers: accepted exceptions with a reason and an expiry; an expired waiver stops suppressing.

File format (YAML): a list of `{check, org, reason, expires}`; `org: "*"` waives a check for
every organisation. Expiry is inclusive: a waiver expiring 2013-06-30 still applies that day.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graphmodel.dataset import InputError, Location, Problem
from graphmodel.input_files import load_yaml
from queries.findings import Finding
from queries.registry import BY_ID


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: str
    org: str = Field(description="Organisation code, or * for all.")
    reason: str = Field(min_length=3)
    expires: date


def read_waivers(path: Path) -> list[Waiver]:
    name = Path(path).name
    raw = load_yaml(path) or []
    if not isinstance(raw, list):
        raise InputError([Problem(Location(name, 1), "*", "a waiver file is a YAML list")])
    waivers, problems = [], []
    for i, entry in enumerate(raw):
        try:
            waiver = Waiver.model_validate(entry)
        except ValidationError as err:
            problems += [
                Problem(Location(name), f"[{i}].{'.'.join(map(str, e['loc']))}", e["msg"])
                for e in err.errors()
            ]
            continue
        if waiver.check not in BY_ID:
            problems.append(Problem(Location(name), f"[{i}].check", f"unknown check {waiver.check!r}"))
        waivers.append(waiver)
    if problems:
        raise InputError(problems)
    return waivers


def apply_waivers(
    findings: list[Finding], waivers: list[Waiver], today: date
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (still open, waived) using only the waivers not yet expired."""
    live = [w for w in waivers if w.expires >= today]
    open_: list[Finding] = []
    waived: list[Finding] = []
    for f in findings:
        hit = any(w.check == f.check and w.org in ("*", f.org) for w in live)
        (waived if hit else open_).append(f)
    return open_, waived
