"""What a check is, and the hooks that register one: a check is one unit.

A check is its NetworkX function, decorated with `@check(...)` (its metadata: the rule book's
section and the rule it encodes, source, severity, fix, the date the rule was last read against
its source, and how a finding reads), its Cypher twin `<id>.cypher` beside the function's module,
a recipe that plants one breach of it in a synthetic system (`@plants(<id>)`), and its case file
(`tests/cases/<id>.yaml`). The built-in checks in `queries/checks/` register through these hooks
exactly as an extension would; the registry is whatever registered. docs/adding-a-check.md walks
through adding one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphmodel.national import ICBS_ESTABLISHED

if TYPE_CHECKING:
    from graphmodel.synthetic import Generator

__all__ = ["GAP", "Check", "Severity", "check", "plants", "registered", "recipes"]

GAP = "nothing recorded to check (data gap)"

Pair = tuple[str, dict[str, Any]]
Recipe = Callable[["Generator"], str]


class Severity(StrEnum):
    ERROR = "error"  # the law or a seed document requires it
    WARNING = "warning"  # expected ("should normally"), or a likely breach to review
    INFO = "info"  # a data gap: nothing recorded to check

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True)
class Check:
    id: str
    section: str  # of the rule book (RULES.md): where the rule it encodes is written
    title: str
    rule: str
    source: str
    severity: Severity
    fix: str
    reviewed: date  # when the rule text was last written or reviewed against its source
    networkx: Callable[..., list[Pair]]
    describe: Callable[[dict[str, Any]], str]
    # Properties of the reported body holding the published source of a fact the check rests
    # on (e.g. `authorisation_source`): a finding carries those sources wherever it shows.
    cites: tuple[str, ...] = ()
    partly: str = ""  # what of the rule the check does not judge, and why
    until: date | None = None  # the rule's last day in force (None: in force to the end of the data)
    since: date | None = None  # the rule's first day in force (None: from the start of the data)

    def in_force(self, day: date) -> bool:
        """Whether the rule the check encodes was in force on `day`: a rule is judged only then."""
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)

    @property
    def in_force_text(self) -> str:
        """When the rule is judged, as the catalogue says it."""
        since = f"from {self.since.isoformat()}" if self.since else ""
        until = f"to {self.until.isoformat()}" if self.until else ""
        return " ".join(filter(None, (since, until))) or "throughout the data"

    @property
    def cypher_path(self) -> Path:
        """The Cypher twin: `<id>.cypher` beside the module that defines the function."""
        return Path(inspect.getfile(self.networkx)).with_name(f"{self.id}.cypher")

    @cached_property
    def cypher(self) -> str:
        return self.cypher_path.read_text(encoding="utf-8")

    @property
    def parameters(self) -> list[str]:
        return [p for p in inspect.signature(self.networkx).parameters if p != "graph"]


# The last day of every CCG rule: the Health and Care Act 2022 abolished CCGs on 1 July 2022,
# the first day of every integrated care board rule.
CCG_RULES_END = (ICBS_ESTABLISHED - timedelta(days=1)).isoformat()
ICB_RULES_START = ICBS_ESTABLISHED.isoformat()

_REGISTERED: dict[str, Check] = {}
_RECIPES: dict[str, Recipe] = {}


def check(
    *,
    section: str,
    title: str,
    rule: str,
    source: str,
    severity: Severity,
    fix: str,
    reviewed: str,
    describe: Callable[[dict[str, Any]], str],
    gaps: bool | str = False,
    cites: tuple[str, ...] = (),
    partly: str = "",
    until: str = "",
    since: str = "",
) -> Callable[[Callable[..., list[Pair]]], Callable[..., list[Pair]]]:
    """Register the decorated NetworkX function as a check; its name is the check's id.

    `describe` turns a finding's evidence into its message; with `gaps`, evidence
    `{"recorded": False}` reads as a data gap (reported as `info`) instead: `gaps` may say what
    is missing, in place of the general "nothing recorded to check". `cites` names the
    reported body's properties that hold the published source of the facts the check rests on;
    each finding carries those sources. `section` names the rule book's section the rule is
    written in; `partly` says what of the rule the check does not judge, and why; `until` is
    the rule's last day in force (ISO), after which the check is not run, and `since` its first.
    """

    def register(function: Callable[..., list[Pair]]) -> Callable[..., list[Pair]]:
        if function.__name__ in _REGISTERED:
            raise ValueError(f"check {function.__name__!r} is registered twice")
        gap = GAP if gaps is True else f"{gaps} (data gap)"
        message = _gap_or(describe, gap) if gaps else describe
        _REGISTERED[function.__name__] = Check(
            function.__name__,
            section,
            title,
            rule,
            source,
            severity,
            fix,
            date.fromisoformat(reviewed),
            function,
            message,
            cites,
            partly,
            date.fromisoformat(until) if until else None,
            date.fromisoformat(since) if since else None,
        )
        return function

    return register


def plants(check_id: str) -> Callable[[Recipe], Recipe]:
    """Register how to plant one breach of `check_id` in a synthetic system: the recipe builds
    it with the generator's building blocks and returns the code of the body the check must
    report (graphmodel.synthetic.generate uses it)."""

    def register(recipe: Recipe) -> Recipe:
        _RECIPES[check_id] = recipe
        return recipe

    return register


def registered() -> tuple[Check, ...]:
    return tuple(_REGISTERED.values())


def recipes() -> dict[str, Recipe]:
    return dict(_RECIPES)


def _gap_or(describe: Callable[[dict[str, Any]], str], gap: str) -> Callable[[dict[str, Any]], str]:
    return lambda ev: gap if ev.get("recorded") is False else describe(ev)
