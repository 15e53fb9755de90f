"""The offline load (`load --offline`): Neo4j's importer into the local server holds exactly what
the online load holds, answers the same, and keeps the previous graph whenever it fails."""

from __future__ import annotations

import csv
import fcntl
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import free_port

from ccgraph import neo4j_offline, neo4j_server
from ccgraph.cli import main
from ccgraph.neo4j_offline import local_server_of, offline_load
from ccgraph.neo4j_server import LocalServer
from graphmodel.neo4j_connect import Neo4jConfig, Neo4jUnavailable, connect
from graphmodel.neo4j_import_files import ARRAY_DELIMITER, write_import_files
from graphmodel.neo4j_load import load_dataset
from graphmodel.neo4j_read import counts, require_complete_graph
from graphmodel.synthetic import generate
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from queries.registry import CHECKS, CheckSettings, generate_with_breaches
from queries.runner import Neo4jBackend, run_checks


class _Driver:
    """Stands for a driver `connect` opened on `uri` (only its address is read)."""

    def __init__(self, uri: str, database: str = "neo4j"):
        self.ccgraph_uri, self.ccgraph_database = uri, database


@pytest.mark.parametrize(
    ("uri", "database", "says"),
    [
        ("neo4j+s://db.example.org:7687", "neo4j", "is not this machine"),
        ("bolt://127.0.0.1:7687", "analysis", "the database 'neo4j' only"),
        (f"bolt://127.0.0.1:{free_port()}", "neo4j", "no server started by `ccgraph neo4j start`"),
    ],
)
def test_only_the_local_servers_own_database_can_be_loaded_offline(uri, database, says):
    with pytest.raises(Neo4jUnavailable, match="--offline writes the store files") as refused:
        local_server_of(_Driver(uri, database))  # type: ignore[arg-type]
    assert says in str(refused.value)


def test_a_second_offline_load_of_one_server_is_refused_before_it_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("CCGRAPH_NEO4J_DIR", str(tmp_path))
    server = LocalServer(port=7995)
    server.home.mkdir(parents=True)
    with open(server.home / "offline-load.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Neo4jUnavailable, match="another offline load"):
            offline_load(None, generate(0.05).dataset, server=server)  # type: ignore[arg-type]
    assert not list(server.home.glob("offline-*/"))


def test_bulk_and_offline_together_are_refused_before_any_work():
    result = CliRunner().invoke(main, ["--backend", "neo4j", "load", "--bulk", "--offline"])
    assert result.exit_code == 2 and "choose one" in result.output


def test_the_importers_files_hold_each_value_as_the_online_load_would(tmp_path):
    """Quotes, commas, empty text, lists and dates, read back as the importer's CSV reader would."""
    dataset = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
    files = write_import_files(dataset, tmp_path)
    read: dict[str, dict[str, str]] = {}
    for path in files.node_files:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                read[row["code:string"]] = row
    assert len(read) == len(dataset.nodes) == files.nodes
    for code, node in dataset.nodes.items():
        for name, value in node.properties().items():
            cell = next(text for header, text in read[code].items() if header.split(":")[0] == name)
            expected = (
                ARRAY_DELIMITER.join(str(item) for item in value)
                if isinstance(value, list)
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            assert cell == expected, (code, name)


@pytest.fixture(scope="module")
def own_server():
    """A second real local server: an offline load restarts the server it loads."""
    server = LocalServer(port=free_port())
    try:
        neo4j_server.start(server)
    except neo4j_server.ServerError as err:
        pytest.skip(f"no local Neo4j could start: {err}")
    driver = connect(Neo4jConfig(uri=server.uri, password=Neo4jConfig.from_env().password))
    yield server, driver
    driver.close()
    neo4j_server.stop(server)
    shutil.rmtree(server.home, ignore_errors=True)


def _held(driver) -> tuple[list[Any], list[Any]]:
    """Every node and link as Neo4j holds it, with each value's type (1 is not 1.0), less the
    online load's stamps."""

    def typed(props: dict[str, Any]) -> list[tuple[str, str, Any]]:
        return sorted(
            (k, type(v).__name__, tuple(v) if isinstance(v, list) else v)
            for k, v in props.items()
            if k not in ("load_run", "load_epoch")
        )

    nodes, _, _ = driver.execute_query("MATCH (n:Entity) RETURN n.code AS code, labels(n) AS labels, properties(n) AS p")
    links, _, _ = driver.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.code AS a, b.code AS b, type(r) AS t, properties(r) AS p"
    )
    return (
        sorted((r["code"], sorted(r["labels"]), typed(r["p"])) for r in nodes),
        sorted((r["a"], r["b"], r["t"], typed(r["p"])) for r in links),
    )


def _findings(driver, days: list[str]) -> list[Any]:
    backend = Neo4jBackend(driver)
    return [
        sorted(f.identity for f in run_checks(backend, CheckSettings(as_at=day), [c.id for c in CHECKS]))
        for day in days
    ]


@pytest.mark.neo4j
def test_the_offline_load_holds_and_answers_exactly_what_the_online_load_does(own_server, real_2021):
    server, driver = own_server
    reader = connect(Neo4jConfig(uri=server.uri, password=Neo4jConfig.from_env().password))  # another process's
    cases = [
        (load_inputs(real_2021).dataset, ["2020-04-01", "2022-07-01"]),  # names, shares, populations, dates
        (generate_with_breaches(0.5, 7, {c.id: 2 for c in CHECKS}).dataset, ["2013-04-01", "2022-07-01"]),
    ]
    for dataset, days in cases:
        load_dataset(driver, dataset)
        online, online_findings = _held(driver), _findings(driver, days)
        assert counts(reader) == dataset.counts()  # it has read the old database
        summary = offline_load(driver, dataset, server=server)
        assert counts(reader) == dataset.counts()  # and reads the new one at once
        assert require_complete_graph(driver) == ([d.isoformat() for d in dataset.coverage] if dataset.coverage else None)
        assert _held(driver) == online
        assert _findings(driver, days) == online_findings and any(online_findings)
        assert set(summary.seconds) == {"files", "import", "restart", "constraints"}
    reader.close()
    smaller = generate(0.05, seed=2).dataset
    load_dataset(driver, smaller)  # an online load after an import leaves nothing imported behind
    assert counts(driver) == smaller.counts()


@pytest.mark.neo4j
@pytest.mark.parametrize("failing", ["importer", "constraints"])
def test_a_failed_offline_load_leaves_the_previous_graph_served_whole(own_server, monkeypatch, failing):
    server, driver = own_server
    before = generate(0.1, seed=3).dataset
    load_dataset(driver, before)
    if failing == "importer":  # a row the importer cannot read: bad data, found after the files are written
        real_write = neo4j_offline.write_link_files

        def broken(dataset, folder: Path):
            files = real_write(dataset, folder)
            with files.relationship_files[0].open("a") as out:
                out.write("999999999,1,\"MEMBER_OF\"\n")
            return files

        monkeypatch.setattr(neo4j_offline, "write_link_files", broken)
        says = "Neo4j's importer failed"
    else:  # the new database is in place and the server restarted on it, then a step fails
        def no_schema(driver):
            raise Neo4jUnavailable("constraints could not be created")

        monkeypatch.setattr(neo4j_offline, "ensure_schema", no_schema)
        says = "constraints could not be created"
    with pytest.raises(Neo4jUnavailable, match=says):
        offline_load(driver, generate(0.2, seed=4).dataset, server=server)
    require_complete_graph(driver)
    assert counts(driver) == before.counts()
    assert not list(server.home.glob("offline-*/"))  # nothing of the attempt is left
