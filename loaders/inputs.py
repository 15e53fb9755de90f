"""One entry point for a whole load: a data directory, a scenario, or both laid together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphmodel.dataset import Dataset, InputError, Location, Problem
from loaders.england2013 import load_england_2013
from loaders.quality import QualityReport
from loaders.scenario import apply_authorisations, load_scenario

EXAMPLE_SCENARIO = Path(__file__).with_name("example_scenario.yaml")


@dataclass
class Loaded:
    dataset: Dataset
    report: QualityReport


def load_inputs(data_dir: Path | None = None, scenario: Path | None = None) -> Loaded:
    """Read and validate everything; raise `InputError` (nothing half-built) on any problem."""
    if data_dir is None and scenario is None:
        raise InputError(
            [
                Problem(
                    Location("(command line)"),
                    "--data/--scenario",
                    "give a data directory, a scenario or both",
                )
            ]
        )
    if data_dir is not None:
        if not Path(data_dir).is_dir():
            raise InputError([Problem(Location(str(data_dir)), "--data", "not a directory")])
        dataset, report = load_england_2013(Path(data_dir))
    else:
        dataset, report = Dataset(), QualityReport()
    if scenario is not None:
        parsed, extra = load_scenario(Path(scenario))
        tally = report.tally(Path(scenario).name)
        tally.read = len(extra.nodes) + len(extra.relationships)
        already = sum(1 for code in extra.nodes if code in dataset.nodes)
        dataset.merge(extra)
        apply_authorisations(dataset, parsed, Path(scenario).name)
        tally.used = tally.read - already
        if already:
            tally.skipped["already in the registry data (registry copy kept)"] = already
    dataset.validate()
    return Loaded(dataset, report)
