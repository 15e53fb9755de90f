"""From 1 July 2022: integrated care boards and their sub-ICB locations.

The Health and Care Act 2022 abolished CCGs and established integrated care boards on 1 July
2022. Each CCG's area lives on as a sub-ICB location under the CCG's ODS code, and each board
took the code of the STP it replaced. The ODS list of July 2022 gives the locations and their
boards; the ONS names file the boards' ONS codes and names; the July 2022 LSOA lookup, read with
the April 2021 one, the boundary moves of that day (a CCG's share of LSOAs passing to each
location). `succ.csv` dates the mergers of 1 April 2026 (12 boards into 6 new ones, and part
of Frimley to Hampshire and Isle of Wight); the new boards' names are curated facts
(`loaders/curated/icbs_2026.csv`, each with its source).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from graphmodel.crosswalk import SUB_ICB_YEAR
from graphmodel.dataset import Location
from graphmodel.model import ICB, RelType, SubICBLocation, sub_icb_code
from graphmodel.national import ICBS_ESTABLISHED
from loaders.manifest import file_of
from loaders.readers import icbs as read
from loaders.readers import ods
from loaders.readers.tabular import parse_date
from loaders.steps import step
from loaders.steps._context import END, ONE_DAY, START, Context

__all__ = ["icbs"]

CURATED = Path(__file__).parents[1] / "curated" / "icbs_2026.csv"


@step(
    reads=(
        "sub_icb_locations_2022",
        "icb_names_2024",
        "lsoa_lookup_2022",
        "successions",
    ),
    needs=("ccgs", "stps", "lsoa_areas"),
    provides=("icbs",),
)
def icbs(ctx: Context) -> None:
    path = ctx.path("sub_icb_locations_2022")
    if path is None:
        ctx.report.note(
            f"{file_of('sub_icb_locations_2022')} absent: the graph ends on 30 June 2022 with the CCGs "
            "(no sub-ICB locations or integrated care boards)."
        )
        return
    named = _board_names(ctx)
    tally = ctx.report.tally(path.name)
    boards: set[str] = set()
    for where, row in read.sub_icb_locations(path):
        tally.read += 1
        board, code = row["icb"], sub_icb_code(row["code"])
        if board not in boards:
            ons_code, name = named.get(board, ("", row["icb_name"]))
            ctx.add(
                ICB, where, "ICB Code", code=board, name=name, ons_code=ons_code or None, open_date=ICBS_ESTABLISHED
            )
            boards.add(board)
        ctx.add(SubICBLocation, where, code=code, ods_code=row["code"], name=row["name"], open_date=ICBS_ESTABLISHED)
        ctx.link(where, source=code, target=board, rel=RelType.IN_ICB, valid_from=ICBS_ESTABLISHED)
        tally.used += 1
    # the lookup's names are in the ONS's case, the ODS list's in capitals
    for code, name in ctx.sub_icb_names.items():
        if (node := ctx.dataset.nodes.get(sub_icb_code(code))) is not None:
            ctx.dataset.nodes[node.code] = node.model_copy(update={"name": name})
    _from_ccgs(ctx, Location(path.name))
    _from_stps(ctx, Location(path.name))
    last = _mergers_2026(ctx, boards)
    ctx.dataset.coverage = (START, max(ICBS_ESTABLISHED, last))
    ctx.report.note(
        f"From {ICBS_ESTABLISHED}: {len(boards)} integrated care boards and their sub-ICB locations (graph codes "
        f"'SICBL-' and the ODS code). The graph runs to {max(ICBS_ESTABLISHED, last)}, the last day a file here "
        "dates a change; it says nothing of what held after it."
    )


def _board_names(ctx: Context) -> dict[str, tuple[str, str]]:
    """Each board's ONS code and name from the ONS names file, by ODS code."""
    path = ctx.path("icb_names_2024")
    if path is None:
        return {}
    tally = ctx.report.tally(path.name)
    found = {}
    for _, row in read.icb_names(path):
        tally.read += 1
        tally.used += 1
        found[row["code"]] = (row["ons_code"], row["name"])
    return found


def _from_ccgs(ctx: Context, where: Location) -> None:
    """Each CCG open on 30 June 2022 succeeded by the sub-ICB locations that took its area: by
    share of its LSOAs when both lookups are here, else by the code ODS kept (whole area)."""
    shares = _lsoa_moves(ctx)
    for ccg in ctx.open_ccgs(END):
        moves = shares.get(ccg) or Counter({ccg: 0})
        total = sum(moves.values())
        for location, n in sorted(moves.items()):
            code = sub_icb_code(location)
            if code not in ctx.dataset.nodes:
                ctx.note_once(
                    ("no location", ccg), f"CCG {ccg} open on {END}: no sub-ICB location {location}."
                )
                continue
            ctx.link(
                ctx.dataset.origins[code] if not shares else where,
                source=ccg,
                target=code,
                rel=RelType.SUCCEEDED_BY,
                valid_from=ICBS_ESTABLISHED,
                share=round(100.0 * n / total, 2) if total else None,
                count=n if total else None,
            )
    if not shares:
        ctx.report.note(
            f"{file_of('lsoa_lookup_2022')} or the April 2021 lookup absent: each CCG passes whole to the "
            "sub-ICB location with its code (the moves of 1 July 2022 are not placed)."
        )


def _lsoa_moves(ctx: Context) -> dict[str, Counter[str]]:
    """CCG -> sub-ICB location -> LSOAs, from the April 2021 and July 2022 lookups."""
    before, after = ctx.dataset.areas.get(2021), ctx.dataset.areas.get(SUB_ICB_YEAR)
    if not before or not after:
        return {}
    tally = ctx.report.tally(file_of("lsoa_lookup_2022"))
    moves: dict[str, Counter[str]] = defaultdict(Counter)
    for lsoa, location in after.items():
        tally.read += 1
        if lsoa not in before:
            tally.skip("LSOA not in the April 2021 lookup")
            continue
        moves[before[lsoa]][location] += 1
        tally.used += 1
    moved = sorted(
        f"{ccg} -> {loc} ({n} LSOAs)" for ccg, to in moves.items() for loc, n in to.items() if loc != ccg
    )
    ctx.report.note(
        f"Boundary moves of {ICBS_ESTABLISHED} (CCG of April 2021 -> sub-ICB location): {', '.join(moved)}."
    )
    return moves


def _from_stps(ctx: Context, where: Location) -> None:
    """Each STP of 30 June 2022 succeeded by the boards that took its CCGs' areas, by share of
    its LSOAs (one board for all but West Birmingham's STP; several boards got a new ONS code
    on the day, so codes cannot be matched)."""
    rels = list(ctx.dataset.relationships.values())
    stp_of = {r.source: r.target for r in rels if r.rel == RelType.IN_STP and (r.valid_to or END) >= END}
    board_of = {r.source: r.target for r in rels if r.rel == RelType.IN_ICB and r.valid_from == ICBS_ESTABLISHED}
    taken: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rels:
        if (
            r.rel == RelType.SUCCEEDED_BY
            and r.valid_from == ICBS_ESTABLISHED
            and r.source in stp_of
            and r.target in board_of
        ):
            taken[stp_of[r.source]][board_of[r.target]] += r.count or 1
    for stp, boards in sorted(taken.items()):
        total = sum(boards.values())
        for board, n in sorted(boards.items()):
            share = round(100.0 * n / total, 2)
            ctx.link(
                where, source=stp, target=board, rel=RelType.SUCCEEDED_BY, valid_from=ICBS_ESTABLISHED, share=share
            )


def _mergers_2026(ctx: Context, boards: set[str]) -> date:
    """The boards' mergers as `succ.csv` dates them, with the curated names of the new boards;
    returns the last day dated (1 July 2022 when there is none). A location follows its board
    into the one board it merged into; a board split among several leaves its locations'
    board unknown from that day (a data gap the report names)."""
    path = ctx.path("successions")
    if path is None:
        return ICBS_ESTABLISHED
    curated = _curated()
    successors: dict[str, list[tuple[str, date, Location]]] = defaultdict(list)
    for where, row in ods.successions(path, boards).rows:
        when = parse_date(row["effective_date"], where, "effective_date")
        if when is not None and when > ICBS_ESTABLISHED:
            successors[row["code"]].append((row["successor"], when, where))
    last = ICBS_ESTABLISHED
    split = []
    for board, found in sorted(successors.items()):
        when = found[0][1]
        last = max(last, when)
        ctx.update(board, ctx.dataset.origins[board], "close_date", close_date=when - ONE_DAY)
        for successor, day, where in found:
            name, cited = curated.get(successor, (successor, None))
            if successor not in ctx.dataset.nodes:
                ctx.add(ICB, where, "successor", code=successor, name=name, open_date=day)
            if cited is not None:  # the curated page lists the succession too, and names the board
                ctx.cite(
                    where, cited, source=board, target=successor, rel=RelType.SUCCEEDED_BY, valid_from=day
                )
            else:
                ctx.link(where, source=board, target=successor, rel=RelType.SUCCEEDED_BY, valid_from=day)
        _move_locations(ctx, board, [s for s, _, _ in found], when)
        if len(found) > 1:
            split.append(f"{board} ({', '.join(s for s, _, _ in found)})")
    if successors:
        ctx.report.note(
            f"Integrated care boards merged on {last} as {path.name} dates it: {len(successors)} boards "
            f"closed. Split among several successors: {', '.join(split) or 'none'}; no file here says which "
            "successor took each of their sub-ICB locations, so from that day those locations have no board "
            "in the graph (a data gap)."
        )
    return last


def _move_locations(ctx: Context, board: str, successors: list[str], when: date) -> None:
    """End the board's locations' links the day before `when`; with one successor, start new ones."""
    for key, rel in list(ctx.dataset.relationships.items()):
        if rel.rel != RelType.IN_ICB or rel.target != board or rel.valid_to is not None:
            continue
        ctx.dataset.relationships[key] = rel.model_copy(update={"valid_to": when - ONE_DAY})
        where = ctx.dataset.origins[key]
        if len(successors) == 1:
            ctx.link(where, source=rel.source, target=successors[0], rel=RelType.IN_ICB, valid_from=when)


def _curated() -> dict[str, tuple[str, dict[str, str]]]:
    """The new boards' names (code -> name, and the row with its source and quote)."""
    with open(CURATED, encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["name"], row) for row in csv.DictReader(handle)}
