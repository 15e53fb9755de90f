"""Docs are part of the product: the generated ones must match the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import IN_CI, REPO
from loaders.scenario import json_schema
from queries.registry import catalogue_markdown


def test_every_generated_document_is_current():
    """The catalogue, the scenario schema, the command reference, the sources table and the
    registers' columns."""
    from ccgraph.docs import stale

    assert stale(REPO) == [], "stale: run `python -m ccgraph.docs`"


def test_regenerating_writes_only_the_generated_parts(tmp_path):
    from ccgraph.docs import regenerate, stale

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "data.md").write_text(
        "# Data\n\nkept\n<!-- generated: sources -->\nold\n<!-- end: sources -->\nkept too\n"
    )
    (tmp_path / "docs" / "registers.md").write_text("<!-- generated: columns -->\nold\n<!-- end: columns -->\n")
    assert sorted(regenerate(tmp_path)) == sorted(
        ["docs/checks.md", "docs/scenario.schema.json", "docs/cli.md", "docs/data.md", "docs/registers.md"]
    )
    data = (tmp_path / "docs" / "data.md").read_text()
    assert data.startswith("# Data\n\nkept\n<!-- generated: sources -->\n| file |") and data.endswith("kept too\n")
    assert stale(tmp_path) == [] and regenerate(tmp_path) == []
    assert json.loads((tmp_path / "docs" / "scenario.schema.json").read_text()) == json_schema()
    assert (tmp_path / "docs" / "checks.md").read_text() == catalogue_markdown()


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme
    assert "exec bash scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_limits_on_the_security_page_are_the_ones_the_code_enforces():
    from graphmodel import input_files, neo4j_console
    from graphmodel.neo4j_load import LoadLease

    page = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    stated = [
        f"query at most {neo4j_console.MAX_QUERY_CHARS:,} characters",
        f"at most {neo4j_console.MAX_PARAMS_CHARS:,} characters",
        f"records fetched {neo4j_console.FETCH_SIZE} at a time",
        f"at most {input_files.MAX_CSV_BYTES // 2**20} MB each",
        f"at most {input_files.MAX_YAML_BYTES // 2**20} MB; at most {input_files.MAX_YAML_NODES:,} values",
        f"renewed every {LoadLease.RENEW_EVERY:g} s and lapses after {LoadLease.LEASE_SECONDS} s",
        "`db.labels`, `db.relationshipTypes`, `db.propertyKeys`, `db.schema.*` only",
    ]
    assert [s for s in stated if s not in page] == []
    assert {
        p.rsplit(".", 1)[0] if p.startswith("db.schema") else p for p in neo4j_console.ALLOWED_PROCEDURES
    } == {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema",
    }


@pytest.mark.neo4j
def test_the_notebook_tour_runs_on_the_real_data_and_both_backends_agree(neo4j_driver, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "CCGRAPH_DATA"},  # the registers ccgraph ships
        "CCGRAPH_TOUR_OUT": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    run = subprocess.run(
        [sys.executable, str(REPO / "docs" / "tour.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "boundary_crossing_ccgs" in run.stdout and "South of England" in run.stdout
    assert "the Cypher checks give the same findings as NetworkX: True" in run.stdout
    assert (tmp_path / "breaches-per-region.json").stat().st_size > 100
    assert "09W" in (tmp_path / "network-09W.html").read_text(encoding="utf-8")


def test_every_check_says_what_its_evidence_holds_and_shows_a_runnable_example():
    from queries.registry import CHECKS

    undocumented = [
        c.id
        for c in CHECKS
        if "Evidence:" not in (c.networkx.__doc__ or "") or ">>>" not in c.networkx.__doc__
    ]
    assert undocumented == []  # the examples themselves run as doctests (pyproject addopts)


def test_every_source_a_check_cites_is_named_in_docs_sources():
    import re as regex

    from queries.registry import CHECKS

    page = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
    cited = {
        ref for c in CHECKS for ref in regex.findall(r"\bS[0-4]\b|SI 20\d\d/\d+|Act 2012 s\.\d+", c.source)
    }
    assert (
        cited
        and [ref for ref in sorted(cited) if ref.replace("Act 2012 s.", "Act 2012 s.") not in page] == []
    )


def test_every_rule_in_the_rule_book_has_a_check_or_a_reason():
    from queries.registry import CHECKS, SECTIONS, rule_book

    book = REPO.parent / "shared" / "RULES.md"  # the team's rule book, beside the repository (not data)
    if not book.is_file():
        if IN_CI:
            pytest.fail(f"the rule book is not at {book}")
        pytest.skip(f"the rule book is not at {book}")
    headings = [line[3:] for line in book.read_text().splitlines() if line.startswith("## ")]
    assert [next(h for h in headings if h.startswith(s)) for s in SECTIONS] == headings  # every section, in order
    assert all(c.section in SECTIONS and c.rule for c in CHECKS)
    assert all(e["section"] in SECTIONS and e["rule"] and e["why"] for e in rule_book()["not_checked"])
    covered = {c.section for c in CHECKS} | {e["section"] for e in rule_book()["not_checked"]}
    assert covered == set(SECTIONS), "a section of the rule book with neither a check nor a reason"




def test_a_benchmark_run_with_record_writes_what_it_printed_into_its_own_section(tmp_path, monkeypatch, capsys):
    from benchmarks import results

    monkeypatch.setattr(results, "RESULTS", tmp_path / "RESULTS.md")
    results.RESULTS.write_text("# R\n<!-- generated: a -->\nold\n<!-- end: a -->\n<!-- generated: b -->\nkept\n<!-- end: b -->\n")
    with results.recorded("a", True):
        print("| measure | s |\n|---|---|\n| x | 0.1 |")
    text = results.RESULTS.read_text()
    assert "old" not in text and "| x | 0.1 |" in text and "kept" in text and "Measured " in text
    assert "| x | 0.1 |" in capsys.readouterr().out  # still printed


def test_the_clause_table_names_only_real_checks_and_every_check_resting_on_statute():
    from queries.registry import BY_ID, CHECKS, clauses

    rows = clauses()
    named = {c for row in rows for c in row["checks"]}
    assert named <= set(BY_ID), f"clauses name no such check: {named - set(BY_ID)}"
    statutory = {c.id for c in CHECKS if c.source.startswith(("SI ", "NHS Act", "Health and Social Care Act"))}
    assert statutory <= named, f"checks resting on statute with no clause row: {statutory - named}"
    for row in rows:
        assert row["encoded"] in ("yes", "partly", "no") and (row["encoded"] == "no") == (not row["checks"])
        assert row["encoded"] == "yes" or row.get("note"), f"{row['clause']}: say what is not encoded, and why"
        for check in map(BY_ID.get, row["checks"]):  # the days a check judges lie within the clause's
            assert check.since is None or str(row["from"]) >= check.since.isoformat()
            assert not row["to"] or check.until is None or str(row["to"]) <= check.until.isoformat()
