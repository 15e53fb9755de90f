"""The dated England graph (2013-2022, and 2013-2026 where its folder is here) against its speed
targets; prints a table.

    python benchmarks/history.py [--data DIR --data DIR] [--repeat 5] [--no-neo4j]

Parse + validate (`load_inputs`) and build (`build_graph`) of the package's copies of the
2013 and history folders (or the `--data` given); every check on a
date not asked before, on NetworkX and in Cypher (a local Neo4j of the benchmarks' own, as
`benchmarks/run.py` starts it, never the user's; the graph is loaded first, untimed); `System.diff` between two
dates (structure and the checks on both days). Each figure is the median and the worst of
`--repeat` runs (Neo4j answers one untimed check first, as a running service would have). The explorer's repaint after a change of date is measured in a real browser
by `benchmarks/explorer.py` ("date change s"). Never a test: read the figures, do not assert them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import recorded  # noqa: E402

from benchmarks.run import own_neo4j, print_markdown  # noqa: E402
from loaders.bundled import BUNDLED  # noqa: E402

# Dates never asked twice in one run: each check run is "on a new date" (no cache to help).
NEW_DATES = [
    f"{y}-{m:02d}-15"
    for y in range(2013, 2023)
    for m in (5, 6, 7, 8, 9, 10)
    if f"{y}-{m:02d}-15" <= "2022-06-30"
]


def timed(fn: Callable[[], object]) -> float:
    """Seconds `fn` takes; its result is freed after the clock stops (a user keeps the graph;
    freeing the previous one is not part of building the next)."""
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def runs(fn: Callable[[], object], repeat: int) -> list[float]:
    return [timed(fn) for _ in range(repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--record", action="store_true", help="also write what it prints into benchmarks/RESULTS.md")
    args = parser.parse_args()
    with recorded("history", args.record), own_neo4j(not args.no_neo4j):
        _measure(args)


def _measure(args: argparse.Namespace) -> None:
    data = args.data or [BUNDLED / "england-2013", BUNDLED / "england-history"]

    from ccgraph.core import System
    from graphmodel.nx_graph import build_graph
    from loaders.inputs import load_inputs

    loaded = load_inputs(data)  # once untimed: imports and the disk cache warm
    results: list[tuple[str, list[float], float]] = []
    results.append(("parse + validate (load_inputs)", runs(lambda: load_inputs(data), args.repeat), 0))
    results.append(("build the NetworkX graph", runs(lambda: build_graph(loaded.dataset), args.repeat), 0))
    results.append(
        ("parse + validate + build", runs(lambda: build_graph(load_inputs(data).dataset), args.repeat), 1.0)
    )
    later = BUNDLED / "england-2021-2026"  # 2013-2026: the boards, populations and later registers too
    if args.data is None and later.is_dir():
        whole = [*data, later]
        load_inputs(whole)
        results.append(
            ("parse + validate + build, 2013-2026", runs(lambda: build_graph(load_inputs(whole).dataset), args.repeat), 0)
        )
    embedded = System.open(data)
    dates = iter(NEW_DATES)
    results.append(
        (
            "all checks, a new date, NetworkX",
            runs(lambda: embedded.check(as_at=next(dates)), args.repeat),
            0.2,
        )
    )
    results.append(
        (
            "diff between two dates (NetworkX)",
            runs(lambda: embedded.diff(next(dates), next(dates)), args.repeat),
            0.5,
        )
    )
    if not args.no_neo4j:
        from graphmodel.neo4j_connect import Neo4jUnavailable, connect

        try:
            driver = connect()
        except Neo4jUnavailable as err:
            sys.exit(f"{err} (or run with --no-neo4j)")
        server = System.open(data, backend="neo4j", driver=driver)
        server.check(as_at="2013-04-01")  # untimed: the server's query caches warm, as in service
        results.append(
            (
                "all checks, a new date, Cypher",
                runs(lambda: server.check(as_at=next(dates)), args.repeat),
                1.0,
            )
        )
        driver.close()
    head = ["measure", "median s", "worst s", "target s"]
    rows = [
        [name, f"{statistics.median(t):.3f}", f"{max(t):.3f}", f"≤ {target:g}" if target else "-"]
        for name, t, target in results
    ]
    print(
        f"Dated England graph: {len(loaded.dataset.nodes):,} nodes, {len(loaded.dataset.relationships):,} relationships; {args.repeat} runs each\n"
    )
    print_markdown(head, rows)


if __name__ == "__main__":
    main()
