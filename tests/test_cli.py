"""The `ccgraph` command as scripts use it: exit codes, report formats, waivers, show, export."""

from __future__ import annotations

import csv
from datetime import date
import io
import json
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from ccgraph.cli import main
from helpers import EXAMPLE_BREAKS
from queries.registry import CHECKS


def ccgraph(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_on_the_bundled_example_exits_1_because_errors_are_found():
    result = ccgraph("check", "--example")
    assert result.exit_code == 1
    assert (
        "ILC-B" in result.output and "17 error(s) and 1 warning(s) (breaches), 1 data gap(s)" in result.output
    )


def test_the_summary_table_counts_breaches_data_gaps_and_advice_in_separate_columns():
    lines = ccgraph("check", "--example").stdout.splitlines()
    assert lines[0].split() == ["check", "severity", "breaches", "gaps", "advice", "waived"]
    roles = next(line.split() for line in lines if line.startswith("governing_body_roles "))
    assert roles[1:] == ["error", "1", "1", "0", "0"]  # ILC-B breaks reg 11; ILC-C records no body
    assert any(line.startswith("  gap     ILC-C") for line in lines)
    conditions = next(line.split() for line in lines if line.startswith("authorisation_conditions "))
    assert conditions[1:] == ["info", "0", "0", "1", "0"]  # ILCOND-B2 has no owner: advice, lawful
    assert any(line.startswith("  advice  ILC-B") for line in lines)


def test_a_clean_selection_exits_0():
    result = ccgraph("check", "--example", "--only", "boundary_crossing_ccgs")
    assert result.exit_code == 0  # the one finding is a warning


def test_json_report_has_the_documented_schema():
    result = ccgraph("check", "--example", "--format", "json")
    report = json.loads(result.stdout)
    assert report["format"] == "ccgraph-findings/1"
    judged = {c.id for c in CHECKS if c.in_force(date.fromisoformat(report["as_at"]))}
    assert {s["check"] for s in report["summary"]} == judged and set(report["not_in_force"]) == {c.id for c in CHECKS} - judged
    first = report["findings"][0]
    assert {"check", "severity", "org", "message", "evidence"} <= set(first)


def test_junit_has_a_case_per_check_failing_on_errors_and_listing_warnings_and_gaps_as_output():
    from ccgraph.core import System

    findings = System.open(example=True).check().findings
    with_errors = {f.check for f in findings if f.severity.value == "error"}
    with_breaches = {f.check for f in findings if f.severity.value != "info"}
    assert with_errors < with_breaches == EXAMPLE_BREAKS  # the example has warning-only checks
    suite = ET.fromstring(ccgraph("check", "--example", "--format", "junit").stdout.split("?>", 1)[1])
    assert len(suite.findall("testcase")) == len(CHECKS)  # those not in force that day skipped, saying so
    assert {c.get("name") for c in suite.findall("testcase[skipped]")} == {c.id for c in CHECKS if c.since}
    assert {c.get("name") for c in suite.findall("testcase[failure]")} == with_errors
    crossing = suite.find("testcase[@name='boundary_crossing_ccgs']/system-out").text
    assert crossing.startswith("warning ILC-B")
    strict = ET.fromstring(
        ccgraph("check", "--example", "--format", "junit", "--junit-fail-on", "warning").stdout.split("?>", 1)[1]
    )
    assert int(strict.get("failures")) == len(with_breaches)


def test_csv_report_has_a_row_per_finding():
    rows = list(csv.DictReader(io.StringIO(ccgraph("check", "--example", "--format", "csv").stdout)))
    assert len(rows) == 20 and rows[0].keys() >= {"check", "severity", "org", "message", "evidence"}


def test_min_severity_filters_findings():
    report = json.loads(ccgraph("check", "--example", "--format", "json", "--min-severity", "error").stdout)
    assert {f["severity"] for f in report["findings"]} == {"error"}


def test_a_waiver_suppresses_until_it_expires(tmp_path):
    live, expired = tmp_path / "live.yaml", tmp_path / "expired.yaml"
    live.write_text(
        "- {check: practice_single_membership, org: ILP-B3, reason: closing soon, expires: 2999-01-01}\n"
    )
    expired.write_text(
        "- {check: practice_single_membership, org: ILP-B3, reason: closing soon, expires: 2000-01-01}\n"
    )
    waived = json.loads(
        ccgraph(
            "check", "--example", "--only", "practice_single_membership", "--format", "json", "--waivers", str(live)
        ).stdout
    )
    assert waived["findings"] == [] and len(waived["waived"]) == 1
    assert ccgraph("check", "--example", "--only", "practice_single_membership", "--waivers", str(live)).exit_code == 0
    again = json.loads(
        ccgraph(
            "check", "--example", "--only", "practice_single_membership", "--format", "json", "--waivers", str(expired)
        ).stdout
    )
    assert len(again["findings"]) == 1


def test_bad_input_exits_2_with_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: ccgraph-scenario/1\ntitle: t\noverlaps:\n  - {ccg: C1, authority: L1, share: 150}\n"
    )
    result = CliRunner().invoke(main, ["check", "--scenario", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml:4: field 'overlaps.0.share'" in result.output


def test_an_unknown_check_id_is_a_usage_error():
    result = CliRunner().invoke(main, ["check", "--example", "--only", "no_such_check"])
    assert result.exit_code == 2 and "unknown check id" in result.output


def test_show_lists_an_organisations_relationships_by_kind():
    result = ccgraph("show", "ILC-B", "--example")
    assert result.exit_code == 0
    assert "Member practices (2)" in result.output and "Overlaps local authorities (2)" in result.output
    data = json.loads(ccgraph("show", "ILC-B", "--example", "--json").stdout)
    assert {link["code"] for link in data["relationships"]["Governing body"]} >= {"ILPER-B1"}


def test_show_of_an_unknown_code_exits_2():
    assert CliRunner().invoke(main, ["show", "NOPE", "--example"]).exit_code == 2


@pytest.mark.parametrize("suffix", ["graphml", "gexf", "json"])
def test_export_writes_each_format(tmp_path, suffix):
    path = tmp_path / f"graph.{suffix}"
    assert ccgraph("export", str(path), "--example").exit_code == 0
    assert path.stat().st_size > 1000


def test_neo4j_backend_without_a_server_says_how_to_start_one(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password-xyz")
    result = CliRunner().invoke(main, ["--backend", "neo4j", "check"])
    assert result.exit_code == 2
    assert "ccgraph neo4j start" in result.output
    assert "not-the-password-xyz" not in result.output


@pytest.mark.neo4j
def test_a_wrong_password_is_reported_without_the_password(neo4j_driver, monkeypatch):
    from graphmodel.neo4j_connect import Neo4jConfig

    monkeypatch.setenv("NEO4J_URI", Neo4jConfig.from_env().uri)
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-password-abc")
    result = CliRunner().invoke(main, ["--backend", "neo4j", "check"])
    assert result.exit_code == 2
    assert "NEO4J_PASSWORD" in result.output and "wrong-password-abc" not in result.output


@pytest.mark.neo4j
def test_the_neo4j_backend_gives_the_same_json_report(neo4j_driver):
    embedded = json.loads(ccgraph("check", "--example", "--format", "json").stdout)
    ccgraph("--backend", "neo4j", "load", "--example")
    server = json.loads(ccgraph("--backend", "neo4j", "check", "--format", "json").stdout)
    assert server["findings"] == embedded["findings"]


@pytest.mark.neo4j
def test_a_bulk_load_gives_the_same_report_and_an_incomplete_one_exits_2(neo4j_driver):
    from graphmodel.neo4j_load import load_dataset
    from graphmodel.synthetic import generate

    embedded = json.loads(ccgraph("check", "--example", "--format", "json").stdout)
    ccgraph("--backend", "neo4j", "load", "--example", "--bulk")
    server = json.loads(ccgraph("--backend", "neo4j", "check", "--format", "json").stdout)
    assert server["findings"] == embedded["findings"]

    def crash(_: int) -> None:
        raise ConnectionError("simulated failure")

    with pytest.raises(ConnectionError):
        load_dataset(neo4j_driver, generate(0.05, seed=1).dataset, atomic=False, progress=crash)
    result = CliRunner().invoke(main, ["--backend", "neo4j", "check"])
    assert result.exit_code == 2 and "incomplete" in result.output


def test_generate_writes_a_synthetic_graph_and_lists_what_it_planted(tmp_path):
    path = tmp_path / "synthetic.json"
    result = ccgraph("generate", "--scale", "0.05", "--seed", "4", "--violations", "2", "-o", str(path))
    planted = json.loads(result.stdout)
    assert set(planted) == {c.id for c in CHECKS} and all(len(v) == 2 for v in planted.values())
    assert json.loads(path.read_text())["nodes"]


@pytest.mark.neo4j
def test_show_and_export_read_the_graph_back_from_neo4j(neo4j_driver, tmp_path):
    ccgraph("--backend", "neo4j", "load", "--example")
    shown = json.loads(ccgraph("--backend", "neo4j", "show", "ILC-B", "--json").stdout)
    assert len(shown["relationships"]["Member practices"]) == 2
    path = tmp_path / "from-neo4j.graphml"
    assert ccgraph("--backend", "neo4j", "export", str(path)).exit_code == 0
    assert path.stat().st_size > 1000


@pytest.mark.neo4j
@pytest.mark.parametrize("command", [["check"], ["show", "ILC-B"], ["export", "out.graphml"]])
def test_check_show_and_export_on_an_empty_neo4j_exit_2_saying_what_to_load(
    neo4j_driver, command, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    result = CliRunner().invoke(main, ["--backend", "neo4j", *command])
    assert result.exit_code == 2
    assert "is empty. Load a graph first" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.graphml").exists()


def test_global_options_may_follow_the_subcommand():
    before = CliRunner().invoke(main, ["--backend", "networkx", "check", "--example", "--only", "pct_in_cluster"])
    after = CliRunner().invoke(main, ["check", "--example", "--only", "pct_in_cluster", "--backend", "networkx"])
    assert before.exit_code == after.exit_code == 1 and before.stdout == after.stdout
    wrong = CliRunner().invoke(main, ["check", "--backend=oracle"])
    assert wrong.exit_code == 2 and "oracle" in wrong.output


def test_check_reads_the_graph_file_that_generate_writes(tmp_path):
    path = tmp_path / "system.json"
    planted = json.loads(
        ccgraph("generate", "--scale", "0.02", "--seed", "4", "--violations", "1", "-o", str(path)).stdout
    )
    found = {  # the 2013 bodies on their day, the boards on theirs
        (f["check"], f["org"])
        for day in ("2013-04-01", "2022-07-01")
        for f in json.loads(ccgraph("check", "--input", str(path), "--as-at", day, "--format", "json").stdout)["findings"]
    }
    assert found == {(check, org) for check, orgs in planted.items() for org in orgs}
    some_org = planted["pct_in_cluster"][0]
    assert ccgraph("show", some_org, "--input", str(path)).exit_code == 0


def test_a_graph_file_is_validated_like_any_input(tmp_path):
    path = tmp_path / "edited.json"
    path.write_text(
        json.dumps(
            {
                "nodes": [{"kind": "CCG", "code": "00X", "name": "NHS X\u0000"}, {"kind": "Spaceship"}],
                "links": [],
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", "--input", str(path)])
    assert result.exit_code == 2
    assert "edited.json: field 'nodes[0].name': contains the control character" in result.output
    assert "nodes[1].kind" in result.output
    both = CliRunner().invoke(main, ["check", "--input", str(path), "--scenario", "x.yaml"])
    assert both.exit_code == 2 and "give it alone" in both.output


def test_a_crosswalk_by_small_areas_without_any_is_refused_saying_what_it_needs():
    result = CliRunner().invoke(main, ["crosswalk", "2013-04-01", "2013-04-01", "--example", "--weight", "population"])
    assert result.exit_code == 2
    assert "needs the ONS LSOA lookups" in result.output and "Traceback" not in result.output
    by_practices = CliRunner().invoke(main, ["crosswalk", "2013-04-01", "2013-04-01", "--example", "--format", "json"])
    rows = json.loads(by_practices.stdout)["rows"]
    assert rows and all(r["share"] == 100.0 and r["from"] == r["to"] for r in rows)  # nothing moves in a day


def test_debug_adds_the_traceback_and_keeps_the_exit_code_of_bad_input(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("not: [valid\n", encoding="utf-8")
    plain = CliRunner().invoke(main, ["check", "--scenario", str(bad)])
    debug = CliRunner().invoke(main, ["--debug", "check", "--scenario", str(bad)])
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.output and "Traceback" in debug.output
    assert "bad.yaml:2" in debug.output


def test_an_unknown_boundary_exception_is_refused_naming_it():
    result = CliRunner().invoke(main, ["check", "--example", "--exception", "ZZZ"])
    assert result.exit_code == 2
    assert "boundary exception ZZZ: no CCG with that code in the graph" in result.output
    assert CliRunner().invoke(main, ["check", "--example", "--exception", "ILC-A"]).exit_code in (0, 1)


@pytest.mark.neo4j
def test_the_server_options_may_follow_the_neo4j_subcommand_as_the_readme_writes_them(neo4j_driver):
    """`ccgraph neo4j status --tls --port N` means `ccgraph neo4j --tls --port N status`."""
    import os
    from urllib.parse import urlparse

    port = str(urlparse(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")).port or 7687)
    plain = CliRunner().invoke(main, ["neo4j", "status", "--port", port])
    if not plain.output.startswith("running"):
        pytest.skip("the test server is not one `ccgraph neo4j start` runs")
    before = CliRunner().invoke(main, ["neo4j", "--tls", "--port", port, "status"])
    after = CliRunner().invoke(main, ["neo4j", "status", "--tls", "--port", port])
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output and f"neo4j+s://localhost:{port}" in after.output
    assert f"bolt://127.0.0.1:{port}" in plain.output


def test_a_graph_file_is_held_to_the_roles_and_seats_a_scenario_is(tmp_path):
    """`check --input` refuses what a scenario refuses: a governing-body role or a board seat
    the regulations do not know, naming the element (issue 25)."""
    path = tmp_path / "example.json"
    assert ccgraph("export", str(path), "--example").exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    at = next(i for i, link in enumerate(document["links"]) if link["rel"] == "HOLDS_ROLE")
    document["links"][at] |= {"qualifier": "vice_chair", "key": "HOLDS_ROLE|vice_chair|"}
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--input", str(path)])
    assert result.exit_code == 2
    assert f"example.json: field 'links[{at}].qualifier': 'vice_chair' is not one of chair" in result.output


def test_the_command_line_imports_no_graph_code_until_a_command_needs_it():
    """`ccgraph --help` and option parsing stay quick: the core, networkx and pydantic are
    imported by the commands that use them (their times are in benchmarks/, not here)."""
    import subprocess
    import sys

    probe = "import sys, ccgraph.cli; print(sorted(m for m in ('networkx', 'pydantic', 'ccgraph.core') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
