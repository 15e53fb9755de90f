"""The two guides, followed to the letter in a copy of the repository: docs/adding-a-check.md adds
a throwaway check (its module, Cypher and case file) and docs/adding-a-source.md a throwaway
source (its manifest entry, step and fixture). Nothing else is edited; the documents are
regenerated with the one command; the tests that hold checks, cases, steps and documents then
pass in the copy with the new check and source in them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO

CHECK = '''"""A throwaway part of the rule book, added by following docs/adding-a-check.md."""

from __future__ import annotations

from graphmodel.dated import open_on
from graphmodel.model import NodeKind, Practice
from graphmodel.synthetic import Generator
from queries.check import Pair, Severity, check, plants
from queries.checks._graph import Graph, nodes_of
from queries.checks._graph import example_graph  # noqa: F401  (the docstring examples use it)

SECTION = "Transition"


@check(
    section=SECTION,
    title="No CCG is called a throwaway",
    rule="A CCG's name does not say 'Throwaway' (a rule made up to test the guide).",
    source="S1 (made up for tests/test_guides.py)",
    severity=Severity.WARNING,
    fix="Rename it.",
    reviewed="2026-12-06",
    describe=lambda ev: f"named {ev['name']!r}",
)
def zz_throwaway(graph: Graph, *, as_at: str) -> list[Pair]:
    """CCGs open on `as_at` whose name says "Throwaway".

    Evidence: `name`.

    >>> g = example_graph({"C1": ("CCG", {"name": "NHS Throwaway"}), "C2": "CCG"}, [])
    >>> zz_throwaway(g, as_at="2013-04-01")
    [('C1', {'name': 'NHS Throwaway'})]
    """
    return [
        (ccg, {"name": attrs.get("name")})
        for ccg, attrs in nodes_of(graph, NodeKind.CCG)
        if open_on(attrs, as_at) and "Throwaway" in str(attrs.get("name", ""))
    ]


@plants("zz_throwaway")
def _plant_zz_throwaway(gen: Generator) -> str:
    ccg = gen.ccg(gen.rng.choice(gen.las))
    name = f"NHS Throwaway {ccg} Clinical Commissioning Group"
    gen.ds.nodes[ccg] = gen.ds.nodes[ccg].model_copy(update={"name": name})
    return ccg
'''
CYPHER = """// CCGs open on $as_at whose name says Throwaway.
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999') AND c.name CONTAINS 'Throwaway'
RETURN c.code AS org, {name: c.name} AS evidence
"""
CASES = """# No CCG is called a throwaway (made up to test the guide).
- case: a CCG called a throwaway is reported
  set: {"organisations[code=C1].name": NHS Throwaway Clinical Commissioning Group}
  expect: [{org: C1, kind: breach, severity: warning, evidence: {name: NHS Throwaway Clinical Commissioning Group}}]
- case: a CCG closed before the date is not judged
  set:
    "organisations[code=C1].name": NHS Throwaway Clinical Commissioning Group
    "organisations[code=C1].properties.close_date": "2013-03-31"
    "memberships[practice=P1].ccg": C2
  lawful: true
"""
SOURCE = """- id: zz_throwaway_notes
  file: zz_throwaway_notes.csv
  title: Notes on CCGs (made up to test the guide)
  edition: never published
  publisher: ccgraph's tests
  url: https://example.invalid/
  schedule: never
  takes: a note per CCG, counted in the data-quality report
  required: false
"""
STEP = '''"""A throwaway step, added by following docs/adding-a-source.md."""

from __future__ import annotations

from loaders.readers.tabular import read_rows
from loaders.steps import step
from loaders.steps._context import Context


@step(reads=("zz_throwaway_notes",), needs=("ccgs",), provides=("throwaway_notes",))
def zz_throwaway_notes(ctx: Context) -> None:
    """Counts the notes on CCGs the graph has."""
    path = ctx.path("zz_throwaway_notes")
    if path is None:
        return
    tally = ctx.report.tally(path.name)
    for _, row in read_rows(path, ("code", "note"), header=True):
        tally.read += 1
        if row["code"] in ctx.dataset.nodes:
            tally.used += 1
        else:
            tally.skip("not a CCG of the graph")
'''
FIXTURE = "code,note\n02N,a note\nXXX,on nothing\n"


def _copy(to: Path) -> Path:
    """The repository's files (not its caches), with ../shared beside it as beside this one (its
    RULES.md is the rule book the documents are held to)."""
    if (REPO.parent / "shared").exists():
        (to.parent / "shared").symlink_to(REPO.parent / "shared")
    shutil.copytree(
        REPO,
        to,
        ignore=shutil.ignore_patterns(".git", "*cache*", ".hypothesis", "*.egg-info", "screenshots", "__pycache__"),
    )
    return to


def test_following_both_guides_adds_a_check_and_a_source_in_new_files_only(tmp_path):
    repo = _copy(tmp_path / "repo")
    (repo / "queries" / "checks" / "zz_throwaway.py").write_text(CHECK)
    (repo / "queries" / "checks" / "zz_throwaway.cypher").write_text(CYPHER)
    (repo / "tests" / "cases" / "zz_throwaway.yaml").write_text(CASES)
    with (repo / "loaders" / "sources.yaml").open("a") as manifest:
        manifest.write(SOURCE)
    (repo / "loaders" / "steps" / "zz_throwaway_notes.py").write_text(STEP)
    (repo / "tests" / "fixtures" / "sources" / "zz_throwaway_notes.csv").write_text(FIXTURE)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=repo, capture_output=True, text=True, timeout=600)

    written = run("-m", "ccgraph.docs")
    assert written.returncode == 0, written.stderr
    assert set(written.stdout.split()) == {"wrote", "docs/checks.md", "docs/data.md"}
    assert "zz_throwaway" in (repo / "docs" / "checks.md").read_text()
    assert "zz_throwaway_notes.csv" in (repo / "docs" / "data.md").read_text()
    tests = run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not neo4j and not browser",
        "tests/test_cases.py", "tests/test_steps.py", "tests/test_docs.py", "tests/test_checks.py",
        "queries/checks/zz_throwaway.py",
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "zz_throwaway" in run("-m", "pytest", "--collect-only", "-q", "tests/test_cases.py", "tests/test_steps.py").stdout
