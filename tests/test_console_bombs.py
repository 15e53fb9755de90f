"""Against a real Neo4j: memory and CPU bombs from the analysts' console are refused before they
run, or stopped by the server's timeout; after each, another user's query answers within 2 s
and nothing the console started is still running on the server."""

from __future__ import annotations

import time

import pytest

from graphmodel.neo4j_console import ConsoleRefused, read_only_query
from graphmodel.neo4j_load import load_dataset
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs

pytestmark = pytest.mark.neo4j

CLIQUE = "MATCH " + ", ".join(f"(n{i})--(n{j})" for i in range(7) for j in range(i + 1, 7)) + " RETURN count(*) AS n"
CROSS = "MATCH (a), (b), (c) WITH collect(a.code + b.code + c.code) AS l "  # 300,000 strings
BOMBS = [  # (query, what the refusal says)
    ("WITH 'ab' AS s " + "WITH s + s AS s " * 30 + "RETURN size(split(s, '')) AS n", "added to itself"),
    ("WITH 'ab' AS s UNWIND [1, 2] AS i WITH s + s + s AS t RETURN size(split(t, '')) AS n", "added to itself"),
    ("MATCH (n) WITH collect(n) AS l RETURN reduce(a = 0, x IN l | a + reduce(b = 0, y IN l | b + 1)) AS n", "iteration"),
    ("MATCH (n) WITH collect(n) AS l RETURN [x IN l | reduce(a = 0, y IN l | a + 1)] AS n", "iteration"),
    ("MATCH (n) WITH collect(n) AS l RETURN any(x IN l WHERE all(y IN l WHERE x <> y)) AS n", "iteration"),
    ("MATCH (n) WITH collect(n) AS ns UNWIND ns AS m WITH collect(ns) AS nss RETURN size(nss) AS n", "collect() of a list"),
    ("MATCH (a:CCG)((x)--(y)){1,} (b) RETURN count(*) AS n", "upper bound"),
    ("MATCH p = (a)-[*]-(b) RETURN count(p) AS n", "upper bound"),
    ("MATCH p = (a)-[*2..]-(b) RETURN count(p) AS n", "upper bound"),
    ("MATCH p = (a)-[*1..40]-(b) RETURN count(p) AS n", "upper bound"),
    (CLIQUE, "relationship patterns"),
    # Work inside one expression, which the server's timeout never interrupts: the first ran on
    # for minutes after the server marked it terminated.
    (CROSS + "RETURN size(reduce(s = '', x IN l | s + x)) AS n", "only add up numbers"),
    (CROSS + "RETURN reduce(s = [], x IN l | s + [x]) AS n", "only add up numbers"),
    (CROSS + ", '' AS e RETURN reduce(s = coalesce(e, ''), x IN l | s + x) AS n", "only add up numbers"),
    (CROSS + "RETURN size([x IN l WHERE x IN l]) AS n", "membership test"),
    (CROSS + "RETURN any(x IN l WHERE x IN l) AS n", "membership test"),
    (CROSS + "RETURN [x IN l | size(reverse(l))][0] AS n", "used again"),
]


@pytest.fixture
def example(neo4j_driver):
    load_dataset(neo4j_driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    return neo4j_driver


def _running(driver) -> list[str]:
    """Queries the server is running now, other than this look."""
    records, _, _ = driver.execute_query("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    return [r["currentQuery"] for r in records if "SHOW TRANSACTIONS" not in (r["currentQuery"] or "")]


def _another_user_is_answered_at_once(driver) -> None:
    started = time.monotonic()
    assert read_only_query(driver, "MATCH (c:CCG) RETURN count(c) AS n").rows == [{"n": 4}]
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("bomb", BOMBS, ids=[f"{i}-{reason}" for i, (_, reason) in enumerate(BOMBS)])
def test_each_bomb_is_refused_before_it_runs_and_the_server_keeps_answering(example, bomb):
    query, reason = bomb
    started = time.monotonic()
    with pytest.raises(ConsoleRefused, match=r"refused: .*" + reason.replace("(", r"\(").replace(")", r"\)")):
        read_only_query(example, query)
    assert time.monotonic() - started < 5  # refused from the text or the plan, never run
    _another_user_is_answered_at_once(example)
    assert _running(example) == []


def test_work_past_the_timeout_is_stopped_by_the_server_and_leaves_nothing_running(example):
    """A cross product the guard lets through (each operator checks the server's timeout)."""
    started = time.monotonic()
    with pytest.raises(ConsoleRefused, match="(?i)timeout|terminated"):
        read_only_query(
            example,
            "MATCH (a), (b), (c), (d), (e), (f) WHERE a.code + b.code + c.code <> d.code + e.code + f.code "
            "RETURN count(*) AS n",
            timeout=2,
        )
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 3
    while _running(example) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _running(example) == []
    _another_user_is_answered_at_once(example)


def test_lawful_questions_still_run(example):
    for query in (
        "MATCH (p:Practice)-[m:MEMBER_OF]->(c:CCG) RETURN c.code AS ccg, count(p) AS practices ORDER BY ccg",
        "MATCH (c:CCG) RETURN c.name + ' (' + c.code + ')' AS label ORDER BY label",
        "MATCH (c:CCG)-[*1..3]-(x) RETURN c.code AS ccg, count(DISTINCT x) AS near ORDER BY ccg",
        "MATCH (c:CCG) WITH collect(c.code) AS codes RETURN size(codes) AS n",
        "MATCH (c:CCG) RETURN [x IN [1, 2, 3] | x * 2] AS doubled, reduce(s = '', x IN ['a', 'b'] | s + x) AS joined LIMIT 1",
        "MATCH (c:CCG) WITH collect(c) AS cs RETURN reduce(t = 0, x IN cs | t + coalesce(x.list_size, 0)) AS n, "
        "[x IN cs WHERE x.code IN ['ILC-A', 'ILC-B'] | x.name] AS names",
        "MATCH p = (a:CCG)-[*1..2]-(b) RETURN reduce(s = '', n IN nodes(p) | s + n.code) AS route LIMIT 3",
    ):
        assert read_only_query(example, query).rows
