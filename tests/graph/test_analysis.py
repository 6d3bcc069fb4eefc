"""Gap rules and opportunities on tiny hand-built graphs, and on the real data."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from graph.consortium import build_consortia
from graph.evidence import build_index, focused
from graph.focus import Focus
from graph.gaps import (
    GapContext,
    data_quality,
    odd_unaddressed,
    partner_coverage,
    separate_actors,
    stale_relations,
    water_without_agency,
    white_zones,
)
from graph.metrics import brokers, communities, path
from graph.opportunities import candidates, suggest_partners
from graph.walks import ActorFilter, filter_actors


def tiny() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    nodes: dict[str, tuple[str, dict[str, Any]]] = {
        "departement:86": ("departement", {"population": 400000}),
        "departement:79": ("departement", {"population": 370000}),
        "epci:1": ("epci", {"population": 200000}),
        "epci:2": ("epci", {"population": 50000}),
        "commune:a": ("commune", {"population": 90000, "basin": "Loire-Bretagne",
                                  "insee": "a"}),
        "commune:b": ("commune", {"population": 12000, "basin": "Adour-Garonne", "insee": "b"}),
        "commune:c": ("commune", {"population": 15000, "insee": "c"}),
        "country:BF": ("country", {}), "territory:bf-kaya": ("territory", {"country": "BF"}),
        "theme:eau-assainissement": ("theme", {}), "odd:6": ("odd", {}), "odd:1": ("odd", {}),
        "project:p": ("project", {}), "organisation:cuf": ("organisation", {"category": "reseau"}),
        "programme:un-pour-cent-solidaire": ("programme", {"category": "projet"}),
    }
    for key, (kind, props) in nodes.items():
        g.add_node(key, kind=kind, name=key.split(":")[1], **props)
    edges = [
        ("commune:a", "departement:86", "LOCATED_IN", {}), ("commune:a", "epci:1", "MEMBER_OF", {}),
        ("commune:b", "departement:79", "LOCATED_IN", {}), ("commune:b", "epci:2", "MEMBER_OF", {}),
        ("commune:c", "departement:79", "LOCATED_IN", {}),
        ("epci:1", "departement:86", "LOCATED_IN", {}), ("epci:2", "departement:79", "LOCATED_IN", {}),
        ("territory:bf-kaya", "country:BF", "LOCATED_IN", {}),
        ("commune:a", "territory:bf-kaya", "TWINNED_WITH", {"years": [1990, 2020]}),
        ("commune:a", "theme:eau-assainissement", "ADDRESSES", {}),
        ("commune:b", "country:BF", "COOPERATES_WITH", {"years": [2001]}),
        ("commune:b", "theme:eau-assainissement", "ADDRESSES", {}),
        ("commune:b", "programme:un-pour-cent-solidaire", "PARTICIPATES_IN", {}),
        ("commune:a", "organisation:cuf", "MEMBER_OF", {}),
        ("theme:eau-assainissement", "odd:6", "ADDRESSES", {}),
        ("project:p", "theme:eau-assainissement", "ADDRESSES", {}),
    ]
    for i, (u, v, t, props) in enumerate(edges):
        g.add_edge(u, v, key=f"e{i}", type=t, source=f"src{i}", **props)
    return g


def ctx(g: nx.MultiDiGraph, year: int = 2026) -> GapContext:
    return GapContext(g, build_index(g), year)


def test_white_zones_by_hand() -> None:
    g = tiny()
    items = white_zones(ctx(g)).items
    # a and b act: their EPCI and départements are covered; c (15 000 hab.) is not
    assert [i.key for i in items] == ["commune:c"]


def test_separate_actors_by_hand() -> None:
    g = tiny()
    gap = separate_actors(ctx(g))
    # a (via Kaya) and b both act in Burkina Faso, with no project in common
    assert [(i.key, [a.key for a in i.actors]) for i in gap.items] == [
        ("country:BF", ["commune:a", "commune:b"])]
    g.nodes["country:BF"]["name"] = "Burkina Faso"  # the next step, in French
    [item] = separate_actors(ctx(g)).items
    assert item.advice == "Réunir a, b, qui agissent au Burkina Faso (groupe pays, projet commun)."


def test_a_commune_and_its_own_epci_are_not_two_sides() -> None:
    g = tiny()
    g.add_edge("epci:1", "territory:bf-kaya", key="x", type="COOPERATES_WITH", source="sx")
    # a and its EPCI 1 in Kaya: one side, nothing to bring together there
    assert "territory:bf-kaya" not in {i.key for i in separate_actors(ctx(g)).items}
    # in Burkina Faso, b acts apart from them: a seed, with all three named
    [item] = [i for i in separate_actors(ctx(g)).items if i.key == "country:BF"]
    assert [a.key for a in item.actors] == ["commune:a", "commune:b", "epci:1"]
    g.remove_edge("commune:a", "epci:1", key="e1")  # not a member: two sides in Kaya
    assert "territory:bf-kaya" in {i.key for i in separate_actors(ctx(g)).items}


def test_separate_homonyms_are_told_apart() -> None:
    g = tiny()
    for key, dep in (("commune:a", "86"), ("commune:b", "79")):
        g.nodes[key].update(name="Quinsac", departement=dep)
    item = separate_actors(ctx(g)).items[0]
    assert [a.name for a in item.actors] == ["Quinsac (86)", "Quinsac (79)"]
    assert item.detail == "Quinsac (86), Quinsac (79)"


def test_water_without_agency_by_hand() -> None:
    g = tiny()
    # b uses the 1 % scheme; a does not
    assert [i.key for i in water_without_agency(ctx(g)).items] == ["commune:a"]


def test_a_commune_whose_epci_has_the_water_scheme_is_told_so() -> None:
    g = tiny()
    # a's EPCI takes part in the 1 %: a stays listed (no link of its own) with that said
    g.add_edge("epci:1", "programme:un-pour-cent-solidaire", type="PARTICIPATES_IN",
               source="src-epci")
    g.add_edge("epci:1", "country:BF", type="COOPERATES_WITH", source="src-epci")
    [item] = water_without_agency(ctx(g)).items
    assert item.key == "commune:a"
    assert item.detail == "bassin Loire-Bretagne ; son EPCI, 1, y est lié"
    assert item.advice.startswith("Action eau : son EPCI, 1, qui porte en général la compétence")
    assert "src-epci" in item.sources


def test_water_basins_of_a_departement_come_from_its_communes() -> None:
    g = tiny()
    g.add_edge("departement:79", "theme:eau-assainissement", key="w", type="ADDRESSES",
               source="src-w")
    g.add_edge("departement:79", "country:BF", key="c", type="COOPERATES_WITH", source="src-c")
    item = next(i for i in water_without_agency(ctx(g)).items if i.key == "departement:79")
    assert item.detail == "bassin Adour-Garonne (d'après ses communes)"  # b; c has none
    g.nodes["commune:c"]["basin"] = "Loire-Bretagne"
    item = next(i for i in water_without_agency(ctx(g)).items if i.key == "departement:79")
    assert item.detail == "bassins Adour-Garonne et Loire-Bretagne (d'après ses communes)"
    assert "Agence de l'eau Adour-Garonne et l'Agence de l'eau Loire-Bretagne" in item.advice


def test_partner_coverage_by_hand() -> None:
    g = tiny()
    items = partner_coverage(ctx(g)).items
    assert [(i.key, [d.key for d in i.departements]) for i in items] == [
        ("organisation:cuf", ["departement:79"])]
    assert items[0].detail == "1 lien connu ; aucun dans 1 département"


def test_odd_and_stale_and_quality_by_hand() -> None:
    g = tiny()
    assert [i.key for i in odd_unaddressed(ctx(g)).items] == ["odd:1"]
    stale = stale_relations(ctx(g)).items
    assert [(i.actor, i.last_year) for i in stale] == [("commune:b", 2001)]
    assert stale[0].concerns("commune:b") and "2001" in stale[0].advice
    problems = {(i.problem, i.key) for i in data_quality(ctx(g)).items}
    assert problems == {("projet sans pays", "project:p")} | {
        ("collectivité sans code", k) for k in ("departement:86", "departement:79",
                                                 "epci:1", "epci:2")}


def test_suggestions_say_what_is_shared() -> None:
    g = tiny()
    index = build_index(g)
    assert candidates(index, index.by_actor["commune:a"]) == {"commune:b"}
    [s] = suggest_partners(g, "commune:a", index=index)
    assert s.actor == "commune:b" and s.score > 0
    texts = {r.text for r in s.reasons}
    assert {"agissent tous deux dans le même pays : BF",
            "travaillent tous deux sur le thème « eau-assainissement »"} <= texts


def test_shared_project_excludes_suggestion() -> None:
    g = tiny()
    g.add_edge("commune:a", "project:p", type="PARTICIPATES_IN")
    g.add_edge("commune:b", "project:p", type="PARTICIPATES_IN")
    assert suggest_partners(g, "commune:a") == []


def test_metrics_on_tiny_graph() -> None:
    g = tiny()
    # a and b share only a theme and a country: neither is a way to reach anyone
    assert path(g, "commune:a", "commune:c") == []
    # once b works with Kaya too, a reaches c through Kaya, b and their département
    g.add_edge("commune:b", "territory:bf-kaya", type="COOPERATES_WITH")
    assert path(g, "commune:a", "commune:c") == [
        "commune:a", "territory:bf-kaya", "commune:b", "departement:79", "commune:c"]
    g.remove_edge("commune:b", "territory:bf-kaya")
    assert path(g, "commune:a", "nowhere") == []
    assert communities(g, seed=1) == communities(g, seed=1)  # seeded: reproducible
    assert sum(len(c) for c in communities(g)) == g.number_of_nodes()
    # b links the water theme, Burkina Faso and the Deux-Sèvres side: the main broker
    assert brokers(g, top=1)[0][0] == "commune:b"


@pytest.mark.parametrize("focus", [Focus(countries=["country:BF"]), Focus(countries=["country:SN"]),
                                   Focus(countries=["country:TG"]), Focus(countries=["country:MX"]),
                                   Focus(territories=["territory:ca-quebec"])])
def test_consortia_on_real_data(real_graph: nx.MultiDiGraph, focus: Focus) -> None:
    consortia = build_consortia(real_graph, focus)
    assert consortia, focus
    best = consortia[0]
    assert 2 <= len(best.members) <= 6
    index = build_index(real_graph)
    for member in [best.lead, *best.members]:
        assert member.reasons and all(r.text for r in member.reasons)
        # every member is really active on the focus, with sources
        assert any(r.sources for r in member.reasons)
        assert member.actor in index.by_actor
    assert any(f.key == "programme:aap-dctciv" for f in best.funding)
    # « 3 départements : Charente, Gironde, Vienne », not « 3 département(s) »
    spread, profiles = best.complementarity
    count = len(spread.split(" : ")[1].split(", "))
    assert spread.startswith(f"{count} département{'s' if count > 1 else ''} : ")
    assert profiles.startswith("profils : ")


def test_senegal_has_its_geographic_call(real_graph: nx.MultiDiGraph) -> None:
    best = build_consortia(real_graph, Focus(countries=["country:SN"]))[0]
    why = {f.key: f.why for f in best.funding}
    assert why["programme:aap-dctciv"] == "appel géographique ouvert aux projets au Sénégal"


def test_gap_rules_state_limits_and_next_steps() -> None:
    g = tiny()
    g.add_node("organisation:nobody", kind="organisation", name="nobody", category="reseau")
    g.add_node("organisation:agence-eau-adour-garonne", kind="organisation",
               name="AEAG", category="agence_eau")
    g.add_edge("commune:b", "organisation:agence-eau-adour-garonne", type="COOPERATES_WITH")
    g.add_edge("theme:eau-assainissement", "odd:6", type="ADDRESSES")
    c = ctx(g)
    coverage = {i.key: i for i in partner_coverage(c).items}
    # a partner linked nowhere says nothing about one département: not listed
    assert "organisation:nobody" not in coverage
    # the Adour-Garonne agency is only expected in the départements of its basin (b's 79)
    assert "organisation:agence-eau-adour-garonne" not in coverage
    odd = {i.key: i for i in odd_unaddressed(c).items}
    assert odd["odd:1"].problem == "non suivi" and "non suivi" in odd["odd:1"].detail
    assert "données de Maillage" in white_zones(c).explanation
    for rule in (white_zones, separate_actors, water_without_agency, partner_coverage,
                 odd_unaddressed, stale_relations, data_quality):
        assert all(item.advice for item in rule(c).items), rule.__name__


def test_a_funding_placed_in_a_country_is_acting_there() -> None:
    g = tiny()
    g.add_node("country:NE", kind="country", name="Niger")
    g.add_node("organisation:agence", kind="organisation", name="agence", category="agence_eau")
    g.add_edge("commune:c", "organisation:agence", key="f", type="FUNDED_BY", source="src-f",
               countries=["NE", "ZZ"])  # ZZ: not a country of the graph, left out
    index = build_index(g)
    assert sorted(index.by_actor["commune:c"].items["country"]) == ["country:NE"]
    assert index.holders[("country", "country:NE")] == {"commune:c"}


def test_a_funding_for_a_country_gives_its_themes_and_funders_to_the_consortium() -> None:
    g = tiny()
    g.add_node("country:NE", kind="country", name="Niger")
    g.add_node("organisation:agence-eau-adour-garonne", kind="organisation",
               name="Agence de l'eau Adour-Garonne", category="agence_eau")
    for commune in ("commune:b", "commune:c"):  # b: Adour-Garonne; c: no basin known
        g.add_edge(commune, "organisation:agence-eau-adour-garonne", key=f"f-{commune}",
                   type="FUNDED_BY", source=f"src-{commune}", countries=["NE"],
                   themes=["eau-assainissement"])
    consortium = build_consortia(g, Focus(countries=["country:NE"]))[0]
    members = [consortium.lead, *consortium.members]
    assert {m.actor for m in members} == {"commune:b", "commune:c"}
    assert all(any("Eau" in r.text or "eau" in r.text for r in m.reasons) for m in members)
    assert "organisation:agence-eau-adour-garonne" in {f.key for f in consortium.funding}


def test_a_theme_reason_cites_only_the_relations_in_the_focus() -> None:
    # b works on water in Burkina Faso (src-bf) and on water and culture in Mali (src-ml):
    # in a Burkina consortium, its water reason cites src-bf only, and culture is absent
    g = tiny()
    g.add_node("theme:culture", kind="theme", name="culture")
    g.add_node("country:ML", kind="country", name="Mali")
    g.add_node("territory:ml-kayes", kind="territory", name="Kayes", country="ML")
    g.add_edge("territory:ml-kayes", "country:ML", key="l", type="LOCATED_IN", source="geo")
    g.add_edge("commune:b", "country:BF", key="bf", type="COOPERATES_WITH", source="src-bf",
               themes=["eau-assainissement"])
    g.add_edge("commune:b", "territory:ml-kayes", key="ml", type="COOPERATES_WITH",
               source="src-ml", themes=["eau-assainissement", "culture"])
    for theme in ("eau-assainissement", "culture"):
        g.add_edge("commune:b", f"theme:{theme}", key=f"t-{theme}", type="ADDRESSES",
                   source="src-ml")
    consortia = build_consortia(g, Focus(countries=["country:BF"]))
    b = next(m for c in consortia for m in [c.lead, *c.members] if m.actor == "commune:b")
    themes = {r.item: r.sources for r in b.reasons if r.kind == "theme"}
    assert themes == {"theme:eau-assainissement": ["src-bf"]}


def test_a_country_and_a_theme_together_ask_for_both_in_one_relation() -> None:
    # a: water in Burkina Faso; b: water in Mali, and a cooperation in Burkina on nothing
    g = tiny()
    g.add_node("country:ML", kind="country", name="Mali")
    g.add_edge("commune:a", "territory:bf-kaya", key="w", type="COOPERATES_WITH", source="s1",
               themes=["eau-assainissement"], countries=["BF"])
    g.add_edge("commune:b", "country:ML", key="w", type="COOPERATES_WITH", source="s2",
               themes=["eau-assainissement"], countries=["ML"])
    # c takes part in a water project in Burkina, as the « projets » template writes it:
    # the theme and the place are the project's, not the participation's
    g.add_edge("project:p", "country:BF", key="w", type="TAKES_PLACE_IN", source="s3")
    g.add_edge("commune:c", "project:p", key="w", type="PARTICIPATES_IN", source="s3",
               role="partner")
    index = build_index(g)
    both = filter_actors(g, index, ActorFilter(country="BF", theme="eau-assainissement"))
    assert sorted(both) == ["commune:a", "commune:c"]
    # each alone still finds b (it acts in Burkina, and works on water)
    assert "commune:b" in filter_actors(g, index, ActorFilter(country="BF"))
    assert "commune:b" in filter_actors(g, index, ActorFilter(theme="eau-assainissement"))


@pytest.mark.parametrize(("source", "listed"), [("pseau-3090", False), ("other-page", True)])
def test_water_with_the_agency_through_a_co_signatory_of_the_same_action(
        source: str, listed: bool) -> None:
    # c and b signed one water action together (source pseau-3090); b's link with the
    # agency comes from `source`: the same sheet covers c too, another page does not
    g = tiny()
    g.add_node("organisation:agence-eau-adour-garonne", kind="organisation",
               name="Agence de l'eau Adour-Garonne", category="agence_eau")
    g.add_edge("commune:c", "territory:bf-kaya", key="w", type="COOPERATES_WITH",
               source="pseau-3090")
    g.add_edge("commune:c", "theme:eau-assainissement", key="t", type="ADDRESSES",
               source="pseau-3090")
    g.add_edge("commune:c", "commune:b", key="j", type="COOPERATES_WITH", source="pseau-3090",
               joint=True)
    g.remove_edge("commune:b", "programme:un-pour-cent-solidaire")
    g.add_edge("commune:b", "organisation:agence-eau-adour-garonne", key="ag",
               type="COOPERATES_WITH", source=source)
    found = {i.key for i in water_without_agency(ctx(g)).items}
    assert ("commune:c" in found) is listed
    assert "commune:b" not in found  # its own link


def test_equal_experience_is_told_apart_by_seniority_not_by_code() -> None:
    # three communes, one twinning each in Germany from one source: equal scores; the
    # code order (a, b, c) must not pick the lead. c has gone on since 1964, b since 2010,
    # a since 2015: c leads, b comes before a.
    g = nx.MultiDiGraph()
    g.add_node("country:DE", kind="country", name="Allemagne")
    for actor, years in [("commune:a", [2015]), ("commune:b", [2010]),
                         ("commune:c", [1964, 2019])]:
        g.add_node(actor, kind="commune", name=actor[-1], departement="79", population=5000)
        g.add_node(f"territory:de-{actor[-1]}", kind="territory", name=actor, country="DE")
        g.add_edge(f"territory:de-{actor[-1]}", "country:DE", type="LOCATED_IN", source="geo")
        g.add_edge(actor, f"territory:de-{actor[-1]}", key="t", type="TWINNED_WITH",
                   source=f"src-{actor}", years=years)
    consortia = build_consortia(g, Focus(countries=["country:DE"]), year=2026)
    assert len({m.experience for m in [consortia[0].lead, *consortia[0].members]}) == 1
    assert consortia[0].lead.actor == "commune:c"
    assert [m.actor for m in consortia[0].members] == ["commune:b", "commune:a"]


def test_the_activity_reason_states_the_counts_without_judging_them() -> None:
    from graph.opportunities import _feature_reasons
    g = tiny()
    index = build_index(g)
    contributions = {"activity": 0.1, "breadth": 0.05, "recent": 0.0, "same_departement": 0.0}
    [reason] = _feature_reasons(g, index, "commune:b", contributions,
                                index.by_actor["commune:a"], 2026)
    assert index.by_actor["commune:b"].relations == 2  # in Burkina, and in the 1 %
    assert reason.text == "actif à l'international : 2 relations, 1 pays"


def test_old_relations_and_odd_are_the_home_regions() -> None:
    # b (région 75) cooperates since 2001; z (région 53) has a 1985 twinning and a water
    # project: for 75, z's twinning is not to relaunch, and its project is not the network's
    g = tiny()
    for node in g:
        if g.nodes[node]["kind"] in ("commune", "departement"):
            g.nodes[node]["region"] = "75"
    g.add_node("commune:z", kind="commune", name="z", region="53", insee="z")
    g.add_node("territory:de-z", kind="territory", name="Zell", country="DE")
    g.add_edge("commune:z", "territory:de-z", type="TWINNED_WITH", years=[1985], source="s-z")
    g.add_edge("commune:z", "project:p", type="PARTICIPATES_IN", source="s-p")
    full = build_index(g)
    home = GapContext(g, focused(full, g, "75"), 2026, region="75")
    everyone = GapContext(g, full, 2026)
    assert {i.actor for i in stale_relations(home).items} == {"commune:b"}
    assert {i.actor for i in stale_relations(everyone).items} == {"commune:b", "commune:z"}
    assert "odd:6" in {i.key for i in odd_unaddressed(home).items}
    assert "odd:6" not in {i.key for i in odd_unaddressed(everyone).items}


@pytest.mark.parametrize(("item", "kind_", "type_", "said"), [
    ("country:ML", "country", "COOPERATES_WITH", "agissent tous deux dans les mêmes pays : "),
    ("theme:culture", "theme", "ADDRESSES", "travaillent tous deux sur les thèmes : ")])
def test_shared_countries_or_themes_are_said_in_one_reason(item: str, kind_: str, type_: str,
                                                           said: str) -> None:
    g = tiny()  # a and b already share country:BF and theme:eau-assainissement
    g.add_node(item, kind=kind_, name="Mali" if kind_ == "country" else "Culture et patrimoine")
    for actor in ("commune:a", "commune:b"):
        g.add_edge(actor, item, type=type_, source=f"new-{actor}")
    [s] = suggest_partners(g, "commune:a", index=build_index(g))
    [reason] = [r for r in s.reasons if r.kind == kind_]
    assert reason.text.startswith(said)
    expected = ({"BF", "Mali"} if kind_ == "country"
                else {"« Culture et patrimoine »", "« eau-assainissement »"})
    assert set(reason.text.removeprefix(said).split(", ")) == expected
    assert {"new-commune:a", "new-commune:b"} <= set(reason.sources)


def test_a_consortium_can_take_in_a_given_actor() -> None:
    # four communes in Germany; d, the least experienced, is left out unless asked for
    g = nx.MultiDiGraph()
    g.add_node("country:DE", kind="country", name="Allemagne")
    for actor, sources in [("commune:a", 3), ("commune:b", 2), ("commune:c", 2),
                           ("commune:d", 1)]:
        g.add_node(actor, kind="commune", name=actor[-1], departement="79", population=5000)
        for i in range(sources):
            g.add_edge(actor, "country:DE", type="COOPERATES_WITH", source=f"{actor}-{i}")
    focus = Focus(countries=["country:DE"])
    [plain] = build_consortia(g, focus, top=1, max_members=2)
    assert "commune:d" not in {plain.lead.actor, *(m.actor for m in plain.members)}
    [asked] = build_consortia(g, focus, top=1, max_members=2, including="commune:d")
    assert asked.lead.actor == "commune:a"  # the lead is still the most experienced
    assert "commune:d" in {m.actor for m in asked.members}


def test_a_likely_organisation_is_not_said_as_a_place() -> None:
    from graph.opportunities import _likely_reasons
    g = tiny()  # a is a member of CUF; b is not
    index = build_index(g)
    likely: dict[tuple[str, str], tuple[float, ...]] = {
        ("partner", "organisation:cuf"): (0.0, 0.0, 0.0, 0.0, 0.0)}
    [reason] = _likely_reasons(g, index, index.by_actor["commune:b"],
                               [("partner", "organisation:cuf")], likely)
    assert reason.text == "est lié à : cuf, comme une autre collectivité du réseau"


def test_a_theme_consortium_says_where_each_member_works_on_it() -> None:
    g = tiny()
    g.nodes["country:BF"]["name"] = "Burkina Faso"
    g.add_node("country:ML", kind="country", name="Mali")
    g.add_node("territory:ml-segou", kind="territory", name="Ségou", country="ML")
    g.add_edge("territory:ml-segou", "country:ML", type="LOCATED_IN", source="geo")
    g.add_edge("commune:a", "territory:ml-segou", type="COOPERATES_WITH", source="sa",
               themes=["eau-assainissement"])
    g.add_edge("commune:b", "country:BF", type="COOPERATES_WITH", source="sb",
               themes=["eau-assainissement", "culture"])
    [c] = build_consortia(g, Focus(themes=["theme:eau-assainissement"]), top=1)
    where = {m.actor: [(r.text, r.sources) for r in m.reasons if r.text.startswith("y agit")]
             for m in [c.lead, *c.members]}
    # a's 1990 twinning in Kaya says nothing of water: only Ségou, from its own source
    assert where["commune:a"] == [("y agit au Mali", ["sa"])]
    assert where["commune:b"] == [("y agit au Burkina Faso", ["sb"])]


def test_the_agency_of_a_basin_names_every_member_in_it() -> None:
    from graph.funding import fitting_funding

    g = tiny()
    g.nodes["commune:c"]["basin"] = "Loire-Bretagne"
    for agency in ("agence-eau-loire-bretagne", "agence-eau-adour-garonne"):
        g.add_node(f"organisation:{agency}", kind="organisation", name=agency)
    funding = {f.key: f.why for f in fitting_funding(
        g, Focus(themes=["theme:eau-assainissement"]), ["commune:a", "commune:b", "commune:c"])}
    said = "projet eau dans le bassin "
    assert funding["organisation:agence-eau-loire-bretagne"] == said + "Loire-Bretagne : a, c"
    assert funding["organisation:agence-eau-adour-garonne"] == said + "Adour-Garonne : b"
