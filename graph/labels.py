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


def relation_label(type_: str) -> str:
    """
    >>> relation_label("TWINNED_WITH")
    'jumelage'
    """
    try:
        return RELATION_LABELS[RelType(type_)]
    except ValueError:
        return type_.lower()

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
}
#: Properties kept for the machine, never shown to a reader.
TECHNICAL_PROPERTIES = frozenset({"name_norm", "prop_sources", "basin_ambiguous",
                                  "region_insee", "category_fr", "name_lang"})
