"""Every command in the README and in docs/ works as written.

Each ```bash block is read from the documents and run, in a copy of the repository, with the
shared data path the documents use replaced by where the data is here and `DIR` by that data
directory. `streamlit run` lines must bring the explorer up and warm it; the Neo4j block runs
against the server it starts itself. Only `bash scripts/test.sh` is not run: it is the command
running this test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ccgraph.serving import READY
from helpers import REPO, free_port

DOCUMENTS = ["README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))]
DOC_DATA = "../shared/data"  # the folder of both real data sets, as the documents write it
NOT_RUN = {"bash scripts/test.sh": "it is the command running this test"}
CHECK = re.compile(r"\bccgraph (--backend \w+ )?check\b")


def documented_blocks() -> list[tuple[str, int, list[str]]]:
    """(document, block number, command lines without comments) for every ```bash block."""
    blocks = []
    for name in DOCUMENTS:
        text = (REPO / name).read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(r"```bash\n(.*?)```", text, re.S)):
            lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.strip().splitlines()]
            blocks.append((name, number, [line for line in lines if line and line not in NOT_RUN]))
    return [block for block in blocks if block[2]]


@pytest.fixture(scope="module")
def copy(real_data, tmp_path_factory) -> Path:
    """The repository as a user has it, without its history, the shared data beside it."""
    root = tmp_path_factory.mktemp("user")
    shutil.copytree(
        REPO, root / "main", ignore=shutil.ignore_patterns(".git", ".venv", "*.egg-info", "__pycache__")
    )
    git = ["git", "-c", "user.name=ccgraph tests", "-c", "user.email=tests@invalid"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the repository as a user has it"]):
        subprocess.run([*git, *command], cwd=root / "main", check=True, capture_output=True)
    return root / "main"


def _env(real_data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCGRAPH_") or k == "CCGRAPH_NEO4J_DIR"}
    return {**env, **extra}


def _as_here(line: str, real_data: Path) -> str:
    return line.replace(DOC_DATA, str(real_data.parent)).replace(" DIR", f" {real_data}")


def _serve(line: str, cwd: Path, env: dict[str, str], log: Path) -> None:
    """A `streamlit run` line: the explorer must start and warm up (its log says so)."""
    port = free_port()
    server = subprocess.Popen(  # its own process group: the shell and the explorer stop together
        f"{line} --server.port {port}",
        shell=True,
        cwd=cwd,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and READY not in log.read_text(errors="replace"):
            assert server.poll() is None, log.read_text(errors="replace")[-2000:]
            time.sleep(0.5)
        assert READY in log.read_text(errors="replace"), log.read_text(errors="replace")[-2000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.neo4j
@pytest.mark.parametrize("document, number, lines", documented_blocks(), ids=lambda v: str(v)[:40])
def test_every_documented_command_works_as_written(document, number, lines, copy, real_data, tmp_path):
    env = _env(real_data)
    if any(line.startswith("ccgraph neo4j start") for line in lines):
        for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
            env.pop(name, None)  # as a new user has it: the server this block starts, its own password
    before = _status(copy)
    for line in (_as_here(line, real_data) for line in lines):
        if "streamlit run" in line:
            _serve(line, copy, env, tmp_path / "explorer.log")
            continue
        run = subprocess.run(line, shell=True, cwd=copy, env=env, capture_output=True, text=True, timeout=600)
        out = run.stdout + run.stderr
        allowed = {0, 1} if CHECK.search(line) else {0}  # `check` exits 1 when it finds errors
        assert run.returncode in allowed, f"{document}: `{line}` exited {run.returncode}:\n{out[-3000:]}"
        assert "Traceback" not in out and "Error:" not in out, f"{document}: `{line}`:\n{out[-3000:]}"
    assert _status(copy) == before, f"{document}: block {number} wrote into the repository"


def _status(root: Path) -> str:
    """What `git status` says of the copy: it must say nothing after a documented command."""
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_the_documents_hold_the_commands_a_user_runs():
    commands = [line for _, _, lines in documented_blocks() for line in lines]
    assert sum(bool(CHECK.search(line)) for line in commands) >= 5
    assert any("streamlit run" in line for line in commands) and any(
        "neo4j start" in line for line in commands
    )
