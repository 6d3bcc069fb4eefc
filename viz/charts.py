"""Small SVG pictures for the reports: bar charts and a network picture. Pure functions;
every text is XML-escaped, so names stay data."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from viz.network import STYLE


def bars(title: str, data: Sequence[tuple[str, float]], width: int = 640, bar: int = 18) -> str:
    """A horizontal bar chart.

    >>> svg = bars("Pays", [("Sénégal", 3), ("<b>", 1)])
    >>> "&lt;b&gt;" in svg and "<b>" not in svg
    True
    """
    if not data:
        return ""
    label_width, gap = 200, 6
    top = 28
    height = top + len(data) * (bar + gap) + 10
    biggest = max(v for _, v in data) or 1
    scale = (width - label_width - 60) / biggest
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(data):
        y = top + i * (bar + gap)
        w = max(1.0, value * scale)
        parts.append(f'<text x="{label_width - 6}" y="{y + bar - 5}" font-size="11" '
                     f'text-anchor="end">{escape(label[:34])}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar}" '
                     'fill="#2166ac"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + bar - 5}" font-size="11">'
                     f'{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(title: str, data: Sequence[tuple[str, float]], width: int = 640,
            height: int = 220) -> str:
    """A vertical bar chart (a timeline: one column per year, labels below).

    >>> svg = columns("Relations", [("2024", 3), ("2025", 0)])
    >>> svg.count("<rect"), ">2025<" in svg
    (2, True)
    """
    if not data:
        return ""
    top, bottom, left = 28, 34, 8
    slot = (width - 2 * left) / len(data)
    biggest = max(v for _, v in data) or 1
    scale = (height - top - bottom - 14) / biggest
    every = max(1, round(len(data) / 16))  # a label every few years when there are many
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(data):
        x = left + i * slot
        h = value * scale
        y = height - bottom - h
        parts.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{max(1.0, slot - 4):.1f}" '
                     f'height="{h:.1f}" fill="#2166ac"><title>{escape(label)} : {value:g}'
                     '</title></rect>')
        if value:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{value:g}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" '
                         f'font-size="10" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def network_picture(nodes: list[dict[str, object]], edges: list[dict[str, object]],
                    width: int = 640, height: int = 420) -> str:
    """A static drawing of a small view (positions from the server layout)."""
    if not nodes:
        return ""
    xs = [float(n["x"]) for n in nodes]  # type: ignore[arg-type]
    ys = [float(n["y"]) for n in nodes]  # type: ignore[arg-type]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (width - 80) / max(x1 - x0, 1)
    sy = (height - 40) / max(y1 - y0, 1)
    s = min(sx, sy)
    place = {str(n["key"]): (40 + (float(n["x"]) - x0) * s,  # type: ignore[arg-type]
                             20 + (float(n["y"]) - y0) * s) for n in nodes}  # type: ignore[arg-type]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="réseau">']
    for e in edges:
        a, b = place.get(str(e["source"])), place.get(str(e["target"]))
        if a and b:
            parts.append(f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
                         'stroke="#bbb" stroke-width="0.7"/>')
    for n in nodes:
        x, y = place[str(n["key"])]
        colour = STYLE.get(str(n["kind"]), ("", "#999"))[1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
        parts.append(f'<text x="{x + 7:.1f}" y="{y + 3:.1f}" font-size="8">'
                     f'{escape(str(n["name"])[:28])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def choropleth(features: list[dict[str, object]], view_box: str, colour: dict[str, str],
               width: int = 520) -> str:
    """A map: SVG paths (from :mod:`viz.maps`) filled by key."""
    _, _, w, h = (float(v) for v in view_box.split())
    height = int(width * h / w)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="{escape(view_box)}" role="img" aria-label="carte">']
    for f in features:
        fill = colour.get(str(f["key"]), "#eeeeee")
        parts.append(f'<path d="{f["d"]}" fill="{fill}" stroke="#fff" stroke-width="0.5">'
                     f'<title>{escape(str(f["name"]))}</title></path>')
    parts.append("</svg>")
    return "".join(parts)
