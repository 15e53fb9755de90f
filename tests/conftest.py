"""The shared fixtures: the real data folders (the package's own copies), a real Neo4j and `run`
(one check on either backend). What tests share that is not a fixture is in helpers.py."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import FUZZ_CASES, HOSTILE_CASES, IN_CI, REAL_DATA, published

from graphmodel.dataset import Dataset
from graphmodel.nx_graph import build_graph
from queries.findings import Finding
from queries.registry import CheckSettings
from queries.runner import Neo4jBackend, NetworkXBackend, run_checks


def pytest_configure(config) -> None:
    """Graphs kept between runs go to a folder of this session's, never the user's cache (the
    commands the tests run inherit it)."""
    os.environ["CCGRAPH_CACHE_DIR"] = tempfile.mkdtemp(prefix="ccgraph-test-cache-")


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not published(REAL_DATA / "CCG_APR_2013.csv"):
        if IN_CI:
            pytest.fail(f"real data not found at {REAL_DATA}")
        pytest.skip(f"real data not found at {REAL_DATA}")
    return REAL_DATA


@pytest.fixture(scope="session")
def real_history(real_data) -> list[Path]:
    """Both real folders: the 2013 registers and the yearly lookups to 2020."""
    history = real_data.parent / "england-history"
    if not published(history / "LSOA11_CCG20_LAD20_EN_LU.csv"):
        if IN_CI:
            pytest.fail(f"real data not found at {history}")
        pytest.skip(f"real data not found at {history}")
    return [real_data, history]


@pytest.fixture(scope="session")
def real_2021(real_history) -> list[Path]:
    """The two folders above, and the 2021-2026 one (its geographr lookups one folder down)."""
    later = real_history[0].parent / "england-2021-2026"
    if not published(later / "geographr" / "lookup_lsoa11_ccg21_stp21_ltla21.csv"):
        if IN_CI:
            pytest.fail(f"real data not found at {later}")
        pytest.skip(f"real data not found at {later}")
    return [*real_history, later]  # its geographr/ lookups are found one folder down


@pytest.fixture(scope="session")
def neo4j_driver():
    """The real Neo4j named by the environment (or started by `ccgraph neo4j start`)."""
    from graphmodel.neo4j_connect import Neo4jUnavailable, connect

    try:
        driver = connect()
    except Neo4jUnavailable as err:
        if IN_CI:
            pytest.fail(f"CI=true and Neo4j is unavailable: {err}")
        pytest.skip(f"Neo4j unavailable: {err}")
    yield driver
    driver.close()


@pytest.fixture(params=["networkx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def run(request) -> Callable[..., list[Finding]]:
    """Run one check on a dataset with the backend of the parameter; both must agree."""

    def _run(dataset: Dataset, check: str, **settings: Any) -> list[Finding]:
        if request.param == "neo4j":
            from graphmodel.neo4j_load import load_dataset

            driver = request.getfixturevalue("neo4j_driver")
            load_dataset(driver, dataset)
            backend = Neo4jBackend(driver)
        else:
            backend = NetworkXBackend(build_graph(dataset))
        return run_checks(backend, CheckSettings(**settings), [check])

    return _run


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many hostile inputs the fuzz tests tried (all ended in a graph or a clear error)."""
    if HOSTILE_CASES:
        tried = ", ".join(f"{surface} {n:,}" for surface, n in sorted(HOSTILE_CASES.items()))
        terminalreporter.write_line(f"hostile inputs tried: {tried} (CCGRAPH_FUZZ_CASES={FUZZ_CASES:,} per surface)")
