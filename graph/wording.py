"""The French words of the analyses: names (homonyms told apart), and the sentence for
each shared item or each item of one actor. Pure functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import networkx as nx

from graph.labels import country_in


def count(n: int, word: str, plural: str | None = None) -> str:
    """« 1 département », « 3 départements » (French: 0 and 1 are singular).

    >>> count(1, "lien connu", "liens connus"), count(3, "département"), count(0, "élément")
    ('1 lien connu', '3 départements', '0 élément')
    """
    return f"{n} {word if n <= 1 else plural or word + 's'}"


def name(graph: nx.MultiDiGraph, key: str) -> str:
    return str(graph.nodes[key].get("name", key)) if key in graph else key


def names(graph: nx.MultiDiGraph, keys: Sequence[str]) -> list[str]:
    """The names of ``keys``, homonyms among them told apart by their département.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("commune:33349", name="Quinsac", departement="33")
    >>> g.add_node("commune:24346", name="Quinsac", departement="24")
    >>> g.add_node("commune:86194", name="Poitiers", departement="86")
    >>> names(g, ["commune:33349", "commune:24346", "commune:86194"])
    ['Quinsac (33)', 'Quinsac (24)', 'Poitiers']
    """
    plain = [name(graph, k) for k in keys]
    twice = {n for n, count in Counter(plain).items() if count > 1}
    return [f"{n} ({graph.nodes[k]['departement']})"
            if n in twice and graph.nodes.get(k, {}).get("departement") else n
            for n, k in zip(plain, keys, strict=True)]


def explain(graph: nx.MultiDiGraph, ev_kind: str, item: str) -> str:
    """The French sentence for one shared item.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("territory:bf-comoe", kind="territory", name="Province de la Comoé", country="BF")
    >>> g.add_node("country:BF", kind="country", name="Burkina Faso")
    >>> explain(g, "territory", "territory:bf-comoe")
    'coopèrent tous deux avec Province de la Comoé (Burkina Faso)'
    >>> g.add_node("epci:1", kind="epci", name="CA du Grand Angoulême")
    >>> explain(g, "epci", "epci:1")
    'membres du même EPCI : CA du Grand Angoulême'
    >>> g.add_node("organisation:a", kind="organisation", name="Agence de l'eau Adour-Garonne")
    >>> explain(g, "partner", "organisation:a")  # a name, not « liés à Agence »
    "sont tous deux liés à : Agence de l'eau Adour-Garonne"
    """
    label = name(graph, item)
    both = "tous deux "
    if ev_kind == "territory":
        return f"coopèrent {both}avec {_abroad(graph, item)}"
    if ev_kind == "country":
        return f"agissent {both}dans le même pays : {label}"
    if ev_kind == "theme":
        return f"travaillent {both}sur le thème « {label} »"
    if ev_kind == "partner":
        return f"sont {both}liés à : {label}"
    if ev_kind == "epci":
        return f"membres du même EPCI : {label}"
    return f"situés dans le même département : {label}"


def _abroad(graph: nx.MultiDiGraph, place: str) -> str:
    """A place abroad with its country: « Djenné (Mali) »."""
    country = graph.nodes[place].get("country")
    return name(graph, place) + (f" ({name(graph, f'country:{country}')})" if country else "")


#: How one actor's relations with a place abroad are said, by their types.
_TIES = {"TWINNED_WITH": "jumelage", "COOPERATES_WITH": "coopération",
         "VOLUNTEERS_WITH": "volontariat"}


def explain_one(graph: nx.MultiDiGraph, actor: str, ev_kind: str, item: str) -> str:
    """The French sentence for one item of one actor (a member of a consortium): the
    country as a place, a place abroad with what the relation is.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("country:ML", kind="country", name="Mali")
    >>> g.add_node("territory:ml-djenne", kind="territory", name="Djenné", country="ML")
    >>> _ = g.add_edge("commune:v", "territory:ml-djenne", type="TWINNED_WITH")
    >>> explain_one(g, "commune:v", "country", "country:ML")
    'agit au Mali'
    >>> explain_one(g, "commune:v", "territory", "territory:ml-djenne")
    'jumelage avec Djenné (Mali)'
    >>> _ = g.add_edge("commune:v", "territory:ml-djenne", type="COOPERATES_WITH")
    >>> explain_one(g, "commune:v", "territory", "territory:ml-djenne")
    'jumelage et coopération avec Djenné (Mali)'
    """
    label = name(graph, item)
    if ev_kind == "country":
        return f"agit {country_in(label)}"
    if ev_kind == "territory":
        types = {str(d.get("type")) for d in graph.get_edge_data(actor, item, default={}).values()}
        # nouns, not a verb: « la commune » and « le département » alike
        said = [word for type_, word in _TIES.items() if type_ in types]
        verb = (" et ".join(said) if said and len(said) == len(types) else "relation") + " avec"
        return f"{verb} {_abroad(graph, item)}"
    if ev_kind == "theme":
        return f"travaille sur le thème « {label} »"
    if ev_kind == "partner":
        return f"est lié à : {label}"
    return explain(graph, ev_kind, item)
