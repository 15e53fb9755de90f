"""Published files as they come (BOMs, CR endings, no header) and bad input: file, line, field, why."""

from __future__ import annotations

import csv

import pytest

from graphmodel.dataset import InputError
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from loaders.manifest import sources
from loaders.scenario import json_schema, read_scenario
from loaders.readers.tabular import MAX_FIELD, count_rows, read_rows, read_table

from helpers import write_mini_data

def test_the_manifest_names_every_source_with_its_publisher_and_url():
    required = {s.file for s in sources() if s.required}
    assert required == {
        "CCG_APR_2013.csv",
        "CCG13_NHSAT13_NHSCR13_EW_LU.csv",
        "PCO12_SHA12_EN_LU.csv",
        "LSOA11_CCG15_LAD15_EN_LU.csv",
        "LAD15_CTY15_EN_LU.csv",
        "Patient_List_Size_2013_04-06.csv",
    }
    assert all(s.url and s.publisher and s.schedule for s in sources())


def test_a_minimal_data_directory_loads_practices_with_patients_into_their_ccg(tmp_path):
    loaded = load_inputs(write_mini_data(tmp_path))
    counts = loaded.dataset.counts()
    assert counts["CCG"] == 2 and counts["Practice"] == 3 and counts["MEMBER_OF"] == 3
    assert counts["LocalAuthority"] == 3 and counts["HWB"] == 3  # Bradford, North Yorkshire, Kent
    assert loaded.dataset.nodes["B82005"].list_size == 60
    assert (
        loaded.report.sources["Patient_List_Size_2013_04-06.csv"].skipped[
            "no registered patients (not a GP practice)"
        ]
        == 1
    )
    overlaps = {
        (r.source, r.target): r.share for r in loaded.dataset.relationships.values() if r.rel == "OVERLAPS"
    }
    assert overlaps == {("02N", "E08000032"): 50.0, ("02N", "E10000023"): 50.0, ("09C", "E10000016"): 100.0}


def test_a_byte_order_mark_and_cr_only_line_endings_are_read(tmp_path):
    data = write_mini_data(tmp_path)
    text = (data / "CCG_APR_2013.csv").read_text()
    (data / "CCG_APR_2013.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\r").encode())
    assert load_inputs(data).dataset.counts()["CCG"] == 2


def test_a_windows_1252_file_is_read(tmp_path):
    data = write_mini_data(tmp_path)
    text = (data / "CCG_APR_2013.csv").read_text().replace("NHS Ashford", "NHS Ashford \u2019Kent\u2019")
    (data / "CCG_APR_2013.csv").write_bytes(text.encode("cp1252"))
    ashford = load_inputs(data).dataset.nodes["09C"]  # the list's name, then the lookup's
    assert ashford.names == ("NHS Ashford \u2019Kent\u2019", "NHS Ashford CCG")


def test_a_missing_required_file_is_named(tmp_path):
    data = write_mini_data(tmp_path)
    (data / "LAD15_CTY15_EN_LU.csv").unlink()
    with pytest.raises(InputError, match="LAD15_CTY15_EN_LU.csv: field '\\*': required file not found"):
        load_inputs(data)


def test_a_missing_column_names_the_file_line_and_column(tmp_path):
    data = write_mini_data(tmp_path)
    path = data / "CCG_APR_2013.csv"
    path.write_text(path.read_text().replace("CCG13CDH", "CCG13CODE"))
    with pytest.raises(InputError, match="CCG_APR_2013.csv:1: field 'CCG13CDH': column missing"):
        load_inputs(data)


def test_a_truncated_row_names_its_line(tmp_path):
    data = write_mini_data(tmp_path)
    path = data / "LSOA11_CCG15_LAD15_EN_LU.csv"
    path.write_text(path.read_text() + "E01099999,d,E38000002\n")
    with pytest.raises(InputError, match="LSOA11_CCG15_LAD15_EN_LU.csv:5: .*row has 3 fields"):
        load_inputs(data)


def test_a_non_numeric_patient_count_names_the_band(tmp_path):
    data = write_mini_data(tmp_path)
    path = data / "Patient_List_Size_2013_04-06.csv"
    path.write_text(path.read_text().replace("PRACTICE TWO,B82006,1,", "PRACTICE TWO,B82006,lots,"))
    with pytest.raises(
        InputError, match="Patient_List_Size_2013_04-06.csv:3: field 'Male 0-4': not a whole number"
    ):
        load_inputs(data)


def test_a_malformed_ods_date_names_the_field(tmp_path):
    data = write_mini_data(tmp_path)
    (data / "epraccur.csv").write_text(
        '"B82005","PRACTICE ONE",' + '"",' * 8 + '"2013-13-45","","A","B","02N",' + '"",' * 10 + '"4",""\n'
    )
    (data / "epcmem.csv").write_text('"B82005","02N","W","20130401","","0"\n')
    with pytest.raises(InputError, match="epraccur.csv:1: field 'open_date': malformed date"):
        load_inputs(data)


def test_a_failed_load_leaves_the_previous_graph_untouched(tmp_path):
    data = write_mini_data(tmp_path)
    first = load_inputs(data)
    before = first.dataset.counts()
    (data / "CCG_APR_2013.csv").write_text("CCG13CD,CCG13CDH,CCG13NM\nE38000001,02N,A\nE38000009,02N,B\n")
    with pytest.raises(InputError, match="duplicate code '02N'"):
        load_inputs(data)
    assert first.dataset.counts() == before


def test_loading_twice_gives_the_same_graph(tmp_path):
    data = write_mini_data(tmp_path)
    assert load_inputs(data).dataset.counts() == load_inputs(data).dataset.counts()


# --- the scenario format ----------------------------------------------------------------------


def test_the_bundled_example_is_valid_and_labels_everything_invented_as_illustrative():
    loaded = load_inputs(scenario=EXAMPLE_SCENARIO)
    invented = [n for n in loaded.dataset.nodes.values() if n.code.startswith(("IL", "HWB-IL"))]
    assert invented and all(n.illustrative for n in invented)
    assert all("Illustrative" in n.name for n in invented if n.kind != "AuthorisationCondition")
    assert not any(
        n.illustrative for n in loaded.dataset.nodes.values() if not n.code.startswith(("IL", "HWB-IL"))
    )


def test_a_scenario_error_names_the_line_and_field(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: ccgraph-scenario/1\ntitle: t\nauthorisations:\n  - ccg: C1\n    wave: 7\n    outcome: authorised\n"
    )
    with pytest.raises(
        InputError, match="s.yaml:4: field 'authorisations.0.wave': Input should be less than or equal to 4"
    ):
        read_scenario(path)


def test_a_scenario_with_an_unknown_field_or_format_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("format: ccgraph-scenario/9\ntitle: t\nwidgets: []\n")
    with pytest.raises(InputError) as err:
        read_scenario(path)
    assert "field 'format'" in str(err.value) and "field 'widgets': Extra inputs are not permitted" in str(
        err.value
    )


def test_invented_people_must_be_labelled_illustrative(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: ccgraph-scenario/1\ntitle: t\npeople:\n  - {code: P1, name: Someone, illustrative: false}\n"
    )
    with pytest.raises(InputError, match="must be illustrative") as err:
        read_scenario(path)
    assert "s.yaml:4: field 'people.0.illustrative'" in str(err.value)  # the line and the field


def test_invalid_yaml_names_its_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("format: ccgraph-scenario/1\ntitle: [unclosed\n")
    with pytest.raises(InputError, match="s.yaml:3: field '\\*': not valid YAML"):
        read_scenario(path)


def test_a_scenario_reference_to_an_unknown_ccg_is_reported(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("format: ccgraph-scenario/1\ntitle: t\ncsu_support:\n  - {ccg: NOPE, csu: NOPE2}\n")
    with pytest.raises(InputError, match="unknown code 'NOPE'"):
        load_inputs(scenario=path)


def test_the_json_schema_documents_every_section():
    schema = json_schema()
    assert {
        "organisations",
        "governing_bodies",
        "hwb_memberships",
        "collaborations",
        "authorisations",
        "csu_support",
        "commissioning",
        "pct_clusters",
        "links",
    } <= set(schema["properties"])


def test_a_field_longer_than_the_limit_names_its_line(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("A,B\nx,y\n" + "x," + "z" * (MAX_FIELD + 1) + "\n")
    process_limit = csv.field_size_limit()
    with pytest.raises(InputError, match=f"lookup.csv:3: .*more than {MAX_FIELD} characters"):
        read_rows(path, ("A", "B"), header=True)
    assert csv.field_size_limit() == process_limit  # the reader's limit does not leak


def test_a_quoted_field_spread_over_short_lines_is_still_limited(tmp_path):
    path = tmp_path / "lookup.csv"
    long_quoted = '"' + "\n".join(["z" * 100] * (MAX_FIELD // 100 + 1)) + '"'
    path.write_text(f"A,B\nx,{long_quoted}\n")
    with pytest.raises(InputError, match=f"lookup.csv:.*more than {MAX_FIELD} characters"):
        read_rows(path, ("A", "B"), header=True)


def test_a_short_row_is_padded_when_its_missing_columns_are_optional(tmp_path):
    path = tmp_path / "succ.csv"
    path.write_text('"01A","02B","x","20130401","Y"\n"03C","04D","x","20140401"\n')
    rows = read_rows(path, ("code", "successor", None, "date", "indicator"), header=False, min_columns=4)
    assert [(where.line, row["code"], row["indicator"]) for where, row in rows] == [
        (1, "01A", "Y"),
        (2, "03C", ""),
    ]


def test_rows_dropped_by_each_filter_are_counted(tmp_path):
    path = tmp_path / "epcmem.csv"
    path.write_text("A1,00C,W\nA1,5D7,W\nB2,00C,W\n\nA1,00D,W\n")
    table = read_table(
        path, ("code", "parent", None), header=False, keep={"code": {"A1"}, "parent": {"00C", "00D"}}
    )
    assert table.read == 4  # the blank line is not a row
    assert table.dropped == {"code": 1, "parent": 1}
    assert [(where.line, row["parent"]) for where, row in table.rows] == [(1, "00C"), (5, "00D")]


def test_counted_rows_merge_values_that_differ_only_in_padding_and_keep_the_first_line(tmp_path):
    path = tmp_path / "lsoa.csv"
    path.write_text("L,C,D\nl1,00C,E06\nl2, 00C ,E06\nl3,00D,E06\nl4,00C,E06\n")
    read, pairs = count_rows(path, ("C", "D"), header=True)
    assert read == 4
    assert [(where.line, row, n) for where, row, n in pairs] == [
        (2, {"C": "00C", "D": "E06"}, 3),
        (4, {"C": "00D", "D": "E06"}, 1),
    ]


def test_a_row_shorter_than_the_layout_is_refused_even_when_its_named_fields_are_there(tmp_path):
    path = tmp_path / "eccg.csv"
    path.write_text('"01A","NHS ONE","x","y"\n"02B","NHS TWO","x"\n')
    with pytest.raises(InputError, match=r"eccg.csv:2: .*row has 3 fields, expected at least 4"):
        read_rows(path, ("code", "name", None, None), header=False)


def test_scenario_errors_name_the_line_and_the_field_as_the_author_wrote_it(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: ccgraph-scenario/1\n"
        "title: bad\n"
        "organisations:\n"
        "  - {kind: CCG, code: C1, name: NHS One Clinical Commissioning Group, illustrative: true}\n"
        "  - {kind: CCG, code: C1, name: NHS Other Clinical Commissioning Group, illustrative: true}\n"
        "  - {kind: Practice, code: P1, name: Practice one, illustrative: true}\n"
        "memberships:\n"
        "  - {practice: P1, ccg: C9}\n"
        "  - {practice: C1, ccg: C1}\n"
        "  - {practice: P1, ccg: C1, valid_from: 2014-01-01, valid_to: 2013-01-01}\n"
        "governing_bodies:\n"
        "  - ccg: C1\n"
        "    members:\n"
        "      - {person: PE9, roles: [chair]}\n"
        "authorisations:\n"
        "  - {ccg: P1, outcome: authorised}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_inputs(scenario=path)
    said = {str(p) for p in err.value.problems}
    assert (
        "bad.yaml:5: field 'organisations[1].code': duplicate code 'C1' (CCG); first defined at bad.yaml:4 (organisations[0].code)"
        in said
    )
    assert "bad.yaml:8: field 'memberships[0].ccg': MEMBER_OF refers to unknown code 'C9'" in said
    assert (
        "bad.yaml:9: field 'memberships[1].practice': 'C1' is a CCG, expected Practice (MEMBER_OF source)"
        in said
    )
    assert any(
        s.startswith("bad.yaml:10: field 'memberships[2].valid_to'") and "before valid_from" in s
        for s in said
    )
    assert (
        "bad.yaml:14: field 'governing_bodies[0].members[0].person': HOLDS_ROLE refers to unknown code 'PE9'"
        in said
    )
    assert "bad.yaml:16: field 'authorisations[0].ccg': a Practice, not a CCG: 'P1'" in said
