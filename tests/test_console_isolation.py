"""Against a real Neo4j: the explorer's console reads rows in a process of its own, so a row too
large for its memory budget ends that process and never reaches the explorer's; what fits comes
back as the in-process console gives it."""

from __future__ import annotations

import time

import pytest

from graphmodel.neo4j_connect import Neo4jConfig, Neo4jUnavailable
from graphmodel.neo4j_console import ConsoleRefused, read_only_query
from graphmodel.neo4j_console_worker import isolated_query
from graphmodel.neo4j_load import load_dataset
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs

pytestmark = pytest.mark.neo4j

# One row of 300,000 strings, about 40 MB on the wire: the guard lets it through (collect() is
# counted against the server's transaction memory), and the driver builds it whole.
ONE_HUGE_ROW = (
    "MATCH (a), (b), (c) WITH collect(a.name + b.name + c.name + a.name + b.name + c.name) AS l RETURN l"
)


@pytest.fixture
def example(neo4j_driver):
    load_dataset(neo4j_driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    return neo4j_driver


def _resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def test_a_row_larger_than_the_budget_ends_its_own_process_never_the_callers(example):
    before = _resident_mb()
    with pytest.raises(ConsoleRefused, match="a row is larger than the console's 200 MB memory budget"):
        isolated_query(Neo4jConfig.from_env(), ONE_HUGE_ROW, memory=200 * 2**20)
    assert _resident_mb() - before < 20
    started = time.monotonic()
    assert isolated_query(Neo4jConfig.from_env(), "MATCH (c:CCG) RETURN count(c) AS n").rows == [{"n": 4}]
    assert time.monotonic() - started < 2


def test_what_fits_comes_back_as_the_in_process_console_gives_it(example):
    query = "MATCH (p:Practice)-[m:MEMBER_OF]->(c:CCG) RETURN p, m, c, c.code AS code ORDER BY p.code"
    assert isolated_query(Neo4jConfig.from_env(), query) == read_only_query(example, query)
    dated = isolated_query(Neo4jConfig.from_env(), "RETURN date('2013-04-01') AS day")
    assert dated.rows == [{"day": "2013-04-01"}]  # dates, times and points arrive as their text


def test_refusals_and_an_absent_server_reach_the_caller_as_such(example):
    with pytest.raises(ConsoleRefused, match="read-only"):
        isolated_query(Neo4jConfig.from_env(), "MATCH (c:CCG) DETACH DELETE c")
    assert read_only_query(example, "MATCH (c:CCG) RETURN count(c) AS n").rows == [{"n": 4}]
    config = Neo4jConfig.from_env()
    absent = Neo4jConfig(uri="bolt://127.0.0.1:1", user=config.user, password=config.password)
    with pytest.raises(Neo4jUnavailable, match="not reachable"):
        isolated_query(absent, "RETURN 1 AS n")
