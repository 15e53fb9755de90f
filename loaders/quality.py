"""The data-quality report a load prints: rows read, used, skipped and why, and reconciliations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class SourceTally:
    file: str
    read: int = 0
    used: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, rows: int = 1) -> None:
        if rows:
            self.skipped[reason] += rows


@dataclass
class QualityReport:
    """What a load did with each source, and where sources disagreed or lag."""

    sources: dict[str, SourceTally] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def tally(self, file: str) -> SourceTally:
        """The tally of a source file, named as published (a gzipped copy, `NAME.gz`, is `NAME`)."""
        file = file.removesuffix(".gz")
        return self.sources.setdefault(file, SourceTally(file))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def as_dict(self) -> dict[str, object]:
        return {
            "sources": [
                {"file": t.file, "read": t.read, "used": t.used, "skipped": dict(t.skipped)}
                for t in self.sources.values()
            ],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> QualityReport:
        """The report `as_dict` wrote (as a kept graph holds it)."""
        report = cls()
        for t in data["sources"]:  # type: ignore[attr-defined]
            report.sources[t["file"]] = SourceTally(t["file"], t["read"], t["used"], Counter(t["skipped"]))
        report.notes = list(data["notes"])  # type: ignore[call-overload]
        return report

    def render(self) -> str:
        lines = ["Data-quality report", f"{'file':40} {'read':>7} {'used':>7}  skipped"]
        for t in self.sources.values():
            skipped = "; ".join(f"{n} {why}" for why, n in t.skipped.most_common()) or "-"
            lines.append(f"{t.file:40} {t.read:>7} {t.used:>7}  {skipped}")
        lines += [f"- {n}" for n in self.notes]
        return "\n".join(lines)
