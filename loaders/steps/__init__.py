"""The steps that build England from the public files, each a unit in a module of its own.

A step is a function over the build context (`loaders.steps._context.Context`) registered with
`@step`, declaring the manifest sources it reads, the facts it needs and the facts it provides.
The order the steps run in comes from those declarations (a step runs after every step that
provides what it needs); importing this package finds every module in it, so a new step is a
new file, listed nowhere. docs/adding-a-source.md walks through adding one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from loaders.steps._context import Context

__all__ = ["Step", "ordered", "registered", "step"]


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], None]
    reads: tuple[str, ...]  # manifest source ids
    needs: tuple[str, ...]  # facts other steps provide
    provides: tuple[str, ...]  # facts for the steps after it


_STEPS: dict[str, Step] = {}


def step(
    *, reads: tuple[str, ...], needs: tuple[str, ...] = (), provides: tuple[str, ...] = ()
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Register the decorated function as a loading step; its name is the step's name."""

    def register(function: Callable[[Context], None]) -> Callable[[Context], None]:
        if function.__name__ in _STEPS:
            raise ValueError(f"loading step {function.__name__!r} is registered twice")
        _STEPS[function.__name__] = Step(function.__name__, function, reads, needs, provides)
        return function

    return register


def registered() -> dict[str, Step]:
    """Every step, by name (the package's modules imported first)."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(_STEPS)


def ordered() -> list[Step]:
    """The steps in an order where each runs after every step providing a fact it needs.

    >>> names = [s.name for s in ordered()]
    >>> names.index("pcts") < names.index("practices"), names.index("icbs") < names.index("area_cover")
    (True, True)
    """
    steps = registered()
    provider = {fact: s.name for s in steps.values() for fact in s.provides}
    unknown = sorted(
        {f"{s.name} needs {fact}" for s in steps.values() for fact in s.needs if fact not in provider}
    )
    if unknown:
        raise ValueError(f"loading steps need facts no step provides: {'; '.join(unknown)}")
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for s in steps.values():
        sorter.add(s.name, *(provider[fact] for fact in s.needs))
    try:
        return [steps[name] for name in sorter.static_order()]
    except CycleError as err:
        raise ValueError(f"loading steps need one another in a cycle: {err.args[1]}") from None
