"""Maps without tiles: the bundled TopoJSON decoded to SVG paths on the server.

Pure functions: a TopoJSON document in, features with an SVG ``d`` attribute out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "static" / "data"
NA_FILE = DATA / "na-2026-light.topojson"
WORLD_FILE = DATA / "world-110m.topojson"
NA_LAYERS = ("departements", "epci", "communes")
#: The région whose shapes are bundled (``na-2026-light.topojson``): other régions have
#: no map of their own until their shapes are added.
MAPPED_REGION = "75"


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


Projection = Callable[[float, float], tuple[float, float]]

# Equal Earth (Šavrič, Patterson, Jenny 2018): equal-area, for a world map whose sizes do
# not lie (Russia is not bigger than Africa)
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth coordinates (unit sphere, y up) of a point in degrees.

    >>> [round(v, 4) for v in equal_earth(0, 0)]
    [0.0, 0.0]
    >>> x, y = equal_earth(180, 0); round(x, 4)
    2.7066
    >>> round(equal_earth(0, 90)[1], 4)
    1.3174
    """
    lam, theta = math.radians(lon), math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def plate_carree(mean_lat: float) -> Projection:
    """Equirectangular at a map's mean latitude: right for a region's extent."""
    kx = math.cos(math.radians(max(min(mean_lat, 60), -60)))
    return lambda lon, lat: (lon * kx, lat)


def to_svg(topology: dict[str, Any], layer: str, width: float = 1000.0,
           local: bool = True) -> tuple[list[dict[str, Any]], str]:
    """Features of one layer as SVG paths, the ``viewBox`` that frames them and, for each,
    the point where its name goes (the median point of its largest ring) and that ring's
    extent (to name the largest ones).

    ``local`` maps are equirectangular at their mean latitude; the world is Equal Earth.
    A ring that crosses the antimeridian is split rather than drawn across the whole map."""
    arcs = decode_arcs(topology)
    geometries = topology["objects"][layer]["geometries"]
    rings = [[_ring(arcs, ring) for ring in polygon] for g in geometries for polygon in _polygons(g)]
    ys = [y for poly in rings for ring in poly for _, y in ring]
    projection = plate_carree((min(ys) + max(ys)) / 2) if local else equal_earth
    projected = [projection(x, y) for poly in rings for ring in poly for x, y in ring]
    x0, x1 = min(p[0] for p in projected), max(p[0] for p in projected)
    y0, y1 = min(p[1] for p in projected), max(p[1] for p in projected)
    scale = width / (x1 - x0)
    height = (y1 - y0) * scale

    def to_screen(lon: float, lat: float) -> tuple[float, float]:
        x, y = projection(lon, lat)
        return (x - x0) * scale, (y1 - y) * scale

    features = []
    for geometry in geometries:
        parts = []
        anchor, biggest = (0.0, 0.0), -1.0
        for polygon in _polygons(geometry):
            for ring in polygon:
                pts = _ring(arcs, ring)
                if not pts:
                    continue
                screen = [to_screen(x, y) for x, y in pts]
                path = f"M{screen[0][0]:.1f},{screen[0][1]:.1f}"
                for ((xa, _), (xb, _)), (sx, sy) in zip(pairwise(pts), screen[1:], strict=True):
                    path += ("M" if abs(xb - xa) > 180 else "L") + f"{sx:.1f},{sy:.1f}"
                parts.append(path + "Z")
                across, down = sorted(p[0] for p in screen), sorted(p[1] for p in screen)
                area = (across[-1] - across[0]) * (down[-1] - down[0])
                if area > biggest:
                    # the median point: inside most shapes, and not thrown to the middle
                    # of the map by a ring split at the antimeridian
                    biggest = area
                    anchor = (across[len(across) // 2], down[len(down) // 2])
        props = dict(geometry.get("properties") or {})
        if "id" in geometry:
            props.setdefault("id", geometry["id"])
        features.append({"properties": props, "d": "".join(parts),
                         "anchor": [round(anchor[0], 1), round(anchor[1], 1)],
                         "extent": round(biggest, 1)})
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
