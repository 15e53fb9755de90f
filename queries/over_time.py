"""Every finding over the whole coverage, as an interval: the first and last day it held.

A check's findings on a day depend only on the day and on the graph's dates it compares the day
with. So each check is run only on the days one of those dates changes something: an opening or
a closing, a link's start or end (each such day and the day after; the day after that too for a
check that also reads the day before, `eve`), the first and last day of the rule, and SI
2022/316's. Which dates a check compares with is what it reads: the node kinds it scans and the
link types it follows (`queries.checks._graph.traced`), with the bodies at both ends of those
links. Between two such days its findings cannot change, so a finding holds from the day it
first appears to the day before the next change that ends it. tests/test_over_time.py holds the
intervals to `check` run on random days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import networkx as nx

from queries.check import Check
from queries.checks._graph import traced
from queries.findings import Finding
from queries.registry import REGULATIONS_2022, CheckSettings
from queries.runner import NetworkXBackend, run_checks

__all__ = ["Span", "findings_over_time"]

ONE_DAY = timedelta(days=1)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Span:
    """A finding and the days it held: from `first` to `last`, both included."""

    finding: Finding
    first: date
    last: date

    def as_dict(self) -> dict[str, Any]:
        return {**self.finding.model_dump(mode="json"), "first": self.first.isoformat(), "last": self.last.isoformat()}


def _days_in(attrs: dict[str, Any]) -> Iterable[str]:
    """The ISO days among a node's or link's values (lists of them too)."""
    for value in attrs.values():
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str) and len(item) == 10 and _DAY.fullmatch(item):
                yield item


def _dates_read(graph: nx.MultiDiGraph, reads: set[tuple[str, str]]) -> set[date]:
    """Every date on the nodes of the kinds read, on the links of the types read and on the
    bodies at both ends of those links."""
    kinds = {name for what, name in reads if what == "kind"}
    rels = {name for what, name in reads if what == "rel"}
    nodes = graph.nodes
    found: set[str] = set()
    for _, attrs in graph.nodes(data=True):
        if attrs.get("kind") in kinds:
            found.update(_days_in(attrs))
    ends: set[str] = set()
    for source, target, attrs in graph.edges(data=True):
        if attrs["rel"] in rels:
            found.update(_days_in(attrs))
            ends.update((source, target))
    for end in ends:
        found.update(_days_in(nodes[end]))
    return {date.fromisoformat(day) for day in found}


def _change_days(check: Check, graph: nx.MultiDiGraph, first: date, last: date, settings: CheckSettings) -> list[date]:
    """The days `check`'s findings may change on, within its rule's days and [first, last]."""
    start, end = max(first, check.since or first), min(last, check.until or last)
    if start > end:
        return []
    samples = sorted({start, end, *(date(y, 4, 1) for y in range(start.year, end.year + 1)), date(2022, 7, 1)})
    reads: set[tuple[str, str]] = set()
    for day in (d for d in samples if start <= d <= end):  # what it reads can depend on the day
        params = settings.model_copy(update={"as_at": day}).query_parameters()
        arguments = {k: params[k] for k in check.parameters}
        reads |= traced(partial(check.networkx, graph, **arguments))[1]
    shifts = (0, 1, 2) if "$eve" in check.cypher else (0, 1)  # its twin names the day before
    days = {d + timedelta(days=s) for d in _dates_read(graph, reads) for s in shifts}
    days |= {start, REGULATIONS_2022, date(2013, 4, 1)}
    return sorted(d for d in days if start <= d <= end)


def findings_over_time(
    graph: nx.MultiDiGraph, checks: Iterable[Check], first: date, last: date, settings: CheckSettings | None = None
) -> list[Span]:
    """Every finding of `checks` from `first` to `last`, each with the days it held, in order of
    check, first day and body. `settings` gives the tolerance and exceptions (not the date).

    A finding is the same on two days when its check, body and evidence are (`Finding.identity`;
    its body's name may change between them: the span keeps the name of its first day)."""
    settings = settings or CheckSettings()
    backend = NetworkXBackend(graph)
    spans: list[Span] = []
    for check in checks:
        open_since: dict[str, tuple[date, Finding]] = {}  # a finding's identity -> its first day
        for day in _change_days(check, graph, first, last, settings):
            now = {f.identity: f for f in run_checks(backend, settings.model_copy(update={"as_at": day}), [check.id])}
            for key in [k for k in open_since if k not in now]:  # ended the day before this one
                since, finding = open_since.pop(key)
                spans.append(Span(finding, since, day - ONE_DAY))
            for key, finding in now.items():
                open_since.setdefault(key, (day, finding))
        last_judged = min(last, check.until or last)
        spans += [Span(finding, since, last_judged) for since, finding in open_since.values()]
    return sorted(spans, key=lambda s: (s.finding.check, s.first, s.finding.org, s.finding.identity))
