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
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import streamlit as st
from streamlit.logger import get_logger

from ccgraph.core import Report, System
from graphmodel.errors import CcgraphError
from loaders.quality import QualityReport

_log = get_logger(__name__)  # printed by the server as Streamlit's own messages are


@dataclass(frozen=True)
class Inputs:
    """What to show: a data directory and/or scenario, or a synthetic system, boundaries, and
    the waivers to apply."""

    data: Path | None
    scenario: Path | None
    synthetic: str | None  # SCALE[:SEED[:VIOLATIONS]], as `ccgraph generate`
    kml: Path | None
    waivers: Path | None = None

    @classmethod
    def from_env(cls) -> Inputs:
        """CCGRAPH_DATA, CCGRAPH_SCENARIO, CCGRAPH_SYNTHETIC, CCGRAPH_KML and CCGRAPH_WAIVERS
        (empty = unset)."""
        data, scenario = _path("CCGRAPH_DATA"), _path("CCGRAPH_SCENARIO")
        kml = _path("CCGRAPH_KML") or (data / "CCC_Feb2013.KML" if data else None)
        return cls(data, scenario, os.environ.get("CCGRAPH_SYNTHETIC") or None, kml, _path("CCGRAPH_WAIVERS"))


def _path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


@st.cache_resource(show_spinner="Loading the commissioning graph")
def load_system(
    data: Path | None, scenario: Path | None, synthetic: str | None = None, waivers: Path | None = None
) -> tuple[nx.MultiDiGraph, Report, QualityReport]:
    """Graph, every finding (waivers applied) and the data-quality report, built once per input
    set (not per visit), through the same core as the `ccgraph` command."""
    system = System.open(data, scenario, synthetic=synthetic)
    return system.graph, system.check(waivers=waivers), system.quality


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
            graph, report, _ = load_system(inputs.data, inputs.scenario, inputs.synthetic, inputs.waivers)
        except CcgraphError as err:  # bad input: say where; each visit shows it again
            _log.error("ccgraph explorer could not load its inputs:\n%s", err)
            return
        except Exception:  # each visit loads again and shows the error where it can be read
            _log.exception("warming up the explorer failed")
            return
        _log.info(
            "%s: %s organisations and people, %s findings, loaded in %.1f s",
            READY,
            f"{graph.number_of_nodes():,}",
            f"{len(report.findings):,}",
            time.perf_counter() - start,
        )

    threading.Thread(target=load, name=WARM_UP_THREAD, daemon=True).start()
    yield
