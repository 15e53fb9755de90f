"""How the structure and its findings changed between two dates, and one body's history, as
table, JSON or CSV (`ccgraph diff`, `ccgraph history`, the explorer's timeline).

Breaches (error, warning), data gaps and recommendations are counted apart here as everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphmodel.errors import CcgraphError
from graphmodel.text import csv_cell, one_line

if TYPE_CHECKING:
    from ccgraph.core import Report

FORMATS = ("table", "json", "csv")
SHOWN = 20  # rows of each list a table shows; JSON and CSV give them all


@dataclass
class Changes:
    """The structure on two dates and the findings of each (`System.diff`)."""

    structure: dict[str, Any]
    before: Report
    after: Report

    @property
    def findings(self) -> dict[str, list[dict[str, str]]]:
        """Findings that appeared by the later date and those that went away, each marked
        breach, gap or recommendation."""

        def keyed(report: Report) -> dict[tuple[str, str], dict[str, str]]:
            return {
                (f.check, f.org): {
                    "check": f.check,
                    "org": f.org,
                    "org_name": f.org_name,
                    "severity": f.severity.value,
                    "kind": f.kind,
                    "message": f.message,
                }
                for f in report.findings
            }

        was, now = keyed(self.before), keyed(self.after)
        return {
            "appeared": [now[k] for k in sorted(set(now) - set(was))],
            "went_away": [was[k] for k in sorted(set(was) - set(now))],
        }

    def counts(self) -> dict[str, dict[str, int]]:
        def of(report: Report) -> dict[str, int]:
            by = report.counts
            return {
                **self.structure["counts"][("before" if report is self.before else "after")],
                "breaches": by.get("error", 0) + by.get("warning", 0),
                "gaps": sum(1 for f in report.findings if f.kind == "gap"),
                "recommendations": sum(1 for f in report.findings if f.kind == "recommendation"),
            }

        return {"before": of(self.before), "after": of(self.after)}

    def as_dict(self) -> dict[str, Any]:
        return {**self.structure, "counts": self.counts(), "findings": self.findings}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        """One row per change: what changed, about which body, and the details."""
        rows: list[list[Any]] = [["change", "code", "name", "detail"]]
        s = self.structure
        rows += [["ccg_opened", c["code"], c["name"], c["open_date"]] for c in s["ccgs_opened"]]
        rows += [["ccg_closed", c["code"], c["name"], c["close_date"]] for c in s["ccgs_closed"]]
        rows += [
            ["merger", m["from"], m["from_name"], f"into {m['into']} on {m['on']}"] for m in s["mergers"]
        ]
        rows += [
            ["practice_moved", p["practice"], p["name"], f"{p['from']} -> {p['to']} ({p['why']})"]
            for p in s["practices_moved"]
        ]
        for kind in ("sub_icb_location", "icb"):
            rows += [[f"{kind}_opened", c["code"], c["name"], c["open_date"]] for c in s[f"{kind}s_opened"]]
            rows += [[f"{kind}_closed", c["code"], c["name"], c["close_date"]] for c in s[f"{kind}s_closed"]]
        rows += [
            ["succession", m["from"], m["from_name"], f"to {m['into']} on {m['on']}" + _share(m)]
            for m in s["successions"]
        ]
        rows += [["overlap_appeared", o["ccg"], "", o["authority"]] for o in s["overlaps_appeared"]]
        rows += [["overlap_gone", o["ccg"], "", o["authority"]] for o in s["overlaps_gone"]]
        for change, key in (("finding_appeared", "appeared"), ("finding_went_away", "went_away")):
            rows += [
                [change, f["org"], f["org_name"], f"{f['kind']} {f['severity']} {f['check']}"]
                for f in self.findings[key]
            ]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([csv_cell(str(v)) for v in row] for row in rows)
        return out.getvalue().rstrip("\n")

    def to_table(self) -> str:
        s, counts = self.structure, self.counts()
        lines = [
            f"Changes from {s['before']} to {s['after']}",
            "",
            f"{'':22}{s['before']:>12}{s['after']:>12}",
        ]
        for key in counts["before"]:
            lines.append(f"{key.replace('_', ' '):22}{counts['before'][key]:>12,}{counts['after'][key]:>12,}")
        sections = [
            ("CCGs opened", [f"{c['code']} {c['name']} (opened {c['open_date']})" for c in s["ccgs_opened"]]),
            (
                "CCGs closed",
                [f"{c['code']} {c['name']} (closed {c['close_date']})" for c in s["ccgs_closed"]],
            ),
            (
                "Mergers",
                [
                    f"{m['on']}: {m['from']} {m['from_name']} -> {m['into']} {m['into_name']}"
                    for m in s["mergers"]
                ],
            ),
            *(
                (
                    f"{title} {verb}",
                    [f"{c['code']} {c['name']} ({verb} {c[day]})" for c in s[f"{key}_{verb}"]],
                )
                for key, title in (("sub_icb_locations", "Sub-ICB locations"), ("icbs", "Integrated care boards"))
                for verb, day in (("opened", "open_date"), ("closed", "close_date"))
            ),
            (
                "Successions (a CCG to its sub-ICB locations, an STP to its boards, a board to its successors)",
                [
                    f"{m['on']}: {m['from']} {m['from_name']} -> {m['into']} {m['into_name']}{_share(m)}"
                    for m in s["successions"]
                ],
            ),
            (
                "Practices that moved commissioner: " + (_reasons(s["practices_moved"]) or "none"),
                [f"{p['practice']} {p['name']}: {p['from']} -> {p['to']} ({p['why']})" for p in s["practices_moved"]],
            ),
            ("Overlaps that appeared", [f"{o['ccg']} - {o['authority']}" for o in s["overlaps_appeared"]]),
            ("Overlaps that went away", [f"{o['ccg']} - {o['authority']}" for o in s["overlaps_gone"]]),
        ]
        for title, key in (("Findings that appeared", "appeared"), ("Findings that went away", "went_away")):
            sections.append(
                (
                    title,
                    [
                        f"{f['kind']:6} {f['severity']:7} {f['check']}: {f['org']} {f['org_name']}"
                        for f in self.findings[key]
                    ],
                )
            )
        for title, rows in sections:
            lines += ["", f"{title} ({len(rows):,})"]
            lines += [f"  {one_line(r)}" for r in rows[:SHOWN]]
            if len(rows) > SHOWN:
                lines.append(f"  ... and {len(rows) - SHOWN:,} more (all of them with --format json or csv)")
        return "\n".join(lines)

    def render(self, fmt: str) -> str:
        renderers = {"table": self.to_table, "json": self.to_json, "csv": self.to_csv}
        if fmt not in renderers:
            raise CcgraphError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
        return renderers[fmt]()


def history_table(history: dict[str, Any]) -> str:
    """`ccgraph history` as text: a CCG's lineage, or a practice's memberships."""
    head = one_line(f"{history['name']} [{history['code']}] — {history['kind']}")
    if history["kind"] == "Practice":
        lines = [
            head,
            "",
            "CCG memberships (derived: carried along a merger by ccgraph, not read from a source)",
        ]
        for m in history["memberships"]:
            lines.append(
                one_line(
                    f"  {m['from'] or '?':10} to {m['to'] or 'open':10}  {m['ccg']} {m['name']}"
                    + ("  (derived)" if m["derived"] else "")
                )
            )
        return "\n".join(lines)
    if "lineage" not in history:
        return "\n".join([head, f"  open {history['open_date'] or '?'} to {history['close_date'] or 'open'}", *_steps(history)])
    lineage = history["lineage"]
    lines = [head, f"  open {lineage['open_date'] or '?'} to {lineage['close_date'] or 'open'}"]
    if lineage["from_pcts"]:
        lines += ["", "Formed in 2013 from PCTs (share of the PCT)"]
        lines += [one_line(f"  {p['code']} {p['name']} ({p['share']}%)") for p in lineage["from_pcts"]]

    def back(items: list[dict[str, Any]], depth: int) -> None:
        for m in items:
            lines.append(
                one_line(
                    f"{'  ' * depth}{m['merged_on']}: {m['code']} {m['name']} (open from {m['open_date']})"
                )
            )
            back(m["merged_from"], depth + 1)

    lines += ["", "Merged from (back to 2013)"]
    back(lineage["merged_from"], 1)
    if not lineage["merged_from"]:
        lines.append("  nothing: it was not formed by a merger")
    lines += ["", "Merged into (forward to 2022)"]
    lines += [
        one_line(f"  {m['merged_on']}: {m['code']} {m['name']} (closed {m['close_date']})")
        for m in lineage["merged_into"]
    ]
    if not lineage["merged_into"]:
        lines.append(f"  nothing: it was open until {lineage['close_date'] or 'the end of the data'}")
    return "\n".join(lines + _steps({"onward": [s for s in history["onward"] if s["kind"] != "CCG"]}))


def _reasons(moved: list[dict[str, Any]]) -> str:
    """How many moved for each reason: "merger 1,024, own move 12"."""
    counts = Counter(p["why"] for p in moved)
    return ", ".join(f"{why} {counts[why]:,}" for why in ("merger", "boundary change", "own move") if counts[why])


def _share(step: dict[str, Any]) -> str:
    return f" ({step['share']}% of the area)" if step.get("share") is not None else ""


def _steps(history: dict[str, Any]) -> list[str]:
    """The successions before and after a body (sub-ICB locations, boards, their mergers)."""

    lines = []
    if "earlier" in history:
        lines += ["", "Came from (latest first)"]
        lines += [
            one_line(f"  {s['on'] or '?'}: {s['code']} {s['name']} [{s['kind']}] {s['how']} {s['to']}{_share(s)}")
            for s in history["earlier"]
        ] or ["  nothing in the data"]
    lines += ["", "Afterwards (sub-ICB locations, integrated care boards, their mergers)"]
    for s in history["onward"]:
        until = f" to {s['until']}" if s["until"] else ""
        lines.append(
            one_line(f"  {s['on'] or '?'}{until}: {s['from']} {s['how']} {s['code']} {s['name']} [{s['kind']}]{_share(s)}")
        )
    if not history["onward"]:
        lines.append("  nothing in the data")
    return lines


def timeline_text(rows: list[dict[str, Any]], fmt: str) -> str:
    """`ccgraph timeline` as a table, JSON or CSV (blank: nothing in the data for that day)."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if r[c] is None else r[c] for c in columns] for r in rows])
        return out.getvalue().rstrip("\n")
    if fmt != "table":
        raise CcgraphError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    width = {c: max(len(c), 10) for c in columns}
    lines = ["  ".join(f"{c:>{width[c]}}" for c in columns)]
    for r in rows:
        lines.append("  ".join(f"{'' if r[c] is None else r[c]:>{width[c]}}" for c in columns))
    return "\n".join(lines)
