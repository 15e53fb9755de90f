"""`ccgraph summary` as a table, CSV or JSON (`graphmodel.summary` counts it)."""

from __future__ import annotations

import json
from typing import Any

from graphmodel.errors import CcgraphError
from graphmodel.summary import NOT_PLACED
from graphmodel.text import csv_table, one_line

__all__ = ["summary_chart", "summary_text"]

COLUMNS = ("code", "name", "commissioners", "practices", "patients", "population", "population_complete")


def summary_text(result: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False)
    rows = [*result["rows"], result["total"]]
    if fmt == "csv":
        return csv_table(COLUMNS, ([row[c] for c in COLUMNS] for row in rows))
    if fmt != "table":
        raise CcgraphError(f"unknown format {fmt!r}; use table, json, csv")
    lines = [
        f"By {result['by']} on {result['date']} ({result['commissioners']} are the commissioners)",
        "",
        f"{'':11} {'name':48} {'commissioners':>13} {'practices':>9} {'patients':>11} {'population':>11}",
    ]
    for row in rows:
        code = "" if row["code"] == NOT_PLACED else row["code"][:11]
        counts = f"{row['commissioners']:>13,} {row['practices']:>9,} {_count(row['patients']):>11}"
        population = f"{_count(row['population']):>11}" + ("" if row["population_complete"] else "*")
        lines.append(one_line(f"{code:11} {row['name'][:48]:48} {counts} {population}"))
    notes = []
    if any(row["code"] == NOT_PLACED for row in rows):
        notes.append(
            f"{NOT_PLACED}: no link in the sources places these commissioners at this level on that day."
        )
    if result["patients_from"]:
        notes.append(f"patients: {result['patients_from']}.")
    else:
        notes.append("patients: registered patients are known here for April-June 2013 only (NHSBSA).")
    notes.append(
        "population: residents in the mid-year LSOA estimate nearest the date; "
        "* not known for every commissioner."
    )
    return "\n".join([*lines, "", *notes])


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def summary_chart(result: dict[str, Any], measure: str = "practices") -> Any:
    """A bar per body (not-placed ones included, so the bars add up to England) of `measure`:
    practices, patients, population or commissioners.

    >>> rows = [{"code": "R", "name": "North", "practices": 3}]
    >>> rows += [{"code": NOT_PLACED, "name": NOT_PLACED, "practices": 1}]
    >>> [v["name"] for v in summary_chart({"rows": rows})["data"]["values"]]
    ['North', '(not placed)']
    """
    import altair as alt

    values = [
        {"name": r["name"], "code": r["code"], measure: r[measure]}
        for r in result["rows"]
        if r[measure] is not None
    ]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X(f"{measure}:Q", title=measure),
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),  # names whole
            tooltip=["code:N", "name:N", alt.Tooltip(f"{measure}:Q", format=",")],
        )
        .to_dict()
    )
