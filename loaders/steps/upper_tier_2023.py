"""The upper-tier authorities from 1 April 2023, when the structural changes orders of 2022 for
Cumbria, North Yorkshire and Somerset took effect: the three counties (and their districts) end
on 31 March 2023 and four unitary authorities begin, each with its Health and Wellbeing Board.
Read from the April 2023 district to upper-tier lookup, compared with the authorities open on
the last day of the CCGs."""

from __future__ import annotations

from datetime import date

from graphmodel.dataset import Location
from graphmodel.model import HWB, LocalAuthority, RelType
from loaders.readers import ons
from loaders.steps import step
from loaders.steps._context import END, ONE_DAY, Context, hwb_code

__all__ = ["CHANGED", "upper_tier_2023"]

CHANGED = date(2023, 4, 1)


@step(reads=("district_county_2023",), needs=("authorities", "icbs"), provides=("authorities_2023",))
def upper_tier_2023(ctx: Context) -> None:
    path = ctx.path("district_county_2023")
    if path is None:
        return
    tally = ctx.report.tally(path.name)
    listed: dict[str, tuple[str, Location]] = {}
    for where, row in ons.district_upper_tier(path, CHANGED.year):
        tally.read += 1
        if not row["district"].startswith("E"):
            tally.skip("not in England")
            continue
        listed.setdefault(row["county"], (row["county_name"], where))
        tally.used += 1
    if ctx.dataset.coverage is None or ctx.dataset.coverage[1] < CHANGED:
        ctx.report.note(f"{path.name}: not used, the graph ends before {CHANGED}.")
        return
    before = {
        code
        for code, node in ctx.dataset.nodes.items()
        if isinstance(node, LocalAuthority) and (node.close_date or date.max) >= END
    }
    ended = sorted(before - set(listed))
    for code in ended:
        last = CHANGED - ONE_DAY
        ctx.update(code, ctx.dataset.origins[code], "close_date", close_date=last)
        ctx.update(hwb_code(code), ctx.dataset.origins[hwb_code(code)], "close_date", close_date=last)
        for key, rel in list(ctx.dataset.relationships.items()):
            if rel.rel == RelType.HAS_HWB and rel.source == code:
                ctx.dataset.relationships[key] = rel.model_copy(update={"valid_to": last})
    began = sorted(set(listed) - before)
    for code in began:
        name, where = listed[code]
        tier = "county" if code.startswith("E10") else "unitary/metropolitan/London"
        ctx.add(LocalAuthority, where, code=code, name=name, tier=tier, open_date=CHANGED)
        board = hwb_code(code)
        ctx.add(HWB, where, code=board, name=f"{name} Health and Wellbeing Board", open_date=CHANGED)
        ctx.link(where, source=code, target=board, rel=RelType.HAS_HWB, valid_from=CHANGED)
    ctx.report.note(
        f"Upper-tier authorities from {CHANGED} ({path.name}): {len(ended)} end the day before "
        f"({', '.join(ended) or 'none'}), {len(began)} begin ({', '.join(began) or 'none'}): "
        f"{len(before) - len(ended) + len(began)} in England."
    )
