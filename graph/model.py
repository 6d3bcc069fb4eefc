"""The domain model: node kinds, relationship types, records and their provenance.

Every node has a stable, readable key ``kind:id`` (``commune:86194`` is Poitiers).
The kind in the key decides the node's label in Neo4j, so labels and relationship
types always come from the whitelists below, never from user data.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graph.checks import FORBIDDEN_CHARS as FORBIDDEN_CHARS
from graph.checks import PROPERTY_NAME as PROPERTY_NAME
from graph.checks import PROPERTY_NAME_PATTERN as PROPERTY_NAME_PATTERN
from graph.checks import RESERVED as RESERVED
from graph.checks import TEXT_PATTERN as TEXT_PATTERN
from graph.checks import Properties as Properties
from graph.checks import PropValue as PropValue
from graph.checks import Scalar as Scalar
from graph.checks import check_properties, check_text
from graph.personal import CONTACT_PROPERTIES as CONTACT_PROPERTIES
from graph.personal import PERSON_PUBLIC_PROPERTIES as PERSON_PUBLIC_PROPERTIES
from graph.personal import PERSONAL_MARK as PERSONAL_MARK
from graph.personal import PRIVATE_NAME as PRIVATE_NAME
from graph.personal import personal_properties as personal_properties
from graph.personal import public_name as public_name


class NodeKind(StrEnum):
    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    COMMUNE = "commune"
    COUNTRY = "country"
    TERRITORY = "territory"
    ORGANISATION = "organisation"
    PROGRAMME = "programme"
    PROJECT = "project"
    THEME = "theme"
    ODD = "odd"
    PERSON = "person"
    EVENT = "event"
    #: a meeting, call, visit, mail or event attendance the network recorded
    INTERACTION = "interaction"
    #: a working group (thematic, country), the Plateforme AECT, a training cycle
    GROUP = "group"
    #: a funding application (a call, a consortium, amounts, a status)
    APPLICATION = "application"

    @property
    def label(self) -> str:
        """The Neo4j label of this kind (``Commune``, ``Epci``...)."""
        return self.value.capitalize()


#: kind by its value: a dict look-up, where ``NodeKind(value)`` costs an enum call (the
#: kind of a record is asked hundreds of thousands of times in a national load)
_KIND_OF_VALUE = {k.value: k for k in NodeKind}


class RelType(StrEnum):
    MEMBER_OF = "MEMBER_OF"
    LOCATED_IN = "LOCATED_IN"
    TWINNED_WITH = "TWINNED_WITH"
    COOPERATES_WITH = "COOPERATES_WITH"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    TAKES_PLACE_IN = "TAKES_PLACE_IN"
    ADDRESSES = "ADDRESSES"
    FUNDED_BY = "FUNDED_BY"
    PART_OF = "PART_OF"
    ANIMATES = "ANIMATES"
    RUNS = "RUNS"
    VOLUNTEERS_WITH = "VOLUNTEERS_WITH"
    WORKS_FOR = "WORKS_FOR"
    ATTENDS = "ATTENDS"
    #: interaction → the actors and persons it involved
    INVOLVES = "INVOLVES"
    #: actor or person → working group
    IN_GROUP = "IN_GROUP"
    #: actor → funding application (``role``: lead or member)
    APPLIES = "APPLIES"
    #: funding application → the funder or programme of its call
    SUBMITTED_TO = "SUBMITTED_TO"


#: The French collectivités (the actors the network supports).
COLLECTIVITE_KINDS = frozenset(
    {NodeKind.COMMUNE, NodeKind.EPCI, NodeKind.DEPARTEMENT, NodeKind.REGION}
)
#: Kinds that can act (take part in projects, sign agreements, be suggested as partners).
ACTOR_KINDS = COLLECTIVITE_KINDS | {NodeKind.ORGANISATION}
#: Kinds the write API accepts under ``/api/actors`` (anything a user records as a party).
RECORDED_ACTOR_KINDS = ACTOR_KINDS | {NodeKind.PERSON, NodeKind.TERRITORY}
#: Containers of French geography: walking through them pulls in everything they hold.
CONTAINER_KINDS = frozenset(
    {NodeKind.EPCI, NodeKind.DEPARTEMENT, NodeKind.REGION, NodeKind.COUNTRY}
)
#: Where abroad an action takes place.
FOREIGN_KINDS = frozenset({NodeKind.COUNTRY, NodeKind.TERRITORY})
#: The network's own records (its CRM): what the chargée de mission writes down.
CRM_KINDS = frozenset({NodeKind.INTERACTION, NodeKind.GROUP, NodeKind.APPLICATION})
#: Vocabulary nodes: they describe facts, they are not a way to reach anyone.
VOCABULARY_KINDS = frozenset({NodeKind.THEME, NodeKind.ODD})
#: Partners an actor can be tied to (evidence kind « partner »).
PARTNER_KINDS = frozenset({NodeKind.ORGANISATION, NodeKind.PROGRAMME})

#: Relationship types that state international action (or a tie to a network partner).
INTERNATIONAL_RELS = frozenset({
    RelType.TWINNED_WITH, RelType.COOPERATES_WITH, RelType.PARTICIPATES_IN,
    RelType.FUNDED_BY, RelType.VOLUNTEERS_WITH, RelType.MEMBER_OF,
})

ROLES = ("lead", "partner", "funder", "technical", "operator")

# An id is what follows « kind: »: no space, no « / ? # \ » (a key is a path segment of the
# API), no control character.
KEY_PATTERN = re.compile(r"^(?P<kind>[a-z]+):(?P<id>[^\s/?#\\\x00-\x1f\x7f]{1,200})$")


@lru_cache(maxsize=1 << 17)  # names recur: in a file, in the index, in searches
def normalize(text: str) -> str:
    """Lower-case, accent-free, single-spaced text, for search and matching.

    >>> normalize("  Saint-Étienne   de Baïgorry ")
    'saint-etienne de baigorry'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("’", "'").lower().split())


def slugify(text: str) -> str:
    """ASCII slug for keys.

    >>> slugify("Province de la Comoé")
    'province-de-la-comoe'
    """
    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-")


def make_key(kind: NodeKind | str, ident: str) -> str:
    """Build the key of a node.

    >>> make_key(NodeKind.COMMUNE, "86194")
    'commune:86194'
    """
    return f"{NodeKind(kind).value}:{ident}"


def kind_of(key: str) -> NodeKind:
    """The kind a key names; raises ``ValueError`` with a French message if none.

    >>> kind_of("epci:200069854")
    <NodeKind.EPCI: 'epci'>
    """
    match = KEY_PATTERN.match(key)
    if not match:
        raise ValueError(f"clé invalide « {key} » : la forme attendue est type:identifiant, "
                         "sans espace ni « / ? # \\ », 200 caractères au plus")
    kind = _KIND_OF_VALUE.get(match["kind"])
    if kind is None:
        raise ValueError(f"clé invalide « {key} » : type « {match['kind']} » inconnu")
    return kind


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Provenance(BaseModel):
    """Where a record comes from: kept on every node and relationship."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(min_length=1, description="fichier et ligne, ou URL")
    licence: str = Field(min_length=1)
    ingested_at: str = Field(default_factory=now_iso)

    @field_validator("source", "licence")
    @classmethod
    def _text(cls, value: str) -> str:
        return check_text(value, "source")


class NodeBase(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: Annotated[str, Field(max_length=210)]
    name: Annotated[str, Field(min_length=1, max_length=500)]
    props: Properties = Field(default_factory=dict)

    @field_validator("props")
    @classmethod
    def _props(cls, value: Properties) -> Properties:
        return check_properties(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_text(value, "nom")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        kind_of(value)
        return value

    @property
    def kind(self) -> NodeKind:
        # the key was checked when the record was made
        prefix = self.key.partition(":")[0]
        return _KIND_OF_VALUE.get(prefix) or NodeKind(prefix)

    def public(self) -> Self:
        """This record without its personal properties (see :func:`personal_properties`)."""
        personal = personal_properties(self.kind, self.props)
        if not personal:
            return self
        return self.model_copy(update={
            "name": public_name(self.kind, self.name, self.props),
            "props": {k: v for k, v in self.props.items() if k not in personal}})


class Node(NodeBase):
    """A node of the graph, with its provenance."""

    provenance: Provenance

    @classmethod
    def stored(cls, key: str, name: str, props: Properties, source: str, licence: str,
               ingested_at: str) -> Node:
        """A node read back from a store: validated when it was written, not again."""
        return cls.model_construct(key=key, name=name, props=props, provenance=(
            Provenance.model_construct(source=source, licence=licence,
                                       ingested_at=ingested_at)))

    def content(self) -> dict[str, Any]:
        """What an upsert compares: everything but the ingestion time."""
        return {"name": self.name, "props": self.props,
                "source": self.provenance.source, "licence": self.provenance.licence}


def relationship_key(start: str, type_: RelType | str, end: str, discriminator: str = "") -> str:
    """Stable key of a relationship from its endpoints, type and a discriminator.

    The same fact imported twice gets the same key, so importing is idempotent.

    >>> relationship_key("commune:86194", "TWINNED_WITH", "territory:de-marburg")
    'TWINNED_WITH:commune:86194>territory:de-marburg'
    >>> relationship_key("a:1", "MEMBER_OF", "b:2", "1982; 2012").split("#")[0]
    'MEMBER_OF:a:1>b:2'
    """
    # a RelType already made (a record validating its key) is not made again
    base = f"{(type_ if isinstance(type_, RelType) else RelType(type_)).value}:{start}>{end}"
    if not discriminator:
        return base
    digest = hashlib.sha1(normalize(discriminator).encode()).hexdigest()[:10]
    return f"{base}#{digest}"


class Relationship(BaseModel):
    """A directed, typed relationship between two nodes."""

    model_config = ConfigDict(frozen=True)

    key: str = ""
    type: RelType
    start: str
    end: str
    props: Properties = Field(default_factory=dict)
    provenance: Provenance

    @field_validator("props")
    @classmethod
    def _props(cls, value: Properties) -> Properties:
        return check_properties(value)

    @field_validator("start", "end")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        kind_of(value)
        return value

    @model_validator(mode="after")
    def _default_key(self) -> Relationship:
        base = relationship_key(self.start, self.type, self.end)
        if not self.key:
            object.__setattr__(self, "key", base)
        elif self.key != base and not self.key.startswith(base + "#"):
            # Stores find a relationship's type from its key: keep keys derived.
            raise ValueError(f"clé de relation « {self.key} » incohérente avec ses extrémités")
        return self

    @classmethod
    def stored(cls, key: str, type_: str, start: str, end: str, props: Properties,
               source: str, licence: str, ingested_at: str) -> Relationship:
        """A relationship read back from a store: validated when it was written."""
        return cls.model_construct(key=key, type=RelType(type_), start=start, end=end,
                                   props=props, provenance=Provenance.model_construct(
                                       source=source, licence=licence,
                                       ingested_at=ingested_at))

    def content(self) -> dict[str, Any]:
        return {"type": self.type.value, "start": self.start, "end": self.end,
                "props": self.props, "source": self.provenance.source,
                "licence": self.provenance.licence}


class Neighbour(BaseModel):
    """One relationship of a node and the node at its other end."""

    relationship: Relationship
    node: Node
    outgoing: bool


class UpsertSummary(BaseModel):
    """What a batched upsert did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertSummary) -> UpsertSummary:
        return UpsertSummary(created=self.created + other.created,
                             updated=self.updated + other.updated,
                             unchanged=self.unchanged + other.unchanged)


class Counts(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


class ReviewItem(BaseModel):
    """A row that could not be resolved with confidence: kept for the user to settle."""

    key: str
    file: str
    lines: list[int]
    name: str
    row: dict[str, str]
    reason: str
    candidates: list[str] = Field(default_factory=list)
    template: str = "actions"
    status: str = "open"  # open, settled, dismissed
    resolution: str | None = None
    created_at: str = Field(default_factory=now_iso)
