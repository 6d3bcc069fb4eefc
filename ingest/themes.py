"""Maillage's theme vocabulary: free-text themes mapped to a few stable themes.

The mapping from keywords to themes and from themes to ODD is Maillage's own
editorial choice (documented here), not a fact about any organisation.
"""

from __future__ import annotations

import re

from graph.model import normalize
from ingest.memo import repeated

# key: (French label, keywords found in normalised text, ODD numbers)
THEMES: dict[str, tuple[str, tuple[str, ...], tuple[int, ...]]] = {
    "eau-assainissement": ("Eau et assainissement",
                           ("eau", "assainissement", "puits", "forage", "latrine", "hydraul",
                            "inondation"), (6,)),
    "sante": ("Santé et action sociale", ("sante", "social", "cscom", "handicap", "mgf"), (3,)),
    "education": ("Éducation, formation, jeunesse",
                  ("education", "formation", "ecole", "scolaire", "lecture", "universit",
                   "etudiant", "jeunesse", "jeunes", "petite enfance", "langue"), (4,)),
    "culture": ("Culture et patrimoine", ("culture", "patrimoine", "ceramique", "francophonie",
                                          "festival", "musique", "sport"), (11,)),
    "gouvernance-locale": ("Gouvernance locale et appui institutionnel",
                           ("gouvernance", "institutionnel", "intercommunalit",
                            "decentralisation", "participation citoyenne", "etat civil"),
                           (16, 17)),
    "economie": ("Développement économique et tourisme",
                 ("economi", "vin", "spiritueux", "tourisme", "commerce", "emploi",
                  "insertion", "entreprise"), (8,)),
    "agriculture": ("Agriculture et alimentation", ("agricult", "alimentation", "elevage",
                                                    "maraich", "rural"), (2,)),
    "environnement-climat": ("Environnement, climat, énergie",
                             ("environnement", "climat", "energie", "biodiversite", "dechet",
                              "electrification", "foret", "construction bois"), (7, 13, 15)),
    "urbanisme-mobilite": ("Urbanisme, mobilité, services urbains",
                           ("urbanisme", "mobilite", "transport", "infrastructure", "urbain"),
                           (11,)),
    "citoyennete-europeenne": ("Jumelage et citoyenneté européenne",
                               ("jumelage", "citoyennete europeenne", "representation europeenne",
                                "europe"), (16, 17)),
    "volontariat": ("Volontariat et mobilité internationale",
                    ("volontariat", "volontaire", "vsi", "service civique",
                     "mobilite internationale"),
                    (17,)),
}


def theme_keys(text: str) -> list[str]:
    """The vocabulary themes a free-text theme mentions, in vocabulary order.

    >>> theme_keys("eau potable, assainissement, gestion du service de l'eau")
    ['eau-assainissement']
    >>> theme_keys("culture, économie (vins et spiritueux)")
    ['culture', 'economie']
    >>> theme_keys("")
    []
    """
    return list(_theme_keys(text))


@repeated(1 << 14)  # a file repeats its themes
def _theme_keys(text: str) -> tuple[str, ...]:
    norm = normalize(text)
    if not norm:
        return ()
    padded = " " + re.sub(r"[^a-z0-9 ]", " ", norm) + " "
    return tuple(key for key, (_, keywords, _) in THEMES.items()
                 if any(f" {kw}" in padded for kw in keywords))
