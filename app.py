"""ccgraph explorer: find any organisation, see its network, see what is wrong, ask in Cypher.

    streamlit run app.py

Inputs come from the environment: CCGRAPH_DATA (data directories separated by `:`, see
docs/data.md),
CCGRAPH_SCENARIO (a scenario file), CCGRAPH_KML (CCG boundaries; default DATA/CCC_Feb2013.KML),
CCGRAPH_WAIVERS (a waiver file, as `ccgraph check --waivers`),
CCGRAPH_EXAMPLE=1 for the bundled illustrative example, CCGRAPH_REGISTERS (your own registers,
files separated by `:`; or upload them in the sidebar, for your session only),
or instead CCGRAPH_SYNTHETIC=SCALE[:SEED[:VIOLATIONS]] for a generated system of invented
bodies with VIOLATIONS breaches planted per check (as `ccgraph generate`; for trying the
explorer at national scale and beyond).
With none of these the real England is shown, from the national registers shipped with ccgraph. The Cypher console
uses NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD. This file only lays out pages; the work is in
`ccgraph.explorer`, `ccgraph.serving` (inputs, loaded once per server and warmed up at start),
`ccgraph.network_view`, `ccgraph.visual`, `queries` and `graphmodel`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from ccgraph.explorer import (
    findings_by_org,
    graph_from_rows,
    kind_counts,
    links_markdown,
    neighbourhood,
    search,
)
from ccgraph.network_view import draw_network, preload_network
from ccgraph.serving import Inputs, first_day, report_on, since_until, spans_of, timeline_of, warm_up
from ccgraph.summary import summary_chart
from ccgraph.visual import (
    STYLE,
    findings_chart,
    legend_html,
    lineage_chart,
    map_chart,
    network_html,
    read_kml_boundaries,
    timeline_chart,
)
from ccgraph.core import Report, System
from ccgraph.exposure import TOKEN_VARIABLE, console_gate
from ccgraph.dissolve import dissolve
from graphmodel.dated import graph_at, population_on
from graphmodel.errors import CcgraphError
from graphmodel.model import RelType
from graphmodel.national import ICBS_ESTABLISHED
from graphmodel.summary import BY as SUMMARY_LEVELS
from graphmodel.summary import NOT_PLACED
from graphmodel.profile import profile
from graphmodel.succession import area_holder
from graphmodel.text import markdown
from queries import report
from queries.registry import CHECKS, Severity

PAGES = ("Explore", "Compliance", "Map", "Timeline", "Cypher console")
SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: s.rank)]  # info, warning, error
SMALL_GROUP = 8  # relationship groups this size or smaller open as a table of links


@st.cache_resource(show_spinner=False)
def boundaries(path: Path):
    return read_kml_boundaries(path)


@st.cache_data(show_spinner=False, max_entries=64)
def merged_boundaries(path: Path, holders: tuple[tuple[str, str], ...]):
    """The 2013 boundaries merged into one shape per body holding them (a second or so; kept)."""
    return dissolve(boundaries(path), dict(holders))


def _close(driver) -> None:
    driver.close()


@st.cache_resource(show_spinner=False, on_release=_close)
def neo4j_driver():
    from graphmodel.neo4j_connect import connect

    return connect()


def _open(code: str) -> None:
    """Open an organisation double-clicked in the network, as if it had been searched for."""
    st.session_state["search"] = code


def _with_spans(rows: list[dict], found: list, spans, day: str) -> list[dict]:
    """Each row with its finding's first and last day, when the visitor asked for them."""
    if spans is None:
        return rows
    return [{**row, **dict(zip(("since", "until"), since_until(spans, f, day)))} for row, f in zip(rows, found)]


def explore(graph, view, findings, day: str, spans=None) -> None:
    """Search, profile and network of the bodies open on `day` (`view` is the graph that day)."""
    flagged = findings_by_org(findings)
    breaching = {org for org, found in flagged.items() if any(f.kind == "breach" for f in found)}
    st.session_state.setdefault("search", st.query_params.get("org", ""))
    text = st.text_input(
        "Search organisations by code or name", key="search", placeholder="e.g. Medway, 09W, HWB"
    )
    hits = search(view, text) if text else []
    elsewhere = [h for h in search(graph, text, limit=10) if h not in hits] if text else []
    if elsewhere:
        st.caption(
            markdown(
                f"Not open on {day} (change the date to see them): "
                + "; ".join(
                    f"{name} [{code}] {_open_span(graph.nodes[code])}" for code, name, _ in elsewhere[:5]
                )
            )
        )
    if text and not hits:  # said, not left blank
        st.info(markdown(f"No organisation open on {day} has a code or name matching “{text.strip()}”."))
    if not hits:
        st.caption(
            f"On {day}: {view.number_of_nodes():,} organisations and people open; "
            + ", ".join(f"{k} {n:,}" for k, n in kind_counts(view).most_common())
        )
        preload_network()
        return
    labels = {f"{name} [{code}] — {kind}": code for code, name, kind in hits}
    code = labels[st.selectbox(f"{len(hits)} match(es)", list(labels))]
    st.query_params["org"] = code
    info = profile(graph, code, as_at=day)
    node = info["node"]
    st.subheader(markdown(f"{node.get('name')} [{code}]"))
    st.caption(
        f"{node.get('kind')}, as on {day} {_open_span(node)}"
        + (" — illustrative (invented)" if node.get("illustrative") else "")
    )
    series = ("populations", "populations_from", "populations_to", "population_years")  # shown as of the date
    details = {k: v for k, v in node.items() if k not in ("name", "kind", "code", "illustrative", *series)}
    if details:
        st.dataframe(
            pd.DataFrame(
                {
                    "detail": [k.replace("_", " ") for k in details],
                    "value": [str(v) for v in details.values()],
                }
            ),
            hide_index=True,
        )
    mine = flagged.get(code, [])
    breaches = [f for f in mine if f.kind == "breach"]
    gaps = [f for f in mine if f.kind == "gap"]
    advice = [f for f in mine if f.kind == "recommendation"]
    if breaches:
        st.error(f"{len(breaches)} breach(es) of the rules")
    if gaps:
        st.info(f"{len(gaps)} data gap(s): nothing recorded that these checks could test")
    if advice:
        st.caption(f"{len(advice)} recommendation(s): advice only, not a breach of any rule")
    if mine:
        listed = breaches + gaps + advice
        rows = [
            {
                "check": f.check,
                "finding": f.kind,
                "severity": f.severity.value,
                "message": f.message,
                "source": " | ".join(f.sources),
            }
            for f in listed
        ]
        st.dataframe(pd.DataFrame(_with_spans(rows, listed, spans, day)), hide_index=True)
    col1, col2 = st.columns([1, 2])
    hops = col1.slider("Hops", 1, 3, 1)
    rels = col2.multiselect("Relationship types", [r.value for r in RelType], placeholder="all")
    hood = neighbourhood(view, code, hops=hops, rel_types=set(rels) or None)
    if hood.truncated:
        st.warning(
            "Large neighbourhood: showing the first 400 organisations. Filter by relationship type or use fewer hops."
        )
    if hood.aggregated:
        st.info(
            "Grouped into counted nodes: "
            + ", ".join(f"{n} practices of {markdown(k.split('::')[0])}" for k, n in hood.aggregated.items())
        )
    st.html(legend_html({str(a.get("kind")) for _, a in hood.graph.nodes(data=True)} & set(STYLE)))
    draw_network(hood.graph, key="explore_network", centre=code, flagged=breaching, on_open=_open)
    st.caption("Double-click an organisation in the network to open it.")
    st.download_button(
        "Download this network (HTML, works offline)",
        lambda: network_html(hood.graph, centre=code, flagged=breaching),  # made on click only
        f"network-{code}.html",
        "text/html",
    )
    for group, links in info["relationships"].items():
        with st.expander(f"{group} ({len(links)})", expanded=len(links) <= SMALL_GROUP):
            if len(links) <= SMALL_GROUP:
                st.markdown(links_markdown(links))
                continue
            table = pd.DataFrame(links).drop(columns=["direction", "rel"], errors="ignore")
            table.insert(0, "open", [f"?page=Explore&org={link['code']}" for link in links])
            st.dataframe(
                table,
                hide_index=True,
                column_config={"open": st.column_config.LinkColumn("open", display_text="open")},
            )


def _open_span(attrs) -> str:
    return f"(open {attrs.get('open_date') or '?'} to {attrs.get('close_date') or 'open'})"


def compliance(graph, shown: Report, day: str, spans=None) -> None:
    findings = shown.findings
    summary = pd.DataFrame(report.summary(list(CHECKS), findings, shown.waived))
    st.subheader("Findings by check")
    if shown.waived:
        st.caption(f"{len(shown.waived):,} finding(s) waived (CCGRAPH_WAIVERS), listed in the JSON download.")
    # Breaches, data gaps and advice in their own columns: a count of "findings" would read 135
    # unrecorded governing bodies as 135 breaches.
    st.dataframe(
        summary[["check", "title", "severity", "breaches", "gaps", "recommendations", "waived", "source"]],
        hide_index=True,
        column_config={
            "severity": st.column_config.TextColumn(
                "a breach is", help="error: the law requires; warning: it expects"
            ),
            "gaps": st.column_config.NumberColumn("data gaps", help="nothing recorded to check"),
            "recommendations": st.column_config.NumberColumn("advice", help="what only ccgraph recommends"),
        },
    )
    if findings:
        st.altair_chart(findings_chart(findings), width="stretch")
    outcomes = Counter(
        str(a.get("authorisation_outcome", "not recorded")).replace("authorised_", "")
        for _, a in graph.nodes(data=True)
        if a.get("kind") == "CCG"
    )
    st.subheader("CCGs by authorisation outcome")
    st.bar_chart(  # horizontal, so that each outcome's name reads in full
        pd.DataFrame({"outcome": list(outcomes), "CCGs": list(outcomes.values())}),
        x="outcome",
        y="CCGs",
        horizontal=True,
    )
    check = st.selectbox("Drill down into a check", [c.id for c in CHECKS])
    rows = [f for f in findings if f.check == check]
    table = pd.DataFrame(
        _with_spans(
            [
                {
                    "org": f.org,
                    "name": f.org_name,
                    "kind": f.kind,
                    "severity": f.severity.value,
                    "message": f.message,
                    "source": " | ".join(f.sources),
                }
                for f in rows
            ],
            rows,
            spans,
            day,
        )
    )
    st.dataframe(table, hide_index=True)
    if rows:
        chosen = st.selectbox("Show a finding's network", [f"{f.org} — {f.message[:80]}" for f in rows])
        org = chosen.split(" — ")[0]
        hood = neighbourhood(graph, org, hops=1)
        draw_network(hood.graph, key="finding_network", centre=org, flagged={org}, height=460)
    st.download_button("Download findings (CSV)", shown.to_csv(), "findings.csv", "text/csv")
    st.download_button(
        "Download findings (JSON)",
        shown.to_json(),
        "findings.json",
        "application/json",
    )


def boundary_map(graph, view, findings, kml: Path | None, day: str) -> None:
    """The 2013 boundaries, each shaded by the CCG that held it on `day` (a merged CCG is one
    shade: its value)."""
    try:
        present = kml is not None and kml.is_file()
    except OSError as err:  # a path too long to look up, say
        st.error(f"The boundary file cannot be drawn: {markdown(_one_problem(err))}")
        return
    if kml is None or not present:
        st.info(
            "No boundary file: set CCGRAPH_KML (or put CCC_Feb2013.KML in CCGRAPH_DATA) to draw CCG boundaries."
        )
        return
    boards = day >= ICBS_ESTABLISHED.isoformat()
    measure = st.radio(
        "Shade areas by",
        (["integrated care board"] if boards else [])
        + ["findings (warnings and errors)", "registered patients", "population", "local authorities overlapped"],
        horizontal=True,
    )
    bodies = {c for c, a in view.nodes(data=True) if a.get("kind") in ("CCG", "ICB", "SubICBLocation")}
    board = {u: v for u, v, a in view.edges(data=True) if a["rel"] == "IN_ICB"}  # a location's board that day
    values: Counter[str] = Counter()
    if measure.startswith("integrated"):
        pass  # each area's board, below
    elif measure.startswith("findings"):
        values = Counter(f.org for f in findings if f.kind == "breach" and f.org in bodies)
    elif measure.startswith("registered"):
        values = Counter()
        for practice, body, attrs in view.edges(data=True):
            if attrs["rel"] in ("MEMBER_OF", "COMMISSIONED_BY") and body in bodies:
                values[board.get(body, body)] += view.nodes[practice].get("list_size") or 0
    elif measure == "population":  # the mid-year LSOA estimate nearest the date
        values = Counter({b: people[0] for b in bodies if (people := population_on(view.nodes[b], day))})
    else:
        values = Counter(u for u, _, a in view.edges(data=True) if a["rel"] == "OVERLAPS" and u in bodies)
    try:
        shapes = boundaries(kml)
    except (CcgraphError, OSError) as err:
        st.error(f"The boundary file cannot be drawn: {markdown(_one_problem(err))}")
        return
    holders = {c: area_holder(graph, c, day) if c in graph else c for c in shapes}
    outlines = merged_boundaries(kml, tuple(sorted(holders.items())))  # one shape per body
    held: dict[str, list[str]] = {}
    for code, holder in sorted(holders.items()):
        held.setdefault(holder, []).append(code)
    shade: dict[str, float] | dict[str, str]
    if measure.startswith("integrated"):
        shade = {h: str(graph.nodes[h].get("name", h)) if h in graph else h for h in held}
    else:
        shade = {h: float(values.get(h, 0)) for h in held}
    body = "integrated care board" if boards else "CCG"
    moved = (
        " (each 2013 area with the board that held most of it: an area that moved later, such as West "
        "Birmingham or Glossop in 2022, goes with the board that took most of its 2013 CCG, so those "
        "outlines are approximate)"
        if boards
        else ""
    )
    st.caption(
        f"{len(shapes)} boundaries of 2013 from {kml.name}, drawn as the {len(held)} {body}s that held them on "
        f"{day}{moved}; hover for values."
    )
    labels = {
        h: (f"{graph.nodes[h].get('name', h)} [{h}]" if h in graph else h) + f"; in 2013: {', '.join(codes)}"
        for h, codes in held.items()
    }
    st.altair_chart(map_chart(outlines, shade, labels=labels, measure=measure.split(" (")[0]), width="stretch")


def _pick_year() -> None:
    """A click on a year of the timeline sets the date every page obeys."""
    picked = st.session_state["timeline_pick"]["selection"].get("year") or []
    if picked and picked[0].get("date"):
        st.session_state["date"] = date.fromisoformat(picked[0]["date"])


def timeline(graph, inputs: Inputs, day: str) -> None:
    rows = timeline_of(inputs)
    st.caption(
        "On 1 April of each year, 1 July 2022 (integrated care boards took over from CCGs) and the last "
        "day the data covers. Click a point to see the structure on that day on every page. STPs are "
        "blank where the data holds no STP lookup for the day; boundary crossing is not judged after "
        "the CCGs' last day."
    )
    st.altair_chart(
        timeline_chart(rows, selected=max((r["date"] for r in rows if r["date"] <= day), default=None)),
        width="stretch",
        on_select=_pick_year,
        selection_mode="year",
        key="timeline_pick",
    )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.subheader("How the CCGs merged, and what followed them")
    st.caption(
        "Each dot is a CCG (or, from 1 July 2022, a sub-ICB location or integrated care board) at the "
        "year it opened, joined to what it merged into or became; dark dots are the bodies open on "
        f"{day}. Hover for names."
    )
    st.altair_chart(lineage_chart(graph, day=day), width="stretch")
    by_level(inputs, day)


def by_level(inputs: Inputs, day: str) -> None:
    """`ccgraph summary` on the page: the counts per region, area team, board, STP or commissioner."""
    st.subheader(f"On {day}, by")
    left, right = st.columns(2)
    by = left.selectbox("Level", list(SUMMARY_LEVELS), key="summary_by", label_visibility="collapsed")
    measure = right.selectbox(
        "Measure", ("practices", "population", "patients", "commissioners"), key="summary_measure",
        label_visibility="collapsed",
    )
    found = inputs.load().summary(by, day)
    table = pd.DataFrame([*found["rows"], found["total"]])
    st.caption(
        f"The commissioners that day are {found['commissioners']}. Patients: "
        + (found["patients_from"] or "known here for April-June 2013 only (NHSBSA)")
        + ". Population: the mid-year LSOA estimate nearest the date. "
        + f"{NOT_PLACED}: no link in the sources places them at this level that day."
    )
    if table[measure].notna().any():
        st.vega_lite_chart(summary_chart(found, measure), width="stretch")
    counts = {c: st.column_config.NumberColumn(format="localized") for c in ("practices", "patients", "population")}
    st.dataframe(table, hide_index=True, column_config=counts)


EXAMPLES: dict[str, tuple[str, dict[str, object]]] = {
    "CCGs crossing authority boundaries (check)": (
        next(c for c in CHECKS if c.id == "boundary_crossing_ccgs").cypher,
        {"as_at": "2013-04-01", "tolerance_pct": 5.0, "exceptions": []},
    ),
    "CCGs open on a date, with their member practices": (
        "MATCH (c:CCG) WHERE c.open_date <= $as_at <= c.close_date "
        "OPTIONAL MATCH (p:Practice)-[m:MEMBER_OF]->(c) "
        "WHERE coalesce(m.valid_from, '0000') <= $as_at <= coalesce(m.valid_to, '9999') "
        "RETURN c.code AS code, c.name AS name, count(p) AS practices ORDER BY practices DESC",
        {"as_at": "2021-04-01"},
    ),
    "What merged into a CCG, and when": (
        "MATCH path = (:CCG)-[:SUCCEEDED_BY*1..4]->(c:CCG {code: $ccg}) "
        "RETURN [n IN nodes(path) | n.code] AS lineage, [r IN relationships(path) | r.valid_from] AS merged_on",
        {"ccg": "16C"},
    ),
    "Practices of a CCG": (
        "MATCH (p:Practice)-[:MEMBER_OF]->(c:CCG {code: $ccg}) RETURN p.code AS code, p.name AS name, p.list_size AS patients ORDER BY patients DESC",
        {"ccg": "09W"},
    ),
    "CCGs of an area team": (
        "MATCH (c:CCG)-[:ACCOUNTABLE_TO]->(a:AreaTeam) WHERE a.name CONTAINS $name RETURN a.name AS area_team, c.code AS code, c.name AS ccg",
        {"name": "Kent"},
    ),
    "CCGs under legal directions": (
        "MATCH (c:CCG {authorisation_outcome: 'authorised_with_directions'}) RETURN c.code AS code, c.name AS name, c.authorisation_wave AS wave",
        {},
    ),
}


def cypher_console(day: str) -> None:
    from graphmodel.neo4j_connect import Neo4jConfig, Neo4jUnavailable
    from graphmodel.neo4j_console import ConsoleRefused
    from graphmodel.neo4j_console_worker import MEMORY_BUDGET, isolated_query

    gate = console_gate(
        st.get_option("server.address"),
        os.environ.get(TOKEN_VARIABLE, ""),
        st.session_state.get("console_token", ""),
    )
    if gate.needs_token:
        st.info(gate.reason)
        st.text_input("Access token", type="password", key="console_token")
        return
    if not gate.open:
        st.warning(gate.reason)
        return
    try:
        neo4j_driver()  # the server answers; each query then runs in a process of its own
    except Neo4jUnavailable as err:
        st.warning(f"No Neo4j: {markdown(err)}")
        st.code("ccgraph neo4j start\nccgraph --backend neo4j load --data DIR", language="bash")
        return
    example = st.selectbox("Example queries", list(EXAMPLES))
    query = st.text_area("Cypher (read-only)", EXAMPLES[example][0], height=160)
    params = EXAMPLES[example][1]
    params_text = st.text_area(
        "Parameters (JSON)", json.dumps({**params, "as_at": day} if "as_at" in params else params)
    )
    if st.button("Run"):
        try:
            result = isolated_query(
                Neo4jConfig.from_env(), query, json.loads(params_text or "{}"), timeout=20, limit=2000
            )
        except json.JSONDecodeError as err:
            st.error(f"The parameters are not JSON: {markdown(err)}")
            return
        except (ConsoleRefused, Neo4jUnavailable) as err:
            st.error(f"Refused or failed: {markdown(err)}")
            return
        rows = result.rows
        st.caption(
            f"{len(rows):,} row(s){' — ' + result.truncated if result.truncated else ''} "
            f"(at most 2,000 rows and 5 MB; 20 s timeout; rows read by a process of at most "
            f"{MEMORY_BUDGET // 2**20:,} MB; read-only plans only, see docs/security.md)"
        )
        st.dataframe(pd.DataFrame(rows, columns=result.keys).astype(str), hide_index=True)
        drawn = graph_from_rows(rows)
        if drawn.number_of_nodes():
            draw_network(drawn, key="cypher_network", height=500)


def _date_control(system: System) -> str:
    """The sidebar's date, which every page obeys: typed as YYYY-MM-DD and applied on Enter (or
    when the field is left); a click on the timeline sets it too; the link (?date=...) sets it on
    a first run. A date that is not one, or that the data does not cover, is said and not applied."""
    low, high = system.coverage or (None, None)
    asked = st.query_params.get("date", "")
    try:
        start = date.fromisoformat(asked)
        if low and high and not low <= start <= high:
            raise ValueError
    except ValueError:
        start = date.fromisoformat(first_day(system))
    st.session_state.setdefault("date", start)
    if st.session_state.get("date_shown") != st.session_state["date"]:  # set by a link or a click
        st.session_state["date_text"] = st.session_state["date"].isoformat()
        st.session_state["date_shown"] = st.session_state["date"]
    st.sidebar.text_input(
        "Date",
        key="date_text",
        on_change=_apply_typed_date,
        args=(low, high),
        help="The structure, links and rules in force on this day: type YYYY-MM-DD and press Enter"
        + (f" (the data covers {low} to {high})." if low else "."),
    )
    if problem := st.session_state.get("date_problem"):
        st.sidebar.error(problem)
    day: date = st.session_state["date"]
    st.query_params["date"] = day.isoformat()
    return day.isoformat()


def _apply_typed_date(low: date | None, high: date | None) -> None:
    typed = str(st.session_state.get("date_text", "")).strip()
    st.session_state["date_problem"] = None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        day = None
    if day is None or (low and high and not low <= day <= high):
        span = f" from {low} to {high}" if low else ""
        st.session_state["date_problem"] = (
            f"{markdown(typed[:40])} is not a date{span} (YYYY-MM-DD); still showing {st.session_state['date']}."
        )
        st.session_state["date_text"] = st.session_state["date"].isoformat()
        return
    st.session_state["date"] = st.session_state["date_shown"] = day


def _one_problem(err: Exception) -> str:
    """A failure to read an input as text for the page: the problems a `CcgraphError` names, or
    what the system said of a path (shortened: a path can be thousands of characters)."""
    if isinstance(err, OSError):
        name = str(err.filename or "")
        return f"{err.strerror or 'cannot be read'}: {name[:120]}{' ...' if len(name) > 120 else ''}"
    return str(err)


@dataclass
class Uploaded:
    """A visitor's registers laid over the graph, kept in their session only (never cached for
    others): the system, and its reports by date."""

    key: str
    system: System
    reports: dict[str, Report] = field(default_factory=dict)

    def report(self, day: str, waivers: Path | None) -> Report:
        if day not in self.reports:
            self.reports[day] = self.system.check(as_at=day, waivers=waivers)
        return self.reports[day]


def _with_uploaded_registers(inputs: Inputs) -> Uploaded | None:
    """The sidebar's upload of a visitor's own registers (from `ccgraph template`)."""
    files = st.sidebar.file_uploader(
        "Your own registers (CSV)",
        type=["csv"],
        accept_multiple_files=True,
        key="registers_upload",
        help="Governing bodies, CSU support or HWB seats, filled from `ccgraph template KIND`. They are "
        "laid over the graph for this session only, and never kept.",
    )
    if not files:
        st.session_state.pop("uploaded", None)
        return None
    content = [(f.name, f.getvalue()) for f in files]
    key = hashlib.sha256(b"".join(hashlib.sha256(c).digest() + n.encode() for n, c in content)).hexdigest()
    held: Uploaded | None = st.session_state.get("uploaded")
    if held is None or held.key != key:
        try:
            with st.spinner("Laying your registers over the graph"):
                held = Uploaded(key, inputs.with_uploads(content))
        except (CcgraphError, OSError) as err:
            st.session_state.pop("uploaded", None)
            st.sidebar.error("Your registers could not be read.")
            st.sidebar.code(_one_problem(err), language=None, wrap_lines=True)
            return None
        st.session_state["uploaded"] = held
    st.sidebar.caption(markdown(f"With your registers: {', '.join(n for n, _ in content)} (this session only)."))
    return held


def main() -> None:
    st.set_page_config(page_title="ccgraph explorer", layout="wide")
    try:
        inputs = Inputs.from_env()
        system = inputs.load()
        graph, quality = system.graph, system.quality
    except (CcgraphError, OSError) as err:  # say which file, line and field, not a traceback
        st.error("The explorer could not load its inputs.")
        st.code(_one_problem(err), language=None, wrap_lines=True)
        st.stop()
    st.sidebar.title("ccgraph")
    st.sidebar.caption("English NHS commissioning, 2013-2026")
    # Keyed widgets keep one identity between runs, so each click switches at once; the link
    # (?page=...&min=...&date=...) sets them only on a visitor's first run.
    st.session_state.setdefault(
        "page", st.query_params.get("page") if st.query_params.get("page") in PAGES else PAGES[0]
    )
    st.session_state.setdefault(
        "min", st.query_params.get("min") if st.query_params.get("min") in SEVERITIES else "info"
    )
    page = st.sidebar.radio("Page", PAGES, key="page")
    st.query_params["page"] = page
    day = _date_control(system)
    floor = st.sidebar.selectbox(
        "Minimum severity",
        SEVERITIES,
        key="min",
        help="info includes data gaps and recommendations; warning and error are breaches.",
    )
    st.query_params["min"] = floor
    over_time = st.sidebar.toggle(
        "Since when, until when",
        key="spans",
        help="Each finding's first and last day over the whole coverage (worked out once: some seconds).",
    )
    mine = _with_uploaded_registers(inputs)
    if mine is None:
        shown = report_on(inputs, day).at_least(floor)
    else:  # this visitor's own registers: their system and reports stay in their session
        system, graph, quality = mine.system, mine.system.graph, mine.system.quality
        shown = mine.report(day, inputs.waivers).at_least(floor)
    findings = shown.findings
    view = graph_at(graph, day)
    if inputs.synthetic:
        st.sidebar.warning(f"Synthetic system ({inputs.synthetic}): every body is invented.")
    else:
        st.sidebar.caption(markdown("Source: " + inputs.source))
    with st.sidebar.expander("Data-quality report"):
        if quality.sources:
            rows = [
                {"file": t.file, "read": t.read, "used": t.used, "skipped": sum(t.skipped.values())}
                for t in quality.sources.values()
            ]
            st.dataframe(pd.DataFrame(rows), hide_index=True)
        for note in quality.notes:
            st.caption(markdown(note))
    spans = None
    if over_time and mine is None:
        spans = spans_of(inputs)
    elif over_time:
        st.sidebar.caption("Since when and until when: not for a session's own registers.")
    st.title(page)
    if page == "Explore":
        explore(graph, view, findings, day, spans)
    elif page == "Compliance":
        compliance(view, shown, day, spans)
    elif page == "Map":
        boundary_map(graph, view, findings, inputs.kml, day)
    elif page == "Timeline":
        timeline(graph, inputs, day)
    else:
        cypher_console(day)


if __name__ == "__main__":  # a visit: Streamlit runs this file as a script
    main()
else:  # `streamlit run app.py` finds this App and serves it: the system loads at start-up
    app = st.App(__file__, lifespan=warm_up)
