"""Findings: what a check reports about one organisation, identical whichever backend ran it."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from queries.registry import Check, Severity


KINDS = ("breach", "gap", "recommendation")


class Finding(BaseModel):
    """What one check found about one organisation: a breach of a rule (error: what the law
    requires; warning: what it expects), a data gap (nothing recorded to check), or a
    recommendation (what only this tool advises). The three are never counted together."""

    model_config = ConfigDict(frozen=True)
    check: str
    severity: Severity
    org: str
    org_name: str = ""
    message: str
    evidence: dict[str, Any]
    sources: tuple[str, ...] = ()  # where the facts the finding rests on were published


    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind(self) -> str:
        """`breach`, `gap` or `recommendation` (see the class docstring)."""
        if self.severity != Severity.INFO:
            return "breach"
        return "gap" if self.evidence.get("recorded") is False else "recommendation"

    @property
    def identity(self) -> str:
        return json.dumps([self.check, self.org, self.evidence], sort_keys=True)


def normalise(value: Any) -> Any:
    """Canonical evidence: no null entries, lists in a stable order, floats to 4 places."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in sorted(value.items()) if v is not None}
    if isinstance(value, (list, tuple)):
        items = [normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, float):
        return round(value, 4)
    return value


def to_findings(
    check: Check, pairs: list[tuple[str, dict[str, Any]]], labels: dict[str, dict[str, Any]]
) -> list[Finding]:
    """Turn a check's `(org, evidence)` pairs into findings, one per distinct pair, sorted.

    `labels` gives each organisation's `name` and the properties the check `cites`. A gap cites
    them too: "authorised with directions, no support recorded" rests on the published outcome.
    A person the evidence names by code is named in the message too: "Jane Roe (REG1-8)".
    """
    unique: dict[str, Finding] = {}
    for org, evidence in pairs:
        evidence = normalise(dict(evidence))
        gap = evidence.get("recorded") is False
        label = labels.get(org, {})
        message = check.describe(evidence)
        person = str(evidence.get("person") or "")
        if person and (named := labels.get(person, {}).get("name")) and named != person:
            message = message.replace(person, f"{named} ({person})", 1)
        finding = Finding(
            check=check.id,
            severity=Severity.INFO if gap else check.severity,
            org=org,
            org_name=label.get("name") or "",
            message=message,
            evidence=evidence,
            sources=cited_sources(label, check.cites),
        )
        unique.setdefault(finding.identity, finding)
    return sorted(unique.values(), key=lambda f: (f.org, f.identity))


def cited_sources(label: dict[str, Any], properties: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct sources held in `properties` of a body, in order (a property may hold
    several, separated by ' | ', as the published-facts layer writes them).

    >>> cited_sources({"authorisation_source": "https://a | https://b"}, ("authorisation_source",))
    ('https://a', 'https://b')
    """
    found: dict[str, None] = {}
    for prop in properties:
        for source in str(label.get(prop) or "").split(" | "):
            if source.strip():
                found.setdefault(source.strip(), None)
    return tuple(found)
