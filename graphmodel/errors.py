"""One root for every failure a user can act on, so a caller catches one class.

`InputError` (bad files: file, line, field, reason), `Neo4jUnavailable` (a server that cannot be
used, or refuses the graph it holds), `ConsoleRefused` (an analyst's query that will not run) and
`ServerError` (the local server cannot start) all derive from `CcgraphError`; anything else is a
defect, which the `ccgraph` command reports as unexpected.
"""

from __future__ import annotations

__all__ = ["CcgraphError"]


class CcgraphError(Exception):
    """A failure whose message says what to do; the `ccgraph` command exits 2 with it."""
