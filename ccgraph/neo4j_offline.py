"""`ccgraph --backend neo4j load --offline`: a national-scale graph into the local server at the
pace of Neo4j's own offline importer (`neo4j-admin database import full`).

The online load sends every row through Cypher; the importer writes the store files directly,
several times faster, but only into a database that is not running, on the machine that holds
it. So this works with the local server only (`ccgraph neo4j start`), in five steps:

1. the graph is written as the importer's CSV files (`graphmodel.neo4j_import_files`) in a private
   folder beside the server's store, while the server goes on serving the previous graph (a load
   lease is held meanwhile, so no online load runs into a graph about to be replaced);
2. the importer, from the jars the server runs on, builds a new database there;
3. the server stops, the new database's folders take the place of the old ones (renames on one
   file system), and the server starts again with the same settings;
4. the uniqueness constraints and index are created, the empty lists the importer cannot write
   are set, and the load marker written: until then, readers refuse the graph as not loaded;
5. only then is the previous database deleted.

If any step fails the previous database is put back and the server started on it: the graph is
the previous one, whole, and the error says what failed (the importer's own report for bad data).
If the process itself is killed during the swap, the server, started again, serves the previous
graph or a database readers refuse (none, or the new one not yet marked complete) until a load
completes; the previous database is then in the private folder `offline-RUN` beside the store.
Neo4j Community holds one user database, so "switching to it" is this swap and restart (about
ten seconds of the run), not `CREATE DATABASE`.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from neo4j import Driver

from ccgraph.neo4j_server import JAVA_FLAGS, LocalServer, build, find_java, make_private, running_pid, start, stop
from graphmodel.dataset import Dataset, gc_paused
from graphmodel.neo4j_connect import Neo4jUnavailable, database_of, uri_of
from graphmodel.neo4j_import_files import ImportFiles, write_empty_lists, write_link_files, write_node_files
from graphmodel.neo4j_load import LoadLease, LoadSummary, ensure_schema, mark_complete

__all__ = ["OfflineSummary", "local_server_of", "offline_load"]

_DATA = ("databases", "transactions")  # where a database's files live under data/, by name


@dataclass
class OfflineSummary(LoadSummary):
    """A load's summary, with the seconds each step took (files, import, restart, constraints)."""

    seconds: dict[str, float] = field(default_factory=dict)


def local_server_of(driver: Driver) -> LocalServer:
    """The local server `driver` is connected to, or why an offline load cannot use it."""
    uri = uri_of(driver) or ""
    parts = urlsplit(uri)
    why = ""
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        why = f"NEO4J_URI ({parts.scheme}://{parts.hostname}:...) is not this machine"
    elif database_of(driver) != "neo4j":
        why = f"it writes the database 'neo4j' only (NEO4J_DATABASE is {database_of(driver)!r})"
    server = LocalServer(port=parts.port or 7687, tls=parts.scheme.endswith("+s"))
    if not why and running_pid(server) is None:
        why = f"no server started by `ccgraph neo4j start` runs on port {server.port}"
    if why:
        raise Neo4jUnavailable(
            f"--offline writes the store files of the local server itself, and {why}. Start one with "
            "`ccgraph neo4j start` (and point NEO4J_URI at it), or load without --offline."
        )
    return server


def offline_load(
    driver: Driver,
    dataset: Dataset,
    *,
    server: LocalServer | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> OfflineSummary:
    """Replace the local server's graph with `dataset` through the offline importer (see the
    module docstring); `say` hears each step as it starts."""
    server = server or local_server_of(driver)
    run_id = uuid.uuid4().hex
    seconds: dict[str, float] = {}
    with _one_at_a_time(server):
        stage = server.home / f"offline-{run_id[:12]}"
        make_private(stage)
        try:
            with LoadLease(driver, run_id):
                with _timed(seconds, "files"):
                    say("Writing the importer's files")
                    files = _write_files(dataset, stage / "csv")
                with _timed(seconds, "import"):
                    say(f"Importing {files.nodes + files.relationships:,} rows with Neo4j's importer")
                    _run_importer(server, stage, files.arguments())
                shutil.rmtree(stage / "csv")
            heap = _heap_of(server)
            with _timed(seconds, "restart"):
                say("Restarting Neo4j on the new database")
                stop(server)
                _exchange(server, stage)
                try:
                    start(server, heap=heap)
                except BaseException:
                    _put_back(server, stage, heap, driver)
                    raise
                _forget_bookmarks(driver)
            with _timed(seconds, "constraints"):
                say("Creating the constraints and marking the load complete")
                try:
                    ensure_schema(driver)
                    write_empty_lists(driver, files)
                    mark_complete(driver, dataset, run_id)
                except BaseException:
                    _put_back(server, stage, heap, driver)
                    raise
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return OfflineSummary(run_id, len(dataset.nodes), len(dataset.relationships), seconds=seconds)


def _write_files(dataset: Dataset, folder: Path) -> ImportFiles:
    """The nodes' files here and the links' in a forked child at the same time (at x100, 8.4 s
    became 6.8 s on two cores), the garbage collector paused meanwhile: the millions of new
    strings would set it scanning the whole graph again and again."""
    folder.mkdir(parents=True, exist_ok=True)
    failed = folder / "links-failed.txt"
    gc.freeze()  # also keeps the child from touching (so copying) every object of the graph
    try:
        with gc_paused():
            child = os.fork()
            if child == 0:  # pure Python over the dataset; leave without running the parent's clean-ups
                status = 0
                try:
                    write_link_files(dataset, folder)
                except BaseException as err:  # noqa: BLE001 - said to the parent, which raises it
                    failed.write_text(str(err), encoding="utf-8")
                    status = 1
                os._exit(status)
            try:
                files = write_node_files(dataset, folder)
            finally:
                _, status = os.waitpid(child, 0)
    finally:
        gc.unfreeze()
    if status != 0:
        said = failed.read_text(encoding="utf-8") if failed.exists() else f"wait status {status}"
        raise ValueError(f"the links' files could not be written: {said}")
    files.relationship_files = sorted(folder.glob("relationships-*.csv"))
    files.relationships = len(dataset.relationships)
    return files


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - began


@contextmanager
def _one_at_a_time(server: LocalServer) -> Iterator[None]:
    """One offline load per server at a time, even while the server is down (a file lock)."""
    make_private(server.home)
    with open(server.home / "offline-load.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Neo4jUnavailable(
                f"another offline load is replacing the graph of the server on port {server.port}; "
                "nothing was written. Run again when it has finished."
            ) from None
        yield


def _run_importer(server: LocalServer, stage: Path, arguments: list[str]) -> None:
    """Neo4j's importer, from the server's own jars, into `stage`/home (a database named neo4j)."""
    lib = build(server) / "lib"
    home = stage / "home"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    cmd = [
        find_java(),
        f"-Xmx{os.environ.get('CCGRAPH_NEO4J_IMPORT_HEAP', '2g')}",
        *JAVA_FLAGS,
        "-cp",
        f"{lib}/*",
        "org.neo4j.cli.AdminTool",
        "database",
        "import",
        "full",
        "neo4j",
        f"--report-file={stage / 'import.report'}",
        "--id-type=integer",
        "--array-delimiter=U+001F",
        "--high-parallel-io=on",
        *arguments,
    ]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    log = stage / "import.log"
    with open(log, "wb") as out:
        result = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=stage, umask=0o077)
    if result.returncode != 0:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip(" .")]
        said = "\n".join(line for line in lines if not line.startswith("\tat "))[-2000:]
        raise Neo4jUnavailable(
            f"Neo4j's importer failed (exit {result.returncode}); the previous graph is unchanged.\n{said}"
        )


def _exchange(server: LocalServer, stage: Path) -> None:
    """Swap the server's database `neo4j` with the one in `stage` (the server is stopped)."""
    for kind in _DATA:
        live = server.home / "store" / "data" / kind / "neo4j"
        staged = stage / "home" / "data" / kind / "neo4j"
        aside = staged.with_name("neo4j-swap")
        if live.exists():
            live.rename(aside)
        if staged.exists():
            staged.rename(live)
        if aside.exists():
            aside.rename(staged)


def _put_back(server: LocalServer, stage: Path, heap: str | None, driver: Driver) -> None:
    """The new database failed: the previous one back in its place, the server on it."""
    stop(server)
    _exchange(server, stage)
    start(server, heap=heap)
    _forget_bookmarks(driver)


def _forget_bookmarks(driver: Driver) -> None:
    """The driver's bookmarks name transactions of the database just replaced, which the new one
    has not reached: ccgraph's own queries use none, but a caller's `driver.execute_query` would
    wait for them and time out."""
    with driver.session(database=database_of(driver)) as session:  # no bookmarks: the new database's own
        session.run("RETURN 1").consume()
        fresh = session.last_bookmarks().raw_values
    bookmarks = driver.execute_query_bookmark_manager
    bookmarks.update_bookmarks(bookmarks.get_bookmarks(), fresh)


def _heap_of(server: LocalServer) -> str | None:
    """The heap the running server was started with, to start it again the same."""
    pid = running_pid(server)
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    return next((a[4:].decode() for a in arguments if a.startswith(b"-Xmx")), None)
