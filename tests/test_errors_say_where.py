"""Errors that say where (issue 25): which folder's copy of a file is broken when several are
given; which option asked for a date the data does not show; and on Neo4j, such a date is
refused before the server's graph is replaced."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner
from helpers import folder_with

from ccgraph.cli import main


def test_with_several_data_folders_a_broken_file_is_named_with_its_folder(real_data, tmp_path):
    text = gzip.decompress((real_data / "eccg_2025.csv.gz").read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    lines[1] = lines[1].replace('"00D"', '"00D\x01"', 1)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "eccg_2025.csv").write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--data", str(mine), "--data", str(real_data)])
    assert result.exit_code == 2
    assert f"{mine / 'eccg_2025.csv'}:2: field 'code'" in result.output


@pytest.mark.parametrize(
    "command, said",
    [
        (["check", "--as-at", "2030-01-01"], "--as-at: 2030-01-01 is outside what the data shows"),
        (["summary", "--as-at", "2012-04-01"], "--as-at: 2012-04-01 is outside what the data shows"),
        (["diff", "2012-01-01", "2013-04-01"], "BEFORE: 2012-01-01 is outside what the data shows"),
        (["crosswalk", "2013-04-01", "2027-04-01"], "SECOND: 2027-04-01 is outside what the data shows"),
    ],
)
def test_a_date_the_data_does_not_show_is_refused_naming_the_option(command, said, real_data, tmp_path):
    data = folder_with(real_data, tmp_path / "england-2013")
    result = CliRunner().invoke(main, [*command, "--data", str(data)])
    assert result.exit_code == 2 and said in result.output


@pytest.mark.neo4j
def test_on_neo4j_a_date_the_data_does_not_show_is_refused_before_the_graph_is_replaced(neo4j_driver, real_data):
    from graphmodel.neo4j_read import counts

    assert CliRunner().invoke(main, ["--backend", "neo4j", "load", "--example"]).exit_code == 0
    held = counts(neo4j_driver)
    result = CliRunner().invoke(
        main, ["--backend", "neo4j", "check", "--data", str(real_data), "--as-at", "2030-01-01"]
    )
    assert result.exit_code == 2 and "--as-at: 2030-01-01 is outside" in result.output
    assert counts(neo4j_driver) == held  # the example still, untouched
