"""The national registers ship inside the package: every source the manifest names is there,
gzipped and whole; a user with no `--data` gets the real England, from a plain `pip install .`
too; `ccgraph data` lists, verifies and writes them out; and a gzipped file is read as warily as
any other (its expanded size bounded, a broken one named)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO, folder_with, published_text

import loaders.bundled as bundled
from ccgraph.cli import main
from graphmodel.input_files import MAX_CSV_BYTES
from loaders.bundled import FOLDERS, bundled_files, bundled_folders, verify
from loaders.inputs import load_inputs
from loaders.manifest import sources

CCGRAPH = [sys.executable, "-m", "ccgraph.cli"]


def test_every_source_the_manifest_names_ships_whole_with_its_provenance():
    shipped = {f.file.rsplit("/", 1)[-1] for f in bundled_files()}
    assert {s.file for s in sources()} <= shipped
    assert [f for f in bundled_files() if verify(f)] == []
    for folder in FOLDERS:
        notes = {"PROVENANCE.md", "SOURCES.md"} & {p.name for p in (bundled.BUNDLED / folder).iterdir()}
        assert notes or folder == "england-2013", folder  # its provenance is the collection's own
    assert (bundled.BUNDLED / "PROVENANCE.md").is_file() and "Open Government Licence" in (
        bundled.BUNDLED / "README.md"
    ).read_text(encoding="utf-8")


def test_the_compressed_copies_build_the_same_graph_as_the_files_as_published(tmp_path):
    CliRunner().invoke(main, ["data", "--copy-to", str(tmp_path)], catch_exceptions=False)
    plain = load_inputs([tmp_path / folder for folder in FOLDERS]).dataset
    packed = load_inputs(bundled_folders()).dataset
    assert packed.counts() == plain.counts()
    assert set(packed.nodes) == set(plain.nodes) and set(packed.relationships) == set(plain.relationships)


def test_with_no_inputs_check_reads_the_real_england_and_says_so():
    result = CliRunner().invoke(main, ["check", "--as-at", "2020-04-01", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "national registers shipped with ccgraph" in result.stderr
    report = json.loads(result.stdout)
    crossing = {f["org"] for f in report["findings"] if f["check"] == "boundary_crossing_ccgs"}
    assert "16C" in crossing  # NHS Tees Valley, formed 1 April 2020, spans five authorities
    example = CliRunner().invoke(main, ["check", "--example"])
    assert "ILC-B" in example.stdout and "every body in it is invented" in example.stderr


def test_data_lists_every_shipped_file_with_its_publisher_edition_licence_and_checksum():
    listed = json.loads(CliRunner().invoke(main, ["data", "--format", "json"]).stdout)
    assert len(listed) == len(bundled_files())
    lookup = next(f for f in listed if f["file"] == "LSOA11_CCG18_LAD18_EN_LU.csv")
    assert lookup["publisher"] == "Office for National Statistics" and lookup["edition"] == "April 2018"
    assert lookup["licence"] == "Open Government Licence v3.0" and len(lookup["sha256"]) == 64
    assert lookup["url"].startswith("https://") and lookup["lines"] == 32845  # a header and 32,844 LSOAs
    table = CliRunner().invoke(main, ["data"]).stdout
    assert "england-history/LSOA11_CCG18_LAD18_EN_LU.csv" in table and "newer editions: https://" in table


def test_a_damaged_copy_is_found_by_verify(tmp_path, monkeypatch):
    assert CliRunner().invoke(main, ["data", "--verify"]).exit_code == 0
    copy = tmp_path / "data"
    shutil.copytree(bundled.BUNDLED, copy)
    target = copy / "england-2013" / "at.csv.gz"
    target.write_bytes(gzip.compress(b"ons_code,hscic_code,name\n", mtime=0))
    monkeypatch.setattr(bundled, "BUNDLED", copy)
    monkeypatch.setattr(bundled, "INDEX", copy / "index.csv")
    result = CliRunner().invoke(main, ["data", "--verify"])
    assert result.exit_code == 1
    assert "england-2013/at.csv: differs from the file the index records" in result.stdout


def test_copy_to_writes_the_files_as_published_again_and_again_but_never_over_a_users_edition(tmp_path):
    first = CliRunner().invoke(main, ["data", "--copy-to", str(tmp_path)])
    assert first.exit_code == 0 and "--data" in first.stdout
    succ = tmp_path / "england-2013" / "succ.csv"
    assert succ.read_bytes().decode("utf-8") == published_text(bundled.BUNDLED / "england-2013" / "succ.csv")
    assert CliRunner().invoke(main, ["data", "--copy-to", str(tmp_path)]).exit_code == 0  # idempotent
    succ.write_text("a newer edition\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["data", "--copy-to", str(tmp_path)])
    assert refused.exit_code == 2
    assert f"{succ}: field '--copy-to': exists and differs" in refused.output
    assert succ.read_text(encoding="utf-8") == "a newer edition\n"


def _bomb(path: Path, size: int) -> None:
    """A gzip file of `size` zero bytes, streamed: a few hundred kilobytes on disk."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip header
    with path.open("wb") as handle:
        block = b"0" * 2**20
        for _ in range(size // len(block)):
            handle.write(packer.compress(block))
        handle.write(packer.flush())


@pytest.mark.parametrize("kind", ["bomb", "cut short", "not gzip"])
def test_a_gzipped_register_that_is_a_bomb_cut_short_or_not_gzip_is_refused_naming_it(
    real_data, tmp_path, kind
):
    folder = folder_with(real_data, tmp_path / "england-2013", without=("epcmem.csv",))
    packed = folder / "epcmem.csv.gz"
    if kind == "bomb":
        _bomb(packed, MAX_CSV_BYTES + 2**20)
    elif kind == "cut short":
        packed.write_bytes((real_data / "epcmem.csv.gz").read_bytes()[:5000])
    else:
        packed.write_text("O01,13Q,W,20130401,,\n", encoding="utf-8")
    done = subprocess.run(
        [*CCGRAPH, "check", "--data", str(folder)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr[-2000:]
    said = {
        "bomb": f"epcmem.csv.gz: field '*': expands to more than {MAX_CSV_BYTES:,} bytes",
        "cut short": "epcmem.csv.gz: field '*': cannot be decompressed as gzip: cut short",
        "not gzip": "epcmem.csv.gz: field '*': cannot be decompressed as gzip: Not a gzipped file",
    }[kind]
    assert said in done.stderr and "Traceback" not in done.stderr


SHOW_WHICH_THEN_RUN = "import loaders, ccgraph.cli as c; print(loaders.__file__); c.main()"


def test_a_plain_pip_install_carries_the_registers_and_checks_england_from_anywhere(tmp_path):
    """`pip install .` (not only `-e`): the installed package alone, run outside the repository."""
    source = tmp_path / "clone"
    shutil.copytree(
        REPO, source, ignore=shutil.ignore_patterns(".git", "*cache*", "build", "*.egg-info", ".venv")
    )
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    shipped = {
        p.relative_to(target / "loaders" / "data") for p in (target / "loaders" / "data").rglob("*.gz")
    }
    assert shipped == {Path(f.folder) / (f.file + ".gz") for f in bundled_files()}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", SHOW_WHICH_THEN_RUN, "check", "--as-at", "2020-04-01"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=elsewhere,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(target), "HOME": str(tmp_path)},
    )
    assert run.stdout.startswith(str(target)), run.stdout[:300]  # the installed copy, not the repository's
    assert run.returncode == 1, run.stderr[-2000:]
    assert "national registers shipped with ccgraph" in run.stderr and "boundary_crossing_ccgs" in run.stdout
