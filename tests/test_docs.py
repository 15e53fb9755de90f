"""Docs are part of the product: the generated ones must match the code."""

from __future__ import annotations

import json

from conftest import REPO
from loaders.scenario import json_schema
from queries.registry import catalogue_markdown


def test_the_check_catalogue_in_docs_is_current():
    assert (REPO / "docs" / "checks.md").read_text(encoding="utf-8") == catalogue_markdown()


def test_the_scenario_json_schema_in_docs_is_current():
    assert json.loads((REPO / "docs" / "scenario.schema.json").read_text(encoding="utf-8")) == json_schema()


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme
    assert "exec bash scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
