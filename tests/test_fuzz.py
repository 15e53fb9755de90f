"""Hostile input: whatever the files hold, a load ends in a graph or in a clear error naming the
file (and line and field), never in a traceback and never in half a graph."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphmodel.dataset import InputError
from graphmodel.nx_graph import build_graph, export_graph
from loaders.graph_file import load_graph_file
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from loaders.registers import load_registers
from loaders.scenario import read_scenario
from helpers import FILES, counted, fuzz, write_mini_data

@st.composite
def mutation(draw, original: bytes) -> bytes:
    """Truncate, splice junk in, duplicate or drop lines and columns, blow up a field, re-encode."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "truncate",
                    "junk",
                    "dup_line",
                    "drop_line",
                    "drop_column",
                    "huge",
                    "encoding",
                    "swap",
                    "digits",
                ]
            )
        )
        lines = data.split(b"\n")
        if kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "junk":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
        elif kind == "dup_line" and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])
        elif kind == "drop_line" and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join(lines[:i] + lines[i + 1 :])
        elif kind == "drop_column":
            col = draw(st.integers(0, 6))
            data = b"\n".join(
                b",".join(p for j, p in enumerate(line.split(b",")) if j != col) for line in lines
            )
        elif kind == "huge":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + b"x" * 20_000 + data[at:]
        elif kind == "encoding":
            data = data.decode("utf-8", "replace").encode(
                draw(st.sampled_from(["utf-16", "latin-1", "cp1252"])), "replace"
            )
        elif kind == "digits":  # numbers Python would read but no register writes
            number = draw(st.sampled_from(["9" * 5000, "١٢٣٤", "1e400", "nan", "-0", "٣"]))
            data = re.sub(rb"\b\d{2,}\b", number.encode(), data, count=draw(st.integers(1, 50)))
        elif kind == "swap" and len(lines) > 2:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
    return data


def assert_clear(err: InputError, file: str) -> None:
    assert err.problems, "an InputError must carry its problems"
    for problem in err.problems:
        assert problem.location.file and problem.field and problem.reason
    assert any(
        p.location.file in (file, "CCG_APR_2013.csv") or p.location.file.endswith(".csv")
        for p in err.problems
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return write_mini_data(tmp_path_factory.mktemp("pristine"))


@pytest.mark.parametrize("file", FILES)
def test_any_damage_to_a_source_file_gives_a_graph_or_a_clear_error(file, pristine, tmp_path_factory):
    original = (pristine / file).read_bytes()

    @fuzz("CSV folders")
    @given(data=mutation(original))
    def run(data: bytes) -> None:
        counted("CSV folders")
        folder = tmp_path_factory.mktemp("fuzz")
        for name in FILES:
            shutil.copy(pristine / name, folder / name)
        (folder / file).write_bytes(data)
        try:
            loaded = load_inputs(folder)
        except InputError as err:
            assert_clear(err, file)
        else:
            loaded.dataset.validate()  # what loaded is whole and consistent

    run()


@st.composite
def scenario_text(draw) -> str:
    base = EXAMPLE_SCENARIO.read_text(encoding="utf-8")
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "replace_value", "junk", "indent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "replace_value" and ":" in lines[i]:
            head = lines[i].rsplit(":", 1)[0]
            lines[i] = (
                head
                + ": "
                + draw(
                    st.sampled_from(
                        ["-1", "9999-99-99", "[]", "{}", "null", "x" * 5000, "'ILC-Z'", "2013-02-30"]
                    )
                )
            )
        elif action == "junk":
            lines[i] = draw(st.text(max_size=30))
        elif action == "indent":
            lines[i] = "   " + lines[i]
        if not lines:
            break
    return "\n".join(lines)


@fuzz("scenario YAML")
@given(text=scenario_text())
def test_any_damage_to_a_scenario_gives_a_graph_or_a_clear_error(text, tmp_path_factory):
    counted("scenario YAML")
    path = tmp_path_factory.mktemp("scenario") / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_inputs(scenario=path)
    except InputError as err:
        assert all(p.location.file for p in err.problems)
        assert any(p.location.file == "scenario.yaml" for p in err.problems)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@fuzz("scenario YAML")
@given(value=JSON_VALUES)
def test_any_yaml_document_is_accepted_or_refused_clearly(value, tmp_path_factory):
    counted("scenario YAML")
    import yaml

    path = tmp_path_factory.mktemp("yaml") / "s.yaml"
    path.write_text(
        yaml.safe_dump({"format": "ccgraph-scenario/1", "title": "t", "organisations": value}),
        encoding="utf-8",
    )
    try:
        read_scenario(path)
    except InputError as err:
        assert err.problems and all(p.location.file == "s.yaml" for p in err.problems)


@pytest.fixture(scope="module")
def graph_document(tmp_path_factory) -> dict:
    """The illustrative economy as `ccgraph export` writes it (node-link JSON)."""
    path = tmp_path_factory.mktemp("graph") / "g.json"
    export_graph(build_graph(load_inputs(scenario=EXAMPLE_SCENARIO).dataset), path, "json")
    return json.loads(path.read_text(encoding="utf-8"))


TEXT_DAMAGE = st.sampled_from(["none"] * 5 + ["truncate", "junk", "nesting"])  # mostly whole JSON


@st.composite
def graph_damage(draw, document: dict) -> str:
    """Set, drop, duplicate or swap any property of any node or link; break the file's frame."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        part = draw(st.sampled_from(["nodes", "links", "top"]))
        if part == "top":
            key = draw(st.sampled_from(["nodes", "links", "graph", "directed", "multigraph"]))
            document[key] = draw(JSON_VALUES | st.just({"coverage": ["2013-04-01", "2012-01-01"]}))
            continue
        elements = document[part] if isinstance(document.get(part), list) else []
        if not elements:
            continue
        i = draw(st.integers(0, len(elements) - 1))
        action = draw(st.sampled_from(["set", "drop", "duplicate", "swap", "replace"]))
        element = elements[i]
        if action == "replace" or not isinstance(element, dict):
            elements[i] = draw(JSON_VALUES)
        elif action == "set":
            key = draw(st.sampled_from([*element, "surprise", "start", "end", "seat", "role"]))
            element[key] = draw(JSON_VALUES | st.sampled_from(["2013-02-30", "9999-12-31", "x" * 20_000, "CCG", "MEMBER_OF"]))
        elif action == "drop" and element:
            del element[draw(st.sampled_from(sorted(element)))]
        elif action == "duplicate":
            elements.insert(i, copy.deepcopy(element))
        elif action == "swap":
            j = draw(st.integers(0, len(elements) - 1))
            if isinstance(elements[j], dict):
                key = draw(st.sampled_from(sorted(element) or ["code"]))
                element[key], elements[j][key] = elements[j].get(key), element.get(key)
    text = json.dumps(document)
    damage = draw(TEXT_DAMAGE)
    if damage == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "junk":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=20)) + text[at:]
    elif damage == "nesting":
        text = "[" * 100_000 + "]" * 100_000
    return text


def test_any_damage_to_a_graph_file_gives_a_graph_or_a_clear_error(graph_document, tmp_path_factory):
    @fuzz("node-link JSON")
    @given(text=graph_damage(graph_document))
    def run(text: str) -> None:
        counted("node-link JSON")
        path = tmp_path_factory.mktemp("graph") / "edited.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            dataset, _ = load_graph_file(path)
        except InputError as err:
            assert err.problems
            for problem in err.problems:
                assert problem.location.file == "edited.json" and problem.field and problem.reason
        else:
            dataset.validate()

    run()


REGISTER = (
    "ccg_code,person,roles,appointed,left,gp_register,specialist_register,nmc_register,consultant_post,"
    "specialist_until,accountancy_qualified,employer,source\n"
    "ILC-B,Jane Roe,chair;gp_member,2013-04-01,,yes,no,no,,,no,gp_practice,https://example.invalid\n"
    "ILC-B,Ann Other,registered_nurse,2013-04-01,2014-03-31,no,no,yes,,,no,none,\n"
    "ILC-B,Jane Roe,deputy_chair,2013-04-01,,yes,no,no,,,no,gp_practice,\n"
).encode()


@fuzz("register CSV")
@given(data=mutation(REGISTER))
def test_any_damage_to_a_users_register_gives_its_rows_or_a_clear_error(data, tmp_path_factory):
    counted("register CSV")
    path = tmp_path_factory.mktemp("register") / "mine.csv"
    path.write_bytes(data)
    try:
        dataset, _ = load_registers([path])
    except InputError as err:
        assert err.problems and all(p.location.file == "mine.csv" and p.field and p.reason for p in err.problems)
    else:
        assert all(rel.rel in ("HOLDS_ROLE", "SUPPORTED_BY", "SEAT_ON") for rel in dataset.relationships.values())
