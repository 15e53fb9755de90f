"""The explorer's relationship network: vis-network drawn straight into the page.

Each drawing used to be a self-contained HTML page in its own iframe (`visual.network_html`),
so every search re-sent and re-parsed 470 kB of vis-network: about 1.1 s of a 1.6-2.1 s
neighbourhood at ×10. This is a Streamlit v2 component instead: the script travels with the
component, the browser imports it once per page (Streamlit caches the module by its content),
and each later drawing receives only its nodes and edges. Still no network request: the script
is pyvis's own copy of vis-network. Double-clicking a node reports its code, so the explorer
can open that organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

import networkx as nx
import streamlit as st

from ccgraph.visual import network_data

VIS_NETWORK = "templates/lib/vis-9.1.2/vis-network.min.js"  # the copy pyvis 0.3.2 inlines

_DRAW = """
export default function ({ data, parentElement, setTriggerValue }) {
  let box = parentElement.querySelector(".ccgraph-network");
  if (!box) {
    box = document.createElement("div");
    box.className = "ccgraph-network";
    parentElement.appendChild(box);
  }
  delete box.dataset.drawnAt;
  box.style.height = data.height + "px";
  box.style.display = data.nodes.length ? "block" : "none";
  if (box.network) box.network.destroy();  // a new neighbourhood replaces the last drawing
  const network = new vis.Network(box, {}, data.options);
  network.once("afterDrawing", () => { box.dataset.drawnAt = String(performance.now()); });
  network.setData({ nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) });
  network.on("doubleClick", (event) => {
    if (event.nodes.length) setTriggerValue("opened", event.nodes[0]);
  });
  box.network = network;
  box.dataset.centre = data.centre || "";  // for tests and benchmarks: which drawing, painted when
}
"""

_CSS = """
.ccgraph-network { width: 100%; box-sizing: border-box; border: 1px solid #e8edee; position: relative; }
.vis-tooltip {
  position: absolute; visibility: hidden; padding: 5px; white-space: nowrap;
  font: 13px sans-serif; color: #212b32; background: #fff9c4; border: 1px solid #aeb7bd;
  border-radius: 3px; pointer-events: none; z-index: 5;
}
"""


@cache
def _component() -> Callable[..., Any]:
    script = (files("pyvis") / VIS_NETWORK).read_text(encoding="utf-8")
    script = script.replace("//# sourceMappingURL=vis-network.min.js.map", "")  # no such file here
    return st.components.v2.component("ccgraph.network", js=script + _DRAW, css=_CSS)


def draw_network(
    graph: nx.MultiDiGraph,
    *,
    key: str,
    centre: str | None = None,
    flagged: set[str] | None = None,
    height: int = 620,
    on_open: Callable[[str], None] | None = None,
) -> None:
    """Draw `graph` in the page; `on_open(code)` runs when a node is double-clicked."""

    def opened() -> None:
        code = st.session_state[key].get("opened")
        if on_open and code:
            on_open(code)

    data = {**network_data(graph, centre=centre, flagged=flagged), "height": height, "centre": centre}
    _component()(key=key, data=data, height=height + 4, on_opened_change=opened)


def preload_network() -> None:
    """Mount an empty drawing, so the browser imports vis-network while the user is still typing.

    The first drawing of a page otherwise waits for the 470 kB script to arrive and be parsed.
    """
    _component()(key="network_preload", data={"nodes": [], "edges": [], "options": {}, "height": 0}, height=0)
