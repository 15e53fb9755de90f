"""What tests share that is not a fixture: paths, small hand-made datasets, the per-check cases,
the Neo4j console's attack list, the fuzz budget and the explorer server. Tests import from here,
never from one another."""

from __future__ import annotations

import copy
import gzip
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, settings

from graphmodel.dataset import Dataset
from loaders.bundled import BUNDLED
from loaders.manifest import sources
from loaders.scenario import Scenario, apply_authorisations, scenario_dataset

REPO = Path(__file__).resolve().parents[1]


def _example_breaks() -> frozenset[str]:
    """The checks the bundled example breaks, as its header lists them ("What breaks, by check"):
    a new check need not be broken by the example, and tests that count use this set."""
    from loaders.inputs import EXAMPLE_SCENARIO
    from queries.registry import BY_ID

    listed = re.findall(r"^#   (\w+) ", EXAMPLE_SCENARIO.read_text(encoding="utf-8"), re.M)
    return frozenset(check for check in listed if check in BY_ID)


EXAMPLE_BREAKS = _example_breaks()
REAL_DATA = Path(os.environ.get("CCGRAPH_TEST_DATA", BUNDLED / "england-2013"))  # the package's copies


def published(path: Path) -> Path | None:
    """The file of a real register, as published or as the package ships it (`NAME.gz`)."""
    return next((p for p in (path, path.with_name(path.name + ".gz")) if p.is_file()), None)


def published_text(path: Path, encoding: str = "utf-8") -> str:
    """A real register's text as published, from either copy (see `published`)."""
    found = published(path)
    assert found is not None, f"{path} not found, nor gzipped"
    raw = found.read_bytes()
    return (gzip.decompress(raw) if found.name.endswith(".gz") else raw).decode(encoding)


def open_published(path: Path, encoding: str = "utf-8") -> io.StringIO:
    """A real register opened as text for `csv`, from either copy (see `published`)."""
    return io.StringIO(published_text(path, encoding), newline="")


def folder_with(source: Path, into: Path, *, without: tuple[str, ...] = (), **files: str) -> Path:
    """A data folder `into` holding links to `source`'s files, but `files` (named as published)
    written as given and the files named in `without` left out: a real folder with one file
    broken or missing."""
    into.mkdir(parents=True, exist_ok=True)
    for file in source.iterdir():
        if file.name.removesuffix(".gz") not in (*files, *without):
            (into / file.name).symlink_to(file)
    for name, text in files.items():
        (into / name).write_text(text, encoding="utf-8")
    return into
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for servers a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def explorer_server(tmp_path: Path, **env: str) -> Iterator[int]:
    """`streamlit run app.py` from the repository, as the README says (its .streamlit config),
    on a free port; yields the port once the server accepts. `env` sets the explorer's inputs."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port)],
        stdout=(tmp_path / "server.log").open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "CCGRAPH_DATA": "", "CCGRAPH_SCENARIO": "", "CCGRAPH_EXAMPLE": "", **env},
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def build(**sections: Any) -> Dataset:
    """A validated dataset from scenario sections written inline, e.g. build(organisations=[...])."""
    scenario = Scenario.model_validate({"format": "ccgraph-scenario/1", "title": "test", **sections})
    dataset = scenario_dataset(scenario, "test.yaml")
    apply_authorisations(dataset, scenario, "test.yaml")
    dataset.validate()
    return dataset


def org(kind: str, code: str, **properties: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "code": code,
        "name": f"NHS Test {code} Clinical Commissioning Group" if kind == "CCG" else f"Test {kind} {code}",
        "illustrative": True,
        "properties": properties,
    }


def person(code: str, **flags: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Test person {code}", "illustrative": True, **flags}


BANDS = ",".join(f"{s} {b}" for b in ("0-4", "5-14") for s in ("Male", "Female"))


def write_mini_data(folder: Path) -> Path:
    """The required files, cut down to two CCGs in two authorities with three practices."""
    files = {
        "CCG_APR_2013.csv": 'CCG13CD,CCG13CDH,CCG13NM\r\nE38000001,02N,"NHS Airedale, Wharfedale and Craven"\r\nE38000002,09C,NHS Ashford\r\n',
        "CCG13_NHSAT13_NHSCR13_EW_LU.csv": "CCG13CD,CCG13NM,NHSAT13CD,NHSAT13NM,NHSCR13CD,NHSCR13NM\r\n"
        "E38000001,x,E39000009,West Yorkshire,E40000001,North of England\r\nE38000002,x,E39000022,Kent and Medway,E40000004,South of England\r\n",
        "PCO12_SHA12_EN_LU.csv": '"PCO12CD","PCO12CDO","PCO12NM","SHA12CD","SHA12CDO","SHA12NM"\r\n'
        '"E16000001","5NY","Bradford and Airedale","E18000003","Q32","Yorkshire and the Humber"\r\n',
        "LSOA11_CCG15_LAD15_EN_LU.csv": "LSOA11CD,LSOA11NM,CCG15CD,CCG15CDH,CCG15NM,LAD15CD,LAD15NM,FID\n"
        'E01010638,a,E38000001,02N,"NHS Airedale, Wharfedale and Craven CCG",E08000032,Bradford,1\n'
        'E01010639,b,E38000001,02N,"NHS Airedale, Wharfedale and Craven CCG",E07000163,Craven,2\n'
        "E01023975,c,E38000002,09C,NHS Ashford CCG,E07000105,Ashford,3\n",
        "LAD15_CTY15_EN_LU.csv": "LAD15CD,LAD15CDO,LAD15NM,CTY15CD,CTY15CDO,CTY15NM,FID\n"
        "E07000163,x,Craven,E10000023,x,North Yorkshire,1\nE07000105,x,Ashford,E10000016,x,Kent,2\n",
        "Patient_List_Size_2013_04-06.csv": "Regional Office Name,Regional Office Code,Area Team Name,Area Team Code,"
        f"PCO Name,PCO Code,Practice Name,Practice Code,{BANDS}\n"
        "N,Y54,WY,Q52,AWC,02N00,PRACTICE ONE,B82005,10,10,20,20\nN,Y54,WY,Q52,AWC,02N00,PRACTICE TWO,B82006,1,1,1,1\n"
        "S,Y57,KM,Q67,ASH,09C00,PRACTICE THREE,G82001,5,5,5,5\nS,Y57,KM,Q67,ASH,09C00,OUTREACH,Y00001,0,0,0,0\n",
    }
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


ATTACKS = [  # (query, what the refusal says)
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LoadCSV"),
    ("LOAD/**/CSV FROM 'file:///proc/self/environ' AS row RETURN row", "LoadCSV"),
    ("MATCH (`a'b`) WITH 1 AS x LOAD CSV FROM 'http://127.0.0.1:8501/' AS row RETURN row", "LoadCSV"),
    ("SHOW USERS", "administers the server"),
    ("SHOW TRANSACTIONS", "ShowTransactions"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TerminateTransactions"),
    ("SHOW SETTINGS", "ShowSettings"),
    ("CALL dbms.listConfig()", "administers the server"),
    ("CALL dbms.listConnections()", "administers the server"),
    ("CALL dbms.components()", "administers the server"),
    ("CALL db.info()", "procedure db.info"),
    ("CREATE (:Entity {code: 'X'})", "writes"),
    ("MATCH (n:CCG) SET n.name = 'changed'", "writes"),
    ("MATCH (n:Practice) DETACH DELETE n", "writes"),
    ("CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN 1 AS one", "TransactionApply"),
    ("RETURN size([x IN range(1,300000000) | [x,x,x]]) AS n", "range()"),
    ("RETURN size(reduce(s = 'x', i IN [1,2,3,4,5,6,7,8,9,10] | s + s)) AS n", "accumulator s is used twice"),
    ("MATCH (n) WITH collect(n) AS c RETURN size([a IN c | [b IN c | 1]]) AS n", "inside a comprehension"),
    ("RETURN size(replace(replace('ab', 'a', 'abab'), 'a', replace('ab', 'b', 'abab'))) AS n", "replace()"),
]


FILES = sorted(s.file for s in sources() if s.required)  # the required sources, damaged in turn
# Hostile inputs per surface (CSV folders, scenario YAML, node-link JSON), shared among that
# surface's tests: quick by default; scripts/test.sh (the CI command) runs 10,000 per surface.
# The counts run are printed at the end of the session.
FUZZ_CASES = int(os.environ.get("CCGRAPH_FUZZ_CASES", "300"))
HOSTILE_CASES: Counter[str] = Counter()
TESTS_PER_SURFACE = {  # the fuzz tests sharing each surface's cases (two are in test_hostile_input)
    "CSV folders": len(FILES),
    "scenario YAML": 4,
    "node-link JSON": 1,
    "register CSV": 1,
}


def fuzz(surface: str):
    """Hypothesis settings giving one of a surface's fuzz tests its share of the cases."""
    return settings(
        max_examples=max(1, -(-FUZZ_CASES // TESTS_PER_SURFACE[surface])),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def counted(surface: str) -> None:
    """Tally one hostile input tried on a surface (reported by conftest at the end of the run)."""
    HOSTILE_CASES[surface] += 1


# --- the per-check cases (tests/cases/<check id>.yaml) --------------------------------------------

CASES_DIR = Path(__file__).with_name("cases")


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # cases write dates quoted, as text


def baseline() -> dict[str, Any]:
    """The economy every case is laid over (cases/baseline.yaml), names and flags filled in."""
    sections = read_yaml(CASES_DIR / "baseline.yaml")
    sections["organisations"] = [_org(o) for o in sections["organisations"]]
    sections["people"] = [_person(p) for p in sections["people"]]
    return sections


def _org(entry: dict[str, Any]) -> dict[str, Any]:
    return {**org(entry["kind"], entry["code"], **entry.get("properties", {})), **entry}


def _person(entry: dict[str, Any]) -> dict[str, Any]:
    return {**person(entry["code"]), **entry}


def check_cases() -> list[tuple[str, dict[str, Any]]]:
    """(check id, case) for every case of every check, in file order."""
    return [
        (path.stem, case)
        for path in sorted(CASES_DIR.glob("*.yaml"))
        if path.name != "baseline.yaml"
        for case in read_yaml(path)
    ]


def laid_over(base: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """The baseline with a case's edits: `remove` (paths whose last step selects elements),
    then `set` (path: value, each step selecting exactly one element), then `add` (path of a
    list: items). A step is `name`, `name[index]` or `name[field=value,...]` (values as YAML).

    >>> case = {"remove": ["memberships[practice=P2]"], "set": {"memberships[practice=P1].ccg": "C2"},
    ...         "add": {"organisations": [{"kind": "Practice", "code": "P3"}]}}
    >>> edited = laid_over(baseline(), case)
    >>> edited["memberships"], edited["organisations"][-1]["name"]
    ([{'practice': 'P1', 'ccg': 'C2'}], 'Test Practice P3')
    """
    sections, case = copy.deepcopy(base), copy.deepcopy(case)  # YAML aliases share one object
    for path in case.get("remove", []):
        *parents, last = _steps(path)
        owner = _one(sections, parents, path)
        name, selector = last
        kept = [item for i, item in enumerate(owner[name]) if not _selected(i, item, selector)]
        assert len(kept) < len(owner[name]), f"remove {path!r} matches nothing"
        owner[name] = kept
    for path, value in case.get("set", {}).items():
        *parents, (name, selector) = _steps(path)
        owner = _one(sections, parents, path)
        if selector is None:
            owner[name] = value
        else:
            [index] = [i for i, item in enumerate(owner[name]) if _selected(i, item, selector)]
            owner[name][index] = value
    for path, items in case.get("add", {}).items():
        *parents, (name, _) = _steps(path)
        owner = _one(sections, parents, path)
        kind = {"organisations": _org, "people": _person}.get(name if not parents else "", dict)
        owner.setdefault(name, []).extend(kind(item) for item in items)
    return sections


def _steps(path: str) -> list[tuple[str, Any]]:
    steps = []
    for match in re.finditer(r"(\w+)(?:\[((?:[^\[\]]|\[[^\]]*\])*)\])?(?:\.|$)", path):
        name, selector = match.group(1), match.group(2)
        if selector is not None and selector.isdigit():
            steps.append((name, int(selector)))
        elif selector is not None:
            conditions = [term.partition("=") for term in _top_level_commas(selector)]
            steps.append((name, [(field, yaml.safe_load(value)) for field, _, value in conditions]))
        else:
            steps.append((name, None))
    return steps


def _top_level_commas(text: str) -> list[str]:
    parts, depth, last = [], 0, 0
    for i, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    return [*parts, text[last:]]


def _selected(index: int, item: Any, selector: Any) -> bool:
    if isinstance(selector, int):
        return index == selector
    return isinstance(item, dict) and all(item.get(field) == value for field, value in selector)


def _one(sections: dict[str, Any], steps: list[tuple[str, Any]], path: str) -> Any:
    """The one element the steps lead to (a dict)."""
    here: Any = sections
    for name, selector in steps:
        here = here.setdefault(name, {}) if selector is None else here[name]
        if selector is not None:
            chosen = [item for i, item in enumerate(here) if _selected(i, item, selector)]
            assert len(chosen) == 1, f"{path!r}: {name}[...] selects {len(chosen)} elements, not one"
            here = chosen[0]
    return here


def unmatched(findings: list[Any], expected: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Expected findings with no finding to match, and findings nothing expected. An expected
    finding names its `org` and `kind` (breach, gap or recommendation) and may give `severity`,
    `evidence` (all of it) or `evidence_has` (some keys of it) and `sources`."""
    left = list(findings)
    missing = []
    for want in expected:
        match = next((f for f in left if _matches(f, want)), None)
        if match is None:
            missing.append(want)
        else:
            left.remove(match)
    return missing, [(f.org, f.kind, f.severity.value, f.evidence) for f in left]


def _matches(finding: Any, want: dict[str, Any]) -> bool:
    return (
        finding.org == want["org"]
        and finding.kind == want["kind"]
        and want.get("severity", finding.severity.value) == finding.severity.value
        and want.get("evidence", finding.evidence) == finding.evidence
        and all(finding.evidence.get(k) == v for k, v in want.get("evidence_has", {}).items())
        and tuple(want.get("sources", finding.sources)) == tuple(finding.sources)
    )
