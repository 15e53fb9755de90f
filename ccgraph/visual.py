"""Pictures that work offline: networks built with pyvis, positions precomputed (as data for the
explorer's component, `ccgraph.network_view`, or as one HTML page with the JavaScript inline, to
download), and a Vega-Lite map of CCG boundaries from the February 2013 KML file.

pyvis 0.3.2 in `in_line` mode still links bootstrap from a CDN (and leaves dead `node_modules`
links); those tags are removed so the page makes no request at all. Physics is off: positions
come from a NetworkX layout, so a 500-node view is drawn at once instead of settling for minutes.
"""

from __future__ import annotations

import html
from collections import Counter
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, cast

import altair as alt
import networkx as nx
from pyvis.network import Network

from graphmodel.dataset import InputError, Location, Problem
from graphmodel.input_files import read_input
from graphmodel.model import NodeKind as K

# Colour and shape by kind; the legend is built from this table.
STYLE: dict[str, tuple[str, str]] = {  # every NodeKind (a test holds it so)
    K.CCG: ("#005eb8", "dot"),
    K.PRACTICE: ("#41b6e6", "dot"),
    K.PCT: ("#768692", "square"),
    K.PCT_CLUSTER: ("#425563", "square"),
    K.SHA: ("#231f20", "square"),
    K.LOCAL_AUTHORITY: ("#009639", "diamond"),
    K.HWB: ("#78be20", "diamond"),
    K.HEALTHWATCH: ("#00a499", "triangle"),
    K.CSU: ("#ed8b00", "triangle"),
    K.NHS_CB: ("#330072", "star"),
    K.REGION: ("#7c2855", "star"),
    K.AREA_TEAM: ("#ae2573", "star"),
    K.PROVIDER: ("#8a1538", "triangle"),
    K.PERSON: ("#ffb81c", "dot"),
    K.COLLABORATION: ("#d5281b", "hexagon"),
    K.SERVICE: ("#aeb7bd", "box"),
    K.CONDITION: ("#da291c", "box"),
    K.STP: ("#00a9ce", "hexagon"),
    K.SUB_ICB_LOCATION: ("#003087", "dot"),
    K.ICB: ("#0072ce", "hexagon"),
    K.SUB_ICB_REPORTING_ENTITY: ("#4c6272", "dot"),
    K.LSOA_GROUP: ("#d8dde0", "square"),
}
FINDING_BORDER = "#d5281b"
# Legible at the zoom a whole neighbourhood is drawn at: names large, relationship labels with a
# white halo so that they read over the lines they sit on.
NODE_FONT = {"size": 20, "color": "#212b32", "strokeWidth": 4, "strokeColor": "#ffffff"}
EDGE_FONT = {"size": 14, "color": "#425563", "strokeWidth": 4, "strokeColor": "#ffffff", "align": "middle"}
MAX_KML_BYTES = 64 * 2**20  # CCC_Feb2013.KML is 1.8 MB
_EXTERNAL = re.compile(
    r"<(script|link)\b[^>]*(?:src|href)\s*=\s*\"(?:https?:|\.\./)[^\"]*\"[^>]*>(?:\s*</script>)?", re.I
)


def _label(name: str, code: str, width: int = 40) -> str:
    """A node's name as drawn: whole when it fits, else shortened with its code kept, since
    names that differ only at the end (a board's sub-ICB locations) must stay apart.

    >>> _label("NHS Darlington", "00C"), _label("NHS North East and North Cumbria ICB - 16C", "SICBL-16C")
    ('NHS Darlington', 'NHS North East and North Cu … [SICBL-16C]')
    """
    return name if len(name) <= width else f"{name[: max(8, width - len(code) - 4)].rstrip()} … [{code}]"


def legend_html(kinds: set[str]) -> str:
    items = "".join(
        f'<span style="margin-right:12px"><span style="color:{STYLE.get(k, ("#999", ""))[0]};font-size:18px">&#9679;</span> {html.escape(k)}</span>'
        for k in sorted(kinds)
    )
    return f'<div style="font:13px sans-serif">{items}<span><span style="color:{FINDING_BORDER}">&#9711;</span> breaks a rule</span></div>'


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions computed once in Python, so the browser draws at once instead of simulating."""
    return nx.spring_layout(nx.Graph(graph), seed=1, iterations=60, scale=600) if len(graph) else {}


def _pyvis_network(
    graph: nx.MultiDiGraph, *, centre: str | None, flagged: set[str] | None, height: str = "620px"
) -> Network:
    """`graph` as a pyvis network: styled by kind, flagged nodes with a red border, laid out."""
    flagged = flagged or set()
    positions = layout(graph)
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", notebook=False)
    net.toggle_physics(False)
    for code, attrs in graph.nodes(data=True):
        kind = str(attrs.get("kind", ""))
        colour, shape = STYLE.get(kind, ("#999999", "dot"))
        x, y = positions.get(code, (0.0, 0.0))
        title = f"{attrs.get('name', code)} [{code}] ({kind})"
        net.add_node(
            code,
            label=_label(str(attrs.get("name", code)), code),
            title=title,
            shape=shape,
            x=float(x),
            y=float(y),
            color={"background": colour, "border": FINDING_BORDER if code in flagged else colour},
            borderWidth=4 if code in flagged else 1,
            size=28 if code == centre else 14,
            font=NODE_FONT,
        )
    for source, target, attrs in graph.edges(data=True):
        label = attrs.get("rel", "")
        if attrs.get("share") is not None:
            label += f" {attrs['share']:g}%"
        net.add_edge(
            source, target, title=label, label=label if len(graph) < 60 else "", arrows="to", font=EDGE_FONT
        )
    return net


def network_data(
    graph: nx.MultiDiGraph, *, centre: str | None = None, flagged: set[str] | None = None
) -> dict[str, Any]:
    """Nodes, edges and options as vis-network takes them (what the explorer's component draws)."""
    net = _pyvis_network(graph, centre=centre, flagged=flagged)
    return {"nodes": net.nodes, "edges": net.edges, "options": json.loads(net.options.to_json())}


def network_html(
    graph: nx.MultiDiGraph,
    *,
    centre: str | None = None,
    flagged: set[str] | None = None,
    height: str = "620px",
) -> str:
    """A self-contained HTML page drawing `graph` (for download: opens offline in any browser).

    vis-network shows a title as text, but when any node's title contains "href" pyvis switches
    the page to its own popup, which sets `innerHTML`: a name holding "href" and a tag would run
    in the page. In that case every title is HTML-escaped here, so it still reads as the name.
    The data reach the page through Jinja's `tojson`, which escapes `<`, `>`, `&` and quotes.
    """
    net = _pyvis_network(graph, centre=centre, flagged=flagged, height=height)
    if any("href" in str(node.get("title", "")) for node in net.nodes):  # pyvis's innerHTML popup
        for node in net.nodes:
            node["title"] = html.escape(str(node.get("title", "")))
    return _EXTERNAL.sub("", net.generate_html())


# --- map ----------------------------------------------------------------------------------


def read_kml_boundaries(path: Path) -> dict[str, list[list[tuple[float, float]]]]:
    """CCG boundaries from CCC_Feb2013.KML: placemark name (the CCG code) -> polygons of (lon, lat).

    The file is checked first (a regular file of bounded size; expat itself refuses entity
    expansion bombs); a file that is not KML raises `InputError` naming it.
    """
    raw = read_input(path, limit=MAX_KML_BYTES)
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as err:
        raise InputError(
            [Problem(Location(Path(path).name, err.position[0]), "*", f"not valid KML: {err}")]
        ) from None
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for placemark in root.iterfind(".//{*}Placemark"):
        key = (placemark.findtext("{*}name") or "").strip()
        for coords in placemark.iterfind(".//{*}coordinates"):
            points = [point for t in (coords.text or "").split() if (point := _lon_lat(t))]
            if len(points) > 2:
                shapes.setdefault(key, []).append(points)
    return shapes


def _lon_lat(text: str) -> tuple[float, float] | None:
    """A KML coordinate "lon,lat[,alt]", or None if it is not one (skipped, not fatal)."""
    parts = text.split(",")
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def _clockwise(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ring wound clockwise, as d3-geo (Vega's projection) reads an outer ring; wound the
    other way (as KML and GeoJSON write them), it would be drawn as the whole world but the CCG."""
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))
    return ring[::-1] if area > 0 else ring


def map_chart(
    shapes: dict[str, list[list[tuple[float, float]]]],
    values: dict[str, float] | dict[str, str],
    *,
    labels: dict[str, str] | None = None,
    measure: str = "value",
) -> alt.Chart:
    """A choropleth of the CCG boundaries as a Vega-Lite chart (drawn by the browser with the
    Vega library Streamlit already serves: no tiles, no request), each CCG shaded by its value
    and named with it on hover; text values (the board holding each area) shade by category.
    Every third point of a ring is kept: 1.8 MB of KML becomes a map that draws at once, still
    recognisable at page size.

    >>> square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    >>> spec = map_chart({"00C": [square]}, {"00C": 2}, labels={"00C": "NHS Darlington"}).to_dict()
    >>> spec["data"]["values"][0]["properties"]
    {'code': '00C', 'name': 'NHS Darlington', 'value': 2}
    """
    labels = labels or {}
    features = []
    for code, polys in sorted(shapes.items()):
        rings = [_clockwise(ring[::3] + [ring[0]] if len(ring) > 12 else ring) for ring in polys]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": [[list(map(list, r))] for r in rings]},
                "properties": {"code": code, "name": labels.get(code, code), "value": values.get(code, 0)},
            }
        )
    if any(isinstance(v, str) for v in values.values()):  # one shade per body, no legend of 42 names
        color = alt.Color("properties.value:N", title=measure, scale=alt.Scale(scheme="tableau20"), legend=None)
        value = alt.Tooltip("properties.value:N", title=measure)
    else:
        color = alt.Color("properties.value:Q", title=measure, scale=alt.Scale(scheme="reds", domainMin=0))
        value = alt.Tooltip("properties.value:Q", title=measure, format=",.0f")
    return (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="#425563", strokeWidth=0.4)
        .encode(
            color=color,
            tooltip=[
                alt.Tooltip("properties.name:N", title="body"),
                alt.Tooltip("properties.code:N", title="code"),
                value,
            ],
        )
        .project(type="mercator")
        .properties(height=720)
    )


def timeline_chart(rows: list[dict[str, Any]], *, selected: str | None = None) -> alt.LayerChart:
    """CCGs, STPs, boundary-crossing CCGs and, from 1 July 2022, sub-ICB locations and integrated
    care boards on 1 April of each year, as one chart whose points can be clicked (the explorer
    sets its date from the click). A measure with no value on a date (no STP lookup; no CCG rule
    in force) has no point there.

    >>> spec = timeline_chart([{"date": "2013-04-01", "ccgs": 211, "stps": 0, "boundary_crossing_ccgs": 20}]).to_dict()
    >>> sorted({row["measure"] for row in spec["layer"][0]["data"]["values"]})
    ['CCGs', 'CCGs crossing an authority boundary', 'STPs']
    """
    names = {
        "ccgs": "CCGs",
        "stps": "STPs",
        "boundary_crossing_ccgs": "CCGs crossing an authority boundary",
        "sub_icb_locations": "sub-ICB locations",
        "icbs": "integrated care boards",
    }
    later = ("sub_icb_locations", "icbs")  # drawn only from the day they exist
    long = [
        {"date": r["date"], "measure": label, "count": r[key]}
        for r in rows
        for key, label in names.items()
        if key in r and r[key] is not None and not (key in later and r[key] == 0)
    ]
    label = "slice(datum.value, 5) == '04-01' ? slice(datum.value, 0, 4) : datum.value"  # 1 April: the year
    pick = alt.selection_point(name="year", fields=["date"], on="click")
    base = alt.Chart(alt.Data(values=long)).encode(
        x=alt.X("date:O", title="1 April of", axis=alt.Axis(labelExpr=label, labelAngle=0)),
        y=alt.Y("count:Q", title=None),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top")),
        tooltip=["date:O", "measure:N", "count:Q"],
    )
    rule = alt.Chart(alt.Data(values=[{"date": selected}] if selected else [])).mark_rule(
        color="#425563", strokeDash=[4, 3]
    ).encode(x="date:O")
    return cast(
        alt.LayerChart,
        alt.layer(base.mark_line(), base.mark_circle(size=110).add_params(pick), rule).properties(height=320),
    )


def lineage_chart(graph: Any, *, day: str | None = None) -> alt.LayerChart:
    """Every CCG as a dot at the year it opened, joined to the CCG it merged into: read left to
    right, the 211 of 2013 fold into the 106 of 2022, then (when the data reaches past 30 June
    2022) into the sub-ICB locations and integrated care boards. Dots are grouped by the body
    that held them at the end, so each family sits together; the bodies open on `day` are dark.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("A", kind="CCG", name="NHS A", open_date="2013-04-01", close_date="2020-03-31")
    >>> g.add_node("B", kind="CCG", name="NHS B", open_date="2020-04-01", close_date="2022-06-30")
    >>> _ = g.add_edge("A", "B", rel="SUCCEEDED_BY", valid_from="2020-04-01")
    >>> spec = lineage_chart(g, day="2021-04-01").to_dict()
    >>> len(spec["layer"])
    2
    """
    from graphmodel.dated import holder_on, open_on
    from graphmodel.succession import onward

    shown = [(c, a) for c, a in graph.nodes(data=True) if a.get("kind") in LINEAGE_KINDS]
    last = max((a.get("close_date") or a.get("open_date") or "2013" for _, a in shown), default="9999")

    def heir(code: str) -> str:  # the board it ended in, else the CCG it merged into
        boards = [s["code"] for s in onward(graph, code) if s["kind"] == "ICB"]
        return boards[-1] if boards else holder_on(graph, code, last)

    family = {c: graph.nodes[heir(c)].get("name", "") for c, _ in shown}
    order = sorted(shown, key=lambda ca: (family[ca[0]], ca[1].get("open_date") or "", ca[0]))
    row = {c: i for i, (c, _) in enumerate(order)}
    def when(a: dict[str, Any]) -> float:  # the opening as a fractional year; a board just right of its locations
        opened = a.get("open_date") or "2013-04-01"
        return int(opened[:4]) + (int(opened[5:7]) - 1) / 12 + (0.4 if a["kind"] == "ICB" else 0.0)

    year = {c: when(a) for c, a in shown}
    dots = [
        {
            "code": c,
            "name": a.get("name", ""),
            "kind": LINEAGE_KINDS[a["kind"]],
            "year": year[c],
            "row": row[c],
            "open": f"{a.get('open_date') or '?'} to {a.get('close_date') or 'open'}",
            "state": "open on the date" if day and open_on(a, day) else "not open on the date",
        }
        for c, a in shown
    ]
    links = [
        {"year": year[u], "row": row[u], "year2": year[v], "row2": row[v]}
        for u, v, a in graph.edges(data=True)
        if a.get("rel") in ("SUCCEEDED_BY", "IN_ICB") and u in row and v in row
    ]
    domain = [2013.0, max(year.values(), default=2021.25) + 0.5]
    x = alt.X("year:Q", title="opened in", scale=alt.Scale(domain=domain), axis=alt.Axis(format="d"))
    y = alt.Y("row:Q", axis=None, scale=alt.Scale(reverse=True))
    edges = alt.Chart(alt.Data(values=links)).mark_rule(color="#9aa5ad", strokeWidth=0.7).encode(
        x=x, y=y, x2="year2:Q", y2="row2:Q"
    )
    points = alt.Chart(alt.Data(values=dots)).mark_point(size=28, filled=True).encode(
        x=x,
        y=y,
        color=alt.Color(
            "state:N",
            title=None,
            scale=alt.Scale(domain=["open on the date", "not open on the date"], range=["#005eb8", "#c8cfd4"]),
            legend=alt.Legend(orient="top"),
        ),
        shape=alt.Shape(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=list(LINEAGE_KINDS.values()), range=["circle", "square", "diamond"]),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=["code:N", "name:N", "kind:N", "open:N"],
    )
    return cast(alt.LayerChart, alt.layer(edges, points).properties(height=max(360, 3 * len(dots))))


LINEAGE_KINDS = {"CCG": "CCG", "SubICBLocation": "sub-ICB location", "ICB": "integrated care board"}


FINDING_COLOURS = {
    "breach: error": "#d5281b",
    "breach: warning": "#ed8b00",
    "gap: nothing recorded": "#aeb7bd",
    "recommendation: advice only": "#41b6e6",
}


def findings_chart(findings: list[Any]) -> alt.Chart:
    """Findings per check: breaches (error red, warning amber) apart from data gaps (grey) and
    recommendations (blue).

    >>> from queries.findings import Finding
    >>> from queries.check import Severity
    >>> f = Finding(check="c", severity=Severity.INFO, org="X", org_name="x", message="m", evidence={})
    >>> findings_chart([f]).to_dict()["encoding"]["color"]["scale"]["domain"][2]
    'gap: nothing recorded'
    """
    def kind(f: Any) -> str:
        return {"gap": "gap: nothing recorded", "recommendation": "recommendation: advice only"}.get(
            f.kind, f"breach: {f.severity.value}"
        )

    counts = Counter((f.check, kind(f)) for f in findings)
    rows = [{"check": c, "finding": k, "findings": n} for (c, k), n in sorted(counts.items())]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("check:N", title=None, sort="-x"),
            x=alt.X("sum(findings):Q", title="findings"),
            color=alt.Color(
                "finding:N",
                title=None,
                scale=alt.Scale(domain=list(FINDING_COLOURS), range=list(FINDING_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=["check:N", "finding:N", "findings:Q"],
        )
    )
