"""Each upper-tier authority's Health and Wellbeing Board and who sits on it."""

from __future__ import annotations

from graphmodel.dated import open_on
from graphmodel.model import (
    HwbSeat,
    NodeKind,
    RelType,
)
from graphmodel.synthetic import Generator
from queries.check import CCG_RULES_END, Pair, Severity, check, plants
from queries.checks._graph import (
    Graph,
    example_graph,  # noqa: F401  (the docstring examples use it)
    in_links,
    join_or_none,
    nodes_of,
    out_links,
)

SECTION = "Health and Wellbeing Boards"  # of the rule book (RULES.md)


@check(
    section=SECTION,
    title="Each upper-tier authority has one Health and Wellbeing Board",
    rule="Every upper-tier local authority establishes a Health and Wellbeing Board for its area: "
    "one, not none and not two.",
    source="Health and Social Care Act 2012 s.194(1) 'A local authority must establish a Health and "
    "Wellbeing Board for its area'; S1 'new Health and Wellbeing Boards will be set up in local authorities'",
    severity=Severity.ERROR,
    fix="Record the authority's board (a HAS_HWB link), or end the extra one.",
    reviewed="2026-11-24",
    describe=lambda ev: f"has {len(ev['hwbs'])} Health and Wellbeing Boards ({join_or_none(ev['hwbs'])}), not one",
    gaps="no Health and Wellbeing Board recorded anywhere",
)
def hwb_per_authority(graph: Graph, *, as_at: str) -> list[Pair]:
    """Upper-tier authorities open on `as_at` without exactly one board in force (s.194(1), S1).

    Evidence: `hwbs`, the codes of the authority's boards on the date (none, or two or more);
    `{"recorded": False}` for every authority when no board is recorded anywhere (a data gap).

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> for code, kind in [("LA1", "LocalAuthority"), ("LA2", "LocalAuthority"), ("H1", "HWB")]:
    ...     g.add_node(code, kind=kind)
    >>> _ = g.add_edge("LA1", "H1", rel="HAS_HWB")
    >>> hwb_per_authority(g, as_at="2013-04-01")
    [('LA2', {'hwbs': []})]
    """
    recorded = any(True for _ in nodes_of(graph, NodeKind.HWB))
    found: list[Pair] = []
    for la, attrs in nodes_of(graph, NodeKind.LOCAL_AUTHORITY):
        if not open_on(attrs, as_at):
            continue
        hwbs = sorted(hwb for hwb, _ in out_links(graph, la, RelType.HAS_HWB, as_at))
        if len(hwbs) != 1:
            found.append((la, {"hwbs": hwbs} if recorded else {"recorded": False}))
    return found


@plants("hwb_per_authority")
def _plant_hwb_per_authority(gen: Generator) -> str:
    la = gen.authority(len(gen.las))  # a fully seated board, a CCG in its area on it ...
    gen.ccg(la)
    del gen.ds.relationships[(la, f"HWB-{la}", f"{RelType.HAS_HWB}||")]  # ... that is not the authority's
    for src, dst, key in list(gen.ds.relationships):  # (its Healthwatch's authority then unrecorded,
        if dst == la and key == f"{RelType.HEALTHWATCH_FOR}||":  # so that only this rule is broken)
            del gen.ds.relationships[(src, dst, key)]
    return la


def _boards_of(graph: Graph, authority: str, as_at: str) -> list[str]:
    """Every board the authority has on `as_at` (one, by statute; a replaced one is not)."""
    boards = out_links(graph, authority, RelType.HAS_HWB, as_at)
    return [hwb for hwb, _ in boards if open_on(graph.nodes[hwb], as_at)]


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Each CCG sits on the HWB of every authority it overlaps",
    rule="CCGs are members of the Health and Wellbeing Board of each authority in their area.",
    source="S1 (HWB membership includes Clinical Commissioning Groups)",
    severity=Severity.ERROR,
    fix="Record the CCG's seat on that board, or correct the overlap.",
    reviewed="2026-11-23",
    describe=lambda ev: f"not on {ev['hwb']} though it overlaps {ev['authority']} ({ev['share']:g}%)",
)
def hwb_ccg_seats(graph: Graph, *, as_at: str, tolerance_pct: float) -> list[Pair]:
    """CCGs missing from the HWB of an authority they overlap by at least `tolerance_pct` % (S1).

    Boards with no recorded seats at all are skipped here; `hwb_statutory_members` reports them.

    Evidence: `hwb`, `authority` and `share` (%): the board the CCG is missing from, and why it
    should sit there.

    >>> g = example_graph(
    ...     {"C1": "CCG", "C2": "CCG", "LA1": "LocalAuthority", "H1": "HWB"},
    ...     [("C1", "LA1", "OVERLAPS", {"share": 40.0}), ("LA1", "H1", "HAS_HWB", {}),
    ...      ("C2", "H1", "SEAT_ON", {"qualifier": "ccg"})],
    ... )
    >>> hwb_ccg_seats(g, as_at="2013-04-01", tolerance_pct=5.0)
    [('C1', {'hwb': 'H1', 'authority': 'LA1', 'share': 40.0})]
    """
    found: list[Pair] = []
    for ccg, attrs in nodes_of(graph, NodeKind.CCG):
        if not open_on(attrs, as_at):
            continue
        for la, link in out_links(graph, ccg, RelType.OVERLAPS, as_at):
            if link.get("share", 0.0) < tolerance_pct:
                continue
            for hwb in _boards_of(graph, la, as_at):
                seats = [(holder, s) for holder, s in in_links(graph, hwb, RelType.SEAT_ON, as_at)]
                if seats and not any(holder == ccg for holder, _ in seats):
                    found.append((ccg, {"hwb": hwb, "authority": la, "share": link.get("share", 0.0)}))
    return found


@plants("hwb_ccg_seats")
def _plant_hwb_ccg_seats(gen: Generator) -> str:
    la = gen.rng.choice(gen.las)
    ccg = gen.ccg(la)
    other = gen.rng.choice([x for x in gen.las if x != la])
    gen.link(ccg, la, RelType.OVERLAPS, share=97.0)  # replaces the 100% overlap
    gen.link(ccg, other, RelType.OVERLAPS, share=3.0)  # a sliver: not boundary crossing
    gen.ds.relationships.pop((ccg, f"HWB-{la}", f"{RelType.SEAT_ON}|ccg|"))
    return ccg


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Each HWB has its statutory members",
    rule="CCG, director of public health, directors of children's and adult social services, an "
    "elected councillor and local Healthwatch.",
    source="S1 (HWB membership list)",
    severity=Severity.ERROR,
    fix="Record the missing seats under hwb_memberships.",
    reviewed="2026-11-23",
    describe=lambda ev: f"missing {join_or_none(ev['missing'])}",
    gaps="no seat recorded",
)
def hwb_statutory_members(graph: Graph, *, as_at: str) -> list[Pair]:
    """HWBs open on `as_at` without each statutory seat: CCG, DPH, DCS, DASS, councillor,
    Healthwatch (S1).

    Evidence: `missing`, the statutory seats nobody holds; `{'recorded': False}` when the board
    has no seat recorded (a data gap).

    >>> g = example_graph({"H1": "HWB", "C1": "CCG"}, [("C1", "H1", "SEAT_ON", {"qualifier": "ccg"})])
    >>> hwb_statutory_members(g, as_at="2013-04-01")[0][1]["missing"][:2]
    ['director_public_health', 'director_childrens_services']
    """
    found: list[Pair] = []
    for hwb, attrs in nodes_of(graph, NodeKind.HWB):
        if not open_on(attrs, as_at):
            continue
        seats = {link["qualifier"] for _, link in in_links(graph, hwb, RelType.SEAT_ON, as_at)}
        if not seats:
            found.append((hwb, {"recorded": False}))
            continue
        missing = [s.value for s in HwbSeat if s.value not in seats]
        if missing:
            found.append((hwb, {"missing": missing}))
    return found


@plants("hwb_statutory_members")
def _plant_hwb_statutory_members(gen: Generator) -> str:
    new_la = gen.authority(len(gen.las))
    hwb = f"HWB-{new_la}"
    for src, dst, key in list(gen.ds.relationships):
        if dst == hwb and key == f"{RelType.SEAT_ON}|councillor|":
            del gen.ds.relationships[(src, dst, key)]
    gen.ccg(new_la)
    return hwb


# Who may hold each kind of seat on a board: a CCG seat is a CCG's, the Healthwatch seat the local
# Healthwatch of the board's own authority, the directors' and councillor's seats people's.
SEAT_HOLDERS = {HwbSeat.CCG.value: NodeKind.CCG, HwbSeat.HEALTHWATCH.value: NodeKind.HEALTHWATCH}


@check(
    section=SECTION,
    until=CCG_RULES_END,
    title="Each HWB seat is held by the right kind of body",
    rule="A board's CCG seats are held by CCGs, its Healthwatch seat by the local Healthwatch of its "
    "own authority, and its directors' and councillors' seats by people.",
    source="Health and Social Care Act 2012 s.194(2); S1 (HWB membership list)",
    severity=Severity.ERROR,
    fix="Give the seat to the right body (the authority's own local Healthwatch; a CCG; a person).",
    reviewed="2026-11-24",
    describe=lambda ev: "; ".join(f"{w['seat']} seat held by {w['holder']}" for w in ev["wrong"]),
)
def hwb_seat_holders(graph: Graph, *, as_at: str) -> list[Pair]:
    """HWBs open on `as_at` with a seat held by the wrong kind of body, or a Healthwatch seat held
    by the Healthwatch of another authority (s.194(2); S1). A Healthwatch whose authority is not
    recorded is not judged on that.

    Evidence: `wrong`, each misheld seat as `seat` and `holder`.

    >>> g = example_graph(
    ...     {"H1": "HWB", "LA1": "LocalAuthority", "LA2": "LocalAuthority", "W2": "Healthwatch", "P": "Person"},
    ...     [("LA1", "H1", "HAS_HWB", {}), ("W2", "LA2", "HEALTHWATCH_FOR", {}),
    ...      ("W2", "H1", "SEAT_ON", {"qualifier": "healthwatch"}), ("P", "H1", "SEAT_ON", {"qualifier": "ccg"})],
    ... )
    >>> hwb_seat_holders(g, as_at="2013-04-01")
    [('H1', {'wrong': [{'seat': 'healthwatch', 'holder': 'W2'}, {'seat': 'ccg', 'holder': 'P'}]})]
    """
    found: list[Pair] = []
    for hwb, attrs in nodes_of(graph, NodeKind.HWB):
        if not open_on(attrs, as_at):
            continue
        authorities = {la for la, _ in in_links(graph, hwb, RelType.HAS_HWB, as_at)}
        wrong = []
        for holder, link in in_links(graph, hwb, RelType.SEAT_ON, as_at):
            seat, kind = link["qualifier"], graph.nodes[holder].get("kind")
            right = kind == SEAT_HOLDERS.get(seat, NodeKind.PERSON)
            if right and seat == HwbSeat.HEALTHWATCH.value:  # whose it is, when that is recorded
                serves = {la for la, _ in out_links(graph, holder, RelType.HEALTHWATCH_FOR, as_at)}
                right = not serves or bool(serves & authorities)
            if not right:
                wrong.append({"seat": seat, "holder": holder})
        if wrong:
            found.append((hwb, {"wrong": wrong}))
    return found


@plants("hwb_seat_holders")
def _plant_hwb_seat_holders(gen: Generator) -> str:
    """A board whose Healthwatch seat is held by another authority's local Healthwatch."""
    new_la = gen.authority(len(gen.las))
    hwb = f"HWB-{new_la}"
    gen.ccg(new_la)
    own = next(
        src
        for src, dst, key in gen.ds.relationships
        if dst == hwb and key == f"{RelType.SEAT_ON}|healthwatch|"
    )
    del gen.ds.relationships[(own, hwb, f"{RelType.SEAT_ON}|healthwatch|")]
    other = next(
        src
        for src, dst, key in gen.ds.relationships
        if key.startswith(f"{RelType.HEALTHWATCH_FOR}|") and dst != new_la
    )
    gen.link(other, hwb, RelType.SEAT_ON, qualifier="healthwatch")
    return hwb
