"""Benchmarks: load and check times on both backends at several scales; prints a table.

    python benchmarks/run.py [--data DIR] [--scales 0.1,1,10] [--naive-limit 20000] [--no-neo4j]

Each measurement runs in a fresh subprocess so that peak memory (max RSS) belongs to it alone.
Neo4j is the server named by NEO4J_URI/NEO4J_PASSWORD (e.g. after `ccgraph neo4j start`).
Never a test: timings depend on the machine; read them, do not assert them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def naive_load(driver, dataset, limit: int) -> tuple[int, float]:
    """Row-at-a-time baseline: one MERGE statement per node and relationship (no UNWIND)."""
    from graphmodel.neo4j_store import database_of

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
    """The explorer's slowest interaction: a CCG's 2-hop neighbourhood drawn (layout + HTML)."""
    from ccgraph.explorer import neighbourhood
    from ccgraph.visual import network_html

    ccg = max((n for n, a in graph.nodes(data=True) if a.get("kind") == "CCG"), key=graph.degree)
    start = time.perf_counter()
    network_html(neighbourhood(graph, ccg, hops=2).graph, centre=ccg)
    return time.perf_counter() - start


def measure(source: str, scale: float, data: Path, use_neo4j: bool, naive_limit: int) -> dict:
    """One run: build, check, and (optionally) load and check in Neo4j."""
    from graphmodel.nx_graph import build_graph
    from queries.registry import CHECKS, CheckSettings
    from queries.runner import Neo4jBackend, NetworkXBackend

    out: dict = {"source": source, "scale": scale}
    if source == "england-2013":
        from loaders.inputs import load_inputs

        loaded, out["parse_validate_s"] = _timed(load_inputs, data)
        dataset = loaded.dataset
    else:
        from graphmodel.synthetic import generate

        synthetic, out["generate_s"] = _timed(generate, scale, 1, {c.id: 5 for c in CHECKS})
        dataset = synthetic.dataset
        _, out["parse_validate_s"] = _timed(dataset.validate)
    out["nodes"], out["relationships"] = len(dataset.nodes), len(dataset.relationships)
    graph, out["nx_build_s"] = _timed(build_graph, dataset)
    params = CheckSettings().query_parameters()
    nx_backend = NetworkXBackend(graph)
    out["nx_checks"] = {c.id: _timed(nx_backend.pairs, c, params)[1] for c in CHECKS}
    out["nx_all_checks_s"] = sum(out["nx_checks"].values())
    out["explorer_view_s"] = explorer_view(graph)
    if use_neo4j:
        from graphmodel.neo4j_store import connect, load_dataset

        driver = connect()
        _, out["neo4j_load_s"] = _timed(load_dataset, driver, dataset, batch_size=10_000)
        out["neo4j_rows_per_s"] = (out["nodes"] + out["relationships"]) / out["neo4j_load_s"]
        neo_backend = Neo4jBackend(driver)
        for c in CHECKS:  # warm the query cache once, as a running service would be
            neo_backend.pairs(c, params)
        out["neo4j_checks"] = {c.id: _timed(neo_backend.pairs, c, params)[1] for c in CHECKS}
        out["neo4j_all_checks_s"] = sum(out["neo4j_checks"].values())
        if naive_limit:
            rows, seconds = naive_load(driver, dataset, naive_limit)
            out["naive_rows_per_s"] = rows / seconds
        driver.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "england-2013")
    parser.add_argument("--scales", default="0.1,1,10")
    parser.add_argument(
        "--naive-limit", type=int, default=3_000, help="rows for the row-at-a-time baseline (0: skip)"
    )
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        source, scale = args.child.split(":")
        print(json.dumps(measure(source, float(scale), args.data, not args.no_neo4j, args.naive_limit)))
        return
    runs = (["england-2013:1"] if (args.data / "CCG_APR_2013.csv").is_file() else []) + [
        f"synthetic:{s}" for s in args.scales.split(",")
    ]
    results = []
    for run in runs:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            run,
            "--data",
            str(args.data),
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


def print_table(results: list[dict]) -> None:
    def f(value, fmt="{:.3f}"):
        return "-" if value is None else fmt.format(value)

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
        "naive rows/s",
        "batched/naive",
        "neo4j checks s",
        "explorer view s",
        "peak MB",
    ]
    rows = []
    for r in results:
        ratio = r["neo4j_rows_per_s"] / r["naive_rows_per_s"] if r.get("naive_rows_per_s") else None
        rows.append(
            [
                r["source"],
                f(r["scale"], "{:g}"),
                f(r["nodes"], "{:,}"),
                f(r["relationships"], "{:,}"),
                f(r["parse_validate_s"]),
                f(r["nx_build_s"]),
                f(r["nx_all_checks_s"]),
                f(r.get("neo4j_load_s")),
                f(r.get("neo4j_rows_per_s"), "{:,.0f}"),
                f(r.get("naive_rows_per_s"), "{:,.0f}"),
                f(ratio, "{:.1f}x"),
                f(r.get("neo4j_all_checks_s")),
                f(r.get("explorer_view_s")),
                f(r["peak_rss_mb"], "{:,.0f}"),
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    slowest = {}
    for r in results:
        for backend in ("nx_checks", "neo4j_checks"):
            for check, seconds in (r.get(backend) or {}).items():
                slowest[(r["source"], r["scale"], backend, check)] = seconds
    print("\nSlowest single checks:")
    for (source, scale, backend, check), seconds in sorted(slowest.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {seconds:8.3f} s  {backend.split('_')[0]:6} {source} x{scale:g}  {check}")


if __name__ == "__main__":
    main()
