"""Output cannot be used to attack its reader: a name from a file stays a name in every format."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from ccgraph.cli import main
from ccgraph.explorer import links_markdown
from graphmodel.model import CCG
from queries import report
from queries.findings import Finding, Severity
from queries.registry import BY_ID

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x00\x08\u202e"


def finding(name: str, message: str = "crosses a boundary") -> Finding:
    return Finding(
        check="boundary_crossing_ccgs",
        severity=Severity.WARNING,
        org="00K",
        org_name=name,
        message=message,
        evidence={"name": name},
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_that_would_be_a_formula_is_quoted(start):
    name = f'{start}HYPERLINK("http://evil/","click")'
    rows = list(csv.reader(io.StringIO(report.to_csv([finding(name, message=name)]))))
    by_column = dict(zip(rows[0], rows[1]))
    assert by_column["org_name"] == by_column["message"] == "'" + name
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in rows[1])


def test_junit_stays_well_formed_xml_whatever_a_name_holds():
    text = report.to_junit(
        [BY_ID["boundary_crossing_ccgs"]], [finding("NHS Evil" + ESCAPES, "msg" + ESCAPES)]
    )
    root = ET.fromstring(text.split("?>", 1)[1])
    assert "NHS Evil" in root.find("testcase/system-out").text  # a warning: listed, not failed
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text


def test_the_terminal_table_prints_no_control_characters_and_no_extra_lines():
    text = report.to_table(
        [BY_ID["boundary_crossing_ccgs"]], [finding("NHS Evil\nerror 999 forged line" + ESCAPES)], []
    )
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    assert not any(line.startswith("error 999") for line in text.splitlines())


def test_json_keeps_the_name_exactly_escaped_by_construction():
    name = 'NHS "Evil" </script>'
    document = json.loads(report.to_json([BY_ID["boundary_crossing_ccgs"]], [finding(name)], [], {}))
    assert document["findings"][0]["org_name"] == name


def test_a_name_cannot_become_a_heading_image_or_link_in_the_explorers_markdown():
    hostile = "# Big ![x](http://evil/beacon.png) [click](http://evil) **bold** :red[alarm]"
    table = links_markdown([{"code": "00K", "name": hostile, "kind": "CCG", "direction": "->", "rel": "X"}])
    cell = table.splitlines()[2]
    for construct in ("![", "](http", "**", ":red[", "| #"):
        assert construct not in cell
    assert "(?page=Explore&org=00K)" in cell  # the one link is ours


@pytest.mark.parametrize("bad", ["NHS\x00Evil", "NHS \x1b[31mEvil", "NHS \u202eEvil"])
def test_the_model_refuses_control_characters_in_names(bad):
    with pytest.raises(ValueError, match="control character"):
        CCG(code="00K", name=bad)


def test_show_prints_a_name_on_one_line(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "format: ccgraph-scenario/1\ntitle: t\norganisations:\n"
        '  - {kind: CCG, code: ILC-X, name: "NHS X\\nerror 999 forged", illustrative: true}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["show", "ILC-X", "--scenario", str(scenario)])
    assert result.exit_code == 0
    assert "NHS X error 999 forged [ILC-X]" in result.output
    assert not any(line.startswith("error 999") for line in result.output.splitlines())
