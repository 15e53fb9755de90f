"""Connecting to Neo4j: settings from the environment, the local server's credentials, a
verified driver. The one owner of credentials: the password comes from NEO4J_PASSWORD or, for
the local server (`ccgraph neo4j start`), from a private file this module writes and reads; it
is never printed, logged or put on a command line."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j.exceptions import AuthError, ServiceUnavailable

from graphmodel.errors import CcgraphError

ENTITY = "Entity"  # every node carries it; its code is unique across kinds


class Neo4jUnavailable(CcgraphError, RuntimeError):
    """Neo4j cannot be used; the message says what to do (and never contains the password)."""


def cache_dir() -> Path:
    """Where the local server keeps jars, store and generated credentials: `$CCGRAPH_NEO4J_DIR`,
    else `~/.cache/ccgraph`. Not `CCGRAPH_CACHE`, which turns the kept graph on or off."""
    return Path(os.environ.get("CCGRAPH_NEO4J_DIR") or Path.home() / ".cache" / "ccgraph")


def credentials_file() -> Path:
    return cache_dir() / "neo4j.env"


def stored_password() -> str | None:
    """The password `ccgraph neo4j start` generated, from its private file (if any)."""
    path = credentials_file()
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("NEO4J_PASSWORD="):
            return line.split("=", 1)[1]
    return None


def local_password() -> str:
    """The local server's password: NEO4J_PASSWORD, else the stored one, else a new one, stored
    in a file only its owner can read."""
    password = os.environ.get("NEO4J_PASSWORD") or stored_password()
    if not password:
        password = secrets.token_urlsafe(18)
        credentials_file().parent.mkdir(parents=True, exist_ok=True)
        write_private(credentials_file(), f"NEO4J_PASSWORD={password}\n")
    return password


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read (made so before anything is written)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@dataclass(frozen=True)
class Neo4jConfig:
    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = "neo4j"

    @classmethod
    def from_env(cls) -> "Neo4jConfig":
        """Read NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD (and NEO4J_DATABASE) from the environment."""
        return cls(
            uri=os.environ.get("NEO4J_URI", cls.uri),
            user=os.environ.get("NEO4J_USER", cls.user),
            password=os.environ.get("NEO4J_PASSWORD") or stored_password() or "",
            database=os.environ.get("NEO4J_DATABASE", cls.database),
        )


def connect(config: Neo4jConfig | None = None) -> Driver:
    """Open and verify a driver; failures become `Neo4jUnavailable` with an actionable message.

    ccgraph's queries run without the driver's bookmarks (`bookmark_manager_=None`): one server
    needs none, and after an offline load (`ccgraph.neo4j_offline`) the new database counts its
    transactions from the start again, so a bookmark of the old one would make a long-lived
    reader (the explorer, a notebook) wait for a transaction that never comes."""
    config = config or Neo4jConfig.from_env()
    if not config.password:
        raise Neo4jUnavailable(
            "NEO4J_PASSWORD is not set: export it (and NEO4J_URI) or run `ccgraph neo4j start`."
        )
    driver = GraphDatabase.driver(
        config.uri, auth=(config.user, config.password), notifications_min_severity="OFF"
    )
    try:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD versions RETURN versions[0] AS version",
            routing_=RoutingControl.READ,
            database_=config.database,
            bookmark_manager_=None,
        )
    except AuthError:
        driver.close()
        raise Neo4jUnavailable(
            f"Neo4j at {config.uri} refused user {config.user!r}: check NEO4J_USER / NEO4J_PASSWORD."
        ) from None
    except (ServiceUnavailable, OSError) as err:
        driver.close()
        raise Neo4jUnavailable(
            f"Neo4j is not reachable at {config.uri} ({type(err).__name__}); start one with `ccgraph neo4j start` "
            "or set NEO4J_URI."
        ) from None
    version = records[0]["version"]
    if int(version.split(".")[0]) < 5:
        driver.close()
        raise Neo4jUnavailable(f"Neo4j {version} at {config.uri} is too old: ccgraph needs Neo4j 5 or later.")
    driver.ccgraph_database = config.database  # type: ignore[attr-defined]
    driver.ccgraph_uri = config.uri  # type: ignore[attr-defined]
    return driver


def database_of(driver: Driver) -> str:
    return getattr(driver, "ccgraph_database", "neo4j")


def uri_of(driver: Driver) -> str | None:
    """The address `connect` opened the driver on (None for a driver made elsewhere)."""
    return getattr(driver, "ccgraph_uri", None)
