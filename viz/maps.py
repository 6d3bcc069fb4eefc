"""Maps without tiles: the bundled TopoJSON decoded to SVG paths on the server.

Pure functions: a TopoJSON document in, features with an SVG ``d`` attribute out.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "static" / "data"
NA_FILE = DATA / "na-2026-light.topojson"
WORLD_FILE = DATA / "world-110m.topojson"
NA_LAYERS = ("departements", "epci", "communes")


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every arc (delta-decoded, then transformed).

    >>> topo = {"transform": {"scale": [2, 1], "translate": [10, 0]},
    ...         "arcs": [[[0, 0], [1, 1], [1, 0]]]}
    >>> decode_arcs(topo)
    [[(10, 0), (12, 1), (14, 1)]]
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def to_svg(topology: dict[str, Any], layer: str, width: float = 1000.0,
           local: bool = True) -> tuple[list[dict[str, Any]], str]:
    """Features of one layer as SVG paths and the ``viewBox`` that frames them.

    Equirectangular; ``local`` maps are scaled at their mean latitude. A ring that crosses
    the antimeridian is split rather than drawn across the whole map."""
    arcs = decode_arcs(topology)
    geometries = topology["objects"][layer]["geometries"]
    rings = [[_ring(arcs, ring) for ring in polygon] for g in geometries for polygon in _polygons(g)]
    xs = [x for poly in rings for ring in poly for x, _ in ring]
    ys = [y for poly in rings for ring in poly for _, y in ring]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    kx = math.cos(math.radians(max(min((y0 + y1) / 2, 60), -60))) if local else 1.0
    scale = width / ((x1 - x0) * kx)
    height = (y1 - y0) * scale

    def project(x: float, y: float) -> str:
        return f"{(x - x0) * kx * scale:.1f},{(y1 - y) * scale:.1f}"

    features = []
    for geometry in geometries:
        parts = []
        for polygon in _polygons(geometry):
            for ring in polygon:
                pts = _ring(arcs, ring)
                if not pts:
                    continue
                path = "M" + project(*pts[0])
                for (xa, _), (xb, yb) in pairwise(pts):
                    path += ("M" if abs(xb - xa) > 180 else "L") + project(xb, yb)
                parts.append(path + "Z")
        props = dict(geometry.get("properties") or {})
        if "id" in geometry:
            props.setdefault("id", geometry["id"])
        features.append({"properties": props, "d": "".join(parts)})
    return features, f"0 0 {width:.0f} {height:.0f}"


@lru_cache(maxsize=8)
def na_layer(layer: str) -> tuple[tuple[dict[str, Any], ...], str]:
    if layer not in NA_LAYERS:
        raise ValueError(f"couche inconnue : {layer}")
    features, box = to_svg(json.loads(NA_FILE.read_text(encoding="utf-8")), layer)
    return tuple(features), box


@lru_cache(maxsize=1)
def world_layer() -> tuple[tuple[dict[str, Any], ...], str]:
    features, box = to_svg(json.loads(WORLD_FILE.read_text(encoding="utf-8")), "countries",
                           width=1200.0, local=False)
    return tuple(features), box
