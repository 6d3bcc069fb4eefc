"""What the network records by hand (its CRM): persons, exchanges, working groups, funding
applications — the forms' fields, checked, and the views the API returns."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from graph.model import TEXT_PATTERN
from service.schemas import NodeRef

Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN, strip_whitespace=True,
                                        min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(pattern=TEXT_PATTERN, strip_whitespace=True,
                                        min_length=1, max_length=200)]
Line = Annotated[str, StringConstraints(pattern=TEXT_PATTERN, strip_whitespace=True,
                                        min_length=1, max_length=500)]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso(value: object) -> object:
    # a date is written AAAA-MM-JJ: no timestamp, no number (« 0 » is not 1970)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("date attendue sous la forme AAAA-MM-JJ")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso)]
#: A node's key (checked against the store by the use case: 404 if there is none).
Key = Annotated[str, StringConstraints(min_length=1, max_length=210)]

LEGAL_BASES = ("consentement", "fonction publique")
MODES = ("réunion", "appel", "visite", "courriel", "événement")
GROUP_FORMS = ("groupe thématique", "groupe pays", "plateforme", "assises", "formation")
#: Funding calls: id → French label (the funder is chosen per application).
CALLS = {
    "dctciv": "Appel à projets DCTCIV (MEAE)",
    "oudin-santini": "1 % Oudin-Santini (eau et assainissement)",
    "un-pour-cent-energie-dechets": "1 % énergie ou déchets",
    "ficol": "FICOL (AFD)",
    "agence-eau": "Agence de l'eau",
    "region": "Appel de la Région",
    "volontariat": "Volontariat (France Volontaires)",
    "autre": "Autre",
}
#: Funders that fit each call, by key or key prefix (the network's reference keys); a call
#: not listed takes every funder the consortium suggests.
CALL_FUNDERS = {
    "dctciv": ("programme:aap-dctciv", "organisation:meae-"),
    "oudin-santini": ("organisation:agence-eau-", "organisation:ps-eau",
                      "programme:eau-solidarites-internationales",
                      "programme:un-pour-cent-solidaire", "programme:partenariats-agences-eau"),
    "agence-eau": ("organisation:agence-eau-", "programme:eau-solidarites-internationales",
                   "programme:partenariats-agences-eau"),
    "ficol": ("organisation:afd", "programme:ficol"),
    "volontariat": ("organisation:france-volontaires", "programme:volontariat"),
    "region": (),
}
#: Statuses of an application, in pipeline order: id → French label.
STATUSES = {"idee": "idée", "redaction": "en rédaction", "deposee": "déposée",
            "accordee": "accordée", "refusee": "refusée", "close": "close"}
CallId = Literal["dctciv", "oudin-santini", "un-pour-cent-energie-dechets", "ficol",
                 "agence-eau", "region", "volontariat", "autre"]
StatusId = Literal["idee", "redaction", "deposee", "accordee", "refusee", "close"]


class PersonCreate(BaseModel):
    """A person and the legal ground for holding their data (RGPD)."""

    name: Name = Field(examples=["Marie Durand"])
    organisation: Key = Field(description="collectivité ou organisation (clé)")
    function: Name | None = Field(default=None, description="fonction publique")
    legal_basis: Literal["consentement", "fonction publique"]
    purpose: Text = Field(description="finalité du traitement",
                          examples=["animation du groupe eau"])
    retain_until: IsoDate | None = Field(
        default=None, description="date de fin de conservation (3 ans par défaut)")
    source: Text = Field(description="d'où vient l'information")
    courriel: Name | None = None
    telephone: Name | None = None


class InteractionCreate(BaseModel):
    """A meeting, call, visit, mail or event attendance."""

    date: IsoDate
    mode: Literal["réunion", "appel", "visite", "courriel", "événement"]
    topic: Line = Field(description="objet")
    actors: list[Key] = Field(default_factory=list, max_length=50)
    persons: list[Key] = Field(default_factory=list, max_length=50)
    themes: list[Key] = Field(default_factory=list, max_length=20)
    places: list[Key] = Field(default_factory=list, max_length=20,
                              description="pays ou collectivités étrangères")
    group: Key | None = Field(default=None, description="réunion d'un groupe de travail")
    next_step: Line | None = Field(default=None, description="prochaine étape")
    due: IsoDate | None = Field(default=None, description="échéance de la prochaine étape")
    notes: Text | None = Field(default=None, description="notes libres (personnelles)")


class GroupCreate(BaseModel):
    name: Name = Field(examples=["Groupe eau et assainissement"])
    form: Literal["groupe thématique", "groupe pays", "plateforme", "assises", "formation"]
    themes: list[Key] = Field(default_factory=list, max_length=20)
    places: list[Key] = Field(default_factory=list, max_length=20)


class Outcome(BaseModel):
    """What a working group produced (a note, a joint project, a position paper)."""

    text: Line = Field(examples=["Note commune sur l'accès à l'eau à Moundou"])


class Membership(BaseModel):
    member: Key = Field(description="acteur ou personne")
    since: int | None = Field(default=None, ge=1950, le=2100)


class ApplicationCreate(BaseModel):
    call: CallId
    year: int = Field(ge=2000, le=2100)
    name: Line | None = None
    lead: Key
    members: list[Key] = Field(default_factory=list, max_length=30)
    places: list[Key] = Field(default_factory=list, max_length=20)
    themes: list[Key] = Field(default_factory=list, max_length=20)
    funders: list[Key] = Field(default_factory=list, max_length=10)
    amount_requested: float | None = Field(default=None, ge=0, le=1e9)


class FromConsortium(BaseModel):
    """An application from the n-th consortium proposed for a focus, in one click."""

    call: CallId
    year: int = Field(ge=2000, le=2100)
    country: str | None = Field(default=None, max_length=10, examples=["TD"])
    territory: Key | None = None
    theme: Key | None = None
    rank: int = Field(default=1, ge=1, le=10, description="rang du consortium proposé")
    amount_requested: float | None = Field(default=None, ge=0, le=1e9)


class StatusChange(BaseModel):
    status: StatusId
    on: IsoDate | None = Field(default=None, description="date du changement (aujourd'hui par défaut)")
    amount_granted: float | None = Field(default=None, ge=0, le=1e9)


class InteractionView(BaseModel):
    key: str
    date: str
    mode: str
    topic: str
    actors: list[NodeRef]
    persons: list[NodeRef]
    themes: list[NodeRef]
    places: list[NodeRef]
    group: NodeRef | None = None
    next_step: str | None = None
    due: str | None = None
    done: bool = False
    overdue: bool = False
    notes: str | None = None


class GroupView(BaseModel):
    key: str
    name: str
    form: str
    members: list[NodeRef]
    meetings: list[InteractionView]
    themes: list[NodeRef]
    places: list[NodeRef]
    outcomes: list[str] = Field(default_factory=list)


class ApplicationView(BaseModel):
    key: str
    name: str
    call: str
    call_label: str
    year: int
    status: str
    status_label: str
    history: list[str]
    lead: NodeRef | None
    members: list[NodeRef]
    places: list[NodeRef]
    themes: list[NodeRef]
    funders: list[NodeRef]
    amount_requested: float | None = None
    amount_granted: float | None = None


class Followup(BaseModel):
    """What the network knows of an actor beyond the sourced facts."""

    interactions: list[InteractionView]
    groups: list[NodeRef]
    applications: list[ApplicationView]
    persons: list[NodeRef]
