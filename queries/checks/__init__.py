"""The built-in checks, one module per part of the rule book (RULES.md), each check a plain
function over the NetworkX graph with its Cypher twin beside its module (`<check id>.cypher`).

Each function takes the graph and keyword parameters and returns `(org, evidence)` pairs: the
code of the organisation the finding is about and a JSON-able dict of evidence. The Cypher twin
must return the same pairs; `queries.registry` ties them together and turns pairs into findings.
Evidence with `"recorded": False` marks a data gap (nothing recorded to check), reported as `info`.

Importing this package imports every module in it, and so registers their checks through the
same hooks (`queries.check`) an extension uses: a new module is a new file, listed nowhere.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
