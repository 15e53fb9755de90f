"""The graph kept between runs (ccgraph.kept_graph): answers from it are the answers from the
files; any change of an input file or of ccgraph's code is another key; an entry that is
truncated, edited or not ccgraph's own is rebuilt, never loaded; it is private, and a graph
holding a user's registers (real people) is never written."""

from __future__ import annotations

import os
import shutil
import stat

import networkx as nx
import pytest
from helpers import REAL_DATA, build, org

from ccgraph import kept_graph
from ccgraph.core import System
from graphmodel.nx_graph import build_graph


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CCGRAPH_CACHE_DIR", str(folder))
    return folder


def entries(folder):
    return sorted(folder.glob("*.json.gz")) if folder.exists() else []


def test_a_kept_graph_answers_as_the_files_do(cache):
    fresh = System.open()
    [entry] = entries(cache)
    kept = System.open()
    assert kept.dataset is None and fresh.dataset is not None  # answered from the entry, not the files
    assert nx.utils.graphs_equal(kept.graph, fresh.graph) and kept.graph.graph == fresh.graph.graph
    for day in ("2014-04-01", "2020-04-01", "2022-07-01", "2026-04-01"):
        assert [f.model_dump() for f in kept.check(as_at=day).findings] == [
            f.model_dump() for f in fresh.check(as_at=day).findings
        ]
    assert kept.quality.as_dict() == fresh.quality.as_dict() and kept.source == fresh.source
    assert kept.profile("09W", "2016-04-01") == fresh.profile("09W", "2016-04-01")
    walk = ("2013-04-01", "2022-07-01")
    assert kept.crosswalk(*walk, target="icb", weight="population") == fresh.crosswalk(*walk, target="icb", weight="population")
    assert entries(cache) == [entry]


def test_any_change_of_an_input_file_is_another_key(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(REAL_DATA, folder)  # a copy of the 2013 registers
    before = kept_graph.cache_key([folder], None)
    target = next(p for p in sorted(folder.iterdir()) if p.is_file())
    target.write_bytes(target.read_bytes() + b"\n")
    assert kept_graph.cache_key([folder], None) not in (before, None)
    (folder / "extra.csv").write_text("a\n1\n")  # a new file too: it might be read
    assert len({before, kept_graph.cache_key([folder], None)}) == 2


def test_any_change_of_ccgraphs_code_is_another_key(tmp_path, monkeypatch):
    for package in kept_graph.PACKAGES:
        shutil.copytree(kept_graph.CODE / package, tmp_path / package, ignore=shutil.ignore_patterns("data"))
    monkeypatch.setattr(kept_graph, "CODE", tmp_path)
    same = kept_graph.cache_key([], None)
    assert same == kept_graph.cache_key([], None)
    check = tmp_path / "queries" / "checks" / "areas.py"
    check.write_text(check.read_text() + "\n# another version\n")
    assert kept_graph.cache_key([], None) != same


@pytest.mark.parametrize("damage", ["truncated", "edited", "kept under another key", "signed by another key"])
def test_a_damaged_entry_is_rebuilt_never_loaded(cache, damage, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "format: ccgraph-scenario/1\ntitle: t\norganisations:\n"
        "  - {kind: CCG, code: C1, name: NHS Test Clinical Commissioning Group, illustrative: true}\n"
    )
    System.open(scenario=scenario)
    [entry] = entries(cache)
    key, blob = entry.name.removesuffix(".json.gz"), entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "edited":  # one bit of the graph changed after it was signed
        entry.write_bytes(blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:])
    elif damage == "kept under another key":
        entry = cache / ("0" * 64 + ".json.gz")
        entry.write_bytes(blob)
        key = "0" * 64
    else:
        (cache / "key").write_bytes(os.urandom(32))
    assert kept_graph.read_cached(key) is None  # refused...
    assert not entry.exists()  # ...and removed
    again = System.open(scenario=scenario)
    genuine = damage == "kept under another key"  # the entry under its own key still serves
    assert (again.dataset is None) == genuine and again.graph.nodes["C1"]["name"].startswith("NHS Test")


def test_the_cache_is_private_and_never_holds_a_register(cache, tmp_path):
    from loaders.registers import TEMPLATES

    System.open(example=True)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cache.iterdir())
    register = tmp_path / "gb.csv"
    register.write_text(",".join(TEMPLATES["csu-support"].columns) + "\n09W,0CE,A CSU,2013-04-01,,x\n")
    before = entries(cache)
    System.open(registers=[register])
    assert entries(cache) == before  # the shipped England with a register: not kept


def test_off_means_nothing_is_kept(cache, monkeypatch):
    monkeypatch.setenv("CCGRAPH_CACHE", "off")
    System.open(example=True)
    assert entries(cache) == []


def test_the_fast_rebuild_is_the_graph_networkx_builds():
    graph = build_graph(build(organisations=[org("CCG", "C1"), org("Practice", "P1"), org("Practice", "P2")],
                              memberships=[{"practice": "P1", "ccg": "C1"}, {"practice": "P1", "ccg": "C1", "valid_from": "2014-01-01"},
                                           {"practice": "P2", "ccg": "C1"}]))
    rebuilt = kept_graph._graph(kept_graph._plain(graph))
    assert nx.utils.graphs_equal(rebuilt, graph) and rebuilt.number_of_edges() == graph.number_of_edges()
    assert rebuilt.number_of_edges("P1", "C1") == 2  # parallel links kept apart
    assert list(rebuilt.in_edges("C1", keys=True, data=True)) == list(graph.in_edges("C1", keys=True, data=True))


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_is_never_opened_for_a_key(tmp_path, kind):
    """A scenario or data file that would block or never end gives no key: the load then
    refuses it, naming it (tests/test_hostile_input.py)."""
    path = tmp_path / "scenario.yaml"
    os.mkfifo(path) if kind == "fifo" else path.symlink_to("/dev/zero")
    assert kept_graph.cache_key([], path) is None
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "CCG_APR_2013.csv").symlink_to(path)
    assert kept_graph._files(folder) == []
