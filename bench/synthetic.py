"""SYNTHETIC national-scale graph, for benchmarks only (seeded, never real facts).

Calibrated on the national Atlas figures (context_facts.md): about 35,000 communes,
1,255 EPCI, 101 départements, 13 régions; 4,800 collectivités acting internationally;
12,000 projects; 10,000 foreign partner authorities in 140 countries. Every node is
named « … synthétique … » and the graph carries ``synthetic=True``.
"""

from __future__ import annotations

import random

import networkx as nx

#: The 13 metropolitan régions' INSEE codes, as the synthetic régions' codes: a server is
#: centred on a région by its real code (the settings refuse any other).
REGIONS = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
THEMES = ["eau-assainissement", "sante", "education", "culture", "gouvernance-locale",
          "economie", "agriculture", "environnement-climat", "urbanisme-mobilite",
          "citoyennete-europeenne", "volontariat"]


def synthetic_graph(scale: float = 1.0, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    g = nx.MultiDiGraph(synthetic=True)
    n_communes, n_epci, n_active = int(35_000 * scale), max(1, int(1_255 * scale)), int(4_800 * scale)
    n_projects, n_territories = int(12_000 * scale), int(10_000 * scale)
    n_countries, n_deps = 140, 101
    src = {"source": "synthétique", "licence": "synthétique"}

    def add(key: str, kind: str, **props: object) -> None:
        g.add_node(key, kind=kind, name=f"{kind} synthétique {key.split(':')[1]}", **props)

    counter = iter(range(10**9))

    def edge(u: str, v: str, type_: str, **props: object) -> None:
        g.add_edge(u, v, key=f"{type_}:{u}>{v}#{next(counter)}", type=type_, **src, **props)

    for r in REGIONS:
        add(f"region:{r}", "region", insee=r, population=0)
    for d in range(n_deps):
        add(f"departement:{d}", "departement", insee=str(d), region=REGIONS[d % 13],
            population=rng.randint(80_000, 2_000_000))
        edge(f"departement:{d}", f"region:{REGIONS[d % 13]}", "LOCATED_IN")
    for e in range(n_epci):
        add(f"epci:{e}", "epci", siren=str(e), regions=[REGIONS[e % n_deps % 13]],
            population=rng.randint(5_000, 500_000))
        edge(f"epci:{e}", f"departement:{e % n_deps}", "LOCATED_IN")
    for c in range(n_communes):
        pop = int(rng.paretovariate(1.2) * 300)
        epci = rng.randrange(n_epci)
        add(f"commune:{c}", "commune", insee=str(c), population=pop,
            basin=rng.choice(["Adour-Garonne", "Loire-Bretagne"]), departement=str(epci % n_deps),
            region=REGIONS[epci % n_deps % 13])
        edge(f"commune:{c}", f"epci:{epci}", "MEMBER_OF")
        edge(f"commune:{c}", f"departement:{epci % n_deps}", "LOCATED_IN")
    for k in range(n_countries):
        add(f"country:{k}", "country")
    # country popularity is skewed, as in the Atlas (a few countries gather most projects)
    country_weights = [1 / (k + 1) ** 0.8 for k in range(n_countries)]
    for t in range(n_territories):
        country = rng.choices(range(n_countries), country_weights)[0]
        add(f"territory:{t}", "territory", country=str(country))
        edge(f"territory:{t}", f"country:{country}", "LOCATED_IN")
    for th in THEMES:
        add(f"theme:{th}", "theme")
    for o in range(60):
        add(f"organisation:{o}", "organisation", category="reseau" if o < 10 else "association")
    for p in range(30):
        add(f"programme:{p}", "programme", category="dispositif")
    pool = ([f"commune:{c}" for c in range(n_communes)] + [f"epci:{e}" for e in range(n_epci)]
            + [f"departement:{d}" for d in range(n_deps)] + [f"region:{r}" for r in REGIONS])
    active = rng.sample(pool, min(n_active, len(pool)))
    for actor in active:
        for _ in range(rng.randint(1, 4)):
            t = rng.randrange(n_territories)
            edge(actor, f"territory:{t}", rng.choice(["TWINNED_WITH", "COOPERATES_WITH"]),
                 years=[rng.randint(1960, 2025)])
        for th in rng.sample(THEMES, rng.randint(1, 3)):
            edge(actor, f"theme:{th}", "ADDRESSES")
        if rng.random() < 0.3:
            edge(actor, f"organisation:{rng.randrange(60)}", "MEMBER_OF")
    for p in range(n_projects):
        add(f"project:{p}", "project")
        t = rng.randrange(n_territories)
        edge(f"project:{p}", f"territory:{t}", "TAKES_PLACE_IN")
        edge(f"project:{p}", f"theme:{rng.choice(THEMES)}", "ADDRESSES")
        for member in rng.sample(active, rng.randint(1, 3)):
            edge(member, f"project:{p}", "PARTICIPATES_IN", role="partner",
                 years=[rng.randint(2005, 2025)])
        if rng.random() < 0.3:
            edge(f"project:{p}", f"programme:{rng.randrange(30)}", "PART_OF")
    return g
