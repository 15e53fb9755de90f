"""Hostile input: whatever the files hold, a load ends in a graph or in a clear error naming the
file (and line and field), never in a traceback and never in half a graph."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmodel.dataset import InputError
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from loaders.manifest import sources
from loaders.scenario import read_scenario
from test_loaders import write_mini_data

FILES = sorted(s.file for s in sources() if s.required)  # damage each required source in turn
# Examples per fuzz test: quick by default; scripts/test.sh (the CI command) runs 1,000, which is
# 10,000 hostile inputs in all. The count run is printed at the end of the session.
EXAMPLES = int(os.environ.get("CCGRAPH_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


HOSTILE_CASES = [0]


def counted() -> None:
    """Tally one hostile input tried (reported by conftest at the end of the run)."""
    HOSTILE_CASES[0] += 1


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

    @FUZZ
    @given(data=mutation(original))
    def run(data: bytes) -> None:
        counted()
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


@FUZZ
@given(text=scenario_text())
def test_any_damage_to_a_scenario_gives_a_graph_or_a_clear_error(text, tmp_path_factory):
    counted()
    path = tmp_path_factory.mktemp("scenario") / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_inputs(scenario=path)
    except InputError as err:
        assert all(p.location.file for p in err.problems)
        assert any(p.location.file == "scenario.yaml" for p in err.problems)


@FUZZ
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=20,
    )
)
def test_any_yaml_document_is_accepted_or_refused_clearly(value, tmp_path_factory):
    counted()
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
