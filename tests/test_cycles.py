"""Successions that go round in a circle are refused, naming each row, instead of hanging a
load (the England builder follows mergers) or `history` (which follows lineage)."""

from __future__ import annotations

import subprocess
import sys

from helpers import REPO, folder_with, published_text

CCGRAPH = [sys.executable, "-m", "ccgraph.cli"]


def _ccgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CCGRAPH, *args], capture_output=True, text=True, timeout=120, cwd=REPO)


def test_a_merger_cycle_in_the_ods_successions_is_a_load_error_naming_both_rows(real_data, tmp_path):
    rows = published_text(real_data / "succ.csv")
    cycle = '"09W","09J","","20150401","0"\n"09J","09W","","20160401","0"\n'
    folder = folder_with(real_data, tmp_path / "england-2013", **{"succ.csv": rows + cycle})
    last = rows.count("\n")
    done = _ccgraph("check", "--data", str(folder))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"succ.csv:{last + 1}: field 'successor': succession cycle 09J -> 09W -> 09J" in done.stderr
    assert f"succ.csv:{last + 2}: field 'successor'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_scenario_whose_successions_form_a_cycle_is_refused_by_history(tmp_path):
    scenario = (REPO / "loaders" / "example_scenario.yaml").read_text()
    cyclic = tmp_path / "cyclic.yaml"
    cyclic.write_text(
        scenario.replace(
            "pct_successions:\n",
            "pct_successions:\n  - {pct: ILC-A, ccg: ILC-B, share: 100}\n  - {pct: ILC-B, ccg: ILC-A, share: 100}\n",
            1,
        )
    )
    line = scenario.splitlines().index("pct_successions:") + 2
    done = _ccgraph("history", "ILC-A", "--scenario", str(cyclic))
    assert done.returncode == 2
    assert f"cyclic.yaml:{line}: field 'pct_successions[0].ccg': succession cycle ILC-A -> ILC-B -> ILC-A" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr

