"""Findings over time as the command line writes them (`ccgraph timeline --findings`, `ccgraph
history CODE --findings`): each finding with the first and last day it held."""

from __future__ import annotations

import json
from typing import Any

from graphmodel.errors import CcgraphError
from graphmodel.text import csv_table, one_line

__all__ = ["COLUMNS", "spans_text"]

COLUMNS = ("check", "kind", "severity", "org", "org_name", "first", "last", "message")


def spans_text(spans: list[dict[str, Any]], fmt: str) -> str:
    """`spans` (each `Span.as_dict()`) as a table, CSV or JSON (`ccgraph-findings-over-time/1`).

    >>> span = {"check": "c", "kind": "breach", "severity": "error", "org": "09W", "org_name": "NHS Medway",
    ...         "first": "2013-04-01", "last": "2020-03-31", "message": "no nurse", "evidence": {}}
    >>> print(spans_text([span], "table"))
    2013-04-01 to 2020-03-31  breach  error  c  09W NHS Medway: no nurse
    """
    if fmt == "json":
        return json.dumps({"format": "ccgraph-findings-over-time/1", "spans": spans}, indent=1)
    if fmt == "csv":
        return csv_table(COLUMNS, ([s[c] for c in COLUMNS] for s in spans))
    if fmt != "table":
        raise CcgraphError(f"unknown format {fmt!r}; use table, json or csv")
    return "\n".join(
        one_line(
            f"{s['first']} to {s['last']}  {s['kind']}  {s['severity']}  {s['check']}  {s['org']} {s['org_name']}: "
            f"{s['message']}"
        )
        for s in spans
    ) or "no findings on any day"
