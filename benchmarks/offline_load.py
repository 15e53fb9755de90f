"""Benchmark: `load --offline` (Neo4j's offline importer into the local server) end to end.

    python benchmarks/offline_load.py [--scales 1,10,100] [--repeat 2] [--record]

For each synthetic scale: the importer's files, the import, the restart on the new database and
the constraints, each timed by the load itself, and rows (nodes + relationships) per second over
all four, against the issue's target of 80,000 rows/s at x100; beside it the bulk online load
(`--bulk`) of the same graph. The server is the benchmark's own (port 7696, as benchmarks/run.py),
started if needed and stopped if it started it: an offline load restarts the server it loads.
Never a test: timings depend on the machine; read them, do not assert them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.results import recorded  # noqa: E402
from benchmarks.run import _empty, _timed, own_neo4j, print_markdown  # noqa: E402

TARGET = 80_000  # rows per second at x100, files to constraints


def measure(scale: float, repeat: int) -> list[str]:
    from ccgraph.neo4j_offline import offline_load
    from graphmodel.neo4j_connect import connect
    from graphmodel.neo4j_load import load_dataset
    from graphmodel.synthetic import generate

    dataset = generate(scale, seed=1).dataset
    rows = len(dataset.nodes) + len(dataset.relationships)
    driver = connect()
    try:
        steps = [offline_load(driver, dataset).seconds for _ in range(repeat)]
        _empty(driver)
        _, bulk = _timed(load_dataset, driver, dataset, batch_size=10_000, atomic=False)
    finally:
        driver.close()
    median = {step: statistics.median(run[step] for run in steps) for step in steps[0]}
    total = statistics.median(sum(run.values()) for run in steps)
    return [
        f"x{scale:g}",
        f"{rows:,}",
        *(f"{median[step]:.1f}" for step in ("files", "import", "restart", "constraints")),
        f"{total:.1f}",
        f"{rows / total:,.0f}",
        f"{rows / bulk:,.0f}",
        f"≥ {TARGET:,}" if scale == 100 else "-",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--repeat", type=int, default=2, help="offline loads per scale (the median is shown)")
    parser.add_argument("--record", action="store_true", help="also write what it prints into benchmarks/RESULTS.md")
    args = parser.parse_args()
    with recorded("offline-load", args.record), own_neo4j(True):
        table = [measure(float(scale), args.repeat) for scale in args.scales.split(",")]
        print(f"Offline load into the local Neo4j (median of {args.repeat}; seconds per step)\n")
        print_markdown(
            ["scale", "rows", "files", "import", "restart", "constraints", "total", "rows/s", "bulk rows/s", "target"],
            table,
        )


if __name__ == "__main__":
    main()
