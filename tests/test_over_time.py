"""Findings over time (queries.over_time): each finding with the first and last day it held,
computed only on the days something changes, is what `check` finds on any day."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from helpers import baseline, build

from ccgraph.cli import main
from ccgraph.core import System
from graphmodel.nx_graph import build_graph
from queries.over_time import findings_over_time
from queries.registry import BY_ID, CHECKS


def spans_on(spans, day):
    return sorted((s.finding.check, s.finding.org, json.dumps(s.finding.evidence, sort_keys=True))
                  for s in spans if s.first <= day <= s.last)


def found_on(system, day):
    return sorted((f.check, f.org, json.dumps(f.evidence, sort_keys=True)) for f in system.check(as_at=day).findings)


def test_a_practice_that_leaves_its_ccg_is_in_none_from_the_next_day_until_ccg_rules_end():
    s = baseline()
    s["memberships"][0]["valid_to"] = "2015-03-31"  # P1 leaves C1 and joins no other
    graph = build_graph(build(**s))
    [span] = findings_over_time(graph, [BY_ID["practice_single_membership"]], date(2013, 4, 1), date(2026, 4, 1))
    assert (span.finding.org, span.first, span.last) == ("P1", date(2015, 4, 1), date(2022, 6, 30))


def test_a_finding_whose_evidence_changes_is_two_spans():
    s = baseline()  # C1's nurse leaves at the end of 2016: from then C1 misses a role
    for member in s["governing_bodies"][0]["members"]:
        if member["roles"] == ["registered_nurse"]:
            member["valid_to"] = "2016-12-31"
    graph = build_graph(build(**s))
    spans = findings_over_time(graph, [BY_ID["governing_body_roles"]], date(2013, 4, 1), date(2026, 4, 1))
    # missing the nurse under the 2012 rules; from 14 April 2022 the specialist suffices
    assert [(s.finding.org, s.first, s.last, s.finding.evidence["missing"]) for s in spans] == [
        ("C1", date(2017, 1, 1), date(2022, 4, 13), ["registered_nurse"]),
    ]


@pytest.fixture(scope="module")
def england():
    return System.open()


@pytest.fixture(scope="module")
def england_over_time(england):
    return england.findings_over_time()


def test_every_day_has_the_findings_check_gives_it(england, england_over_time):
    first, last = england.coverage
    rng = random.Random(26)
    days = {first, last, date(2022, 4, 13), date(2022, 4, 14), date(2022, 6, 30), date(2022, 7, 1), date(2026, 3, 31)}
    days |= {first + timedelta(days=rng.randrange((last - first).days + 1)) for _ in range(12)}
    for day in sorted(days):
        assert spans_on(england_over_time, day) == found_on(england, day), day


def test_the_command_line_says_since_when_and_until_when():
    result = CliRunner().invoke(
        main, ["timeline", "--findings", "--only", "boundary_crossing_ccgs", "--format", "json"], catch_exceptions=False
    )
    spans = json.loads(result.stdout)["spans"]
    [stockton] = [s for s in spans if s["org"] == "00K"]  # Hartlepool and Stockton-on-Tees, merged in 2020
    assert (stockton["first"], stockton["last"]) == ("2013-04-01", "2020-03-31") and stockton["kind"] == "breach"
    history = CliRunner().invoke(main, ["history", "00K", "--findings"], catch_exceptions=False)
    assert "2013-04-01 to 2020-03-31  breach  warning  boundary_crossing_ccgs  00K" in history.stdout
    assert CliRunner().invoke(main, ["timeline", "--only", "ccg_name"]).exit_code == 2  # --only needs --findings
    assert {s["check"] for s in spans} == {"boundary_crossing_ccgs"} and len(CHECKS) > 1
