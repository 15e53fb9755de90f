"""The explorer stays on this machine: it listens on loopback as the README starts it, and served
beyond, its Cypher console is shut unless an access token is configured and given."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from helpers import REPO, explorer_server

APP = str(REPO / "app.py")


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as the kernel prints them) of TCP sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.rpartition(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found


def _is_loopback_hex(address: str) -> bool:
    if len(address) == 8:  # IPv4, little-endian: 0100007F is 127.0.0.1
        return address.endswith("7F")
    return address in ("00000000000000000000000001000000", "0000000000000000FFFF00000100007F")


def _this_machines_other_addresses() -> list[str]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks the outward interface
            outward = probe.getsockname()[0]
        except OSError:
            return []
    return [] if outward.startswith("127.") else [outward]


def test_the_explorer_started_as_the_readme_says_listens_on_loopback_only(tmp_path):
    with explorer_server(tmp_path) as port:  # `streamlit run app.py` from the repository, as the README says
        time.sleep(1)  # every socket it opens for this port is open by now
        listening = _listening(port)
        log = (tmp_path / "server.log").read_text()
    assert listening, log
    assert all(_is_loopback_hex(a) for a in listening), listening
    assert "Network URL" not in log


def test_nothing_else_of_this_machine_reaches_the_explorer(tmp_path):
    with explorer_server(tmp_path) as port:
        for address in _this_machines_other_addresses():
            with socket.socket() as s:
                assert s.connect_ex((address, port)) != 0, f"reachable on {address}"


@pytest.fixture
def served_on() -> Iterator[None]:
    before = config.get_option("server.address")
    yield
    config.set_option("server.address", before)


def _console(address: str, **env: str) -> AppTest:
    config.set_option("server.address", address)
    for key in ("CCGRAPH_DATA", "CCGRAPH_SCENARIO", "CCGRAPH_KML", "CCGRAPH_SYNTHETIC", "CCGRAPH_CONSOLE_TOKEN"):
        os.environ.pop(key, None)
    os.environ.update(env)
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.sidebar.radio[0].set_value("Cypher console").run()


def test_served_beyond_loopback_without_a_token_the_console_is_off(served_on):
    at = _console("0.0.0.0")
    assert not at.exception
    assert "console is off" in at.warning[0].value and "0.0.0.0" in at.warning[0].value
    assert not at.text_area and not at.button  # no query box, no Run


def test_served_beyond_loopback_with_a_token_the_console_opens_only_to_who_gives_it(served_on, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")  # no server needed to see the gate
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    at = _console("0.0.0.0", CCGRAPH_CONSOLE_TOKEN="correct horse")
    assert "needs its access token" in at.info[0].value and not at.text_area
    at.text_input(key="console_token").set_value("wrong").run()
    assert "needs its access token" in at.info[0].value and not at.text_area
    at.text_input(key="console_token").set_value("correct horse").run()
    assert not at.info  # past the gate: the console itself, or (no server) how to start one
    assert [a.label for a in at.text_area][:1] == ["Cypher (read-only)"] or "ccgraph neo4j start" in at.code[0].value
    os.environ.pop("CCGRAPH_CONSOLE_TOKEN", None)
