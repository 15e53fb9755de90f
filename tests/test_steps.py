"""The loading steps (loaders/steps/): each declares the sources it reads, and every source of
the manifest is read by a step; steps run after the steps providing what they need;
given a few rows of any one of its sources, a step reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import write_mini_data

from loaders.inputs import load_inputs
from loaders.manifest import file_of, source, sources
from loaders.steps import ordered, registered

FIXTURES = Path(__file__).with_name("fixtures") / "sources"  # a few rows of each optional source
STEPS = ordered()


def test_every_source_is_read_by_a_step_and_every_step_reads_only_the_manifests():
    readers = {s.id: [step.name for step in STEPS if s.id in step.reads] for s in sources()}
    assert {s: r for s, r in readers.items() if not r} == {}
    assert {r for step in STEPS for r in step.reads} <= {s.id for s in sources()}


def test_each_step_runs_after_the_steps_that_provide_what_it_needs():
    done: set[str] = set()
    for step in STEPS:
        assert set(step.needs) <= done, f"{step.name} runs before {set(step.needs) - done} is provided"
        done |= set(step.provides)
    assert len(STEPS) == len(registered())


READS = [(step.name, source_id) for step in STEPS for source_id in step.reads]


@pytest.mark.parametrize("step, source_id", READS, ids=[f"{s}: {r}" for s, r in READS])
def test_each_step_reads_each_of_its_sources_from_a_few_rows(step, source_id, tmp_path):
    """Each source with the ones it is read with (`read_with`), the required ones around it."""
    folder = write_mini_data(tmp_path)
    for needed in (source_id, *source(source_id).read_with):
        if not (folder / file_of(needed)).exists():
            shutil.copy(FIXTURES / file_of(needed), folder / file_of(needed))
    tallies = {t["file"]: t for t in load_inputs(folder).report.as_dict()["sources"]}
    assert tallies[file_of(source_id)]["read"] > 0


def test_a_source_one_folder_down_is_found_as_england_2021_2026_keeps_its_lookups(tmp_path):
    folder = write_mini_data(tmp_path)
    (folder / "geographr").mkdir()
    for needed in ("lsoa_lookup_2021", *source("lsoa_lookup_2021").read_with):
        shutil.copy(FIXTURES / file_of(needed), folder / "geographr" / file_of(needed))
    tallies = {t["file"]: t for t in load_inputs(folder).report.as_dict()["sources"]}
    assert tallies[file_of("lsoa_lookup_2021")]["read"] > 0
