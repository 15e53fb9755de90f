"""`ccgraph crosswalk` as a table, CSV or JSON (`graphmodel.crosswalk` computes it)."""

from __future__ import annotations

import json
from typing import Any

from graphmodel.errors import CcgraphError
from graphmodel.text import csv_table, one_line

__all__ = ["crosswalk_text"]

UNITS = {"practices": "practices", "lsoas": "LSOAs", "population": "residents"}  # as a table says them


def crosswalk_text(result: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False)
    if fmt == "csv":
        columns = ("from", "from_name", "to", "to_name", result["weight"], "share")
        return csv_table(columns, ([row[c] for c in columns] for row in result["rows"]))
    if fmt != "table":
        raise CcgraphError(f"unknown format {fmt!r}; use table, json, csv")
    weight, units = result["weight"], UNITS[result["weight"]]
    lines = [
        f"Crosswalk: each {result['from']} on {result['first']} -> the {result['to']}s holding its {units} on "
        f"{result['second']} (share of its {units} placed on both days)",
        "",
    ]
    for row in result["rows"]:
        lines.append(
            one_line(
                f"  {row['from']:>9} {row['from_name'][:40]:40} -> {row['to']:>9} {row['to_name'][:44]:44} "
                f"{row['share']:>6.2f}%  ({row[weight]:,} {units})"
            )
        )
    if result["unplaced"]:
        total = sum(result["unplaced"].values())
        lines += [
            "",
            f"Not placed: {total:,} {units} of {len(result['unplaced'])} bodies had closed, or had no "
            f"{result['to']}, by {result['second']} (not counted in the shares; all of them with --format json)",
        ]
    return "\n".join(lines)
