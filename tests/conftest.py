"""Shared fixtures: small hand-made graphs, the real England-2013 files, and a real Neo4j."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graphmodel.dataset import Dataset
from graphmodel.nx_graph import build_graph
from loaders.scenario import Scenario, apply_authorisations, scenario_dataset
from queries.findings import Finding
from queries.registry import CheckSettings
from queries.runner import Neo4jBackend, NetworkXBackend, run_checks

REPO = Path(__file__).resolve().parents[1]


def _example_breaks() -> frozenset[str]:
    """The checks the bundled example breaks, as its header lists them ("What breaks, by check"):
    a new check need not be broken by the example, and tests that count use this set."""
    from loaders.inputs import EXAMPLE_SCENARIO
    from queries.registry import BY_ID

    listed = re.findall(r"^#   (\w+) ", EXAMPLE_SCENARIO.read_text(encoding="utf-8"), re.M)
    return frozenset(check for check in listed if check in BY_ID)


EXAMPLE_BREAKS = _example_breaks()
REAL_DATA = Path(os.environ.get("CCGRAPH_TEST_DATA", REPO.parent / "shared" / "data" / "england-2013"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for servers a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def explorer_server(tmp_path: Path, **env: str) -> Iterator[int]:
    """`streamlit run app.py` from the repository, as the README says (its .streamlit config),
    on a free port; yields the port once the server accepts. `env` sets the explorer's inputs."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port)],
        stdout=(tmp_path / "server.log").open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "CCGRAPH_DATA": "", "CCGRAPH_SCENARIO": "", **env},
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def build(**sections: Any) -> Dataset:
    """A validated dataset from scenario sections written inline, e.g. build(organisations=[...])."""
    scenario = Scenario.model_validate({"format": "ccgraph-scenario/1", "title": "test", **sections})
    dataset = scenario_dataset(scenario, "test.yaml")
    apply_authorisations(dataset, scenario, "test.yaml")
    dataset.validate()
    return dataset


def org(kind: str, code: str, **properties: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "code": code,
        "name": f"NHS Test {code} Clinical Commissioning Group" if kind == "CCG" else f"Test {kind} {code}",
        "illustrative": True,
        "properties": properties,
    }


def person(code: str, **flags: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Test person {code}", "illustrative": True, **flags}


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not (REAL_DATA / "CCG_APR_2013.csv").is_file():
        if IN_CI:
            pytest.fail(f"real data not found at {REAL_DATA}")
        pytest.skip(f"real data not found at {REAL_DATA}")
    return REAL_DATA


@pytest.fixture(scope="session")
def real_history(real_data) -> list[Path]:
    """Both real folders: the 2013 registers and the yearly lookups to 2020."""
    history = real_data.parent / "england-history"
    if not (history / "LSOA11_CCG20_LAD20_EN_LU.csv").is_file():
        if IN_CI:
            pytest.fail(f"real data not found at {history}")
        pytest.skip(f"real data not found at {history}")
    return [real_data, history]


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
    import sys

    fuzz = sys.modules.get("test_fuzz")
    if fuzz is not None and fuzz.HOSTILE_CASES:
        tried = ", ".join(f"{surface} {n:,}" for surface, n in sorted(fuzz.HOSTILE_CASES.items()))
        terminalreporter.write_line(f"hostile inputs tried: {tried} (CCGRAPH_FUZZ_CASES={fuzz.CASES:,} per surface)")
