"""The NHSBSA list sizes of April-June 2013, by practice: which area team placed each
practice, and the patients each had."""

from __future__ import annotations

from loaders.manifest import file_of
from loaders.readers import nhsbsa
from loaders.steps import step
from loaders.steps._context import Context


@step(reads=("list_sizes_2013q2",), provides=("list_sizes",))
def list_sizes(ctx: Context) -> None:
    tally = ctx.report.tally(file_of("list_sizes_2013q2"))
    for where, row, total in nhsbsa.list_sizes(ctx.required("list_sizes_2013q2")):
        tally.read += 1
        ctx.list_sizes[row["Practice Code"]] = (where, row, total)
