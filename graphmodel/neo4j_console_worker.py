"""An analyst's console query in a process of its own, with a memory budget.

The driver receives a whole record before anyone can measure it: one 268 MB row took the
explorer's process to 908 MB. Here the query runs in a child process that is stopped once it
holds more than `MEMORY_BUDGET`; a row too large for it ends that process, never the explorer, and the
explorer receives at most the result `read_only_query` keeps (2,000 rows, about 5 MB of values)
as JSON. The credentials reach the child on its standard input, never its command line or
environment listing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from typing import Any

from graphmodel.neo4j_connect import Neo4jConfig, Neo4jUnavailable
from graphmodel.neo4j_console import ConsoleRefused, QueryResult

__all__ = ["MEMORY_BUDGET", "isolated_query"]

MEMORY_BUDGET = 768 * 2**20  # resident memory of the child: Python and the driver take about 140 MB
_SLACK = 30.0  # seconds past the query's timeout before the child is stopped from here


def isolated_query(
    config: Neo4jConfig,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = 20.0,
    limit: int = 2000,
    max_bytes: int = 5_000_000,
    memory: int = MEMORY_BUDGET,
) -> QueryResult:
    """`read_only_query` run in a child process of at most `memory` bytes (see the module).

    Values arrive as JSON: numbers, strings, lists and maps as they are; dates, times and
    points as their text. Raises `ConsoleRefused` as `read_only_query` does, and when a row
    does not fit the child's budget; `Neo4jUnavailable` when the server cannot be reached.
    """
    request = json.dumps(
        {
            "config": {"uri": config.uri, "user": config.user, "password": config.password, "database": config.database},
            "query": query,
            "params": params,
            "limits": {"timeout": timeout, "limit": limit, "max_bytes": max_bytes},
            "memory": memory,
        },
        default=str,
    )
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "graphmodel.neo4j_console_worker"],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        assert child.stdin is not None
        child.stdin.write(request.encode())
        child.stdin.close()
        stopped = _watch(child, memory, time.monotonic() + timeout + _SLACK)
        if stopped:
            raise ConsoleRefused(stopped)
        out.seek(0)
        text = out.read()
    try:
        answer = json.loads(text)
    except ValueError:
        raise ConsoleRefused(f"stopped: the query's process ended (exit {child.returncode}) without an answer") from None
    if "refused" in answer:
        raise ConsoleRefused(answer["refused"])
    if "unavailable" in answer:
        raise Neo4jUnavailable(answer["unavailable"])
    return QueryResult(answer["keys"], answer["rows"], answer["truncated"])


def _watch(child: subprocess.Popen, memory: int, deadline: float) -> str:
    """Wait for the child; stop it, and say why, once it holds more than `memory` bytes or
    passes the deadline. (The address-space cap alone is not enough: a native part of the
    driver that fails an allocation hangs instead of failing.)"""
    while child.poll() is None:
        reason = ""
        if _resident(child.pid) > memory:
            reason = f"stopped: a row is larger than the console's {memory // 2**20:,} MB memory budget"
        elif time.monotonic() > deadline:
            reason = "stopped: no answer in time"
        if reason:
            child.kill()
            child.wait()
            return reason
        time.sleep(0.02)
    return ""


def _resident(pid: int) -> int:
    """Bytes of memory the process holds now (0 where /proc does not say)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _serve() -> None:
    """The child: read one request from stdin, answer on stdout as JSON, within the budget."""
    import resource

    request = json.loads(sys.stdin.buffer.read(10 * 2**20))
    cap = 2 * request["memory"]  # a backstop; the parent stops the child at its budget first
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from graphmodel.neo4j_connect import connect
    from graphmodel.neo4j_console import read_only_query

    answer: dict[str, Any]
    try:
        driver = connect(Neo4jConfig(**request["config"]))
        try:
            result = read_only_query(driver, request["query"], request["params"], **request["limits"])
        finally:
            driver.close()
        answer = {"keys": result.keys, "rows": result.rows, "truncated": result.truncated}
    except ConsoleRefused as err:
        answer = {"refused": str(err)}
    except Neo4jUnavailable as err:
        answer = {"unavailable": str(err)}
    except MemoryError:
        answer = {"refused": f"stopped: a row is larger than the console's {request['memory'] // 2**20:,} MB memory budget"}
    sys.stdout.write(json.dumps(answer, default=str))


if __name__ == "__main__":
    _serve()
