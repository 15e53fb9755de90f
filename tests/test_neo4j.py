"""Against a real Neo4j server: idempotent, atomic loads; read-only analysts; parity with NetworkX."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import EXAMPLE_BREAKS
from graphmodel.dataset import Dataset, Location
from graphmodel.model import HWB, Relationship, RelType
from graphmodel.neo4j_connect import Neo4jUnavailable
from graphmodel.neo4j_load import BATCHES_AHEAD, LoadInProgress, load_dataset
from graphmodel.neo4j_read import counts, fetch_graph, require_complete_graph
from graphmodel.nx_graph import build_graph
from graphmodel.synthetic import generate
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from queries.registry import CHECKS, CheckSettings, generate_with_breaches
from queries.runner import Neo4jBackend, NetworkXBackend, run_checks

HERE = Location("tangle")

pytestmark = pytest.mark.neo4j


def both(driver, dataset: Dataset, settings: CheckSettings | None = None):
    load_dataset(driver, dataset)
    return run_checks(NetworkXBackend(build_graph(dataset)), settings), run_checks(
        Neo4jBackend(driver), settings
    )


def test_three_loads_give_the_same_counts_as_the_dataset(neo4j_driver):
    dataset = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    seen = []
    for _ in range(3):
        load_dataset(neo4j_driver, dataset, batch_size=7)
        seen.append(counts(neo4j_driver))
    assert seen[0] == seen[1] == seen[2] == dataset.counts()


def test_a_load_that_fails_half_way_leaves_the_previous_graph_intact(neo4j_driver):
    previous = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    load_dataset(neo4j_driver, previous)
    before = counts(neo4j_driver)
    bigger = generate(0.05, seed=3).dataset
    written = 0

    def crash_after_some_batches(n: int) -> None:
        nonlocal written
        written += n
        if written > 500:
            raise ConnectionError("simulated failure half-way through the load")

    with pytest.raises(ConnectionError):
        load_dataset(neo4j_driver, bigger, batch_size=100, progress=crash_after_some_batches)
    assert counts(neo4j_driver) == before
    assert fetch_graph(neo4j_driver).has_node("ILC-A")


def test_a_new_load_replaces_what_the_previous_one_left(neo4j_driver):
    load_dataset(neo4j_driver, generate(0.05, seed=1).dataset)
    example = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    load_dataset(neo4j_driver, example)
    assert counts(neo4j_driver) == example.counts()


def test_a_bulk_load_gives_the_same_graph_and_findings_as_a_single_transaction(neo4j_driver):
    dataset = generate_with_breaches(0.05, seed=4, violations={c.id: 1 for c in CHECKS}).dataset
    load_dataset(neo4j_driver, dataset, batch_size=100, atomic=False)
    assert counts(neo4j_driver) == dataset.counts()
    bulk = run_checks(Neo4jBackend(neo4j_driver))
    load_dataset(neo4j_driver, dataset, batch_size=100)
    assert counts(neo4j_driver) == dataset.counts()
    assert bulk == run_checks(Neo4jBackend(neo4j_driver))


def test_checks_refuse_a_graph_that_an_interrupted_bulk_load_left_until_a_load_completes(neo4j_driver):
    example = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    load_dataset(neo4j_driver, example)
    interrupted = generate(0.2, seed=3).dataset
    reported = 0

    def crash_after_500_rows(rows: int) -> None:
        nonlocal reported
        reported += rows
        if reported >= 500:
            raise ConnectionError("simulated failure part-way through the load")

    with pytest.raises(ConnectionError):
        load_dataset(neo4j_driver, interrupted, batch_size=100, atomic=False, progress=crash_after_500_rows)
    with pytest.raises(Neo4jUnavailable, match="incomplete: bulk load .* did not finish"):
        Neo4jBackend(neo4j_driver)
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (m:CcgraphLoad) WITH m.pending_run AS run "
        "CALL { WITH run MATCH (n) WHERE n.load_run = run RETURN count(n) AS nodes } "
        "CALL { WITH run MATCH ()-[r]->() WHERE r.load_run = run RETURN count(r) AS links } "
        "RETURN nodes + links AS written"
    )
    # every reported batch was committed; after the failure at most the batches queued then were
    assert reported <= records[0]["written"] <= reported + BATCHES_AHEAD * 100
    load_dataset(neo4j_driver, example, atomic=False)
    assert counts(neo4j_driver) == example.counts()
    assert run_checks(Neo4jBackend(neo4j_driver)) == run_checks(NetworkXBackend(build_graph(example)))


def test_a_second_load_while_one_runs_is_refused_and_the_first_completes_whole(neo4j_driver):
    first, second = generate(0.05, seed=4).dataset, load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    writing, may_finish = threading.Event(), threading.Event()

    def pause_once_writing(rows: int) -> None:
        writing.set()
        may_finish.wait(60)

    loader = threading.Thread(
        target=load_dataset,
        args=(neo4j_driver, first),
        kwargs={"atomic": False, "progress": pause_once_writing},
    )
    loader.start()
    try:
        assert writing.wait(60)
        for atomic in (True, False):
            with pytest.raises(LoadInProgress, match="another load .* nothing was written"):
                load_dataset(neo4j_driver, second, atomic=atomic)
    finally:
        may_finish.set()
        loader.join()
    assert counts(neo4j_driver) == first.counts()
    require_complete_graph(neo4j_driver)
    load_dataset(neo4j_driver, second)  # the lease was given back
    assert counts(neo4j_driver) == second.counts()


@pytest.mark.parametrize(
    "holder, expires_in, taken_over",
    [
        (f"{socket.gethostname()}:999999999", 600, True),  # a process of this host that is gone
        (f"{socket.gethostname()}:{os.getpid()}", 600, True),  # this process, whose load lost its server
        ("elsewhere:1", -1, True),  # not renewed in time
        ("elsewhere:1", 600, False),  # alive, as far as anyone here can tell
    ],
)
def test_a_lease_is_taken_over_only_when_its_holder_is_gone(neo4j_driver, holder, expires_in, taken_over):
    example = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    load_dataset(neo4j_driver, example)
    neo4j_driver.execute_query(
        "MERGE (l:CcgraphLoadLease {singleton: true}) SET l.run = 'other', l.holder = $holder, "
        "l.since = toString(datetime()), l.expires = datetime() + duration({seconds: $s})",
        holder=holder,
        s=expires_in,
    )
    try:
        if taken_over:
            load_dataset(neo4j_driver, example)
        else:
            with pytest.raises(LoadInProgress, match="run other, by elsewhere:1"):
                load_dataset(neo4j_driver, example)
    finally:
        neo4j_driver.execute_query("MATCH (l:CcgraphLoadLease) REMOVE l.run, l.holder, l.since, l.expires")


def test_an_empty_or_changed_database_is_refused_with_what_to_load(neo4j_driver):
    example = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    load_dataset(neo4j_driver, example)
    neo4j_driver.execute_query(
        "MATCH (n:Entity) SET n.extra = 1 WITH n LIMIT 1 CREATE (:Entity {code: 'ADDED'})"
    )
    with pytest.raises(Neo4jUnavailable, match="was changed since. Load a graph first"):
        Neo4jBackend(neo4j_driver)
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    for read in (Neo4jBackend, fetch_graph):
        with pytest.raises(Neo4jUnavailable, match="'neo4j' is empty. Load a graph first: `ccgraph"):
            read(neo4j_driver)
    load_dataset(neo4j_driver, example)
    require_complete_graph(neo4j_driver)


def test_a_bulk_load_counts_the_drivers_retry_warnings_instead_of_printing_them(neo4j_driver, caplog):
    driver_log = logging.getLogger("neo4j.session")  # where the driver warns of a retried transaction

    def retried_once(_: int) -> None:  # as the driver reports a deadlock between the two writers
        driver_log.warning("Transaction failed and will be retried in %ss (%s)", 0.8, "DeadlockDetected")

    dataset = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    summary = load_dataset(neo4j_driver, dataset, atomic=False, progress=retried_once)
    batches = len({str(n.kind) for n in dataset.nodes.values()}) + len(
        {str(r.rel) for r in dataset.relationships.values()}
    )
    assert summary.retried >= batches and not caplog.records  # real lock conflicts would add to it
    retried_once(0)  # after the load the driver's own warnings pass again
    assert "will be retried" in caplog.records[0].getMessage()


def test_the_stored_graph_reads_back_as_the_embedded_graph(neo4j_driver):
    dataset = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    load_dataset(neo4j_driver, dataset)
    stored, built = fetch_graph(neo4j_driver), build_graph(dataset)
    assert dict(stored.nodes(data=True)) == dict(built.nodes(data=True))
    assert sorted(stored.edges(keys=True, data=True), key=repr) == sorted(
        built.edges(keys=True, data=True), key=repr
    )


def test_parity_on_the_example_scenario(neo4j_driver):
    nx_findings, neo_findings = both(neo4j_driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    assert nx_findings == neo_findings
    assert {f.check for f in nx_findings if f.kind != "recommendation"} == EXAMPLE_BREAKS


def test_parity_on_the_real_england_2013_data(neo4j_driver, real_data):
    dataset = load_inputs([real_data, real_data.parent / "england-2013-curated"]).dataset
    nx_findings, neo_findings = both(neo4j_driver, dataset)
    assert len(nx_findings) > 900
    assert nx_findings == neo_findings
    later = CheckSettings(as_at="2016-04-01", tolerance_pct=1.0)
    nx_later, neo_later = both(neo4j_driver, dataset, later)
    assert nx_later == neo_later and nx_later != nx_findings


def tangle(dataset: Dataset, rng: random.Random) -> None:
    """The structures that broke parity once, or could: bodies closed before the date, links
    that end or start around it, an authority with two boards, people in several bodies (two
    chief finance officers among them), specialists qualified only in the past, excluded employers."""
    nodes, rels = dataset.nodes, dataset.relationships
    for code in rng.sample(sorted(nodes), k=min(8, len(nodes))):  # some bodies closed in 2015
        if "close_date" in type(nodes[code]).model_fields:
            nodes[code] = nodes[code].model_copy(update={"close_date": date(2015, 3, 31)})
    for ident in rng.sample(sorted(rels), k=min(30, len(rels))):  # some links dated
        rel = rels.pop(ident)
        dated = rel.model_copy(update=rng.choice([{"valid_to": date(2014, 3, 31)}, {"valid_from": date(2016, 4, 1)}]))
        rels[(dated.source, dated.target, dated.key)] = dated
    authorities = sorted(c for c, n in nodes.items() if n.kind == "LocalAuthority")
    if authorities:  # a second board for one authority
        la = rng.choice(authorities)
        dataset.add_node(HWB(code=f"HWB2-{la}", name="Second board", illustrative=True), HERE)
        dataset.add_relationship(Relationship(source=la, target=f"HWB2-{la}", rel=RelType.HAS_HWB), HERE)
    people = sorted(c for c, n in nodes.items() if n.kind == "Person")
    for code in rng.sample(people, k=min(6, len(people))):  # qualified once, or excluded (regs 11-12)
        change = rng.choice(
            [
                {"specialist_until": date(2003, rng.randint(1, 12), 1), "gp_register": True},
                {"consultant_post": False},
                {"employer": "commissioned_provider"},
            ]
        )
        nodes[code] = nodes[code].model_copy(update=change)
    roles = [r for r in rels.values() if r.rel == RelType.HOLDS_ROLE]
    for role in rng.sample(roles, k=min(6, len(roles))):  # appointments on record
        appointed = role.model_copy(update={"valid_from": rng.choice([date(2012, 10, 1), date(2013, 3, 31)])})
        del rels[(role.source, role.target, role.key)]  # the key has the start date in it
        rels[(appointed.source, appointed.target, appointed.key)] = appointed
    roles = [r for r in rels.values() if r.rel == RelType.HOLDS_ROLE]
    ccgs = sorted(c for c, n in nodes.items() if n.kind == "CCG")
    for role in rng.sample(roles, k=min(3, len(roles))):  # people on two governing bodies
        other = rng.choice(ccgs)
        dataset.add_relationship(role.model_copy(update={"target": other}), HERE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    planted=st.dictionaries(st.sampled_from([c.id for c in CHECKS]), st.integers(0, 2), max_size=6),
    drop=st.floats(0.0, 0.3),
    tangled=st.booleans(),
    as_at=st.sampled_from(["2013-04-01", "2015-06-30", "2022-05-01", "2022-07-01"]),
)
def test_parity_on_random_graphs(neo4j_driver, seed, planted, drop, tangled, as_at):
    dataset = generate_with_breaches(0.03, seed=seed, violations=planted).dataset
    rng = random.Random(seed)
    for ident in [i for i in dataset.relationships if rng.random() < drop]:
        del dataset.relationships[ident]  # arbitrary missing links: any mix of breaches
    if tangled:
        tangle(dataset, rng)
    nx_findings, neo_findings = both(neo4j_driver, dataset, CheckSettings(as_at=as_at))
    assert nx_findings == neo_findings
