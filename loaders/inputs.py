"""One entry point for a whole load: a data directory, a scenario, or both laid together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphmodel.dataset import Dataset, InputError, Location, Problem, gc_paused
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
    with gc_paused():
        return _load(data_dir, scenario)


def _load(data_dir: Path | None, scenario: Path | None) -> Loaded:
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
    report.note(_orphans(dataset))
    return Loaded(dataset, report)


def _orphans(dataset: Dataset) -> str:
    """Bodies linked to nothing: usually a sign that a source lags or a code changed."""
    linked = {code for rel in dataset.relationships.values() for code in (rel.source, rel.target)}
    alone = [node for code, node in dataset.nodes.items() if code not in linked]
    if not alone:
        return "Orphans: none (every organisation is linked to something)."
    by_kind: dict[str, list[str]] = {}
    for node in alone:
        by_kind.setdefault(str(node.kind), []).append(node.code)
    parts = [
        f"{len(codes)} {kind} (e.g. {', '.join(sorted(codes)[:3])})"
        for kind, codes in sorted(by_kind.items())
    ]
    return "Orphans (linked to nothing): " + "; ".join(parts) + "."
