"""What a running explorer holds: its inputs, read from the environment, and the system built
from them once per server process, shared by every visitor and warmed up at start-up.

At ×10 building the system (generate or read, build the graph, run every check) takes about
3 s. Without a warm-up the first visitor after a start waited for all of it (6.3-6.9 s for the
first page); `warm_up` starts it as soon as the server starts, so a visitor who arrives
early waits only for what is left, behind a spinner, and every later one not at all. The cached
loader lives here, not in `app.py`, because the server imports `app.py` as a module while each
visit runs it as a script: only a function in a shared module is one cache entry for both.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.logger import get_logger

from ccgraph.core import SHIPPED, Report, System
from graphmodel.errors import CcgraphError
from graphmodel.input_files import data_folders
from loaders.bundled import boundaries_in, bundled_folders
from loaders.inputs import EXAMPLE_SCENARIO

_log = get_logger(__name__)  # printed by the server as Streamlit's own messages are


@dataclass(frozen=True)
class Inputs:
    """What to show: a data directory and/or scenario, or a synthetic system, boundaries, and
    the waivers to apply."""

    data: tuple[Path, ...]  # directories, each file read from the first that has it
    scenario: Path | None
    synthetic: str | None  # SCALE[:SEED[:VIOLATIONS]], as `ccgraph generate`
    kml: Path | None
    waivers: Path | None = None
    registers: tuple[Path, ...] = ()  # a user's own (`ccgraph template`), laid over the data

    @classmethod
    def from_env(cls) -> Inputs:
        """CCGRAPH_DATA (directories separated by `:`), CCGRAPH_SCENARIO, CCGRAPH_SYNTHETIC,
        CCGRAPH_EXAMPLE=1 (the illustrative example), CCGRAPH_KML, CCGRAPH_WAIVERS and
        CCGRAPH_REGISTERS (files separated by `:`) (empty = unset). With none of the inputs, the
        national registers shipped with ccgraph."""
        data = tuple(data_folders(os.environ.get("CCGRAPH_DATA", "").split(os.pathsep)))
        scenario = EXAMPLE_SCENARIO if os.environ.get("CCGRAPH_EXAMPLE") == "1" else _path("CCGRAPH_SCENARIO")
        synthetic = os.environ.get("CCGRAPH_SYNTHETIC") or None
        if not (data or scenario or synthetic):
            data = tuple(bundled_folders())
        kml = _path("CCGRAPH_KML") or boundaries_in(data)
        registers = tuple(Path(p) for p in os.environ.get("CCGRAPH_REGISTERS", "").split(os.pathsep) if p)
        return cls(data, scenario, synthetic, kml, _path("CCGRAPH_WAIVERS"), registers)

    @property
    def source(self) -> str:
        """Where the system comes from, as the page says it."""
        if self.synthetic:
            return f"synthetic {self.synthetic} (every body invented)"
        if self.scenario == EXAMPLE_SCENARIO and not self.data:
            return "the bundled illustrative example (every body invented)"
        if list(self.data) == bundled_folders():
            return SHIPPED
        return " + ".join([*(str(d) for d in self.data), *([self.scenario.name] if self.scenario else [])])

    def load(self) -> System:
        return load_system(self.data, self.scenario, self.synthetic, self.registers)

    def with_uploads(self, files: list[tuple[str, bytes]]) -> System:
        """A system for one visitor's session: these inputs with the registers they uploaded
        laid over them. Never cached for others; the files are written to a private folder only
        while they are read, under their own names (so a problem names the file they know)."""
        with tempfile.TemporaryDirectory(prefix="ccgraph-upload-") as folder:
            paths = []
            for number, (name, content) in enumerate(files, start=1):
                safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name)[:100] or "register"
                place = Path(folder) / str(number)
                place.mkdir(mode=0o700)
                (place / safe).write_bytes(content)
                paths.append(place / safe)
            return System.open(
                self.data or None, self.scenario, synthetic=self.synthetic, registers=[*self.registers, *paths]
            )


def _path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


@st.cache_resource(show_spinner="Loading the commissioning graph")
def load_system(
    data: tuple[Path, ...], scenario: Path | None, synthetic: str | None = None, registers: tuple[Path, ...] = ()
) -> System:
    """The system, built once per input set (not per visit), through the same core as the
    `ccgraph` command."""
    return System.open(data or None, scenario, synthetic=synthetic, registers=registers)


@st.cache_resource(show_spinner="Checking the rules on that date", max_entries=64)
def report_on(inputs: Inputs, day: str) -> Report:
    """Every finding on `day` (waivers applied), computed once per date per input set."""
    return inputs.load().check(as_at=day, waivers=inputs.waivers)


@st.cache_resource(show_spinner="Counting the structure year by year")
def timeline_of(inputs: Inputs) -> list[dict[str, Any]]:
    """The structure on 1 April of each year the data covers (`System.timeline`)."""
    return inputs.load().timeline()


@st.cache_resource(show_spinner="Working out when each finding began and ended (once, some seconds)")
def spans_of(inputs: Inputs) -> dict[str, list[tuple[str, str]]]:
    """Each finding's spans, by its identity (`Finding.identity`): the first and last day it
    held (`System.findings_over_time`), computed once per input set."""
    spans: dict[str, list[tuple[str, str]]] = {}
    for span in inputs.load().findings_over_time():
        spans.setdefault(span.finding.identity, []).append((span.first.isoformat(), span.last.isoformat()))
    return spans


def since_until(spans: dict[str, list[tuple[str, str]]], finding: Any, day: str) -> tuple[str, str]:
    """The first and last day of the span of `finding` that holds `day` ("" if none does)."""
    return next(((a, b) for a, b in spans.get(finding.identity, []) if a <= day <= b), ("", ""))


def first_day(system: System) -> str:
    """The date a visit starts on: 1 April 2013, or the first day the data covers."""
    coverage = system.coverage
    return coverage[0].isoformat() if coverage else "2013-04-01"


WARM_UP_THREAD = "ccgraph-warm-up"
READY = "ccgraph explorer warmed up"  # the server log line that says every visitor is served at once


def _not_from_warm_up(record: logging.LogRecord) -> bool:
    """Streamlit warns that a cached call has no page to show its spinner on: true, and expected."""
    return record.threadName != WARM_UP_THREAD


@asynccontextmanager
async def warm_up(_app: Any) -> AsyncIterator[None]:
    """Server lifespan: load the system in the background while the server starts accepting."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_not_from_warm_up)

    def load() -> None:
        inputs, start = Inputs.from_env(), time.perf_counter()
        try:
            system = inputs.load()
            report = report_on(inputs, first_day(system))
        except CcgraphError as err:  # bad input: say where; each visit shows it again
            _log.error("ccgraph explorer could not load its inputs:\n%s", err)
            return
        except Exception:  # each visit loads again and shows the error where it can be read
            _log.exception("warming up the explorer failed")
            return
        _log.info(
            "%s: %s organisations and people, %s findings, loaded in %.1f s",
            READY,
            f"{system.graph.number_of_nodes():,}",
            f"{len(report.findings):,}",
            time.perf_counter() - start,
        )

    threading.Thread(target=load, name=WARM_UP_THREAD, daemon=True).start()
    yield
