"""The application core: open a commissioning system, run the checks, get a report.

The `ccgraph` command, the explorer, the benchmarks and notebooks all call this module, so an
option means the same everywhere. In a notebook:

>>> from ccgraph.core import System
>>> system = System.open(example=True)          # the bundled illustrative example
>>> report = system.check(min_severity="warning")
>>> report.counts["error"] > 0
True
>>> report.to_frame().columns.tolist()[:4]
['check', 'kind', 'severity', 'org']

`System.open()` reads the national registers shipped with ccgraph (England, 2013-2026);
`System.open(data=..., scenario=..., synthetic=..., backend="neo4j")` reads a user's registers, a
scenario, or a generated system instead; with the Neo4j backend the graph is loaded into (or, with
no inputs, read from) the server named by NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD. Every failure
a user can act on is a `CcgraphError` (bad input, an unusable Neo4j, a refused query).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from ccgraph.changes import Changes
from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.errors import CcgraphError
from graphmodel.input_files import data_folders
from graphmodel.national import ICBS_ESTABLISHED
from graphmodel.nx_graph import build_graph, export_graph
from graphmodel.synthetic import size_problem
from loaders.bundled import bundled_folders
from loaders.quality import QualityReport
from queries import report as formats
from queries.findings import Finding
from queries.registry import CHECKS, Check, CheckSettings, Severity
from queries.runner import Backend, Neo4jBackend, NetworkXBackend, run_checks, select
from queries.waivers import Waiver, apply_waivers, read_waivers

if TYPE_CHECKING:
    import pandas as pd
    from neo4j import Driver

    from graphmodel.neo4j_console import QueryResult
    from graphmodel.neo4j_load import LoadSummary
    from loaders.inputs import Loaded
    from queries.over_time import Span

__all__ = ["CcgraphError", "Changes", "Report", "System"]

BackendName = Literal["networkx", "neo4j"]
SHIPPED = "the national registers shipped with ccgraph (England, 2013-2026; `ccgraph data` lists them)"


@dataclass
class Report:
    """What a run of the checks found: open findings, waived ones, and how it was run."""

    checks: list[Check]
    findings: list[Finding]
    waived: list[Finding] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> Counter[str]:
        """Findings by severity: `error` and `warning` are breaches; `info` are data gaps and
        recommendations (`Finding.kind` tells them apart)."""
        return Counter(f.severity.value for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when no error-severity finding remains, else 1 (the CLI's convention)."""
        return 1 if self.counts.get(Severity.ERROR.value) else 0

    def at_least(self, severity: str) -> Report:
        """The same report keeping only findings of `severity` or worse."""
        floor = Severity(severity).rank
        return Report(
            self.checks, [f for f in self.findings if f.severity.rank >= floor], self.waived, self.meta
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per open finding (pandas), evidence as a dict column."""
        import pandas as pd

        columns = ["check", "kind", "severity", "org", "org_name", "message", "evidence", "sources"]
        return pd.DataFrame([f.model_dump(mode="json") for f in self.findings], columns=columns)

    def to_json(self) -> str:
        return formats.to_json(self.checks, self.findings, self.waived, self.meta)

    def to_junit(self, fail_on: str = "error") -> str:
        """JUnit XML: findings of `fail_on` severity or worse fail their check's test case."""
        lapsed = tuple(self.meta.get("not_in_force", ()))
        return formats.to_junit(self.checks, self.findings, fail_on=fail_on, not_in_force=lapsed)

    def to_csv(self) -> str:
        return formats.to_csv(self.findings)

    def to_table(self) -> str:
        table = formats.to_table(self.checks, self.findings, self.waived)
        if lapsed := self.meta.get("not_in_force"):
            table += (
                f"\nNot judged on {self.meta['as_at']}, their rules not in force that day (CCG rules ended on "
                f"30 June 2022; integrated care board rules began on 1 July 2022): {', '.join(lapsed)}"
            )
        return table

    def render(self, fmt: str, *, junit_fail_on: str = "error") -> str:
        """The report as `table`, `json`, `junit` or `csv`."""
        renderers = {
            "table": self.to_table,
            "json": self.to_json,
            "junit": lambda: self.to_junit(junit_fail_on),
            "csv": self.to_csv,
        }
        if fmt not in renderers:
            raise CcgraphError(f"unknown report format {fmt!r}; use {', '.join(renderers)}")
        return renderers[fmt]()


@dataclass
class System:
    """A commissioning system held by one backend, with how it was read."""

    backend: BackendName
    quality: QualityReport
    source: str
    _graph: nx.MultiDiGraph | None = None
    driver: Driver | None = None
    dataset: Dataset | None = None  # what was read, when it was read here (None: a kept graph)
    last_load: LoadSummary | None = None  # the load into Neo4j this system made, if any
    _inputs: tuple[list[Path], Path | None] | None = None  # what a kept graph was made from

    @classmethod
    def open(
        cls,
        data: Path | str | Sequence[Path | str] | None = None,
        scenario: Path | str | None = None,
        *,
        synthetic: str | None = None,
        graph_file: Path | str | None = None,
        example: bool = False,
        registers: Sequence[Path | str] = (),
        asked: dict[str, date | str] | None = None,
        backend: BackendName = "networkx",
        cache: bool = True,
        bulk: bool = False,
        offline: bool = False,
        batch_size: int = 5000,
        progress: Callable[[str, int, int], None] | None = None,
        driver: Driver | None = None,
    ) -> System:
        """Read, validate and build a system; nothing is half-built if any input is bad.

        Parameters
        ----------
        data : a directory of registers (docs/data.md), or several (each file is read from
            the first that has it); none given: the national registers shipped with ccgraph
        scenario : a scenario file
        example : the bundled illustrative example (invented bodies and people) instead
        registers : a user's own registers (`ccgraph template`), laid over the data by code and
            date; real people's names in them stay in this system's outputs
        asked : the dates the caller will ask about, by the name it gave them (`{"--as-at": d}`):
            one the data does not show is refused before anything is loaded into Neo4j
        synthetic : "SCALE[:SEED[:VIOLATIONS]]" for a generated system of invented bodies
        graph_file : a node-link JSON file written by `ccgraph generate -o` or `export`
        backend : "networkx" (in process) or "neo4j" (loaded into the server, replacing its
            graph; with no inputs at all, the graph the server already holds is used)
        cache : on networkx, use the graph kept from an earlier run on the same input files by
            the same ccgraph (`ccgraph.kept_graph`) instead of reading them again; a graph read
            is kept either way (never one holding a user's registers)
        bulk : on neo4j, commit batch by batch (graphs too large for one transaction)
        offline : on neo4j, through Neo4j's offline importer into the local server
            (`ccgraph.neo4j_offline`: the quickest for national-scale graphs)
        progress : called as progress(stage, done, total) while the files are read (total 0:
            not counted) and while loading into Neo4j
        """
        if backend not in ("networkx", "neo4j"):
            raise CcgraphError(f"unknown backend {backend!r}; use networkx or neo4j")
        if graph_file and (data or scenario or synthetic):
            raise CcgraphError("a graph file is a whole system: give it alone, without --data or --scenario")
        if example:
            if data or scenario or synthetic or graph_file:
                raise CcgraphError("the example is a whole system: give it alone, without other inputs")
            from loaders.inputs import EXAMPLE_SCENARIO

            scenario = EXAMPLE_SCENARIO
        if registers and (graph_file or synthetic):
            raise CcgraphError("registers are laid over registers' data: give them with --data (or alone)")
        inputs_given = bool(data or scenario or synthetic or graph_file or registers)
        if backend == "neo4j":
            driver = driver or _connect()
            if not inputs_given:
                held = cls("neo4j", QualityReport(), "the graph held in Neo4j", driver=driver)
                held.shows(asked or {})
                return held
        key = None
        if backend == "networkx" and not (synthetic or graph_file or registers):
            from ccgraph import kept_graph

            inputs = _files_of(data, scenario)
            key = kept_graph.cache_key(*inputs)  # None: files it cannot key (the load will say why)
            if key is not None and cache and (kept := kept_graph.read_cached(key)) is not None:
                quality = QualityReport.from_dict(kept.quality)
                system = cls(backend, quality, kept.source, _graph=kept.graph, _inputs=inputs)
                system.shows(asked or {})
                return system
        if progress is not None:
            progress("Reading and validating the inputs", 0, 0)
        loaded, source = _read(data, scenario, synthetic, graph_file, [Path(r) for r in registers])
        system = cls(backend, loaded.report, source, driver=driver, dataset=loaded.dataset)
        system.shows(asked or {})
        if backend == "neo4j":
            assert driver is not None
            system.load_into_neo4j(loaded, bulk=bulk, offline=offline, batch_size=batch_size, progress=progress)
        else:
            system._graph = build_graph(loaded.dataset)
            if key is not None:
                kept_graph.write_cached(key, system._graph, loaded.report.as_dict(), source)
        return system

    def _read_again(self) -> Dataset | None:
        """What a kept graph was made from, read again (for the small areas a crosswalk weighs
        by, which the kept graph does not hold)."""
        if self.dataset is None and self._inputs is not None:
            folders, scenario = self._inputs
            from loaders.inputs import load_inputs

            self.dataset = load_inputs(folders, scenario).dataset
        return self.dataset

    def shows(self, asked: dict[str, date | str]) -> None:
        """Refuse, naming how it was asked for (`--as-at`), a date this system cannot show."""
        for name, day in asked.items():
            try:
                self.day(day)
            except CcgraphError as err:
                raise CcgraphError(f"{name}: {err}") from None

    def load_into_neo4j(
        self,
        loaded: Loaded,
        *,
        bulk: bool = False,
        offline: bool = False,
        batch_size: int = 5000,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> LoadSummary:
        """Replace the graph in Neo4j with `loaded`: in one transaction, batch by batch (`bulk`)
        or through the offline importer into the local server (`offline`)."""
        from neo4j.exceptions import Neo4jError

        from graphmodel.neo4j_connect import Neo4jUnavailable
        from graphmodel.neo4j_load import load_dataset

        assert self.driver is not None
        if bulk and offline:
            raise CcgraphError("--bulk and --offline are two ways to load: choose one")
        if offline:
            from ccgraph.neo4j_offline import offline_load

            imported = offline_load(self.driver, loaded.dataset, say=lambda step: progress and progress(step, 0, 0))
            self._graph, self.last_load = None, imported
            return imported
        total = len(loaded.dataset.nodes) + len(loaded.dataset.relationships)
        done = 0

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            if progress:
                progress("Loading into Neo4j" + (" (bulk)" if bulk else ""), done, total)

        try:
            summary = load_dataset(
                self.driver, loaded.dataset, batch_size=batch_size, progress=advance, atomic=not bulk
            )
        except Neo4jError as err:
            if bulk or not any(
                sign in f"{err.code} {err.message}" for sign in ("OutOfMemory", "heap space", "MemoryLimit")
            ):
                raise
            raise Neo4jUnavailable(
                f"Neo4j ran out of memory holding {total:,} nodes and relationships in one transaction "
                "(the previous graph is unchanged). Load with --bulk, or give the local server more "
                "heap (CCGRAPH_NEO4J_HEAP=8g ccgraph neo4j start)."
            ) from None
        self._graph, self.last_load = None, summary
        return summary

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The whole graph in process (read back from Neo4j once, if that is where it is)."""
        if self._graph is None:
            from graphmodel.neo4j_read import fetch_graph

            assert self.driver is not None
            self._graph = fetch_graph(self.driver)
        return self._graph

    @property
    def coverage(self) -> tuple[date, date] | None:
        """The first and last day the sources can show, or None when they do not say (a
        scenario, a synthetic system: any date is theirs to describe)."""
        if self.dataset is not None:
            return self.dataset.coverage
        if self.backend == "neo4j" and self._graph is None:
            from graphmodel.neo4j_read import require_complete_graph

            assert self.driver is not None
            found = require_complete_graph(self.driver)
        else:
            found = self.graph.graph.get("coverage")
        return (date.fromisoformat(found[0]), date.fromisoformat(found[1])) if found else None

    def day(self, value: date | str) -> date:
        """`value` as a date this system can show; outside its coverage a `CcgraphError` says
        which dates it can (a check on 2023 data from files that end in 2022 would mislead)."""
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise CcgraphError(f"not a date (YYYY-MM-DD): {str(value)[:40]!r}") from None
        coverage = self.coverage
        if coverage and not coverage[0] <= day <= coverage[1]:
            first, last = coverage
            only = f"only {first}" if first == last else f"dates from {first} to {last}"
            raise CcgraphError(f"{day} is outside what the data shows: it covers {only}.")
        return day

    def years(self) -> list[date]:
        """1 April of each year the data covers, 1 July 2022 (when integrated care boards took
        over from CCGs) when covered, and the data's last day."""
        coverage = self.coverage  # read once: on Neo4j it is a query
        if coverage is None:
            return [date(2013, 4, 1)]
        first, last = coverage
        days = {date(y, 4, 1) for y in range(first.year, last.year + 1)} | {ICBS_ESTABLISHED, last}
        return sorted(d for d in days if first <= d <= last)

    def _backend(self) -> Backend:
        if self.backend == "neo4j":
            assert self.driver is not None
            return Neo4jBackend(self.driver)
        return NetworkXBackend(self.graph)

    def check(
        self,
        *,
        only: Iterable[str] = (),
        min_severity: str = "info",
        as_at: date | str = date(2013, 4, 1),
        tolerance: float = 5.0,
        exceptions: Iterable[str] = (),
        waivers: Path | str | list[Waiver] | None = None,
        today: date | None = None,
    ) -> Report:
        """Run the checks (all, or `only` these ids) and return a `Report`.

        Findings below `min_severity` are dropped; `waivers` (a file or a list) move matching
        findings to `Report.waived` until they expire (`today` decides; default: today).
        """
        try:
            checks = select(list(only) or None)  # none named: every check
        except KeyError as err:
            raise CcgraphError(str(err.args[0])) from None
        try:
            floor = Severity(min_severity).rank
        except ValueError:
            raise CcgraphError(f"unknown severity {min_severity!r}; use info, warning or error") from None
        settings = _settings(self.day(as_at), tolerance, exceptions)
        if unknown := sorted(set(settings.boundary_exceptions) - self._ccg_codes()):
            raise CcgraphError(f"boundary exception {', '.join(unknown)}: no CCG with that code in the graph")
        not_in_force = [c.id for c in checks if not c.in_force(settings.as_at)]
        checks = [c for c in checks if c.in_force(settings.as_at)]
        accepted = read_waivers(Path(waivers)) if isinstance(waivers, (str, Path)) else list(waivers or [])
        findings = [
            f
            for f in run_checks(self._backend(), settings, [c.id for c in checks])
            if f.severity.rank >= floor
        ]
        findings, waived = apply_waivers(findings, accepted, today or date.today())
        meta = {
            "backend": self.backend,
            "coverage": [d.isoformat() for d in coverage] if (coverage := self.coverage) else None,
            "as_at": settings.as_at.isoformat(),
            "parameters": settings.model_dump(mode="json"),
            "not_in_force": not_in_force,  # checks whose rule was not in force that day: not judged
        }
        return Report(checks, findings, waived, meta)

    def _ccg_codes(self) -> set[str]:
        """Every CCG's code (from what was read, else from the graph)."""
        if self.dataset is not None:
            return {code for code, node in self.dataset.nodes.items() if node.kind == "CCG"}
        return {code for code, attrs in self.graph.nodes(data=True) if attrs.get("kind") == "CCG"}

    def profile(self, code: str, as_at: date | str | None = None) -> dict[str, Any]:
        """An organisation and its relationships, grouped by kind (`ccgraph show`); with
        `as_at`, only the links in force that day."""
        from graphmodel.profile import profile

        if code not in self.graph:
            raise CcgraphError(f"no organisation with code {code!r} in the graph")
        return profile(self.graph, code, as_at=self.day(as_at).isoformat() if as_at else None)

    def diff(
        self,
        before: date | str,
        after: date | str,
        *,
        tolerance: float = 5.0,
        exceptions: Iterable[str] = (),
        min_severity: str = "info",
    ) -> Changes:
        """What changed between two dates: the structure (CCGs opened, closed and merged,
        practices that moved, overlaps) and the findings that appeared or went away."""
        from graphmodel.dated import structure_diff

        first, second = self.day(before), self.day(after)
        reports = [
            self.check(as_at=day, tolerance=tolerance, exceptions=exceptions, min_severity=min_severity)
            for day in (first, second)
        ]
        return Changes(structure_diff(self.graph, first, second), *reports)

    def findings_over_time(
        self, *, only: Iterable[str] = (), tolerance: float = 5.0, exceptions: Iterable[str] = ()
    ) -> list[Span]:
        """Every finding over the whole coverage, each with the first and last day it held
        (`ccgraph timeline --findings`), computed only on the days something changes
        (`queries.over_time`); on Neo4j, over the graph the server holds."""
        from queries.over_time import findings_over_time

        try:
            checks = select(list(only) or None)
        except KeyError as err:
            raise CcgraphError(str(err.args[0])) from None
        first, last = self.coverage or _described(self.graph)
        return findings_over_time(self.graph, checks, first, last, _settings(first, tolerance, exceptions))

    def history(self, code: str, *, findings: bool = False) -> dict[str, Any]:
        """A CCG's mergers back to 2013 and forward to 2022 and what held its area after (its
        sub-ICB location and board, to the end of the data); a sub-ICB location's, board's or
        STP's predecessors and successors; or a practice's CCGs over time. With `findings`, the
        findings on it over the whole coverage, each with its first and last day."""
        from graphmodel.dated import lineage, practice_history
        from graphmodel.succession import earlier, onward

        if code not in self.graph:
            raise CcgraphError(f"no organisation with code {code!r} in the graph")
        node = self.graph.nodes[code]
        about: dict[str, Any] = {"code": code, "name": node.get("name", ""), "kind": node.get("kind", "")}
        if findings:
            about["findings"] = [s.as_dict() for s in self.findings_over_time() if s.finding.org == code]
        if about["kind"] == "CCG":
            return {**about, "lineage": lineage(self.graph, code), "onward": onward(self.graph, code)}
        if about["kind"] in ("SubICBLocation", "ICB", "STP"):
            dates = {"open_date": node.get("open_date"), "close_date": node.get("close_date")}
            return {**about, **dates, "earlier": earlier(self.graph, code), "onward": onward(self.graph, code)}
        if about["kind"] == "Practice":
            return {**about, "memberships": practice_history(self.graph, code)}
        raise CcgraphError(
            f"{code} is a {about['kind']}: history is kept for CCGs, sub-ICB locations, ICBs, STPs and practices"
        )

    def crosswalk(
        self, first: date | str, second: date | str, *, source: str = "ccg", target: str = "ccg", weight: str = "practices"
    ) -> dict[str, Any]:
        """For every `source`-level body (ccg, sicbl, icb, stp) on `first`, the `target`-level
        bodies on `second` that hold its practices (`weight="practices"`), LSOAs (`"lsoas"`) or
        residents (`"population"`), with shares adding to 100 % per source body (`ccgraph
        crosswalk`); e.g. ``crosswalk("2013-04-01", "2022-07-01", source="ccg", target="icb")``."""
        from graphmodel.crosswalk import crosswalk

        one, two = self.day(first).isoformat(), self.day(second).isoformat()
        dataset = self.dataset if weight == "practices" else self._read_again()
        areas, people = (dataset.areas, dataset.people) if dataset else (None, None)
        return crosswalk(self.graph, one, two, source, target, weight, areas=areas, people=people)

    def summary(self, by: str = "region", as_at: date | str = "2013-04-01") -> dict[str, Any]:
        """Per region, area team, ICB, STP or commissioner (`by`: region, area-team, icb, stp,
        ccg) on `as_at`: commissioners, practices, registered patients and residents, with a
        total and a row of those no link places (`ccgraph summary`)."""
        from graphmodel.summary import BY, summary_on

        if by not in BY:
            raise CcgraphError(f"unknown level {by!r}; use {', '.join(BY)}")
        return summary_on(self.graph, self.day(as_at).isoformat(), by)

    def timeline(self, *, tolerance: float = 5.0, exceptions: Iterable[str] = ()) -> list[dict[str, Any]]:
        """The structure on 1 April of each year covered (and the last day): CCGs, STPs (None
        where no STP link is in force), member practices, authorities, the NHS CB's area teams
        and regions open that day, overlaps, and CCGs crossing an upper-tier boundary (breaches,
        from the check)."""
        from graphmodel.dated import structure_on

        rows = []
        for day in self.years():
            crossing = self.check(
                only=["boundary_crossing_ccgs"], as_at=day, tolerance=tolerance, exceptions=exceptions
            )
            counts = structure_on(self.graph, day)
            judged = not crossing.meta["not_in_force"]  # the rule ended with the CCGs
            rows.append(
                {
                    "date": day.isoformat(),
                    **counts,
                    "stps": counts["stps"] or None,  # none in force: the data has no STP lookup then
                    "boundary_crossing_ccgs": sum(1 for f in crossing.findings if f.kind == "breach")
                    if judged
                    else None,
                }
            )
        return rows

    def export(self, path: Path | str, fmt: str | None = None, *, as_at: date | str | None = None) -> str:
        """Write the graph as GraphML, GEXF or node-link JSON; returns the format used. With
        `as_at`, only the bodies open and the links in force that day (the file then covers that
        day alone), for a picture of one date in Gephi."""
        from graphmodel.nx_graph import export_format

        path = Path(path)
        fmt = export_format(path, fmt)
        export_graph(self.graph_on(as_at) if as_at is not None else self.graph, path, fmt)
        return fmt

    def graph_on(self, as_at: date | str) -> nx.MultiDiGraph:
        """A copy of the graph as it stood on `as_at`: the bodies open and the links in force."""
        from graphmodel.dated import graph_at

        day = self.day(as_at)
        on_day = nx.MultiDiGraph(graph_at(self.graph, day))
        on_day.graph["coverage"] = [day.isoformat(), day.isoformat()]
        return on_day

    def cypher(self, query: str, params: dict[str, Any] | None = None, **limits: Any) -> QueryResult:
        """An analyst's read-only query against the Neo4j graph (see docs/security.md)."""
        from graphmodel.neo4j_console import read_only_query

        return read_only_query(self.driver or _connect(), query, params, **limits)


def _connect() -> Driver:
    from graphmodel.neo4j_connect import connect

    return connect()


def _read(
    data: Path | str | Sequence[Path | str] | None,
    scenario: Path | str | None,
    synthetic: str | None,
    graph_file: Path | str | None,
    registers: list[Path],
) -> tuple[Loaded, str]:
    from loaders.inputs import EXAMPLE_SCENARIO, Loaded, load_inputs  # not needed by a kept graph

    if graph_file:
        from loaders.graph_file import load_graph_file

        return Loaded(*load_graph_file(Path(graph_file))), str(graph_file)
    if synthetic:
        from queries.registry import generate_with_breaches

        scale, seed, violations = _synthetic(synthetic)
        planted = {c.id: violations for c in CHECKS} if violations else None
        return (
            Loaded(generate_with_breaches(scale, seed, planted).dataset, QualityReport()),
            f"synthetic {synthetic} (invented)",
        )
    dirs = data_folders(data)
    mine = "".join(f" + {r.name}" for r in registers)
    if not dirs and scenario is None:
        return load_inputs(bundled_folders(), registers=registers), SHIPPED + mine
    if scenario is not None and Path(scenario) == EXAMPLE_SCENARIO and not dirs:
        return load_inputs(scenario=EXAMPLE_SCENARIO, registers=registers), "the bundled illustrative example" + mine
    loaded = load_inputs(dirs, Path(scenario) if scenario else None, registers)
    return loaded, " + ".join(str(p) for p in (*dirs, scenario) if p) + mine


def _described(graph: nx.MultiDiGraph) -> tuple[date, date]:
    """The days a system without a stated coverage (a scenario) describes: from 1 April 2013 to
    its latest date, and at least to 1 July 2022."""
    days = [
        value
        for _, attrs in graph.nodes(data=True)
        for key, value in attrs.items()
        if key in ("open_date", "close_date") and isinstance(value, str)
    ] + [value for *_, attrs in graph.edges(data=True) for key in ("valid_from", "valid_to") if isinstance(value := attrs.get(key), str)]
    latest = max((date.fromisoformat(d) for d in days), default=ICBS_ESTABLISHED)
    return date(2013, 4, 1), max(latest, ICBS_ESTABLISHED)


def _files_of(data: Path | str | Sequence[Path | str] | None, scenario: Path | str | None) -> tuple[list[Path], Path | None]:
    """The data folders and scenario a system is read from (the shipped England when none)."""
    dirs = data_folders(data)
    if not dirs and scenario is None:
        return bundled_folders(), None
    return dirs, Path(scenario) if scenario else None


def _synthetic(spec: str) -> tuple[float, int, int]:
    """SCALE[:SEED[:VIOLATIONS]] as numbers, or an InputError naming the setting."""
    parts = (spec.split(":") + ["0", "0"])[:3]
    try:
        scale, seed, violations = float(parts[0]), int(parts[1]), int(parts[2])
        if seed < 0:
            raise ValueError("seed must be 0 or more")
        if (problem := size_problem(scale, violations)) is not None:
            raise ValueError(problem)
    except ValueError as err:
        reason = str(err) if " must " in str(err) else "not numbers"
        raise InputError(
            [
                Problem(
                    Location("CCGRAPH_SYNTHETIC"),
                    "SCALE[:SEED[:VIOLATIONS]]",
                    f"not a valid system: {spec[:40]!r} ({reason})",
                )
            ]
        ) from None
    return scale, seed, violations


def _settings(as_at: date | str, tolerance: float, exceptions: Iterable[str]) -> CheckSettings:
    from pydantic import ValidationError

    try:
        return CheckSettings.model_validate(
            {"as_at": as_at, "tolerance_pct": tolerance, "boundary_exceptions": list(exceptions)}
        )
    except ValidationError as err:
        raise CcgraphError(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        ) from None
