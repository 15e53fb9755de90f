"""A real local Neo4j Community 5.26 server, fetched from Maven Central and run on 127.0.0.1.

`ccgraph neo4j start` builds `ccgraph/server` (a pom and a few-line launcher) with Maven into
a cache folder the first time, then starts `java` with the flags Neo4j's own script adds, waits
until Bolt answers, and records the pid. Jars and the store stay in the cache, so a second start
is quick and keeps the data.

The password comes from `graphmodel.neo4j_connect.local_password` (NEO4J_PASSWORD, or one
generated once and kept in a private file there); it reaches the server on its standard input.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graphmodel.errors import CcgraphError
from graphmodel.neo4j_connect import cache_dir, local_password, write_private

SERVER_SRC = Path(__file__).with_name("server")
NEO4J_VERSION = "5.26.30"
JAVA_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
]


class ServerError(CcgraphError, RuntimeError):
    """The local server could not be built, started or stopped; the message says why."""


@dataclass(frozen=True)
class LocalServer:
    port: int = 7687
    tls: bool = False  # Bolt over TLS only, with a self-signed certificate for "localhost"

    @property
    def home(self) -> Path:
        return cache_dir() / f"neo4j-{self.port}"

    @property
    def build_dir(self) -> Path:
        return cache_dir() / f"neo4j-build-{NEO4J_VERSION}"

    @property
    def pid_file(self) -> Path:
        return self.home / "server.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    @property
    def tls_dir(self) -> Path:
        return self.home / "tls"

    @property
    def uri(self) -> str:
        return f"neo4j+s://localhost:{self.port}" if self.tls else f"bolt://127.0.0.1:{self.port}"


def make_private(folder: Path) -> None:
    """Create `folder` (and the cache above it) readable by this user only, and take away group
    and other access from anything an earlier version left in it."""
    folder.mkdir(parents=True, exist_ok=True)
    for private in (cache_dir(), folder):
        private.chmod(0o700)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            path = os.path.join(root, name)
            os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & 0o700)


def make_certificate(server: LocalServer) -> Path:
    """A self-signed certificate for localhost (openssl), for a TLS-only local server.

    Clients trust it by pointing SSL_CERT_FILE at the returned public.crt (or use neo4j+ssc://).
    """
    make_private(server.tls_dir)
    for sub in ("trusted", "revoked"):
        (server.tls_dir / sub).mkdir(mode=0o700, exist_ok=True)
    cert = server.tls_dir / "public.crt"
    if not cert.is_file():
        openssl = shutil.which("openssl")
        if openssl is None:
            raise ServerError("openssl is needed to make a certificate for --tls: apt-get install openssl.")
        result = subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "365",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(server.tls_dir / "private.key"),
                "-out",
                str(cert),
            ],
            capture_output=True,
            text=True,
            umask=0o077,
        )
        if result.returncode != 0:
            raise ServerError(f"openssl could not make a certificate: {result.stderr[-500:]}")
    return cert


def find_java() -> str:
    """A Java 17 or 21 runtime (Neo4j 5.26 supports no other); OpenJDK 17 preferred."""
    candidates = [
        os.environ.get("JAVA_HOME", ""),
        "/usr/lib/jvm/java-17-openjdk-amd64",
        "/usr/lib/jvm/java-21-openjdk-amd64",
    ]
    for home in candidates:
        java = Path(home) / "bin" / "java"
        if home and java.is_file() and _java_major(str(java)) in (17, 21):
            return str(java)
    on_path = shutil.which("java")
    if on_path and _java_major(on_path) in (17, 21):
        return on_path
    raise ServerError(
        "Java 17 or 21 is needed for Neo4j 5.26 (set JAVA_HOME; e.g. apt-get install openjdk-17-jdk-headless)."
    )


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    try:
        version = out.split('"')[1]
        return int(version.split(".")[0])
    except (IndexError, ValueError):
        return 0


def build(server: LocalServer, say: Callable[[str], None] = lambda _: None) -> Path:
    """Fetch Neo4j's jars and compile the launcher, once; returns the classpath folder. `say`
    hears what takes long (the first fetch is about 150 MB from Maven Central)."""
    marker = server.build_dir / "lib" / f"neo4j-{NEO4J_VERSION}.jar"
    launcher = server.build_dir / "classes" / "ccgraph" / "Launcher.class"
    source = SERVER_SRC / "src" / "main" / "java" / "ccgraph" / "Launcher.java"
    if marker.is_file() and launcher.is_file() and launcher.stat().st_mtime >= source.stat().st_mtime:
        return server.build_dir
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerError("Maven (mvn) is needed to fetch Neo4j from Maven Central: apt-get install maven.")
    java = find_java()
    say(
        f"Fetching Neo4j {NEO4J_VERSION} from Maven Central with Maven (about 150 MB, once; a few minutes)..."
        if not marker.is_file()
        else "Compiling the local server's launcher..."
    )
    env = {**os.environ, "JAVA_HOME": str(Path(java).parent.parent)}
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(SERVER_SRC / "pom.xml"),
        f"-Dccgraph.build.dir={server.build_dir}",
        "compile",
        "dependency:copy-dependencies",
        f"-DoutputDirectory={server.build_dir / 'lib'}",
        "-DincludeScope=runtime",
    ]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerError(f"`{' '.join(cmd)}` failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return server.build_dir


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def running_pid(server: LocalServer) -> int | None:
    try:
        pid = int(server.pid_file.read_text())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    """Whether `pid` still runs. A server this process started and that has exited stays a
    zombie until reaped, and a zombie still answers signal 0: reap it here."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:  # not our child: its parent reaps it
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def start(
    server: LocalServer,
    *,
    timeout: float = 180.0,
    heap: str | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> str:
    """Start the server unless it already runs; returns a status line (no secrets). `say` hears
    what takes long: the first fetch, and the wait for the server."""
    if running_pid(server) and _port_open(server.port):
        return f"Neo4j already running at {server.uri} (pid {running_pid(server)})"
    if _port_open(server.port):
        raise ServerError(f"port {server.port} is taken by another program; choose --port.")
    build_dir = build(server, say)
    java = find_java()
    make_private(server.home)
    heap = heap or os.environ.get("CCGRAPH_NEO4J_HEAP", "2g")
    cmd = [
        java,
        f"-Xmx{heap}",
        *JAVA_FLAGS,
        f"-Dccgraph.conf={SERVER_SRC / 'neo4j.conf'}",
        "-cp",
        f"{build_dir / 'classes'}:{build_dir / 'lib'}/*",
        "ccgraph.Launcher",
        str(server.home / "store"),
        str(server.port),
    ]
    if server.tls:
        make_certificate(server)
        cmd.append(str(server.tls_dir))
    log = open(os.open(server.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    # The password goes in on stdin so that it never shows in a process listing; umask 077 keeps
    # everything the server writes (store, system database with the credential hash, logs)
    # readable by this user only.
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        umask=0o077,
    )
    assert proc.stdin is not None
    proc.stdin.write((local_password() + "\n").encode())
    proc.stdin.close()
    write_private(server.pid_file, str(proc.pid))
    say(f"Starting Neo4j on {server.uri} (usually 10-20 s)...")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = server.log_file.read_text(errors="replace")[-2000:]
            raise ServerError(f"Neo4j exited with code {proc.returncode}; log {server.log_file}:\n{tail}")
        if b"READY" in server.log_file.read_bytes()[-4096:] and _port_open(server.port):
            return f"Neo4j {NEO4J_VERSION} running at {server.uri} (pid {proc.pid}, data {server.home})"
        time.sleep(0.2)
    stop(server)
    raise ServerError(f"Neo4j did not answer on {server.uri} within {timeout:.0f} s; see {server.log_file}")


def stop(server: LocalServer, *, timeout: float = 60.0) -> str:
    pid = running_pid(server)
    if pid is None:
        return "Neo4j is not running"
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    server.pid_file.unlink(missing_ok=True)
    return f"Neo4j stopped (pid {pid})"


def status(server: LocalServer) -> str:
    pid = running_pid(server)
    if pid and _port_open(server.port):
        return f"running at {server.uri} (pid {pid})"
    return "not running"
