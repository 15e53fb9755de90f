"""Explorer responsiveness in a real browser: a headless Streamlit server on the real data or a
synthetic system, driven by Playwright and Debian's chromium (as the browser test uses them);
prints a table.

    python benchmarks/explorer.py [--scales 1,10] [--data DIR [--data DIR]]

For the real data (with --data) and each synthetic scale: seconds from starting the server
until it accepts connections, and until it logs that it has warmed up (built the system and run
every check, once per server, in the background from start-up); the first page for a visitor
who arrives as soon as the server accepts (and so waits for what is left of the warm-up), for
one who arrives after the warm-up (a second server start), and for the next visitor; the search
for the busiest CCG until its network is drawn (the first drawing of a page also imports
vis-network); then the search for the next-busiest CCG in the same page; then a change of the
sidebar's date until that CCG's page is painted again for the new day. Never a test: read the
figures, do not assert them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import recorded  # noqa: E402

from benchmarks.run import print_markdown  # noqa: E402
from ccgraph.serving import READY  # noqa: E402

FIRST_PAGE_TEXT = "organisations and people"  # the Explore page's caption once the graph is loaded


def synthetic(scale: float, seed: int) -> tuple[str, dict[str, str], Any]:
    """A generated system with 5 breaches per check: its label, the server's inputs, its graph."""
    from graphmodel.nx_graph import build_graph
    from queries.registry import CHECKS, generate_with_breaches

    graph = build_graph(generate_with_breaches(scale, seed, {c.id: 5 for c in CHECKS}).dataset)
    return f"x{scale:g}", {"CCGRAPH_SYNTHETIC": f"{scale:g}:{seed}:5"}, graph


def real_data(data: list[Path]) -> tuple[str, dict[str, str], Any]:
    """The real data directories: their label, the server's inputs, the graph."""
    from graphmodel.nx_graph import build_graph
    from loaders.inputs import load_inputs

    label = "+".join(d.name for d in data)
    return label, {"CCGRAPH_DATA": os.pathsep.join(map(str, data))}, build_graph(load_inputs(data).dataset)


def busiest_ccgs(graph) -> list[str]:
    """The two CCGs open on the explorer's first day with the most links: the largest
    neighbourhoods to draw."""
    ccgs = [
        n
        for n, a in graph.nodes(data=True)
        if a.get("kind") == "CCG" and a.get("open_date", "0000") <= "2013-04-01" <= a.get("close_date", "9999")
    ]
    return sorted(ccgs, key=graph.degree, reverse=True)[:2]


def search_and_draw(page, code: str) -> float:
    """Seconds from pressing Enter in the search box until the network of `code` is painted.

    Both instants are the page's own clock (`performance.now()`); the drawing records when
    vis-network first painted it, so Playwright's polling interval is not counted.
    """
    box = page.get_by_label("Search organisations by code or name")
    box.fill(code)
    start = page.evaluate("performance.now()")
    box.press("Enter")
    drawing = page.locator(f'.ccgraph-network[data-centre="{code}"][data-drawn-at]')
    drawing.wait_for(state="attached", timeout=120_000)
    return (float(drawing.get_attribute("data-drawn-at")) - start) / 1000


def change_date(page, code: str, day: str) -> float:
    """Seconds from leaving the sidebar's date field, with a new date typed in, until the open
    organisation's page is painted again for that day (its caption names the day; the network
    is redrawn in the same run when it changed)."""
    year, month, date_of_month = day.split("-")
    page.get_by_role("spinbutton", name="year, Date").click()
    page.keyboard.type(year + month + date_of_month)  # the field moves on to month, then day
    page.keyboard.press("Escape")  # close the calendar; leaving the field commits the date
    start = time.perf_counter()
    page.locator("h1").first.click()
    page.get_by_text(f"as on {day}").wait_for(timeout=120_000)
    page.locator(f'.ccgraph-network[data-centre="{code}"][data-drawn-at]').wait_for(timeout=120_000)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def explorer_server(inputs: dict[str, str]) -> Iterator[dict[str, Any]]:
    """A fresh `streamlit run app.py` on `inputs` (CCGRAPH_* variables); yields its port and
    timings so far: `ready_s` (accepts connections) at once, `warm_s` (logged `READY`) later."""
    port = _free_port()
    unset = {name: "" for name in ("CCGRAPH_SYNTHETIC", "CCGRAPH_DATA", "CCGRAPH_SCENARIO", "CCGRAPH_KML")}
    env = {**os.environ, **unset, **inputs}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true"]
    command += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    start = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    state: dict[str, Any] = {"port": port, "warmed": threading.Event()}

    def watch_log() -> None:  # the server says when it has loaded and checked the system
        for line in server.stdout:
            if READY in line and not state["warmed"].is_set():
                state["warm_s"] = time.perf_counter() - start
                state["warmed"].set()

    threading.Thread(target=watch_log, daemon=True).start()
    try:
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.perf_counter() - start > 120:
                raise RuntimeError("streamlit did not start within 120 s")
            time.sleep(0.05)
        state["ready_s"] = time.perf_counter() - start
        yield state
        if not state["warmed"].wait(timeout=120):
            raise RuntimeError(f"the server never logged {READY!r}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def first_page(browser, port: int):
    """Seconds until a new visitor sees the Explore page with the graph loaded, and the page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    t = time.perf_counter()
    page.goto(f"http://127.0.0.1:{port}/", timeout=300_000)
    page.get_by_text(FIRST_PAGE_TEXT).wait_for(timeout=300_000)
    return time.perf_counter() - t, page


def measure(system: tuple[str, dict[str, str], Any], chromium: str) -> dict[str, float | str]:
    """Two server starts: a visitor at once (then a second one, and two searches), and a
    first visitor who comes after the warm-up."""
    from playwright.sync_api import sync_playwright

    label, inputs, graph = system
    ccg, other = busiest_ccgs(graph)
    out: dict[str, float | str] = {"system": label, "ccg": ccg}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        with explorer_server(inputs) as server:
            out["first_page_at_once_s"], _ = first_page(browser, server["port"])
            out["first_page_later_s"], page = first_page(browser, server["port"])
            out["neighbourhood_s"] = search_and_draw(page, ccg)
            out["next_neighbourhood_s"] = search_and_draw(page, other)
            out["date_change_s"] = change_date(page, other, "2014-04-01")
        out["server_ready_s"], out["warm_s"] = server["ready_s"], server["warm_s"]
        with explorer_server(inputs) as server:
            server["warmed"].wait(timeout=120)
            out["first_page_after_warm_up_s"], _ = first_page(browser, server["port"])
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="1,10", help="synthetic scales ('': none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data", type=Path, action="append", help="also the real data in this directory (repeatable)"
    )
    parser.add_argument("--record", action="store_true", help="also write what it prints into benchmarks/RESULTS.md")
    args = parser.parse_args()
    with recorded("explorer", args.record):
        _measure(args)


def _measure(args: argparse.Namespace) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium is not installed (scripts/test.sh installs Debian's): no browser to measure with.")
    systems = [real_data(args.data)] if args.data else []
    systems += [synthetic(float(s), args.seed) for s in args.scales.split(",") if s]
    results = [measure(system, chromium) for system in systems]
    head = [
        "system",
        "busiest CCG",
        "server ready s",
        "warmed up s",
        "first visitor, at once s",
        "first visitor, after warm-up s",
        "next visitor s",
        "CCG network s",
        "next CCG network s",
        "date change s",
    ]
    rows = [
        [
            r["system"],
            r["ccg"],
            *(
                f"{r[k]:.2f}"
                for k in (
                    "server_ready_s",
                    "warm_s",
                    "first_page_at_once_s",
                    "first_page_after_warm_up_s",
                    "first_page_later_s",
                    "neighbourhood_s",
                    "next_neighbourhood_s",
                    "date_change_s",
                )
            ),
        ]
        for r in results
    ]
    print_markdown(head, rows)


if __name__ == "__main__":
    main()
