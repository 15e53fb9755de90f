"""What a user waits for at the prompt: whole `ccgraph` processes, start to exit, on the shipped
England (2013-2026), against the floor of bare `csv` parsing of the same files.

    python benchmarks/whole_process.py [--repeat 5] [--record]

Each command runs as a fresh process (median and worst of `--repeat`): `python -c pass`;
`ccgraph --help`; `ccgraph check --as-at 2020-04-01` with the kept graph off (the files read and
validated: a first run) and warm (`docs/cache.md`); `ccgraph timeline --findings` (every finding
over 2013-2026, from the kept graph); and bare parsing of every shipped file with
the standard library's `csv` (gzip included), the floor a first run is measured against. The
kept graph and Python's compiled bytecode (as a pip install keeps it; this machine's environment
turns it off) live in a folder of this run's own, made before the timed runs. Never a test: read the figures, do not assert them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import recorded  # noqa: E402
from benchmarks.run import print_markdown  # noqa: E402

BARE_CSV = """
import csv, gzip, sys
from pathlib import Path
rows = 0
for path in sorted(Path(sys.argv[1]).rglob("*.gz")):
    with gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
        rows += sum(1 for _ in csv.reader(handle))
print(rows)
"""


def _seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="also write what it prints into benchmarks/RESULTS.md")
    args = parser.parse_args()
    from loaders.bundled import BUNDLED

    cli = [sys.executable, "-m", "ccgraph.cli"]
    check = [*cli, "check", "--as-at", "2020-04-01"]
    with tempfile.TemporaryDirectory() as cache, recorded("whole-process", args.record):
        env = {**os.environ, "CCGRAPH_CACHE_DIR": cache, "CCGRAPH_CACHE": "on", "PYTHONPYCACHEPREFIX": f"{cache}/pyc"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed package runs: compiled once, not every time
        cold = {**env, "CCGRAPH_CACHE": "off"}
        subprocess.run(check, env=env, capture_output=True, check=False)  # keeps the graph for "warm"
        runs = [
            ("python -c pass", [sys.executable, "-c", "pass"], env, None),
            ("bare csv parsing of the shipped files", [sys.executable, "-c", BARE_CSV, str(BUNDLED)], env, None),
            ("ccgraph --help", [*cli, "--help"], env, "≤ 0.15"),
            ("ccgraph check, first run (files read)", check, cold, "≤ 2× bare csv"),
            ("ccgraph check, nothing changed (kept graph)", check, env, "≤ 0.5"),
            ("ccgraph timeline --findings, every day 2013-2026", [*cli, "timeline", "--findings"], env, "≤ 10"),
        ]
        timed = {label: [_seconds(command, where) for _ in range(args.repeat)] for label, command, where, _ in runs}
        floor = statistics.median(timed["bare csv parsing of the shipped files"])
        print(f"Whole processes on the shipped England (2013-2026), {args.repeat} runs each\n")
        rows = []
        for label, _, _, target in runs:
            median = statistics.median(timed[label])
            rows.append([label, f"{median:.3f}", f"{max(timed[label]):.3f}", f"{median / floor:.1f}×", target or "-"])
        print_markdown(["command", "median s", "worst s", "of bare csv", "target"], rows)


if __name__ == "__main__":
    main()
