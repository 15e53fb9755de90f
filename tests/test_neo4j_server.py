"""The local Neo4j server: messages a user can act on, and a load cut off by the server dying."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time

import pytest

from ccgraph import neo4j_server
from helpers import free_port
from ccgraph.neo4j_server import LocalServer, ServerError
from graphmodel.neo4j_connect import Neo4jConfig, connect
from graphmodel.neo4j_load import load_dataset
from graphmodel.neo4j_read import counts
from graphmodel.synthetic import generate
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs


def test_without_maven_the_first_start_says_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CCGRAPH_NEO4J_DIR", str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "mvn" else "/usr/bin/" + name)
    with pytest.raises(ServerError, match="Maven \\(mvn\\) is needed"):
        neo4j_server.build(LocalServer(port=7999))


def test_without_java_17_or_21_the_start_says_which_java_is_needed(monkeypatch):
    monkeypatch.setattr(neo4j_server, "_java_major", lambda java: 11)
    with pytest.raises(ServerError, match="Java 17 or 21 is needed"):
        neo4j_server.find_java()


def test_a_port_taken_by_another_program_is_refused_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("CCGRAPH_NEO4J_DIR", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServerError, match=f"port {port} is taken"):
            neo4j_server.start(LocalServer(port=port))


def test_status_of_a_server_that_is_not_running(tmp_path, monkeypatch):
    monkeypatch.setenv("CCGRAPH_NEO4J_DIR", str(tmp_path))
    assert neo4j_server.status(LocalServer(port=7998)) == "not running"
    assert neo4j_server.stop(LocalServer(port=7998)) == "Neo4j is not running"


@pytest.mark.neo4j
def test_a_server_killed_mid_load_keeps_the_previous_graph(neo4j_driver, monkeypatch):
    """Start a second real server, kill -9 it during a load, restart it: the old graph is there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = LocalServer(port=port)
    neo4j_server.start(server)
    try:
        config = Neo4jConfig(uri=server.uri, password=Neo4jConfig.from_env().password)
        driver = connect(config)
        previous = load_inputs(scenario=EXAMPLE_SCENARIO).dataset
        load_dataset(driver, previous)
        before = counts(driver)
        big = generate(0.5, seed=5).dataset
        total = len(big.nodes) + len(big.relationships)
        written = 0

        def kill_server_half_way(n: int) -> None:
            nonlocal written
            written += n
            if written >= total // 2 and neo4j_server.running_pid(server):
                os.kill(neo4j_server.running_pid(server), signal.SIGKILL)
                time.sleep(0.5)

        with pytest.raises(Exception):
            load_dataset(driver, big, batch_size=500, progress=kill_server_half_way)
        assert written < total
        driver.close()
        server.pid_file.unlink(missing_ok=True)
        neo4j_server.start(server)
        driver = connect(config)
        assert counts(driver) == before
        driver.close()
    finally:
        neo4j_server.stop(server)
        shutil.rmtree(server.home, ignore_errors=True)


@pytest.mark.neo4j
def test_a_tls_server_serves_neo4j_plus_s_only_and_keeps_its_files_private(neo4j_driver, monkeypatch):
    from graphmodel.neo4j_connect import Neo4jUnavailable

    server = LocalServer(port=free_port(), tls=True)
    neo4j_server.start(server)
    try:
        password = Neo4jConfig.from_env().password
        monkeypatch.setenv("SSL_CERT_FILE", str(server.tls_dir / "public.crt"))  # trust the self-signed CA
        driver = connect(Neo4jConfig(uri=server.uri, password=password))
        assert server.uri.startswith("neo4j+s://")
        load_dataset(driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
        assert counts(driver)["CCG"] == 4
        driver.close()
        with pytest.raises(Neo4jUnavailable):
            connect(Neo4jConfig(uri=f"bolt://127.0.0.1:{server.port}", password=password))
        # store, system database (the credential hash), logs and TLS key: the owner's alone
        shared = [
            f"{path} {oct(path.stat().st_mode & 0o777)}"
            for path in [server.home, *server.home.rglob("*")]
            if not path.is_symlink() and path.stat().st_mode & 0o077
        ]
        assert (server.tls_dir / "private.key").is_file() and (server.home / "store" / "data").is_dir()
        assert shared == []
    finally:
        neo4j_server.stop(server)
        shutil.rmtree(server.home, ignore_errors=True)
