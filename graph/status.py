"""How current a relation is, from the periods its sources state.

A relation carries the years its source cites (``years``), the first one (``since``), the
end of a closed range (``until``: « 2024-2027 », a planned end, not proof of a stop), the
year the source *says* it ended (``ended``: « arrêté depuis 2007 »), and whether the
source says it goes on (``ongoing``: « depuis 1961 », « 2013- »). What a
user asks is about a *pair* (an actor and a partner): the latest attestation across every
relation between them wins, so a 1990 twinning renewed by a 2025 agreement is active.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx

from graph.model import COLLECTIVITE_KINDS, INTERNATIONAL_RELS

#: How sources say a relation goes on (« depuis 1961 », « 2013- », « en cours »).
ONGOING = re.compile(r"depuis|since|-\s*$|à ce jour|en cours", re.IGNORECASE)
#: A pair attested within this many years is active, whatever its period says.
RECENT_YEARS = 5


class Status(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    UNKNOWN = "unknown"


STATUS_FR = {Status.ACTIVE: "active", Status.ENDED: "arrêtée", Status.UNKNOWN: "à vérifier"}


def last_year(data: dict[str, Any]) -> int | None:
    """The last year a relation's source cites.

    >>> last_year({"years": [1961, 2023]}), last_year({})
    (2023, None)
    """
    years = data.get("years")
    if isinstance(years, list) and years:
        return max(int(y) for y in years)
    return None


def cited_years(data: dict[str, Any]) -> list[int]:
    """The years a relation's source cites (its start when it gives only that).

    >>> cited_years({"years": [1964, 2019]}), cited_years({"since": 1990}), cited_years({})
    ([1964, 2019], [1990], [])
    """
    years = data.get("years")
    if isinstance(years, list):
        return [int(y) for y in years]
    return [int(data["since"])] if isinstance(data.get("since"), int) else []


def last_mention(data: dict[str, Any]) -> int | None:
    """The last year any source attests a relation: the years its statements cite, and
    the years a dated list names it without saying more (``seen``: a Wikidata extract of
    2017 lists the twinning). A mention is not activity: it keeps a pair from being called
    stale, it does not make it active.

    >>> last_mention({"years": [1947], "seen": [2017]}), last_mention({"seen": [2017]})
    (2017, 2017)
    """
    found = [int(y) for name in ("years", "seen") for y in data.get(name) or []]
    return max(found) if found else None


def relation_status(data: dict[str, Any], year: int) -> Status:
    """The status of one relation in ``year``.

    >>> relation_status({"years": list(range(1989, 2008)), "ended": 2007}, 2026)
    <Status.ENDED: 'ended'>
    >>> relation_status({"years": [1990, 1991], "until": 1991}, 2026)  # a range, no end said
    <Status.UNKNOWN: 'unknown'>
    >>> relation_status({"years": [2024, 2025, 2026, 2027], "until": 2027}, 2026)
    <Status.ACTIVE: 'active'>
    >>> relation_status({"years": [1990]}, 2026)
    <Status.UNKNOWN: 'unknown'>
    >>> relation_status({"years": [2023]}, 2026)
    <Status.ACTIVE: 'active'>
    """
    last = last_year(data)
    until, ended = data.get("until"), data.get("ended")
    if isinstance(ended, int) and ended <= year:
        return Status.ENDED
    if (isinstance(until, int) and until >= year) or \
            (last is not None and year - last < RECENT_YEARS):
        return Status.ACTIVE
    if data.get("ongoing") or ONGOING.search(str(data.get("period", ""))):
        return Status.ACTIVE
    return Status.UNKNOWN


@dataclass(frozen=True)
class PairStatus:
    """An actor–partner pair: its status, the latest year attested and the relation that
    attests it."""

    actor: str
    partner: str
    status: Status
    last_year: int | None
    ended_in: int | None
    relation: str
    source: str | None


def pair_statuses(graph: nx.MultiDiGraph, year: int) -> list[PairStatus]:
    """Every pair of a French collectivité and a partner with a dated international
    relation, sorted by actor then partner. An active relation makes the pair active;
    otherwise the relation with the latest year decides (ended if it stated its end)."""
    pairs: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for u, v, key, d in graph.edges(keys=True, data=True):
        if d.get("type") in INTERNATIONAL_RELS and \
                graph.nodes[u].get("kind") in COLLECTIVITE_KINDS and last_mention(d) is not None:
            pairs[(u, v)].append((str(key), d))
    out = []
    for (actor, partner), rels in sorted(pairs.items()):
        statuses = [(relation_status(d, year), last_mention(d) or 0, key, d) for key, d in rels]
        active = [s for s in statuses if s[0] == Status.ACTIVE]
        chosen = max(active or statuses, key=lambda s: (s[1], s[2]))
        status, _, key, d = chosen
        ended = d.get("ended")
        out.append(PairStatus(actor, partner, status, max(s[1] for s in statuses),
                              ended if status == Status.ENDED and isinstance(ended, int)
                              else None, key, str(d["source"]) if d.get("source") else None))
    return out
