"""Reports of findings: a readable table, JSON (documented schema), JUnit XML and CSV.

Names and messages carry text from users' files: each format passes it through
`graphmodel.text` (no terminal escapes in the table, nothing XML forbids in JUnit, no formulas
in CSV); JSON escapes by construction."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any
from xml.etree import ElementTree as ET

from graphmodel.text import csv_cell, one_line, printable, xml_text
from queries.findings import Finding
from queries.registry import Check, Severity

REPORT_FORMAT = "ccgraph-findings/1"


def summary(checks: list[Check], findings: list[Finding], waived: list[Finding]) -> list[dict[str, Any]]:
    by_check = Counter((f.check, f.severity.value) for f in findings)
    kinds = Counter((f.check, f.kind) for f in findings)
    waived_by = Counter(f.check for f in waived)
    return [
        {
            "check": c.id,
            "title": c.title,
            "severity": c.severity.value,
            "source": c.source,
            "findings": sum(n for (cid, _), n in by_check.items() if cid == c.id),
            "breaches": kinds.get((c.id, "breach"), 0),
            "gaps": kinds.get((c.id, "gap"), 0),
            "recommendations": kinds.get((c.id, "recommendation"), 0),
            "by_severity": {s: n for (cid, s), n in sorted(by_check.items()) if cid == c.id},
            "waived": waived_by.get(c.id, 0),
        }
        for c in checks
    ]


def to_json(checks: list[Check], findings: list[Finding], waived: list[Finding], meta: dict[str, Any]) -> str:
    document = {
        "format": REPORT_FORMAT,
        **meta,
        "summary": summary(checks, findings, waived),
        "findings": [f.model_dump(mode="json") for f in findings],
        "waived": [f.model_dump(mode="json") for f in waived],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def to_csv(findings: list[Finding]) -> str:
    """One row per finding; a cell that a spreadsheet would run as a formula is quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["check", "kind", "severity", "org", "org_name", "message", "evidence", "sources"])
    for f in findings:
        row = [
            f.check,
            f.kind,
            f.severity.value,
            f.org,
            f.org_name,
            f.message,
            json.dumps(f.evidence, ensure_ascii=False),
            " | ".join(f.sources),
        ]
        writer.writerow([csv_cell(printable(cell)) for cell in row])
    return out.getvalue()


def to_junit(
    checks: list[Check], findings: list[Finding], *, fail_on: str = "error", not_in_force: tuple[str, ...] = ()
) -> str:
    """One test case per check. Findings of `fail_on` severity or worse fail it (errors only, by
    default: a CI gate should stop on what the law requires); the rest, warnings and data gaps,
    are listed in its `system-out`, each with its severity, so nothing is hidden. A check whose
    rule was not in force that day (`not_in_force`) is a skipped case, saying so."""
    floor = Severity(fail_on).rank
    suite = ET.Element("testsuite", name="ccgraph", tests=str(len(checks) + len(not_in_force)))
    for check_id in not_in_force:
        case = ET.SubElement(suite, "testcase", classname="ccgraph.checks", name=check_id)
        ET.SubElement(case, "skipped", message="its rule was not in force on the date checked")
    suite.set("skipped", str(len(not_in_force)))
    failures = 0
    for check in checks:
        case = ET.SubElement(suite, "testcase", classname="ccgraph.checks", name=check.id)
        mine = [f for f in findings if f.check == check.id]
        failing = [f for f in mine if f.severity.rank >= floor]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                message=xml_text(f"{len(failing)} finding(s): {check.title}"),
                type=check.severity.value,
            )
            failure.text = "\n".join(
                xml_text(f"{f.severity.value} {f.org} {f.org_name}: {f.message}{_cited(f)}") for f in failing
            )
        others = [f for f in mine if f.severity.rank < floor]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(
                xml_text(
                    f"{_label(f)} {f.org} {f.org_name}: {f.message}{_cited(f)}"
                )
                for f in others
            )
    suite.set("failures", str(failures))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def to_table(
    checks: list[Check], findings: list[Finding], waived: list[Finding], *, per_check: int = 15
) -> str:
    """Plain-text table: a summary line per check (breaches and data gaps in their own columns,
    so that nothing recorded is never read as a breach), then up to `per_check` findings each."""
    lines = [f"{'check':38} {'severity':8} {'breaches':>8} {'gaps':>6} {'advice':>6} {'waived':>6}"]
    for row in summary(checks, findings, waived):
        lines.append(
            f"{row['check']:38} {row['severity']:8} {row['breaches']:>8} {row['gaps']:>6} "
            f"{row['recommendations']:>6} {row['waived']:>6}"
        )
    for check in checks:
        mine = [f for f in findings if f.check == check.id]
        if not mine:
            continue
        lines += ["", f"{check.id}: {check.title}  [{check.source}]", f"  fix: {check.fix}"]
        for f in mine[:per_check]:
            name = f" {f.org_name}" if f.org_name else ""
            lines.append(one_line(f"  {_label(f):7} {f.org}{name}: {f.message}"))
            if f.sources:
                lines.append(one_line(f"          source: {' | '.join(f.sources)}"))
        if len(mine) > per_check:
            lines.append(f"  ... and {len(mine) - per_check} more (use --format json or csv for all)")
    counts = Counter(f.severity.value for f in findings)
    kinds = Counter(f.kind for f in findings)
    lines += [
        "",
        f"{counts.get('error', 0)} error(s) and {counts.get('warning', 0)} warning(s) (breaches), "
        f"{kinds.get('gap', 0)} data gap(s) (nothing recorded to check), "
        f"{kinds.get('recommendation', 0)} recommendation(s) (advice only), {len(waived)} waived",
    ]
    return "\n".join(lines)


def _label(finding: Finding) -> str:
    """A breach by its severity; a gap or a recommendation by its kind ("advice")."""
    return {"gap": "gap", "recommendation": "advice"}.get(finding.kind, finding.severity.value)


def _cited(finding: Finding) -> str:
    return f" (source: {' | '.join(finding.sources)})" if finding.sources else ""
