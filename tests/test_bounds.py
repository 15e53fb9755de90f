"""Sizes and shapes a user supplies are bounded and validated, each refusal naming the option,
the file, the line or element, and the field; registers that are empty or repeat rows are
reported in the data-quality report rather than passing silently."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import REPO, folder_with, published_text
from graphmodel.dataset import InputError
from loaders.graph_file import load_graph_file
from loaders.readers.tabular import MAX_LINE

CCGRAPH = [sys.executable, "-m", "ccgraph.cli"]


def ccgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CCGRAPH, *args], capture_output=True, text=True, timeout=300, cwd=REPO)


@pytest.mark.parametrize(
    "option, value, limit",
    [
        ("--scale", "1e9", "at most 200"),
        ("--scale", "nan", "not nan"),
        ("--scale", "inf", "at most 200"),
        ("--scale", "-1", "above 0"),
        ("--scale", "0", "above 0"),
        ("--violations", "-1", "from 0 to 1000"),
        ("--violations", "100000", "from 0 to 1000"),
    ],
)
def test_a_synthetic_system_too_large_or_not_a_size_is_refused_with_its_limit(option, value, limit, tmp_path):
    done = ccgraph("generate", option, value, "-o", str(tmp_path / "g.json"))
    assert done.returncode == 2
    assert f"Invalid value for '{option}'" in done.stderr and limit in done.stderr
    assert not (tmp_path / "g.json").exists()


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("graph") / "g.json"
    assert ccgraph("generate", "--scale", "0.02", "-o", str(path)).returncode == 0
    return json.loads(path.read_text())


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], [{"x": 1}], None, 3.5, True])
@pytest.mark.parametrize(
    "element, field",
    [("nodes", "kind"), ("nodes", "code"), ("nodes", "id"), ("nodes", "name"), ("links", "rel"), ("links", "key"),
     ("links", "source"), ("links", "qualifier"), ("nodes", "surprise")],
)
def test_every_property_of_a_graph_file_is_validated_naming_the_element(graph_file, element, field, value, tmp_path):
    document = json.loads(json.dumps(graph_file))
    document[element][3][field] = value
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError) as refused:
        load_graph_file(path)
    assert f"edited.json: field '{element}[3]" in str(refused.value)


def test_a_graph_file_with_an_object_for_a_kind_exits_2_naming_the_element(graph_file, tmp_path):
    document = json.loads(json.dumps(graph_file))
    document["nodes"][3]["kind"] = {"a": 1}
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    done = ccgraph("check", "--input", str(path))
    assert done.returncode == 2
    assert "edited.json: field 'nodes[3].kind': a node needs a kind" in done.stderr
    assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr


def test_a_register_with_no_data_rows_or_repeated_rows_is_said_in_the_quality_report(real_data, tmp_path):
    succ = published_text(real_data / "succ.csv")
    repeated = succ.splitlines()[4]
    broken = {"at.csv": "ons_code,hscic_code,name\n", "succ.csv": succ + repeated + "\n"}
    folder = folder_with(real_data, tmp_path / "england-2013", **broken)
    done = ccgraph("load", "--data", str(folder))
    assert done.returncode == 0, done.stderr[-500:]
    report = done.stdout + done.stderr
    assert "at.csv has no data rows (a header at most)" in report
    assert f"succ.csv repeats 1 row(s) exactly (first at line {succ.count(chr(10)) + 1})" in report


def test_an_absurd_line_in_a_register_is_refused_naming_file_and_line(real_data, tmp_path):
    epcmem = published_text(real_data / "epcmem.csv")
    folder = folder_with(real_data, tmp_path / "england-2013", **{"epcmem.csv": epcmem + "," * (MAX_LINE + 1) + "\n"})
    done = ccgraph("check", "--data", str(folder))
    assert done.returncode == 2
    assert f"epcmem.csv:{epcmem.count(chr(10)) + 1}: field '*': line is more than {MAX_LINE:,} characters long" in (
        done.stderr
    )
