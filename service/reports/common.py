"""What every report builder shares: the data date and licences of its sources."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from service.context import Context


def meta(ctx: Context, sources: list[str]) -> tuple[str, list[str]]:
    """The date of the newest fact in the graph and the licences of ``sources``."""
    graph = ctx.graph()
    wanted = set(sources)
    dates = [str(d.get("ingested_at", "")) for *_, d in graph.edges(data=True)
             if d.get("ingested_at")]
    licences = sorted({part for *_, d in graph.edges(data=True)
                       if d.get("source") in wanted and d.get("licence")
                       for part in licence_parts(str(d["licence"]))})
    return (max(dates)[:10] if dates else date.today().isoformat()), licences


def licence_parts(licence: str) -> list[str]:
    """The licences a record's licence field names, without its pointers to the sources
    (each fact's source is given with it), so that one licence is listed once.

    >>> licence_parts("Licence Ouverte (Etalab); Données publiques Sandre")
    ['Licence Ouverte (Etalab)', 'Données publiques Sandre']
    >>> licence_parts("faits paraphrasés de pages publiques (voir la source de chaque relation)")
    ['faits paraphrasés de pages publiques']
    >>> licence_parts("faits paraphrasés de pages publiques ; voir source_url")
    ['faits paraphrasés de pages publiques']
    """
    parts = (re.sub(r"\s*\(voir [^)]*\)", "", p).strip() for p in licence.split(";"))
    return [p for p in parts if p and not p.startswith("voir ")]


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def decimal(value: float, digits: int) -> str:
    """A number as French text writes it: a decimal comma.

    >>> decimal(0.2941, 3), decimal(12.5, 1)
    ('0,294', '12,5')
    """
    return f"{value:.{digits}f}".replace(".", ",")


def top_counts(counter: Counter[str], n: int | None = None) -> list[tuple[str, float]]:
    """The ``n`` most frequent, ties broken by name (``most_common`` keeps insertion order,
    which may come from a set).

    >>> top_counts(Counter({"b": 2, "a": 2, "c": 1}), 2)
    [('a', 2.0), ('b', 2.0)]
    """
    ranked = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
    return [(k, float(v)) for k, v in ranked[:n]]
