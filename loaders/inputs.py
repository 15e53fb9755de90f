"""One entry point for a whole load: a data directory, a scenario, or both laid together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphmodel.dataset import Dataset, InputError, Location, Problem, gc_paused
from graphmodel.input_files import data_folders
from loaders.england import load_england
from loaders.quality import QualityReport
from loaders.registers import load_registers
from loaders.scenario import apply_authorisations, load_scenario
from loaders.steps._context import first_found

EXAMPLE_SCENARIO = Path(__file__).with_name("example_scenario.yaml")


@dataclass
class Loaded:
    dataset: Dataset
    report: QualityReport


def load_inputs(
    data_dir: Path | list[Path] | tuple[Path, ...] | None = None,
    scenario: Path | None = None,
    registers: Sequence[Path] = (),
) -> Loaded:
    """Read and validate everything; raise `InputError` (nothing half-built) on any problem.

    `data_dir` may be several directories: each source is read from the first that has it.
    `registers` are a user's own (`loaders.registers`), laid over the rest by code and date.
    """
    folders = data_folders(data_dir)
    with gc_paused():
        try:
            return _load(folders, scenario, [Path(p) for p in registers])
        except InputError as err:
            if len(folders) > 1:  # say which folder's copy of a file is at fault
                raise InputError([_placed(p, folders) for p in err.problems]) from None
            raise


def _placed(problem: Problem, folders: list[Path]) -> Problem:
    """`problem` with its file named by the folder it was read from (the first holding it, as
    each source is read), when it names a bare file of the data folders."""
    name = problem.location.file
    if "/" in name or not name or (path := first_found(folders, [name])) is None:
        return problem
    return Problem(Location(str(path), problem.location.line), problem.field, problem.reason)


def _load(data_dirs: list[Path], scenario: Path | None, registers: list[Path]) -> Loaded:
    if not data_dirs and scenario is None:
        raise InputError(
            [
                Problem(
                    Location("(command line)"),
                    "--data/--scenario",
                    "give a data directory, a scenario or both",
                )
            ]
        )
    if data_dirs:
        for folder in data_dirs:
            if not folder.is_dir():
                raise InputError([Problem(Location(str(folder)), "--data", "not a directory")])
        dataset, report = load_england(data_dirs)
    else:
        dataset, report = Dataset(), QualityReport()
    if scenario is not None:
        parsed, extra, raw = load_scenario(Path(scenario))
        tally = report.tally(Path(scenario).name)
        tally.read = len(extra.nodes) + len(extra.relationships)
        already = sum(1 for code in extra.nodes if code in dataset.nodes)
        dataset.merge(extra)
        apply_authorisations(dataset, parsed, Path(scenario).name, raw)
        tally.used = tally.read - already
        if already:
            tally.skipped["already in the registry data (registry copy kept)"] = already
    if registers:
        extra, said = load_registers(registers)
        dataset.merge(extra)
        for line in said:
            report.note(line)
    dataset.validate()
    _note_overlapping_memberships(dataset, report)
    report.note(_orphans(dataset))
    return Loaded(dataset, report)


def _note_overlapping_memberships(dataset: Dataset, report: QualityReport) -> None:
    same, different = dataset.overlapping_memberships()
    if same:
        report.note(
            f"{len(same)} membership(s) recorded twice for the same CCG over overlapping dates (the checks "
            f"count the CCG once): {'; '.join(same[:5])}{' ...' if len(same) > 5 else ''}."
        )
    if different:
        report.note(
            f"{len(different)} practice(s) recorded in two CCGs at once, reported as breaches by "
            f"practice_single_membership: {'; '.join(different[:5])}{' ...' if len(different) > 5 else ''}."
        )


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
