"""England from 1 April 2013 to 30 June 2022, assembled from ONS, ODS and NHSBSA files by the
loading steps of `loaders.steps` (one module each, run in the order their declared needs give).

The files may sit in one directory or several (`--data` given more than once); each is looked
for by its manifest name. Reconciliation rules (also in docs/data.md):
- CCGs: the 211 of 1 April 2013 from the ONS list; every later CCG, with open and close dates,
  from the ODS register `eccg` (its NHS England commissioning hubs left out). CCGs were abolished
  on 1 July 2022, so a CCG the register still shows open closes on 30 June 2022. Mergers from
  ODS `succ`, dated. Without the register the graph shows 1 April 2013 only.
- Membership comes from ODS `epcmem` (dated, to its October 2019 extract) for GP practices
  (epraccur setting 4); after that, a membership still open in a CCG that merged is carried to
  the CCG it merged into, marked derived. Without `epcmem`, membership on 1 April 2013 comes from
  the NHSBSA list-size file's "PCO Code". List sizes are the NHSBSA April-June 2013 counts.
- CCG -> upper-tier authority overlaps, per year from 1 April: the July 2015 LSOA lookup for
  2013-14 to 2015-16, then each year's lookup (2016-2020). A CCG the lookup in force does not
  list takes the union of its predecessors' areas in it (2021-22: the 2020 lookup), or, for the
  three 2013 CCGs merged into 13T in 2015, 13T's LSOAs in the district each is named after;
  both are marked derived.
- Upper-tier authority = the county for a district in a two-tier county (E10...) that year,
  otherwise the district; each has one Health and Wellbeing Board.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from graphmodel.dataset import Dataset, InputError, Location, Problem
from graphmodel.input_files import data_folders
from graphmodel.national import add_national_layer
from loaders.manifest import sources
from loaders.quality import QualityReport
from loaders.readers.tabular import CENSUS
from loaders.steps import ordered
from loaders.steps._context import END, START, Context, hwb_code, named_code
from loaders.undated import refuse_undated

__all__ = ["END", "START", "hwb_code", "load_england", "named_code"]


def load_england(data_dirs: Path | Iterable[Path]) -> tuple[Dataset, QualityReport]:
    """Read every known source in the directories; raise `InputError` if a required one is missing."""
    context = Context(data_folders(data_dirs))
    missing = [s.file for s in sources() if s.required and context.path(s.id) is None]
    if missing:
        where = " or ".join(map(str, context.dirs))
        raise InputError([Problem(Location(f), "*", f"required file not found in {where}") for f in missing])
    add_national_layer(context.dataset)
    for step in ordered():
        step.run(context)
    refuse_undated(context.dataset)  # nothing the data saw born is open "always"
    for path in sorted(context.read):  # empty or repeating registers, said in the report
        for text in CENSUS.get(path.resolve(), []):
            context.report.note(text)
    return context.dataset, context.report
