"""A user's own registers over the real England: filled from the template, they make the
governing-body rules judge real CCGs (on both backends); real names stay in the user's outputs,
never in logs, and `--redact-people` replaces them; every problem names file, row and column."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from ccgraph.cli import main
from ccgraph.core import System
from helpers import REPO
from loaders.registers import TEMPLATES, template_csv

MEDWAY = [  # 09W's governing body as an assurance team might compile it: no registered nurse
    ("Dr Ann Chair", "chair;gp_member", {"gp_register": "yes", "employer": "gp_practice"}),
    ("Ben Deputy", "deputy_chair;lay_member_area_knowledge", {}),
    ("Cal Officer", "accountable_officer", {"employer": "ccg"}),
    ("Dee Finance", "chief_finance_officer", {"accountancy_qualified": "yes", "employer": "ccg"}),
    ("Dr Eve Doctor", "secondary_care_specialist", {"specialist_register": "yes", "consultant_post": "yes"}),
    ("Fay Lay", "lay_member_finance_audit", {}),
]


def register(tmp_path, kind: str, rows: list[dict[str, str]], name: str = "mine.csv"):
    columns = list(TEMPLATES[kind].columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in columns} for row in rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def medway(tmp_path, extra: list[dict[str, str]] = ()):
    rows = [
        {"ccg_code": "09W", "person": person, "roles": roles, "appointed": "2013-04-01", **facts}
        for person, roles, facts in MEDWAY
    ]
    return register(tmp_path, "governing-bodies", [*rows, *extra])


@pytest.mark.parametrize("backend", ["networkx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_real_ccg_without_a_registered_nurse_breaks_reg_11_3_b(tmp_path, backend, request):
    driver = request.getfixturevalue("neo4j_driver") if backend == "neo4j" else None
    system = System.open(registers=[medway(tmp_path)], backend=backend, driver=driver)
    found = system.check(as_at="2014-04-01", only=["governing_body_roles"]).findings
    [medway_finding] = [f for f in found if f.org == "09W"]
    assert medway_finding.kind == "breach" and "registered_nurse (reg 11(3)(b))" in medway_finding.message
    assert all(f.kind == "gap" for f in found if f.org != "09W")  # the others: nothing recorded


@pytest.mark.parametrize("backend", ["networkx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_real_integrated_care_board_with_a_seconded_chief_executive_and_no_council_nominee_breaks_schedule_1b(
    tmp_path, backend, request
):
    driver = request.getfixturevalue("neo4j_driver") if backend == "neo4j" else None
    board = [  # Leicester, Leicestershire and Rutland's board (QK1) as a researcher might record it
        ("Ann Chair", "chair", "none"),
        ("Ben Chief", "chief_executive", "nhs_body"),
        ("Cal Trusts", "nominated_by_trusts", "foundation_trust"),
        ("Dee Practices", "nominated_by_primary_care", "gp_practice"),
        ("Eve Member", "ordinary_member", "icb"),
    ]
    rows = [
        {"icb_code": "QK1", "person": name, "roles": role, "employer": employer, "appointed": "2022-07-01"}
        for name, role, employer in board
    ]
    system = System.open(registers=[register(tmp_path, "icb-boards", rows)], backend=backend, driver=driver)
    report = system.check(as_at="2022-07-01", only=["icb_board_members", "icb_chief_executive_employee"])
    qk1 = sorted(f.message for f in report.findings if f.org == "QK1")
    assert qk1 == [
        "Ben Chief (REG1-3), the chief executive, is employed by a nhs_body, not the ICB (para 7(2))",
        "missing a member nominated by its local authorities (para 8); 3 ordinary members (at least 3, para 3(1)(c))",
    ]
    assert {f.kind for f in report.findings if f.org != "QK1"} == {"gap"}  # the other boards: nothing recorded
    before = system.check(as_at="2022-06-30", only=["icb_board_members"])
    assert before.findings == [] and before.meta["not_in_force"] == ["icb_board_members"]


def test_the_template_is_its_columns_and_an_example_row_that_is_refused_if_left_in(tmp_path):
    path = tmp_path / "governing-bodies.csv"
    result = CliRunner().invoke(main, ["template", "governing-bodies", "-o", str(path)])
    assert result.exit_code == 0 and "nmc_register: a registered nurse" in result.stderr
    assert path.read_text(encoding="utf-8") == template_csv("governing-bodies")
    again = CliRunner().invoke(main, ["template", "governing-bodies", "-o", str(path)])
    assert again.exit_code == 2 and "nothing was overwritten" in again.output
    refused = CliRunner().invoke(main, ["check", "--registers", str(path)])
    assert refused.exit_code == 2
    assert "governing-bodies.csv:2: field 'person': the template's example row" in refused.output


@pytest.mark.parametrize(
    "row, said",
    [
        ({"roles": "vice_chair"}, "mine.csv:8: field 'roles': 'vice_chair' is not one of: chair"),
        ({"appointed": "01/04/2013"}, "mine.csv:8: field 'appointed': malformed date"),
        ({"appointed": ""}, "mine.csv:8: field 'appointed': required"),
        ({"nmc_register": "perhaps"}, "mine.csv:8: field 'nmc_register': not yes or no"),
        ({"ccg_code": "ZZZ"}, "mine.csv:8: field 'ccg_code'"),
        (
            {"person": "Fay Lay", "employer": "local_authority"},
            "mine.csv:8: field 'person': 'Fay Lay' is on row 7 too",
        ),
    ],
)
def test_a_bad_row_is_refused_naming_file_row_and_column(tmp_path, row, said):
    bad = {"ccg_code": "09W", "person": "Gus Nurse", "roles": "registered_nurse", "appointed": "2013-04-01"}
    result = CliRunner().invoke(main, ["check", "--registers", str(medway(tmp_path, [{**bad, **row}]))])
    assert result.exit_code == 2, result.output
    assert said in result.output and "Traceback" not in result.output


def test_real_names_show_in_the_users_report_never_in_logs_and_are_redacted_on_request(tmp_path, caplog):
    nurse = {"ccg_code": "09W", "person": "Gus Nurse", "roles": "registered_nurse", "appointed": "2013-04-01"}
    path = medway(tmp_path, [{**nurse, "employer": "commissioned_provider", "nmc_register": "yes"}])
    with caplog.at_level(logging.DEBUG):
        mine = CliRunner().invoke(
            main, ["check", "--registers", str(path), "--as-at", "2014-04-01", "--format", "json"]
        )
    assert "Gus Nurse (REG1-8): registered nurse falls within reg 12(1)" in mine.stdout
    assert not any("Gus Nurse" in record.getMessage() for record in caplog.records)
    shared = CliRunner().invoke(
        main,
        ["check", "--registers", str(path), "--as-at", "2014-04-01", "--format", "json", "--redact-people"],
    )
    report = json.loads(shared.stdout)
    assert "[registered_nurse of 09W]: registered nurse falls within reg 12(1)" in shared.stdout
    assert not any(name in shared.stdout for name, _, _ in MEDWAY) and "Gus Nurse" not in shared.stdout
    assert "REG1-" not in shared.stdout and report["people"].startswith("redacted")


def test_csu_support_and_hwb_seat_registers_lay_their_links_over_the_graph(tmp_path):
    csu = register(
        tmp_path,
        "csu-support",
        [{"ccg_code": "09W", "csu_code": "0CE", "csu_name": "Kent and Medway CSU", "from": "2013-04-01"}],
        "csu.csv",
    )
    seats = register(
        tmp_path,
        "hwb-seats",
        [{"hwb_code": "HWB-E06000035", "seat": "ccg", "holder_code": "09W", "appointed": "2013-04-01"}],
        "seats.csv",
    )
    system = System.open(registers=[csu, seats])
    links = {(a["rel"], t) for _, t, a in system.graph.out_edges("09W", data=True)}
    assert ("SUPPORTED_BY", "0CE") in links and ("SEAT_ON", "HWB-E06000035") in links
    assert any("Register seats.csv (hwb-seats): 1 row(s)" in note for note in system.quality.notes)


def test_a_file_that_is_no_register_is_refused_saying_what_would_be(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--registers", str(path)])
    assert result.exit_code == 2 and "notes.csv:1: field '*': not a register" in result.output


def test_the_explorer_reads_registers_from_its_environment(tmp_path, monkeypatch):
    for key in ("CCGRAPH_DATA", "CCGRAPH_SCENARIO", "CCGRAPH_SYNTHETIC", "CCGRAPH_EXAMPLE", "CCGRAPH_KML"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CCGRAPH_REGISTERS", str(medway(tmp_path)))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["page"] = "Compliance"
    at.query_params["date"] = "2014-04-01"
    at.run()
    assert not at.exception
    summary = at.main.dataframe[0].value.set_index("check")
    assert summary.loc["governing_body_roles", "breaches"] == 1  # 09W, without its nurse


def _workbook(tmp_path, rows: list[list[object]], name: str = "register.xlsx"):
    import openpyxl

    path = tmp_path / name
    CliRunner().invoke(main, ["template", "governing-bodies", "-o", str(path)], catch_exceptions=False)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_register_kept_in_excel_is_read_as_its_csv_would_be(tmp_path):
    from datetime import datetime

    columns = list(TEMPLATES["governing-bodies"].columns)
    rows = []
    for person, roles, facts in MEDWAY:
        values = {
            "ccg_code": "09W",
            "person": person,
            "roles": roles,
            "appointed": datetime(2013, 4, 1),
            **facts,
        }
        rows.append([{"yes": True, "no": False}.get(values.get(c), values.get(c)) for c in columns])
    path = _workbook(tmp_path, rows)
    found = System.open(registers=[path]).check(as_at="2014-04-01", only=["governing_body_roles"]).findings
    assert [f.message for f in found if f.org == "09W"] == [
        "missing registered_nurse (reg 11(3)(b)); 6 members (at least 6, reg 11(1))"
    ]
    rows[3][columns.index("nmc_register")] = "perhaps"
    refused = CliRunner().invoke(main, ["check", "--registers", str(_workbook(tmp_path, rows, "mine.xlsx"))])
    assert refused.exit_code == 2 and "mine.xlsx:5: field 'nmc_register': not yes or no" in refused.output


def test_the_excel_template_has_the_columns_explained_and_its_example_row_is_refused(tmp_path):
    import openpyxl

    path = tmp_path / "template.xlsx"
    CliRunner().invoke(main, ["template", "hwb-seats", "-o", str(path)], catch_exceptions=False)
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book.worksheets[0][1]] == list(TEMPLATES["hwb-seats"].columns)
    assert book["columns"]["A2"].value == "hwb_code"
    refused = CliRunner().invoke(main, ["check", "--registers", str(path)])
    assert (
        refused.exit_code == 2
        and "template.xlsx:2: field 'person': the template's example row" in refused.output
    )


@pytest.mark.parametrize("kind", ["zip bomb", "not a zip", "entity bomb"])
def test_a_hostile_workbook_is_refused_naming_it(tmp_path, kind):
    import zipfile

    path = tmp_path / "hostile.xlsx"
    if kind == "not a zip":
        path.write_text("ccg_code,person\n", encoding="utf-8")
    elif kind == "zip bomb":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as packed:
            with packed.open("xl/worksheets/sheet1.xml", "w") as part:
                for _ in range(260):
                    part.write(b"\0" * 2**20)
    else:
        good = tmp_path / "good.xlsx"
        CliRunner().invoke(main, ["template", "hwb-seats", "-o", str(good)], catch_exceptions=False)
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>'
        )
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
            for entry in source.infolist():
                target.writestr(entry, laughs if entry.filename == "xl/workbook.xml" else source.read(entry))
    result = CliRunner().invoke(main, ["check", "--registers", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "hostile.xlsx: field '*'" in result.output, result.output


def test_a_councillor_on_a_real_governing_body_is_disqualified_by_schedule_5(tmp_path):
    councillor = {
        "ccg_code": "09W", "person": "Cllr Hal Member", "roles": "other_member",
        "appointed": "2013-04-01", "councillor": "yes",
    }  # fmt: skip
    system = System.open(registers=[medway(tmp_path, [councillor])])
    [found] = system.check(as_at="2014-04-01", only=["governing_body_disqualified"]).findings
    assert found.org == "09W" and found.kind == "breach"
    assert found.message.startswith("Cllr Hal Member (REG1-8) is disqualified by Schedule 5 para 2")


def test_a_register_made_before_the_schedule_5_columns_is_still_read(tmp_path):
    old = [c for c in TEMPLATES["governing-bodies"].columns if c not in TEMPLATES["governing-bodies"].optional]
    path = tmp_path / "old.csv"
    rows = [",".join(old), "09W,Dr Ann Chair,chair,2013-04-01,,yes,no,no,,,no,gp_practice,"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    system = System.open(registers=[path])
    assert [a["qualifier"] for _, _, a in system.graph.in_edges("09W", data=True) if a["rel"] == "HOLDS_ROLE"] == [
        "chair"
    ]
