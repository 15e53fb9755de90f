# %% [markdown]
# # A tour of ccgraph from a notebook
#
# What an analyst does with the Python API (`ccgraph.core`): open the real England 2013-2026 graph,
# list the findings as a DataFrame, count them by NHS CB region, follow one CCG's network, see
# the structure change year by year, and ask the local Neo4j in Cypher. Each `# %%` is a cell (VS Code, Jupyter with jupytext, Spyder);
# `python docs/tour.py` runs it all, and the tests run it so that it never rots.
#
# It reads the national registers shipped with ccgraph (CCGRAPH_DATA, folders separated by `:`,
# reads your own instead: docs/data.md) and writes its pictures into a temporary folder (or
# CCGRAPH_TOUR_OUT). For the last cell, start a local Neo4j (`ccgraph neo4j start`) or set
# NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD.

# %%
import os
import tempfile
from collections import Counter
from pathlib import Path

import altair as alt
import pandas as pd

from ccgraph.core import CcgraphError, System
from ccgraph.explorer import neighbourhood
from ccgraph.visual import network_html
from loaders.bundled import bundled_folders

DATA = [Path(p) for p in os.environ.get("CCGRAPH_DATA", "").split(os.pathsep) if p] or bundled_folders()
OUT = Path(os.environ.get("CCGRAPH_TOUR_OUT") or tempfile.mkdtemp(prefix="ccgraph-tour-"))

system = System.open(data=DATA)
graph = system.graph
print(f"{graph.number_of_nodes():,} organisations and people from {system.source}")

# %% [markdown]
# ## Findings as a DataFrame
# Breaches (`error`, `warning`) and data gaps (`info`) are told apart by severity: on the real
# data most gaps are facts no open register holds (governing bodies, for one).

# %%
report = system.check()
findings = report.to_frame()
print(findings.groupby(["severity", "check"]).size().rename("findings").to_string())
breaches = findings[findings.severity != "info"]

# %% [markdown]
# ## Breaches by NHS Commissioning Board region
# Each CCG is accountable to an area team, and each area team to a region.


# %%
def region_of(code: str) -> str:
    for _, area_team, link in graph.out_edges(code, data=True):
        if link["rel"] == "ACCOUNTABLE_TO" and graph.nodes[area_team].get("kind") == "AreaTeam":
            for _, region, up in graph.out_edges(area_team, data=True):
                if up["rel"] == "ACCOUNTABLE_TO":
                    return graph.nodes[region]["name"]
    return "(not a CCG)"


per_region = pd.DataFrame(
    sorted(Counter(region_of(org) for org in breaches.org).items()), columns=["region", "breaches"]
)
print(per_region.to_string(index=False))
chart = alt.Chart(per_region).mark_bar().encode(x="breaches:Q", y=alt.Y("region:N", sort="-x"))
chart.save(OUT / "breaches-per-region.json")  # a Vega-Lite spec; in a notebook, `chart` draws it
chart

# %% [markdown]
# ## One CCG's network
# NHS Medway CCG (09W), authorised with legal directions in January 2013 (seed S4).

# %%
hood = neighbourhood(graph, "09W", hops=1)
print(sorted({attrs["kind"] for _, attrs in hood.graph.nodes(data=True)}))
print(system.profile("09W")["node"])
(OUT / "network-09W.html").write_text(network_html(hood.graph, centre="09W"), encoding="utf-8")

# %% [markdown]
# ## The structure over time, 2013 to 2026
# The graph is dated: every CCG that existed, its mergers, memberships and each year's boundaries,
# then the sub-ICB locations and boards. Checks, profiles and diffs take a date.

# %%
years = pd.DataFrame(system.timeline())
print(years[["date", "ccgs", "practices", "icbs", "boundary_crossing_ccgs"]].to_string(index=False))
changes = system.diff("2019-04-01", "2020-04-01").as_dict()
print(
    f"1 April 2020: {len(changes['mergers'])} CCGs merged into {len(changes['ccgs_opened'])}; "
    f"{len(changes['practices_moved']):,} practices changed CCG with them"
)

# %% [markdown]
# ## The same graph in Neo4j, asked in Cypher
# `backend="neo4j"` loads the graph into the server (replacing what it held); `cypher` runs an
# analyst's read-only query (docs/security.md says what it may do).

# %%
try:
    in_neo4j = System.open(data=DATA, backend="neo4j")
except CcgraphError as err:
    print(f"No Neo4j: {err}")
else:
    result = in_neo4j.cypher(
        "MATCH (c:CCG)-[:ACCOUNTABLE_TO]->(a:AreaTeam) RETURN a.name AS area_team, count(c) AS ccgs "
        "ORDER BY ccgs DESC LIMIT 5"
    )
    print(pd.DataFrame(result.rows, columns=result.keys).to_string(index=False))
    same = in_neo4j.check().findings == report.findings
    print(f"the Cypher checks give the same findings as NetworkX: {same}")
