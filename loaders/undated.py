"""No body the data sees born is left without its opening day: a CCG, STP, sub-ICB location,
integrated care board, reporting entity, NHS England team or region, or Health and Wellbeing
Board read from the public files must carry the day it opened (a source's or the statute's), or
the load fails naming where it was read. Bodies older than the data (PCTs, SHAs, local
authorities, practices opened before 2013) may have none: the graph begins on 1 April 2013."""

from __future__ import annotations

from graphmodel.dataset import Dataset, InputError, Problem
from graphmodel.model import NodeKind

__all__ = ["BORN_IN_THE_DATA", "refuse_undated"]

BORN_IN_THE_DATA = frozenset(
    {
        NodeKind.CCG,
        NodeKind.STP,
        NodeKind.SUB_ICB_LOCATION,
        NodeKind.ICB,
        NodeKind.SUB_ICB_REPORTING_ENTITY,
        NodeKind.AREA_TEAM,
        NodeKind.REGION,
        NodeKind.HWB,
        NodeKind.LSOA_GROUP,
    }
)


def refuse_undated(dataset: Dataset) -> None:
    """Raise `InputError` for each body of `BORN_IN_THE_DATA` without an opening day.

    >>> from graphmodel.dataset import Location
    >>> from graphmodel.model import STP
    >>> d = Dataset()
    >>> d.add_node(STP(code="E54000001", name="An STP"), Location("CCG17_STP17_EN_LU.csv", 2))
    >>> refuse_undated(d)
    Traceback (most recent call last):
    ...
    graphmodel.dataset.InputError: 1 problem(s) in the input:
      CCG17_STP17_EN_LU.csv:2: field 'open_date': STP E54000001 has no opening day in any source here
    """
    problems = [
        Problem(dataset.origins[code], "open_date", f"{node.kind} {code} has no opening day in any source here")
        for code, node in dataset.nodes.items()
        if node.kind in BORN_IN_THE_DATA and getattr(node, "open_date", None) is None
    ]
    if problems:
        raise InputError(problems)
