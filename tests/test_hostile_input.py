"""Hostile input through the command line: every file kind, YAML structure, number and type
ends in a message naming the file and exit 2 (or a report), never a traceback, a hang or a
memory blow-up. The fuzz counts scale with CCGRAPH_FUZZ_CASES (scripts/test.sh runs the
full count)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ccgraph.cli import main
from graphmodel.dataset import InputError
from graphmodel.input_files import MAX_YAML_BYTES
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from helpers import counted, fuzz

EXAMPLE = EXAMPLE_SCENARIO.read_text(encoding="utf-8")


def ccgraph(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "scenario.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "oversized":
        with open(path, "wb") as handle:
            handle.truncate(MAX_YAML_BYTES + 1)  # sparse: costs no disk
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "alias bomb":
        path.write_text(alias_bomb())
    elif kind == "self-containing":
        path.write_text("format: &f {x: *f}\n")
    elif kind == "python tag":
        path.write_text("format: !!python/object/apply:os.system ['touch /tmp/ccgraph-pwned']\n")
    elif kind == "huge integer":
        path.write_text(EXAMPLE.replace("list_size: 9200", "list_size: " + "9" * 5000))
    elif kind == "deep nesting":
        path.write_text("title: " + "[" * 20_000 + "]" * 20_000 + "\n")
    elif kind == "NUL in a name":
        path.write_text(EXAMPLE.replace("name: Illustrative Alpha Surgery", 'name: "Illustrative\\0Surgery"'))
    elif kind == "terminal escape in a name":
        path.write_text(
            EXAMPLE.replace("name: Illustrative Alpha Surgery", 'name: "Alpha\\e[2J\\e]0;pwned\\a"')
        )
    elif kind == "non-string code":
        path.write_text(EXAMPLE.replace("code: ILP-A1,", "code: [1, 2],"))
    return path


SPECIAL = [
    ("directory", "is a directory"),
    ("fifo", "not a regular file"),
    ("device", "not a regular file"),
    ("oversized", "at most 16,777,216 are read"),
    ("binary", "not UTF-8"),
    ("empty", "a scenario is a YAML mapping"),
    ("alias bomb", "expands to more than 1,000,000 values"),
    ("self-containing", "cannot contain itself"),
    ("python tag", "could not determine a constructor"),
    ("huge integer", "4300 digits"),
    ("deep nesting", "nested too deeply"),
    ("NUL in a name", "control character U+0000"),
    ("terminal escape in a name", "control character U+001B"),
    ("non-string code", "valid string"),
]


@pytest.mark.parametrize("kind, reason", SPECIAL, ids=[k for k, _ in SPECIAL])
def test_a_hostile_scenario_file_is_refused_with_its_name_and_exit_2(tmp_path, kind, reason):
    path = _special(tmp_path, kind)
    result = ccgraph("check", "--scenario", str(path))
    assert result.exit_code == 2
    assert "scenario.yaml" in result.output and reason in result.output
    assert "\x1b" not in result.output and "\x00" not in result.output
    assert not Path("/tmp/ccgraph-pwned").exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "alias bomb"])
def test_a_hostile_waiver_file_is_refused_with_its_name_and_exit_2(tmp_path, kind):
    path = _special(tmp_path, kind)
    result = ccgraph("check", "--waivers", str(path))
    assert result.exit_code == 2 and "scenario.yaml" in result.output


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_register_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    from test_loaders import write_mini_data

    (tmp_path / "data").mkdir()
    folder = write_mini_data(tmp_path / "data")
    target = folder / "CCG_APR_2013.csv"
    target.unlink()
    {
        "fifo": lambda: os.mkfifo(target),
        "device": lambda: target.symlink_to("/dev/zero"),
        "directory": target.mkdir,
    }[kind]()
    result = ccgraph("check", "--data", str(folder))
    assert result.exit_code == 2 and "CCG_APR_2013.csv" in result.output


def test_an_unexpected_error_is_one_line_and_exit_2_and_debug_shows_the_traceback(monkeypatch):
    from ccgraph import core

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr(core, "run_checks", broken)
    result = ccgraph("check")
    assert result.exit_code == 2
    assert "unexpected error: RuntimeError: something nobody planned for" in result.output
    assert "--debug" in result.output
    debug = CliRunner().invoke(main, ["--debug", "check"])
    assert debug.exit_code == 2  # the same exit code, the traceback as well
    assert "Traceback" in debug.output and "RuntimeError: something nobody planned for" in debug.output


HOSTILE_VALUES = [
    "9" * 4301,
    "-1",
    ".inf",
    ".nan",
    "1e400",
    "'١٢٣'",
    "'\\x00'",
    '"\\0"',
    '"\\e[31mred"',
    '"\\u202eevil"',
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!python/name:os.system",
    "*nowhere",
    "&x [*x]",
    "[" * 50 + "]" * 50,
    "{? [a, b]: c}",
    "<<: {x: 1}",
    "true",
    "null",
    "~",
    "2013-02-30",
    "0x7fffffffffffffffff",
    "'=HYPERLINK(\"http://x\")'",
    "'# heading ![i](http://x/i.png)'",
    "'<script>alert(1)</script>'",
    "{}",
    "[]",
    "''",
]


@st.composite
def hostile_scenario(draw) -> str:
    """The example with hostile values put where values belong: YAML structure, numbers, types."""
    lines = EXAMPLE.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        value = draw(st.sampled_from(HOSTILE_VALUES))
        pairs = list(re.finditer(r"(\w+): ([^,}\]]+)", lines[i]))
        if pairs:
            pair = draw(st.sampled_from(pairs))
            lines[i] = lines[i][: pair.start(2)] + value + lines[i][pair.end(2) :]
        else:
            lines[i] = f"{lines[i].split(':')[0] or 'title'}: {value}"
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        lines.append(alias_bomb(draw(st.integers(2, 9))).replace("a0:", "bomb0:"))
    return "\n".join(lines)


@fuzz("scenario YAML")
@given(text=hostile_scenario())
def test_hostile_values_anywhere_in_a_scenario_load_or_are_refused_clearly(text, tmp_path_factory):
    counted("scenario YAML")
    path = tmp_path_factory.mktemp("hostile") / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_inputs(scenario=path)
    except InputError as err:
        assert err.problems and all(p.location.file == "scenario.yaml" for p in err.problems)


@fuzz("scenario YAML")
@given(text=hostile_scenario())
def test_hostile_scenarios_through_the_cli_end_in_a_report_or_exit_2(text, tmp_path_factory):
    counted("scenario YAML")
    path = tmp_path_factory.mktemp("cli") / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = ccgraph("check", "--scenario", str(path), "--format", "csv")
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert "scenario.yaml" in result.output
    assert "\x1b" not in result.output and "\x00" not in result.output
