"""French labels of the domain's words: the one table the CLI, the reports, the API and
the explorer page read (the page gets it from ``/api/vocabulary``)."""

from __future__ import annotations

from graph.model import NodeKind, RelType

KIND_LABELS: dict[NodeKind, str] = {
    NodeKind.REGION: "Région",
    NodeKind.DEPARTEMENT: "Département",
    NodeKind.EPCI: "EPCI",
    NodeKind.COMMUNE: "Commune",
    NodeKind.ORGANISATION: "Organisation",
    NodeKind.PROGRAMME: "Programme, dispositif",
    NodeKind.PROJECT: "Projet",
    NodeKind.COUNTRY: "Pays",
    NodeKind.TERRITORY: "Collectivité étrangère",
    NodeKind.THEME: "Thème",
    NodeKind.ODD: "ODD",
    NodeKind.PERSON: "Personne",
    NodeKind.EVENT: "Événement",
    NodeKind.INTERACTION: "Échange",
    NodeKind.GROUP: "Groupe de travail",
    NodeKind.APPLICATION: "Demande de financement",
}

RELATION_LABELS: dict[RelType, str] = {
    RelType.MEMBER_OF: "membre de",
    RelType.LOCATED_IN: "situé dans",
    RelType.TWINNED_WITH: "jumelage",
    RelType.COOPERATES_WITH: "coopération",
    RelType.PARTICIPATES_IN: "participe à",
    RelType.TAKES_PLACE_IN: "se déroule à",
    RelType.ADDRESSES: "traite de",
    RelType.FUNDED_BY: "financé par",
    RelType.PART_OF: "fait partie de",
    RelType.ANIMATES: "anime",
    RelType.RUNS: "porte",
    RelType.VOLUNTEERS_WITH: "volontariat",
    RelType.WORKS_FOR: "travaille pour",
    RelType.ATTENDS: "participe à l'événement",
    RelType.INVOLVES: "avec",
    RelType.IN_GROUP: "membre du groupe",
    RelType.APPLIES: "dépose la demande",
    RelType.SUBMITTED_TO: "déposée auprès de",
}


def kind_label(kind: str) -> str:
    """
    >>> kind_label("territory"), kind_label("inconnu")
    ('Collectivité étrangère', 'inconnu')
    """
    try:
        return KIND_LABELS[NodeKind(kind)]
    except ValueError:
        return kind


#: How a relation reads from its other end (« la Région finance le projet »); a twinning,
#: a cooperation, a volunteering read the same both ways.
INCOMING_LABELS: dict[RelType, str] = {
    RelType.MEMBER_OF: "a pour membre",
    RelType.LOCATED_IN: "contient",
    RelType.PARTICIPATES_IN: "a pour participant",
    RelType.TAKES_PLACE_IN: "lieu de",
    RelType.ADDRESSES: "traité par",
    RelType.FUNDED_BY: "finance",
    RelType.PART_OF: "comprend",
    RelType.ANIMATES: "animé par",
    RelType.RUNS: "porté par",
    RelType.WORKS_FOR: "emploie",
    RelType.ATTENDS: "a pour participant",
    RelType.IN_GROUP: "a pour membre",
    RelType.APPLIES: "déposée par",
    RelType.SUBMITTED_TO: "reçoit la demande",
}


def relation_label(type_: str, outgoing: bool = True) -> str:
    """The relation as read from its start (``outgoing``) or from its end.

    >>> relation_label("TWINNED_WITH"), relation_label("FUNDED_BY", outgoing=False)
    ('jumelage', 'finance')
    """
    try:
        kind = RelType(type_)
    except ValueError:
        return type_.lower()
    return RELATION_LABELS[kind] if outgoing else INCOMING_LABELS.get(kind, RELATION_LABELS[kind])

#: French labels of the node properties a user reads (others are shown as they are).
PROPERTY_LABELS: dict[str, str] = {
    "insee": "code INSEE", "siren": "SIREN", "population": "population",
    "basin": "bassin de l'eau", "departement": "département", "departements": "départements",
    "epci": "EPCI", "region": "région", "nature": "nature", "acronym": "sigle",
    "category": "catégorie", "category_fr": "catégorie", "description": "présentation",
    "function": "fonction", "email": "courriel", "telephone": "téléphone",
    "website": "site", "country": "pays", "level": "niveau", "aliases": "autres noms",
    "former_names": "anciens noms", "codes_postaux": "codes postaux",
    "members_total": "communes membres", "status": "état", "since": "depuis",
    "until": "jusqu'à", "budget": "budget (€)", "period": "période", "alpha3": "code ISO 3",
    "name_en": "nom anglais", "zone": "zone", "title_fr": "intitulé",
    "regions": "régions", "lat": "latitude", "lon": "longitude", "seen": "mentionné en",
    "role": "rôle",
}
#: The categories of an organisation, as a reader says them (the records keep the code).
CATEGORY_LABELS = {
    "rrma": "réseau régional multi-acteurs", "ministere": "ministère", "instance": "instance",
    "reseau": "réseau", "agence": "agence", "association": "association",
    "agence_eau": "agence de l'eau", "collectivite": "collectivité", "universite": "université",
    "entreprise": "entreprise", "autre": "autre"}
#: A participant's role in a project, as a reader says it.
ROLE_LABELS = {"lead": "chef de file", "partner": "partenaire", "funder": "financeur",
               "technical": "appui technique", "operator": "opérateur"}
#: property → its values as a reader says them
VALUE_LABELS = {"category": CATEGORY_LABELS, "role": ROLE_LABELS}


def property_value(prop: str, value: object) -> str:
    """A property's value as a reader says it.

    >>> property_value("category", "agence_eau"), property_value("acronym", "AELB")
    ("agence de l'eau", 'AELB')
    """
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return VALUE_LABELS.get(prop, {}).get(shown, shown)


#: Properties kept for the machine, never shown to a reader.
TECHNICAL_PROPERTIES = frozenset({"name_norm", "prop_sources", "basin_ambiguous",
                                  "region_insee", "category_fr", "name_lang"})

# French says « au Sénégal », « en Espagne », « aux Pays-Bas », « à Madagascar »: the
# gender and number of a country's name decide (a rule of the language, not a fact).
_PLURAL = ("Îles ", "Émirats", "États-Unis", "Pays-Bas", "Philippines", "Comores",
           "Maldives", "Seychelles", "Bahamas", "Bermudes", "Samoa américaines",
           "Territoires ", "Terres ")
_NO_ARTICLE = frozenset({
    "Andorre", "Anguilla", "Antigua-et-Barbuda", "Aruba", "Bahreïn", "Chypre", "Cuba",
    "Curaçao", "Djibouti", "Gibraltar", "Guam", "Guernesey", "Jersey", "Kiribati",
    "La Réunion", "Madagascar", "Malte", "Maurice", "Mayotte", "Monaco", "Montserrat",
    "Nauru", "Niue", "Oman", "Palaos", "Porto Rico", "Samoa", "Singapour", "Taïwan",
    "Tokelau", "Tonga", "Trinité-et-Tobago", "Tuvalu", "Vanuatu", "Wallis-et-Futuna"})
#: what no rule of thumb gives
_SPECIAL = {"Barbade": "à la Barbade", "Dominique": "à la Dominique",
            "Grenade": "à la Grenade", "Sierra Leone": "en Sierra Leone", "Fidji": "aux Fidji",
            "Yémen": "au Yémen"}
_DESCRIBED = {"Île": "dans l’", "État": "dans l’", "Territoire": "dans le ", "R.A.S.": "dans la "}
#: names ending in « e » that are masculine
_MASCULINE_E = frozenset({"Mexique", "Cambodge", "Mozambique", "Zimbabwe", "Belize",
                          "Suriname", "Royaume-Uni"})


def country_in(name: str) -> str:
    """« au Sénégal », « en Espagne »: where something happens, in a country.

    >>> [country_in(n) for n in ("Sénégal", "Burkina Faso", "Espagne", "Allemagne",
    ...  "Pays-Bas", "Madagascar", "Iran", "Haïti", "Mexique", "Royaume-Uni",
    ...  "République dominicaine", "Bosnie-Herzégovine", "Saint-Martin", "Honduras",
    ...  "Île de Man", "Barbade")]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['au Sénégal', 'au Burkina Faso', 'en Espagne', 'en Allemagne', 'aux Pays-Bas',
     'à Madagascar', 'en Iran', 'en Haïti', 'au Mexique', 'au Royaume-Uni',
     'en République dominicaine', 'en Bosnie-Herzégovine', 'à Saint-Martin', 'au Honduras',
     'dans l’Île de Man', 'à la Barbade']
    """
    first = name.replace("-", " ").split(" ")[0]
    if name in _SPECIAL:
        return _SPECIAL[name]
    if first in _DESCRIBED:  # a description rather than a country's usual name
        return _DESCRIBED[first] + name
    if name.startswith(_PLURAL):
        return f"aux {name}"
    if name in _NO_ARTICLE or first in ("Saint", "Sainte", "Sao"):
        return f"à {name}"
    if name[:1] in "AEÉIÎOUY" or first == "Haïti":
        return f"en {name}"
    if first.endswith("e") and name not in _MASCULINE_E and first not in _MASCULINE_E:
        return f"en {name}"
    return f"au {name}"
