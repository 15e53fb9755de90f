"""The explorer says in one line what is wrong with its inputs, never with a traceback."""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from helpers import REPO


@pytest.fixture
def explorer(monkeypatch):
    def run(page: str = "Explore", **env: str) -> AppTest:
        for key in ("CCGRAPH_DATA", "CCGRAPH_SCENARIO", "CCGRAPH_KML", "CCGRAPH_SYNTHETIC", "CCGRAPH_EXAMPLE"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
        return at.sidebar.radio[0].set_value(page).run() if page != "Explore" and at.sidebar.radio else at

    yield run
    os.environ.pop("CCGRAPH_KML", None)


def test_a_data_path_thousands_of_characters_long_is_one_line_of_error(explorer):
    at = explorer(CCGRAPH_DATA="x" * 5000)
    assert not at.exception
    assert at.error[0].value == "The explorer could not load its inputs."
    assert at.code[0].value.startswith("File name too long: xxx") and at.code[0].value.endswith(" ...")
    assert len(at.code[0].value) < 200


@pytest.mark.parametrize("content", ["<kml><oops", ""])
def test_a_bad_boundary_file_is_one_line_on_the_map_page(explorer, tmp_path, content):
    kml = tmp_path / "bad.kml"
    kml.write_text(content)
    at = explorer("Map", CCGRAPH_EXAMPLE="1", CCGRAPH_KML=str(kml))
    assert not at.exception
    assert at.error[0].value.startswith("The boundary file cannot be drawn: ")
    assert "bad\\.kml" in at.error[0].value and "Traceback" not in at.error[0].value


def test_a_boundary_path_too_long_to_look_up_is_one_line_on_the_map_page(explorer):
    at = explorer("Map", CCGRAPH_EXAMPLE="1", CCGRAPH_KML="k" * 5000)
    assert not at.exception
    assert at.error[0].value.startswith("The boundary file cannot be drawn: File name too long")
