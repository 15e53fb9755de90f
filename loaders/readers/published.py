"""Published facts about 2012-13, each with the page it was read on and a quote (headered CSV).

The curated folder's SOURCES.md says how each was found. One reader per file; the loading step
`published_facts` (loaders/steps/) turns the rows into the model, keeping each fact's
`source_url` and `quote` with it.
"""

from __future__ import annotations

from pathlib import Path

from graphmodel.dataset import Location
from loaders.readers.tabular import read_rows

Rows = list[tuple[Location, dict[str, str]]]
SOURCED = ("source_url", "quote")


def authorisations(path: Path) -> Rows:
    """authorisation_2013.csv: a CCG's wave, announcement and outcome (`no conditions`,
    `conditions`, `directions`), as far as a source states them."""
    columns = ("ccg_code", "ccg_name", "wave", "announced", "outcome", "conditions_count", *SOURCED)
    return read_rows(path, columns, header=True)


def pct_clusters(path: Path) -> Rows:
    """pct_clusters_2012.csv: a PCT and the cluster that managed it."""
    return read_rows(path, ("cluster_name", "pct_code", "pct_name", *SOURCED), header=True)


def commissioning_support(path: Path) -> Rows:
    """csu_2013.csv: a CCG and its commissioning support unit ('(in-house ...)' when it kept
    support in-house)."""
    return read_rows(path, ("csu_name", "ccg_code", "ccg_name", *SOURCED), header=True)


def directions(path: Path) -> Rows:
    """collaborations_2013.csv: arrangements made under legal directions, one row per party."""
    columns = ("arrangement", "role", "ccg_codes", "ccg_names", "counterparty", "as_at", *SOURCED)
    return read_rows(path, columns, header=True)
