"""Benchmarks: load and check times on both backends at several scales; prints tables.

    python benchmarks/run.py [--data DIR] [--scales 0.1,1,10,100] [--naive-limit N] [--no-neo4j]
                             [--browser-scales 1,10]

Each measurement runs in a fresh subprocess so that peak memory (max RSS) belongs to it alone.
Neo4j is a local server of the benchmark's own (`ccgraph neo4j --port 7696 start`, its own
store; started if it is not running and stopped afterwards if the benchmark started it), so
that a user's server and its graph are never touched; its graph is emptied (untimed) before each
load. Each graph is loaded in one transaction (the
default; timed up to 500,000 rows: x100 does not fit the local server's heap) and in bulk
(`--bulk`: a transaction per batch). Then each check on each backend, growth between scales,
and the explorer in a real browser (`benchmarks/explorer.py`, when chromium is installed).
"core check" is what a user of `ccgraph check` or a notebook waits for: `ccgraph.core`'s
System.open(...).check(), reading to report in one go.
Never a test: timings depend on the machine; read them, do not assert them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import recorded  # noqa: E402
from loaders.bundled import bundled_folders  # noqa: E402


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


ATOMIC_LIMIT = 500_000  # one-transaction loads are timed up to here (x10 = 250,000 rows fits 2 GB)


def _empty(driver) -> None:
    """Untimed: every load is measured into an empty database."""
    from graphmodel.neo4j_connect import database_of

    with driver.session(database=database_of(driver)) as session:  # relationships first: small slices
        session.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        session.run("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def naive_load(driver, dataset, limit: int) -> tuple[int, float]:
    """Row-at-a-time baseline: one MERGE statement per node and relationship (no UNWIND)."""
    from graphmodel.neo4j_connect import database_of

    rows = 0
    start = time.perf_counter()
    with driver.session(database=database_of(driver)) as session, session.begin_transaction() as tx:
        tx.run("MATCH (n:NaiveBench) DETACH DELETE n").consume()
        for node in list(dataset.nodes.values())[: limit // 2]:
            tx.run(
                "MERGE (n:NaiveBench {code: $code}) SET n += $props", code=node.code, props=node.properties()
            ).consume()
            rows += 1
        for rel in list(dataset.relationships.values())[: limit - rows]:
            tx.run(
                "MATCH (a:NaiveBench {code: $s}) MATCH (b:NaiveBench {code: $t}) MERGE (a)-[r:NAIVE {key: $k}]->(b) SET r += $props",
                s=rel.source,
                t=rel.target,
                k=rel.key,
                props=rel.properties(),
            ).consume()
            rows += 1
        tx.rollback()
    return rows, time.perf_counter() - start


def explorer_view(graph) -> float:
    """The explorer's slowest interaction: a CCG's 2-hop neighbourhood laid out for drawing."""
    from ccgraph.explorer import neighbourhood
    from ccgraph.visual import network_data

    ccg = max((n for n, a in graph.nodes(data=True) if a.get("kind") == "CCG"), key=graph.degree)
    start = time.perf_counter()
    network_data(neighbourhood(graph, ccg, hops=2).graph, centre=ccg)
    return time.perf_counter() - start


def core_end_to_end(source: str, scale: float, data: list[Path]) -> float:
    """What a user waits for on a first run: `ccgraph check` (or a notebook's
    System.open(...).check()), timed through the core, reading, validating, building and checking
    in one go (the kept graph off: benchmarks/whole_process.py times the run that finds it)."""
    from ccgraph.core import System

    start = time.perf_counter()
    if source == "england":
        System.open(data=data, cache=False).check()
    else:
        System.open(synthetic=f"{scale:g}:1:5").check()
    return time.perf_counter() - start


def measure(source: str, scale: float, data: list[Path], use_neo4j: bool, naive_limit: int) -> dict:
    """One run: build, check, and (optionally) load and check in Neo4j."""
    from graphmodel.nx_graph import build_graph
    from queries.registry import CHECKS, CheckSettings
    from queries.runner import Neo4jBackend, NetworkXBackend

    out: dict = {"source": source, "scale": scale}
    if source == "england":
        from loaders.inputs import load_inputs

        # Best of three (as timeit reports): the first, cold, call is kept separately.
        runs = [_timed(load_inputs, data) for _ in range(3)]
        out["parse_validate_first_s"] = runs[0][1]
        loaded, out["parse_validate_s"] = min(runs, key=lambda run: run[1])
        dataset = loaded.dataset
    else:
        from queries.registry import generate_with_breaches

        synthetic, out["generate_s"] = _timed(generate_with_breaches, scale, 1, {c.id: 5 for c in CHECKS})
        dataset = synthetic.dataset
        _, out["parse_validate_s"] = _timed(dataset.validate)
    out["nodes"], out["relationships"] = len(dataset.nodes), len(dataset.relationships)
    repeats = 3 if source == "england" else 1  # the small run that has a sub-second target
    graph, out["nx_build_s"] = min((_timed(build_graph, dataset) for _ in range(repeats)), key=lambda r: r[1])
    params = CheckSettings().query_parameters()
    nx_backend = NetworkXBackend(graph)
    out["nx_checks"] = {c.id: _timed(nx_backend.pairs, c, params)[1] for c in CHECKS}
    out["nx_all_checks_s"] = sum(out["nx_checks"].values())
    out["explorer_view_s"] = explorer_view(graph)
    out["core_s"] = core_end_to_end(source, scale, data)
    if use_neo4j:
        from graphmodel.neo4j_connect import connect
        from graphmodel.neo4j_load import load_dataset
        from graphmodel.synthetic import generate

        driver = connect()
        rows = out["nodes"] + out["relationships"]
        _empty(driver)  # whatever was there, before one-transaction warm-up loads replace it
        for _ in range(3):  # untimed: warm the server's JIT, as a running service's is
            load_dataset(driver, generate(0.1, 2).dataset)
        if rows <= ATOMIC_LIMIT:
            _empty(driver)
            _, out["neo4j_load_s"] = _timed(load_dataset, driver, dataset, batch_size=10_000)
            out["neo4j_rows_per_s"] = rows / out["neo4j_load_s"]
        _empty(driver)
        _, out["neo4j_bulk_s"] = _timed(load_dataset, driver, dataset, batch_size=10_000, atomic=False)
        out["neo4j_bulk_rows_per_s"] = rows / out["neo4j_bulk_s"]
        neo_backend = Neo4jBackend(driver)
        for c in CHECKS:  # warm the query cache once, as a running service would be
            neo_backend.pairs(c, params)
        out["neo4j_checks"] = {c.id: _timed(neo_backend.pairs, c, params)[1] for c in CHECKS}
        out["neo4j_all_checks_s"] = sum(out["neo4j_checks"].values())
        if naive_limit:
            rows, seconds = naive_load(driver, dataset, naive_limit)
            out["naive_rows_per_s"] = rows / seconds
        _empty(driver)  # leave no national-scale graph for the next one-transaction load to replace
        driver.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(  # the package's own copies: England 2013-2026
        "--data", type=Path, action="append", help="the real data's folders (repeatable; default: those shipped)"
    )
    parser.add_argument("--scales", default="0.1,1,10,100")
    parser.add_argument(
        "--naive-limit", type=int, default=3_000, help="rows for the row-at-a-time baseline (0: skip)"
    )
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--browser-scales", default="1,10", help="explorer scales in a browser ('': skip)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--record", action="store_true", help="also write what it prints into benchmarks/RESULTS.md")
    args = parser.parse_args()
    args.data = args.data or bundled_folders()
    with recorded("run", args.record and not args.child), own_neo4j(not args.no_neo4j and not args.child):
        _measure(args)


BENCH_PORT = 7696  # the benchmark's own server, never the user's (7687) nor the tests' (7697)


@contextmanager
def own_neo4j(wanted: bool) -> Iterator[None]:
    """A local Neo4j of the benchmark's own, named by NEO4J_URI for the measuring subprocesses."""
    if not wanted:
        yield
        return
    from ccgraph.neo4j_server import LocalServer, running_pid, start, stop

    server = LocalServer(BENCH_PORT)
    started = not running_pid(server)
    print(start(server, say=lambda text: print(text, file=sys.stderr)), file=sys.stderr)
    os.environ["NEO4J_URI"] = server.uri
    os.environ.pop("NEO4J_DATABASE", None)
    try:
        yield
    finally:
        if started:
            print(stop(server), file=sys.stderr)


def _has_registers(folder: Path) -> bool:
    return any((folder / name).is_file() for name in ("CCG_APR_2013.csv", "CCG_APR_2013.csv.gz"))


def _measure(args: argparse.Namespace) -> None:
    if args.child:
        source, scale = args.child.split(":")
        print(json.dumps(measure(source, float(scale), args.data, not args.no_neo4j, args.naive_limit)))
        return
    runs = (["england:1"] if _has_registers(args.data[0]) else []) + [
        f"synthetic:{s}" for s in args.scales.split(",")
    ]
    results = []
    for run in runs:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            run,
            *(arg for folder in args.data for arg in ("--data", str(folder))),
            "--naive-limit",
            str(args.naive_limit),
        ]
        if args.no_neo4j:
            cmd.append("--no-neo4j")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{run}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print_table(results)
    print_checks(results)
    print_growth(results)
    if args.browser_scales:
        print("\nExplorer in a real browser (benchmarks/explorer.py):")
        command = [sys.executable, str(ROOT / "benchmarks" / "explorer.py"), "--scales", args.browser_scales]
        has_data = _has_registers(args.data[0])
        subprocess.run(command + ([arg for folder in args.data for arg in ("--data", str(folder))] if has_data else []))


def print_markdown(head: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"

    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def _f(value, fmt="{:.3f}") -> str:
    return "-" if value is None else fmt.format(value)


def print_table(results: list[dict]) -> None:
    head = [
        "source",
        "scale",
        "nodes",
        "rels",
        "parse+validate s",
        "nx build s",
        "nx checks s",
        "neo4j load s",
        "neo4j rows/s",
        "bulk load s",
        "bulk rows/s",
        "naive rows/s",
        "batched/naive",
        "neo4j checks s",
        "explorer view s",
        "core check s",
        "peak MB",
    ]
    rows = []
    for r in results:
        fastest = max(r.get("neo4j_rows_per_s") or 0, r.get("neo4j_bulk_rows_per_s") or 0)
        ratio = fastest / r["naive_rows_per_s"] if r.get("naive_rows_per_s") else None
        rows.append(
            [
                r["source"],
                _f(r["scale"], "{:g}"),
                _f(r["nodes"], "{:,}"),
                _f(r["relationships"], "{:,}"),
                _f(r["parse_validate_s"]),
                _f(r["nx_build_s"]),
                _f(r["nx_all_checks_s"]),
                _f(r.get("neo4j_load_s")),
                _f(r.get("neo4j_rows_per_s"), "{:,.0f}"),
                _f(r.get("neo4j_bulk_s")),
                _f(r.get("neo4j_bulk_rows_per_s"), "{:,.0f}"),
                _f(r.get("naive_rows_per_s"), "{:,.0f}"),
                _f(ratio, "{:.1f}x"),
                _f(r.get("neo4j_all_checks_s")),
                _f(r.get("explorer_view_s")),
                _f(r.get("core_s")),
                _f(r["peak_rss_mb"], "{:,.0f}"),
            ]
        )
    print_markdown(head, rows)


def print_checks(results: list[dict]) -> None:
    """Each check's seconds, per run and backend (nx = NetworkX, neo = Cypher on Neo4j)."""
    runs = [r for r in results if r.get("nx_checks")]
    if not runs:
        return
    print("\nEach check, seconds (nx = NetworkX, neo = Neo4j):")
    head = ["check"]
    for r in runs:
        tag = "england" if r["source"] == "england" else f"x{r['scale']:g}"
        head += [f"{tag} nx"] + ([f"{tag} neo"] if r.get("neo4j_checks") else [])
    rows = []
    for check in runs[0]["nx_checks"]:
        row = [check]
        for r in runs:
            row.append(_f(r["nx_checks"][check]))
            if r.get("neo4j_checks"):
                row.append(_f(r["neo4j_checks"][check]))
        rows.append(row)
    print_markdown(head, rows)


def print_growth(results: list[dict]) -> None:
    """Each stage's time ratio between consecutive synthetic scales against the data's ratio
    (linear growth: equal), and the real England beside the synthetic system of its size (x1)."""
    synthetic = sorted((r for r in results if r["source"] == "synthetic"), key=lambda r: r["scale"])
    pairs = list(zip(synthetic, synthetic[1:]))
    real = [r for r in results if r["source"] == "england"]
    pairs += [(x1, england) for x1 in synthetic if x1["scale"] == 1 for england in real]
    if not pairs:
        return
    print("\nGrowth between scales (time ratio for the data ratio; linear = equal):")
    measures = [
        ("parse_validate_s", "parse+validate"),
        ("nx_build_s", "nx build"),
        ("nx_all_checks_s", "nx checks"),
        ("neo4j_load_s", "neo4j load"),
        ("neo4j_bulk_s", "bulk load"),
        ("neo4j_all_checks_s", "neo4j checks"),
        ("core_s", "core check"),
    ]
    head = ["scales", "data ratio"] + [label for _, label in measures] + ["slowest check ratio"]
    rows = []
    for a, b in pairs:
        size = (b["nodes"] + b["relationships"]) / (a["nodes"] + a["relationships"])
        ratios = [b[k] / a[k] if a.get(k) and b.get(k) else None for k, _ in measures]
        worst = max(
            (
                (b[backend][c] / a[backend][c], c)
                for backend in ("nx_checks", "neo4j_checks")
                if a.get(backend) and b.get(backend)
                for c in a[backend]
                if a[backend][c] > 0.005  # ratios of sub-5 ms timings are noise
            ),
            default=None,
        )
        to = "England 2013-2026" if b["source"] == "england" else f"x{b['scale']:g}"
        rows.append(
            [f"x{a['scale']:g} -> {to}", f"{size:.1f}", *(_f(x, "{:.1f}") for x in ratios)]
            + [f"{worst[0]:.1f} ({worst[1]})" if worst else "-"]
        )
    print_markdown(head, rows)


if __name__ == "__main__":
    main()
