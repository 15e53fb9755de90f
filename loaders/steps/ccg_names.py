"""The names each CCG bore, dated: its first name from the list it first appears in, then each
name a yearly lookup gives it from the 1 April that lookup is in force (01K: NHS Lancashire North
CCG, then NHS Morecambe Bay CCG from 1 April 2017)."""

from __future__ import annotations

from datetime import date

from graphmodel.model import CCG
from loaders.steps import step
from loaders.steps._context import START, Context


@step(reads=(), needs=("ccgs", "lookup_names", "stps"), provides=("ccg_names",))
def ccg_names(ctx: Context) -> None:
    renamed = 0
    for code, seen in ctx.names_seen.items():
        node = ctx.dataset.nodes.get(code)
        if not isinstance(node, CCG):
            continue
        first = node.open_date or START
        history: list[tuple[date, str]] = [] if code in ctx.later_ccgs else [(first, node.name)]
        for day, name in sorted(seen.items()):
            if not history or not _same(history[-1][1], name):
                history.append((max(day, first) if not history else day, name))
        if len(history) > 1:
            names_from, names = zip(*history)
            ctx.dataset.nodes[code] = node.model_copy(
                update={"names": names, "names_from": names_from, "name": names[-1]}
            )
            renamed += 1
    if renamed:
        ctx.report.note(
            f"{renamed} CCGs bore more than one name: each is kept with the day the lookup giving it came "
            "into force, and findings on a date show the name of that date."
        )


def _same(a: str, b: str) -> bool:
    """Whether two spellings are one name: case, "&" for "and", punctuation and a closing "CCG"
    differ between the lists without the name changing.

    >>> _same("NHS Airedale, Wharfedale and Craven", "NHS Airedale Wharfedale & Craven CCG")
    True
    >>> _same("NHS Lancashire North CCG", "NHS Morecambe Bay CCG")
    False
    """

    def plain(name: str) -> str:
        words = "".join(c if c.isalnum() else " " for c in name.lower().replace("&", " and ")).split()
        return " ".join(words[:-1] if words and words[-1] == "ccg" else words)

    return plain(a) == plain(b)
