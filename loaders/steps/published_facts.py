"""Published facts of 2012-13, curated, each with its page and quote: authorisation outcomes,
PCT clusters, commissioning support and arrangements under legal directions."""

from __future__ import annotations

from graphmodel.dataset import InputError, Problem
from graphmodel.model import CSU, PCT, AuthorisationOutcome, PCTCluster, RelType
from graphmodel.national import NHS_CB_CODE
from loaders.readers import published
from loaders.steps import step
from loaders.steps._context import ONE_DAY, START, Context, named_code

PUBLISHED_OUTCOMES = {
    "no conditions": AuthorisationOutcome.AUTHORISED,
    "conditions": AuthorisationOutcome.WITH_CONDITIONS,
    "directions": AuthorisationOutcome.WITH_DIRECTIONS,
}


@step(
    reads=("published_authorisation", "published_pct_clusters", "published_csu", "published_directions"),
    needs=("ccgs", "pcts"),
    provides=("published_facts",),
)
def published_facts(ctx: Context) -> None:
    """Authorisation outcomes, PCT clusters, commissioning support and arrangements under
    legal directions, as published at the time: each fact keeps its page and quote."""
    ccgs_2013 = set(ctx.ccg_by_ons.values())
    coverage = [
        _published_authorisations(ctx, ccgs_2013),
        _published_clusters(ctx),
        _published_support(ctx, ccgs_2013),
        _published_directions(ctx, ccgs_2013),
    ]
    found = [c for c in coverage if c]
    if found:
        ctx.report.note("Published facts (each with its source): " + "; ".join(found) + ".")


def _published_authorisations(ctx: Context, ccgs_2013: set[str]) -> str:
    path = ctx.path("published_authorisation")
    if path is None:
        return ""
    tally = ctx.report.tally(path.name)
    waves = outcomes = 0
    for where, row in published.authorisations(path):
        tally.read += 1
        code = row["ccg_code"]
        if code not in ccgs_2013:
            tally.skip("not a 2013 CCG")
            continue
        if row["outcome"] and row["outcome"] not in PUBLISHED_OUTCOMES:
            raise InputError(
                [
                    Problem(
                        where,
                        "outcome",
                        f"unknown outcome {row['outcome'][:40]!r}; one of {', '.join(PUBLISHED_OUTCOMES)}",
                    )
                ]
            )
        announced = row["announced"] or None
        ctx.update(
            code,
            where,
            "ccg_code",
            authorisation_wave=row["wave"] or None,
            authorisation_outcome=PUBLISHED_OUTCOMES.get(row["outcome"]),
            authorisation_announced=announced,
            authorisation_date=announced if announced and len(announced) == 10 else None,
            conditions_count=row["conditions_count"] or None,
            authorisation_source=row["source_url"],
            authorisation_quote=row["quote"],
        )
        waves += bool(row["wave"])
        outcomes += bool(row["outcome"])
        tally.used += 1
    return (
        f"authorisation recorded for {tally.used} of {len(ccgs_2013)} CCGs "
        f"(the wave for {waves}, the outcome for {outcomes})"
    )


def _published_clusters(ctx: Context) -> str:
    path = ctx.path("published_pct_clusters")
    if path is None:
        return ""
    tally = ctx.report.tally(path.name)
    clusters = set()
    for where, row in published.pct_clusters(path):
        tally.read += 1
        if row["pct_code"] not in ctx.dataset.nodes:
            tally.skip("not a 2012 PCT")
            continue
        cluster = named_code("CLU", row["cluster_name"])
        ctx.add(
            PCTCluster,
            where,
            field_name="cluster_name",
            code=cluster,
            name=row["cluster_name"],
            close_date=START - ONE_DAY,  # with the PCTs they managed
        )
        ctx.cite(where, row, source=row["pct_code"], target=cluster, rel=RelType.IN_CLUSTER, valid_to=START - ONE_DAY)
        clusters.add(cluster)
        tally.used += 1
    pcts = sum(1 for n in ctx.dataset.nodes.values() if isinstance(n, PCT))
    return f"a PCT cluster for {tally.used} of {pcts} PCTs ({len(clusters)} clusters)"


def _published_support(ctx: Context, ccgs_2013: set[str]) -> str:
    path = ctx.path("published_csu")
    if path is None:
        return ""
    tally = ctx.report.tally(path.name)
    in_house = []
    for where, row in published.commissioning_support(path):
        tally.read += 1
        code = row["ccg_code"]
        if code not in ccgs_2013:
            tally.skip("not a 2013 CCG")
        elif row["csu_name"].startswith("(in-house"):
            in_house.append(code)
            tally.skip("support kept in-house (no CSU)")
        else:
            csu = named_code("CSU", row["csu_name"])
            ctx.add(CSU, where, field_name="csu_name", code=csu, name=row["csu_name"])
            ctx.cite(where, row, source=code, target=csu, rel=RelType.SUPPORTED_BY)
            tally.used += 1
    kept = f", and {len(in_house)} keeping it in-house ({', '.join(in_house)})" if in_house else ""
    return f"commissioning support for {tally.used} of {len(ccgs_2013)} CCGs{kept}"


def _published_directions(ctx: Context, ccgs_2013: set[str]) -> str:
    """Each directed CCG is supported by the NHS CB, or by the neighbouring CCG that
    commissions on its behalf under the same arrangement (S2, S4)."""
    path = ctx.path("published_directions")
    if path is None:
        return ""
    tally = ctx.report.tally(path.name)
    rows = published.directions(path)
    receiving = {r["arrangement"]: r["ccg_codes"] for _, r in rows if r["role"].startswith("receiving")}
    links = 0
    for where, row in rows:
        tally.read += 1
        if row["role"].startswith("receiving"):
            tally.used += 1  # the other party of a directed CCG's arrangement
            continue
        supporter = (
            NHS_CB_CODE
            if row["counterparty"].startswith("NHS Commissioning Board")
            else receiving.get(row["arrangement"])
        )
        if supporter is None or not row["role"].startswith("directed"):
            tally.skip("no supporter the model can name (not the NHS CB, no receiving CCG)")
            continue
        codes = [c.strip() for c in row["ccg_codes"].split(";") if c.strip() in ccgs_2013]
        if not codes:
            tally.skip("not a 2013 CCG")
            continue
        for code in codes:
            ctx.cite(
                where,
                row,
                source=code,
                target=supporter,
                rel=RelType.INTENSIVE_SUPPORT_FROM,
                qualifier=row["arrangement"],
            )
            links += 1
        tally.used += 1
    return f"{tally.read} rows of arrangements under legal directions ({links} links of support)"
