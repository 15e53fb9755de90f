"""Against a real Neo4j: a check reads one load's graph whole, even while loads replace it, and
a load that lost its lease can neither write nor delete anything of the load that took over."""

from __future__ import annotations

import threading
import time

import pytest

from graphmodel.dataset import Dataset
from graphmodel.neo4j_load import LeaseLost, LoadLease, load_dataset
from graphmodel.neo4j_read import counts, fetch_graph, require_complete_graph
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from queries.registry import generate_with_breaches
from queries.runner import Neo4jBackend, run_checks

pytestmark = pytest.mark.neo4j


def test_checks_and_reads_during_loads_see_one_whole_graph_each(neo4j_driver):
    old = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    new = generate_with_breaches(0.05, seed=4, violations={"boundary_crossing_ccgs": 2}).dataset
    expected = {}
    for name, dataset in (("new", new), ("old", old)):
        load_dataset(neo4j_driver, dataset)
        expected[name] = run_checks(Neo4jBackend(neo4j_driver))
    assert expected["old"] != expected["new"]
    sizes = {(len(d.nodes), len(d.relationships)) for d in (old, new)}

    loading = threading.Event()
    loading.set()

    def replace_again_and_again() -> None:
        try:
            for dataset in (new, old, new, old, new, old):
                load_dataset(neo4j_driver, dataset, batch_size=40)  # slow: many round trips
        finally:
            loading.clear()

    loader = threading.Thread(target=replace_again_and_again)
    loader.start()
    seen, graphs = [], []
    while loading.is_set():
        seen.append(run_checks(Neo4jBackend(neo4j_driver)))
        graph = fetch_graph(neo4j_driver)
        graphs.append((graph.number_of_nodes(), graph.number_of_edges()))
    loader.join()
    assert len(seen) >= 6  # the checks ran throughout the loads
    assert all(findings in (expected["old"], expected["new"]) for findings in seen)
    assert set(graphs) <= sizes


def _apart_from(dataset: Dataset, other: Dataset) -> Dataset:
    """`dataset` without the bodies it shares with `other` (the services, the NHS CB): a stopped
    load in one transaction holds locks on what it wrote, and a load of the same bodies would
    wait for the server to end it (10 minutes) before it could take over."""
    shared = set(dataset.nodes) & set(other.nodes)
    return Dataset(
        nodes={c: n for c, n in dataset.nodes.items() if c not in shared},
        relationships={
            i: r for i, r in dataset.relationships.items() if not {r.source, r.target} & shared
        },
    )


def _blocked_bulk_load(driver, dataset, release: threading.Event, failed: list[BaseException]):
    """A bulk load that stops after its first batch (as if SIGSTOPped) until `release`."""

    def stall(_: int) -> None:
        release.wait(60)

    def run() -> None:
        try:
            load_dataset(driver, dataset, batch_size=50, atomic=False, progress=stall)
        except BaseException as err:  # noqa: BLE001 - the test inspects it
            failed.append(err)

    return threading.Thread(target=run)


@pytest.mark.parametrize("atomic", [False, True], ids=["bulk", "one transaction"])
def test_a_load_that_lost_its_lease_writes_and_deletes_nothing_of_the_load_that_took_over(
    neo4j_driver, monkeypatch, atomic
):
    monkeypatch.setattr(LoadLease, "LEASE_SECONDS", 2)
    monkeypatch.setattr(LoadLease, "RENEW_EVERY", 3600.0)  # the stopped load renews nothing
    taker = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    stale = _apart_from(generate_with_breaches(0.05, seed=5).dataset, taker)
    release, failed = threading.Event(), []
    if atomic:

        def stall(_: int) -> None:
            release.wait(60)

        def run() -> None:
            try:
                load_dataset(neo4j_driver, stale, batch_size=50, progress=stall)
            except BaseException as err:  # noqa: BLE001
                failed.append(err)

        first = threading.Thread(target=run)
    else:
        first = _blocked_bulk_load(neo4j_driver, stale, release, failed)
    first.start()
    time.sleep(3)  # longer than its lease
    load_dataset(neo4j_driver, taker)  # takes the lapsed lease over and completes
    release.set()
    first.join(60)
    assert failed and isinstance(failed[0], LeaseLost), failed
    assert "lost its lease" in str(failed[0])
    require_complete_graph(neo4j_driver)
    assert counts(neo4j_driver) == taker.counts()  # the stale load wrote and deleted nothing more
