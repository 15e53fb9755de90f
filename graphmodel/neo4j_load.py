"""Loading a graph into Neo4j: an atomic idempotent load, or a bulk one, one at a time.

Guarantee for a load: everything (constraints aside) happens in one explicit transaction, in
`UNWIND` batches. Nodes and relationships are `MERGE`d on their identity and stamped with the
load-run id; whatever the previous load left that this one did not write is deleted in the same
transaction. A load that fails half-way (bad data, lost connection, server stopped) is rolled
back by Neo4j, so the previous graph stays exactly as it was; three loads of the same data
give the same counts. Only one load runs at a time (`LoadLease`).

One transaction holds the whole graph in the server's memory: about 250,000 nodes and
relationships fit a 2 GB heap, 2.5 million (x100 synthetic) do not fit 8 GB. For such graphs a
bulk load (`atomic=False`) commits batch by batch instead. It gives a weaker guarantee, stated
plainly: while it runs, and if it fails, the load marker says the graph is incomplete, and
`graphmodel.neo4j_read.require_complete_graph` refuses it until a load completes; the next
load, of either kind, replaces whatever a failed one left.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from neo4j import Driver

from graphmodel.dataset import Dataset
from graphmodel.model import Node, NodeKind, Relationship, RelType
from graphmodel.neo4j_connect import ENTITY, Neo4jUnavailable, database_of

_log = logging.getLogger(__name__)


def ensure_schema(driver: Driver) -> None:
    """Uniqueness of codes (which also indexes them) for every label the checks match on, and
    an index on the population a service is commissioned for (uncommissioned_services seeks it).
    Only what is missing is created, so a re-load does not pay for it again."""
    db = database_of(driver)
    wanted = {
        f"{label.lower()}_code": f"CREATE CONSTRAINT {label.lower()}_code IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.code IS UNIQUE"
        for label in [ENTITY, *NodeKind]
    }
    for label in ("CcgraphLoad", "CcgraphLoadLease"):  # one marker, one lease, even if two loads race
        wanted[f"{label.lower()}_singleton"] = (
            f"CREATE CONSTRAINT {label.lower()}_singleton IF NOT EXISTS FOR (n:{label}) REQUIRE n.singleton IS UNIQUE"
        )
    wanted["commissions_population"] = (
        "CREATE INDEX commissions_population IF NOT EXISTS FOR ()-[k:COMMISSIONS]-() ON (k.qualifier)"
    )
    present, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name RETURN collect(name) AS names", database_=db, bookmark_manager_=None
    )
    missing = [statement for name, statement in wanted.items() if name not in present[0]["names"]]
    # Two at a time: each uniqueness constraint fills its index before the next starts, and on an
    # imported national-scale graph (1.2 million nodes) two at once took 2.1 s instead of 4.0.
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda query: driver.execute_query(query, database_=db, bookmark_manager_=None), missing))
    if missing:
        driver.execute_query("CALL db.awaitIndexes(300)", database_=db, bookmark_manager_=None)


# (Cypher, the nodes or relationships it writes, the UNWIND row of one of them)
Statements = list[tuple[str, list[Any], Callable[[Any], dict[str, Any]]]]


@dataclass
class LoadSummary:
    run_id: str
    nodes: int
    relationships: int
    retried: int = 0  # bulk batches Neo4j refused over a lock conflict and the driver re-ran


class _RetryCounter(logging.Filter):
    """Counts the driver's "will be retried" warnings instead of printing them.

    In a bulk load two writers sometimes lock the same node in opposite orders; Neo4j aborts one
    as a deadlock (a transient error) and `execute_write` re-runs it. That is expected, loses
    nothing, and the driver's warning (lock internals, several lines) only alarms. The count is
    reported in the load summary, each retry logged here at DEBUG.
    """

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Transaction failed and will be retried"):
            return True
        with self._lock:
            self.count += 1
        _log.debug("bulk batch retried: %s", record.getMessage())
        return False


def _batches(
    items: list[Any], size: int, row: Callable[[Any], dict[str, Any]]
) -> Iterator[list[dict[str, Any]]]:
    """The UNWIND rows of `items`, `size` at a time, each batch made only when it is wanted: no
    load holds every row at once, and a bulk load writes while it makes the next batches."""
    for start in range(0, len(items), size):
        yield [row(item) for item in items[start : start + size]]


class LoadInProgress(Neo4jUnavailable):
    """Another load holds the graph; this one was refused before writing anything."""


class LeaseLost(Neo4jUnavailable):
    """This load's lease lapsed (its process was stopped or cut off for longer than the lease)
    and another load may have taken it: what this load had not committed was rolled back, and
    it writes nothing more."""


def fence(tx: Any, run_id: str) -> None:
    """Write-lock the lease and go on only if this run still holds it: a transaction that has
    passed the fence cannot lose the lease before it commits (a takeover waits for the lock),
    and one that has lost it is rolled back (the fencing token of a lease)."""
    if tx.run(_FENCE, run=run_id).single()["held"] == 0:
        raise LeaseLost(
            f"load {run_id} lost its lease (stopped or cut off for more than {LoadLease.LEASE_SECONDS} s) "
            "and another load may have replaced the graph; this load wrote nothing more. Load again."
        )


_FENCE = (
    "OPTIONAL MATCH (l:CcgraphLoadLease {singleton: true}) WHERE l.run = $run "
    "SET l._fenced = true REMOVE l._fenced RETURN count(l) AS held"
)


class LoadLease:
    """One load at a time: a lease node in the database, taken before a load writes anything.

    Two loads at once would each delete what the other wrote and could leave a part-written
    graph marked complete. The lease is taken in a transaction that first write-locks the lease
    node, so two takers are serialised by Neo4j, and it names its run, host and process. The
    holder renews it every `RENEW_EVERY` seconds; a lease not renewed for `LEASE_SECONDS` (its
    holder died) or held by a process of this host that no longer exists is taken over.

    Each take raises the lease's `epoch` by one. Every write transaction of a load passes the
    `fence` before it commits, and its clean-up deletes only what loads of earlier epochs wrote,
    so a load that lost its lease (stopped for longer than the lease, then resumed) can neither
    write nor delete anything of the load that took over.
    """

    LEASE_SECONDS = 60
    RENEW_EVERY = 10.0

    def __init__(self, driver: Driver, run_id: str):
        self.driver, self.run_id = driver, run_id
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        self.epoch = 0
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew, name="ccgraph-load-lease", daemon=True)

    def __enter__(self) -> "LoadLease":
        lease = self._take(stale=None)
        if lease["run"] != self.run_id and self._holder_is_gone(lease["holder"], lease["run"]):
            lease = self._take(stale=lease["run"])  # its holder died on this host: take it over
        self.epoch = lease["epoch"]
        if lease["run"] != self.run_id:
            raise LoadInProgress(
                f"another load (run {lease['run']}, by {lease['holder']}, since {lease['since']}) is "
                "writing to this Neo4j; nothing was written. Run again when it has finished."
            )
        _ACTIVE_RUNS.add(self.run_id)
        self._renewer.start()
        return self

    def _take(self, stale: str | None) -> Any:
        records, _, _ = self.driver.execute_query(
            _TAKE_LEASE,
            run=self.run_id,
            holder=self.holder,
            seconds=self.LEASE_SECONDS,
            stale=stale,
            database_=database_of(self.driver),
            bookmark_manager_=None,
        )
        return records[0]

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._renewer.join()
        _ACTIVE_RUNS.discard(self.run_id)
        try:
            self.driver.execute_query(
                _DROP_LEASE, run=self.run_id, database_=database_of(self.driver), bookmark_manager_=None
            )
        except Exception:  # noqa: BLE001 - a lost server: the lease lapses, or is seen to be ours
            _log.debug("could not give the load lease back", exc_info=True)

    def _renew(self) -> None:
        while not self._stop.wait(self.RENEW_EVERY):
            try:
                self.driver.execute_query(
                    _RENEW_LEASE,
                    run=self.run_id,
                    seconds=self.LEASE_SECONDS,
                    database_=database_of(self.driver),
                    bookmark_manager_=None,
                )
            except Exception:  # noqa: BLE001 - the load itself reports a lost server
                _log.debug("could not renew the load lease", exc_info=True)

    @staticmethod
    def _holder_is_gone(holder: str | None, run: str | None) -> bool:
        """True when the holder was a process of this host that has ended, or this process
        itself, for a load that is no longer running (it lost its server part-way)."""
        host, _, pid = str(holder).rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return False
        if int(pid) == os.getpid():
            return run not in _ACTIVE_RUNS
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False


_ACTIVE_RUNS: set[str] = set()  # loads of this process now holding a lease
_TAKE_LEASE = (
    "MERGE (l:CcgraphLoadLease {singleton: true}) SET l._lock = true WITH l "  # write-lock first
    "WITH l, (l.run IS NULL OR l.expires < datetime() OR l.run = $stale) AS free "
    "SET l.run = CASE WHEN free THEN $run ELSE l.run END, "
    "l.holder = CASE WHEN free THEN $holder ELSE l.holder END, "
    "l.since = CASE WHEN free THEN toString(datetime()) ELSE l.since END, "
    "l.expires = CASE WHEN free THEN datetime() + duration({seconds: $seconds}) ELSE l.expires END, "
    "l.epoch = CASE WHEN free THEN coalesce(l.epoch, 0) + 1 ELSE l.epoch END "
    "REMOVE l._lock RETURN l.run AS run, l.holder AS holder, l.since AS since, l.epoch AS epoch"
)
_RENEW_LEASE = (
    "MATCH (l:CcgraphLoadLease {singleton: true}) WHERE l.run = $run "
    "SET l.expires = datetime() + duration({seconds: $seconds})"
)
_DROP_LEASE = (
    "MATCH (l:CcgraphLoadLease {singleton: true}) WHERE l.run = $run "
    "REMOVE l.run, l.holder, l.since, l.expires"
)


def load_dataset(
    driver: Driver,
    dataset: Dataset,
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    atomic: bool = True,
) -> LoadSummary:
    """Replace the graph in Neo4j with `dataset`: in one transaction, or batch by batch when
    `atomic` is False (see the module docstring for what each guarantees)."""
    ensure_schema(driver)
    run_id = uuid.uuid4().hex
    nodes, links = _load_statements(dataset)
    marker = _marker(dataset, run_id)
    with LoadLease(driver, run_id) as lease, driver.session(database=database_of(driver)) as session:
        marker["epoch"] = lease.epoch
        if atomic:
            with session.begin_transaction() as tx:
                for query, items, row in [*nodes, *links]:
                    for batch in _batches(items, batch_size, row):
                        tx.run(query, rows=batch, run=run_id, epoch=lease.epoch).consume()
                        if progress:
                            progress(len(batch))
                for query in _CLEANUP:
                    tx.run(query, run=run_id, epoch=lease.epoch).consume()
                fence(tx, run_id)
                tx.run(_MARK_COMPLETE, marker).consume()
                tx.commit()
            retried = 0
        else:
            session.execute_write(_fenced, _MARK_INCOMPLETE, {"run": run_id})
            retried = _write_in_parallel(driver, (nodes, links), batch_size, (run_id, lease.epoch), progress)
            for query in _CLEANUP_IN_SLICES:  # the previous graph may be national-scale too
                session.execute_write(_fenced, "RETURN 1", {"run": run_id})
                session.run(query, run=run_id, epoch=lease.epoch).consume()
            session.execute_write(_fenced, _MARK_COMPLETE, marker)
    return LoadSummary(run_id, len(dataset.nodes), len(dataset.relationships), retried)


def _marker(dataset: Dataset, run_id: str, epoch: int = 0) -> dict[str, Any]:
    return {
        "run": run_id,
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "nodes": len(dataset.nodes),
        "rels": len(dataset.relationships),
        "coverage": [day.isoformat() for day in dataset.coverage] if dataset.coverage else None,
        "epoch": epoch,
    }


def mark_complete(driver: Driver, dataset: Dataset, run_id: str) -> None:
    """Mark a database written outside this module (an offline import of `dataset`) as one
    complete load, so that readers take it (`neo4j_read.require_complete_graph`)."""
    driver.execute_query(
        _MARK_COMPLETE, _marker(dataset, run_id), database_=database_of(driver), bookmark_manager_=None
    )


def _fenced(tx: Any, query: str, params: dict[str, Any]) -> None:
    fence(tx, params["run"])
    tx.run(query, params).consume()


# What earlier loads wrote and this one did not; never what a later load (a higher epoch) wrote.
# An offline import stamps nothing (graphmodel.neo4j_import_files): what it wrote is earlier.
_EARLIER = "coalesce({0}.load_run, '') <> $run AND coalesce({0}.load_epoch, 0) < $epoch"
_CLEANUP = (
    f"MATCH ()-[r]->() WHERE {_EARLIER.format('r')} DELETE r",
    f"MATCH (n:{ENTITY}) WHERE {_EARLIER.format('n')} DETACH DELETE n",
)
_CLEANUP_IN_SLICES = (
    f"MATCH ()-[r]->() WHERE {_EARLIER.format('r')} CALL {{ WITH r DELETE r }} IN TRANSACTIONS OF 10000 ROWS",
    f"MATCH (n:{ENTITY}) WHERE {_EARLIER.format('n')} "
    "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
)
_MARK_INCOMPLETE = "MERGE (m:CcgraphLoad {singleton: true}) SET m.complete = false, m.pending_run = $run"
_MARK_COMPLETE = (
    "MERGE (m:CcgraphLoad {singleton: true}) SET m.run_id = $run, m.loaded_at = $at, "
    "m.nodes = $nodes, m.relationships = $rels, m.coverage = $coverage, m.epoch = $epoch, m.complete = true "
    "REMOVE m.pending_run"
)


def _write(tx: Any, query: str, rows: list[dict[str, Any]], run: tuple[str, int]) -> None:
    tx.run(query, rows=rows, run=run[0], epoch=run[1]).consume()
    fence(tx, run[0])  # last, so that the lease is locked only until the commit


BULK_WRITERS = 2  # sessions writing at once in a bulk load: x10 went 19.0 s -> 12.8 s on 2 cores
BATCHES_AHEAD = 2 * BULK_WRITERS  # made and queued before the oldest is waited for


def _write_in_parallel(
    driver: Driver,
    statements: tuple[Statements, Statements],
    batch_size: int,
    run: tuple[str, int],
    progress: Callable[[int], None] | None,
) -> int:
    """Every batch in its own transaction, `BULK_WRITERS` at a time: all nodes, then all links.

    The next batches are made while the writers write, at most `BATCHES_AHEAD` queued. Two
    batches of links may lock the same node; Neo4j then reports a deadlock, a transient error
    that `execute_write` retries (returns how many retries). Progress is reported from this
    thread only; after any failure no batch still queued starts.
    """
    db = database_of(driver)

    def write(query: str, batch: list[dict[str, Any]]) -> int:
        with driver.session(database=db) as session:
            session.execute_write(_write, query, batch, run)
        return len(batch)

    def report(done: Future[int]) -> None:
        written = done.result()  # raises what the batch raised
        if progress:
            progress(written)

    retries, driver_log = _RetryCounter(), logging.getLogger("neo4j.session")
    driver_log.addFilter(retries)
    pending: deque[Future[int]] = deque()
    with ThreadPoolExecutor(BULK_WRITERS) as pool:
        try:
            for phase in statements:  # nodes, then links (which need both of their nodes)
                for query, items, row in phase:
                    for batch in _batches(items, batch_size, row):
                        pending.append(pool.submit(write, query, batch))
                        if len(pending) > BATCHES_AHEAD:
                            report(pending.popleft())
                while pending:  # every node is written before the first link
                    report(pending.popleft())
        except BaseException:
            for waiting in pending:  # a failed load stops writing at once
                waiting.cancel()
            raise
        finally:
            driver_log.removeFilter(retries)
    return retries.count


def _load_statements(dataset: Dataset) -> tuple[Statements, Statements]:
    """Per node kind, and per relationship type: MERGE on identity, stamp the run."""
    nodes_by_kind: dict[str, list[Node]] = defaultdict(list)
    for node in dataset.nodes.values():
        nodes_by_kind[str(node.kind)].append(node)
    rels_by_type: dict[str, list[Relationship]] = defaultdict(list)
    for rel in dataset.relationships.values():
        rels_by_type[str(rel.rel)].append(rel)
    nodes: Statements = [
        (
            f"UNWIND $rows AS row MERGE (n:{ENTITY} {{code: row.code}}) "
            f"SET n = row.props, n:{NodeKind(kind).value}, n.load_run = $run, n.load_epoch = $epoch",  # labels from the enum
            items,
            _node_row,
        )
        for kind, items in nodes_by_kind.items()
    ]
    links: Statements = [
        (
            f"UNWIND $rows AS row "
            f"MATCH (a:{ENTITY} {{code: row.source}}) MATCH (b:{ENTITY} {{code: row.target}}) "
            f"MERGE (a)-[r:{RelType(rel_type).value} {{key: row.key}}]->(b) "
            f"SET r = row.props, r.key = row.key, r.load_run = $run, r.load_epoch = $epoch",
            items,
            _link_row,
        )
        for rel_type, items in rels_by_type.items()
    ]
    return nodes, links


def _node_row(node: Node) -> dict[str, Any]:
    return {"code": node.code, "props": node.properties()}


def _link_row(rel: Relationship) -> dict[str, Any]:
    return {"source": rel.source, "target": rel.target, "key": rel.key, "props": rel.properties()}
