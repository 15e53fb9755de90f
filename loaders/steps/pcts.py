"""The 2012 PCTs and SHAs, and which CCGs took over each PCT's population."""

from __future__ import annotations

from collections import defaultdict

from graphmodel.model import PCT, SHA, RelType
from loaders.manifest import file_of
from loaders.readers import ons
from loaders.steps import step
from loaders.steps._context import ONE_DAY, START, Context

# The last day of PCTs and SHAs: the Health and Social Care Act 2012 abolished them (ss.33-34) from
# 1 April 2013. When each was established is in no file here (most PCTs on 1 October 2006).
ABOLISHED = START - ONE_DAY


@step(reads=("pcts_2012", "pct_ccg_shares"), needs=("ccgs",), provides=("pcts",))
def pcts(ctx: Context) -> None:
    tally = ctx.report.tally(file_of("pcts_2012"))
    pct_shas: dict[str, list[str]] = defaultdict(list)
    for where, row in ons.pcts_2012(ctx.required("pcts_2012")):
        tally.read += 1
        pct, sha = row["PCO12CDO"], row["SHA12CDO"]
        ctx.add(
            PCT,
            where,
            code=pct,
            name=row["PCO12NM"],
            ons_code=row["PCO12CD"],
            cluster_recorded=False,
            close_date=ABOLISHED,
        )
        ctx.add(SHA, where, code=sha, name=row["SHA12NM"], ons_code=row["SHA12CD"], close_date=ABOLISHED)
        ctx.link(where, source=pct, target=sha, rel=RelType.IN_SHA, valid_to=START - ONE_DAY)
        pct_shas[pct].append(sha)
        tally.used += 1
    split = sorted(p for p, s in pct_shas.items() if len(s) > 1)
    if split:
        ctx.report.note(
            f"{len(split)} PCTs appear under two SHAs in the ONS lookup ({', '.join(split)}); "
            "both links are kept (the lookup is geographic)."
        )
    path = ctx.path("pct_ccg_shares")
    if path is None:
        ctx.report.note(f"{file_of('pct_ccg_shares')} absent: no PCT -> CCG succession.")
        return
    tally = ctx.report.tally(path.name)
    ccgs_2013 = set(ctx.ccg_by_ons.values())
    for where, row, share in ons.pct_ccg_shares(path):
        tally.read += 1
        pct, ccg = row["PCO12CDO"], row["CCG13CDH"]
        if pct not in ctx.dataset.nodes or ccg not in ccgs_2013:
            tally.skip("PCT or CCG code not in the 2012/2013 lists")
            continue
        ctx.link(where, source=pct, target=ccg, rel=RelType.SUCCEEDED_BY, share=share, valid_from=START)
        tally.used += 1
