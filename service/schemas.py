"""API models (pydantic), split as Base / Create / Public."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
)

from graph.model import (
    PROPERTY_NAME_PATTERN,
    RECORDED_ACTOR_KINDS,
    TEXT_PATTERN,
    Node,
    NodeKind,
    PropValue,
    RelType,
)

T = TypeVar("T")
#: Property names as the model accepts them, said in the schema.
PropName = Annotated[str, StringConstraints(pattern=PROPERTY_NAME_PATTERN)]
#: Text as the model accepts it: no control character (said in the schema).
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
StrictText = Annotated[StrictStr, StringConstraints(pattern=TEXT_PATTERN)]
#: Values as they are stored: no coercion (``[false]`` is not a list of numbers).
StrictValue = (StrictText | StrictInt | StrictFloat | StrictBool | list[StrictText]
               | list[StrictInt] | list[StrictFloat] | None)


class _Closed:
    """Only properties whose names match: the schema says so (``additionalProperties``)."""

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler
                                     ) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core)
        schema["additionalProperties"] = False
        return schema


Props = Annotated[dict[PropName, StrictValue], _Closed()]


class Problem(BaseModel):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] = Field(default_factory=list)


class NodeRef(BaseModel):
    key: str = Field(examples=["commune:86194"])
    kind: str = Field(examples=["commune"])
    name: str = Field(examples=["Poitiers"])


class NodeBase(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")  # the property-name look-ahead

    name: Text = Field(min_length=1, max_length=500, description="nom affiché")
    props: Props = Field(default_factory=dict, description="propriétés")


class NodeCreate(NodeBase):
    kind: NodeKind = Field(description="type de nœud")
    ident: str = Field(min_length=1, max_length=190, pattern=r"^[^\s/?#\\\x00-\x1f\x7f]+$",
                       description="identifiant : code INSEE, SIREN, ISO ou slug",
                       examples=["86194"])
    source: Text = Field(min_length=1, description="fichier et ligne, ou URL")
    licence: Text = Field(min_length=1)


def _kinds(allowed: frozenset[NodeKind]) -> Callable[[dict[str, Any]], None]:
    """Document in the schema the only kinds a route accepts."""
    def restrict(schema: dict[str, Any]) -> None:
        schema["properties"]["kind"] = {
            "type": "string", "enum": sorted(k.value for k in allowed),
            "description": "type de nœud"}
    return restrict


class ActorCreate(NodeCreate):
    model_config = ConfigDict(json_schema_extra=_kinds(RECORDED_ACTOR_KINDS))


class ProjectCreate(NodeCreate):
    model_config = ConfigDict(json_schema_extra=_kinds(frozenset({NodeKind.PROJECT})))


class NodeUpdate(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")

    name: Text | None = Field(default=None, min_length=1, max_length=500)
    props: Props | None = None
    source: Text | None = Field(default=None, min_length=1)
    licence: Text | None = Field(default=None, min_length=1)


class NodePublic(NodeRef):
    props: dict[str, PropValue]
    source: str
    licence: str
    ingested_at: str

    @classmethod
    def of(cls, node: Node, personal: bool = False) -> NodePublic:
        """The node as the API shows it: without personal data unless ``personal``."""
        return cls(**cls.data(node, personal))

    @staticmethod
    def data(node: Node, personal: bool = False) -> dict[str, Any]:
        """:meth:`of` as plain data, for answers written without a model."""
        node = node if personal else node.public()
        return {"key": node.key, "kind": node.kind.value, "name": node.name,
                "props": node.props, "source": node.provenance.source,
                "licence": node.provenance.licence, "ingested_at": node.provenance.ingested_at}


class RelationCreate(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")

    type: RelType
    start: str = Field(examples=["commune:86194"])
    end: str = Field(examples=["territory:td-moundou"])
    props: Props = Field(default_factory=dict)
    discriminator: Text = Field(default="", max_length=500,
                               description="distingue deux relations de même type (période…)")
    source: Text = Field(min_length=1)
    licence: Text = Field(min_length=1)


class RelationPublic(BaseModel):
    key: str
    type: str
    outgoing: bool = Field(description="vrai si la relation part de l'acteur")
    other: NodeRef
    props: dict[str, PropValue]
    period: str | None = None
    status: str | None = Field(default=None, description="pour un partenariat : active, "
                               "arrêtée (la source le dit) ou à vérifier")
    source: str
    licence: str


class SharedActor(NodeRef):
    outside_region: bool = Field(description="collectivité d'une autre région (« hors région »)")


class SharedPartner(BaseModel):
    partner: NodeRef
    actors: list[SharedActor]


class Profile(BaseModel):
    actor: NodePublic
    relations: dict[str, list[RelationPublic]] = Field(
        description="relations groupées par type, chacune avec sa période et sa source")
    same_partners: list[SharedPartner] = Field(
        default_factory=list, description="les autres collectivités françaises liées aux mêmes "
                                          "partenaires étrangers")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Stats(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]
    review_open: int
    generation: int


class GraphNode(NodeRef):
    size: float = 1.0
    x: float | None = None
    y: float | None = None
    props: dict[str, PropValue] = Field(default_factory=dict)


class GraphEdge(BaseModel):
    key: str
    source: str
    target: str
    type: str
    years: list[int] | None = Field(default=None, description="années citées par la source")
    weight: int = Field(default=1, description="relations de ce type que l'arête regroupe "
                        "(communes regroupées par EPCI)")


class GraphView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"description": "un sous-graphe"})

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = Field(default=False, description="vue coupée à la limite de nœuds")
    aggregated: bool = Field(default=False, description="communes regroupées par EPCI")


class CountryPublic(BaseModel):
    country: NodePublic
    actors: list[dict[str, Any]]
    territories: list[NodeRef]
    by_region: dict[str, int] = Field(
        default_factory=dict, description="collectivités de France qui y agissent, par région")


#: Rows and errors an import answer lists (the summary counts them all; the command line's
#: ``--json`` gives every row): a 100,000-row answer would hold the server for a second.
MAX_LISTED = 1000


class ImportResult(BaseModel):
    file: str
    template: str
    written: bool
    summary: str
    rows: list[dict[str, Any]] = Field(description=f"les {MAX_LISTED} premières lignes")
    rows_total: int = Field(description="nombre de lignes du fichier")
    errors: list[str] = Field(description=f"les {MAX_LISTED} premières erreurs")
    errors_total: int
    audit: str = Field(default="", description="l'écriture de l'historique (à annuler par "
                                                "POST /api/history/{id}/annuler)")


class ReviewSettle(BaseModel):
    key: str = Field(description="clé de la collectivité retenue", examples=["commune:79162"])
