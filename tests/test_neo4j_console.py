"""The analysts' console against a real Neo4j: the plan decides, and every attack is refused.

Each attack was found by attacking the console as a hostile analyst would (issue 12); the
reason each is refused is part of the expectation. ATTACKS is also driven through the
explorer's page (tests/test_app.py).
"""

from __future__ import annotations

import time

import pytest

from graphmodel.neo4j_console import ConsoleRefused, read_only_query
from graphmodel.neo4j_load import load_dataset
from graphmodel.neo4j_read import counts
from graphmodel.synthetic import generate
from helpers import ATTACKS
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs

pytestmark = pytest.mark.neo4j



@pytest.fixture
def example(neo4j_driver):
    load_dataset(neo4j_driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    return neo4j_driver


@pytest.mark.parametrize("attack", ATTACKS, ids=[reason for _, reason in ATTACKS])
def test_the_console_refuses_what_is_not_a_read_only_plan_and_writes_nothing(example, attack):
    query, reason = attack
    before = counts(example)
    started = time.monotonic()
    with pytest.raises(ConsoleRefused, match=r"refused: .*" + reason.replace("(", r"\(").replace(")", r"\)")):
        read_only_query(example, query)
    assert time.monotonic() - started < 10  # refused from the plan, never run
    assert counts(example) == before
    assert read_only_query(example, "RETURN 1 AS alive").rows == [{"alive": 1}]


def test_the_server_itself_refuses_file_urls_even_past_the_console(example):
    from neo4j.exceptions import ClientError

    with pytest.raises(ClientError, match="allow_csv_import_from_file_urls"):
        example.execute_query("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row LIMIT 1")


def test_a_sum_with_reduce_and_the_checks_own_cypher_still_run(example):
    from queries.registry import BY_ID

    summed = read_only_query(
        example,
        "MATCH (c:CCG) WITH collect(c) AS ccgs RETURN reduce(n = 0, c IN ccgs | n + 1) AS all",
    )
    assert summed.rows == [{"all": 4}]
    check = BY_ID["boundary_crossing_ccgs"]
    result = read_only_query(
        example, check.cypher, {"as_at": "2013-04-01", "tolerance_pct": 5.0, "exceptions": []}
    )
    assert result.keys and result.rows


def test_query_results_carry_nodes_and_relationships_for_drawing(example):
    result = read_only_query(
        example, "MATCH (p:Practice)-[m:MEMBER_OF]->(c:CCG {code: 'ILC-A'}) RETURN p, m, c"
    )
    assert len(result.rows) == 2
    assert result.rows[0]["c"] == {
        "code": "ILC-A",
        "name": "NHS Illustrative Alpha Clinical Commissioning Group",
        "kind": "CCG",
    }
    assert result.rows[0]["m"]["type"] == "MEMBER_OF" and result.rows[0]["m"]["end"] == "ILC-A"


def test_write_words_inside_strings_are_not_mistaken_for_clauses(example):
    result = read_only_query(example, "MATCH (c:CCG) WHERE c.name <> 'CREATE LOAD CSV' RETURN count(c) AS n")
    assert result.rows == [{"n": 4}]


def test_results_are_bounded_by_rows_and_by_bytes_and_say_so(example):
    by_rows = read_only_query(
        example, "MATCH (c:CCG) WHERE c.code STARTS WITH $p RETURN c.code AS code", {"p": "ILC"}, limit=2
    )
    assert len(by_rows.rows) == 2 and "2 rows" in by_rows.truncated
    wide = "MATCH (n) WITH collect(n.code) AS codes UNWIND codes AS code RETURN code, codes"
    everything = read_only_query(example, wide)
    by_bytes = read_only_query(example, wide, max_bytes=5_000)
    assert not everything.truncated and 0 < len(by_bytes.rows) < len(everything.rows)
    assert "5,000 bytes" in by_bytes.truncated


def test_a_query_past_its_timeout_is_stopped_by_the_server(neo4j_driver):
    load_dataset(neo4j_driver, generate(0.05, seed=2).dataset)
    started = time.monotonic()
    with pytest.raises(ConsoleRefused, match="(?i)timed? ?out|terminated"):
        read_only_query(
            neo4j_driver, "MATCH (a), (b), (c) WHERE a.code < b.code < c.code RETURN count(*) AS n", timeout=2
        )
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"x": float("nan")}, "plain JSON"),
        ({1: "x"}, "string keys"),
        ({"x": "y" * 200_000}, "parameters are"),
        ([1, 2], "JSON object"),
    ],
)
def test_parameters_must_be_small_plain_json(example, params, reason):
    with pytest.raises(ConsoleRefused, match=reason):
        read_only_query(example, "RETURN $x AS x", params)


def test_an_over_long_query_is_refused_before_the_server_sees_it(example):
    with pytest.raises(ConsoleRefused, match="at most 5,000"):
        read_only_query(example, "RETURN 1 AS one " + "//" + "x" * 6000)
