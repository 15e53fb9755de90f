"""Areas drawn as one shape: the 2013 CCG boundaries each body held on a date, merged (a union
of polygons with shapely), so that a merged CCG or an integrated care board is one outline.

>>> square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
>>> beside = [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 0.0)]
>>> merged = dissolve({"A": [square], "B": [beside]}, {"A": "AB", "B": "AB"})
>>> list(merged), len(merged["AB"])
(['AB'], 1)
"""

from __future__ import annotations

from collections import defaultdict

from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import unary_union

__all__ = ["dissolve"]

Ring = list[tuple[float, float]]
GAP = 0.0005  # degrees (about 50 m): slivers between neighbouring boundaries are closed, then given back
DETAIL = 0.001  # degrees: the outline's points kept (about 100 m), plenty at the size a map is drawn


def dissolve(shapes: dict[str, list[Ring]], holder: dict[str, str]) -> dict[str, list[Ring]]:
    """The polygons of `shapes` (code -> rings) merged per holder (code -> holder; a code with no
    holder stands for itself): holder -> the outer rings of its one shape."""
    groups: dict[str, list[Polygon]] = defaultdict(list)
    for code, rings in shapes.items():
        groups[holder.get(code, code)] += [Polygon(ring).buffer(0) for ring in rings if len(ring) >= 4]
    merged: dict[str, list[Ring]] = {}
    for body, polygons in sorted(groups.items()):
        shape = unary_union(polygons).buffer(GAP).buffer(-GAP).simplify(DETAIL)
        parts = shape.geoms if isinstance(shape, MultiPolygon) else [shape]
        merged[body] = [[(x, y) for x, y in part.exterior.coords] for part in parts if not part.is_empty]
    return merged
