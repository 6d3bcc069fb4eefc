"""The HTTP API. Routes stay thin: they check parameters and call :mod:`service.queries`."""

from __future__ import annotations

import dataclasses
import io
import json
import secrets
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.export import write_graphml
from graph.factory import open_store
from graph.model import (
    Node,
    NodeKind,
    Provenance,
    Relationship,
    ReviewItem,
    relationship_key,
)
from graph.store import StoreError
from ingest.errors import IngestError
from service.queries import Maillage, NotFound, na_map, world_map
from service.schemas import (
    CountryPublic,
    GraphView,
    ImportResult,
    NodeCreate,
    NodePublic,
    NodeRef,
    NodeUpdate,
    Page,
    Problem,
    Profile,
    RelationCreate,
    ReviewSettle,
    Stats,
)
from service.settings import Settings, get_settings
from viz.network import STYLE, vis_data
from viz.reports import ReportError, build, render

STATIC = Path(__file__).resolve().parents[1] / "viz" / "static"

MAX_PAGE = 200
MAX_DEPTH = 3
MAX_UPLOAD = 10 * 1024 * 1024
PROBLEM = "application/problem+json"
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "jeton absent ou invalide"},
    404: {"model": Problem, "description": "clé inconnue"},
    422: {"model": Problem, "description": "paramètres invalides"},
}

bearer = HTTPBearer(auto_error=False)


async def answer(svc: Maillage, name: str, args: tuple[Any, ...],
                 compute: Callable[[], Any]) -> Response:
    """A read served from the cache when nothing was written since; computed off the
    event loop otherwise."""
    body = svc.cached_json(name, args)
    if body is None:
        result = await run_in_threadpool(compute)
        if isinstance(result, BaseModel):
            body = result.model_dump_json().encode()
        else:
            body = json.dumps(jsonable_encoder(result), ensure_ascii=False,
                              separators=(",", ":")).encode()
        svc.remember(name, args, body)
    return Response(body, media_type="application/json")


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None
            ) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM)


async def service(request: Request) -> Maillage:
    maillage: Maillage = request.app.state.maillage
    return maillage


def _check_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> None:
    settings: Settings = request.app.state.settings
    token = settings.api_token.get_secret_value() if settings.api_token else ""
    given = credentials.credentials if credentials else ""
    if not token or not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "jeton d'accès absent ou invalide (en-tête Authorization: "
                                 "Bearer …)" if token else
                            "écriture désactivée : aucun jeton MAILLAGE_API_TOKEN configuré")


async def writer(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                     Depends(bearer)]) -> None:
    _check_token(request, credentials)


async def reader(request: Request) -> None:
    # Open reads are the common case: no bearer parsing on that hot path.
    if request.app.state.settings.protect_reads:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        given = (HTTPAuthorizationCredentials(scheme=scheme, credentials=value)
                 if scheme.lower() == "bearer" and value else None)
        _check_token(request, given)


Service = Annotated[Maillage, Depends(service)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="taille de page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="décalage")]
Key = Annotated[str, Query(min_length=3, max_length=210)]

@dataclasses.dataclass
class ViewQuery:
    """The parameters of a view, shared by the drawing and its exports."""

    focus: Annotated[str | None, Query(max_length=210, examples=["commune:86194"])] = None
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1
    kind: Annotated[NodeKind | None, Query()] = None
    departement: Annotated[str | None, Query(max_length=20)] = None
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None
    theme: Annotated[str | None, Query(max_length=80)] = None
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000

    def view(self, svc: Maillage) -> GraphView:
        return svc.subgraph(self.focus, self.depth, self.kind.value if self.kind else None,
                            self.departement, self.country, self.theme, self.limit)


View = Annotated[ViewQuery, Depends()]


read = APIRouter(prefix="/api", dependencies=[Depends(reader)], responses=ERRORS)
write = APIRouter(prefix="/api", dependencies=[Depends(writer)], responses=ERRORS)


@read.get("/actors", response_model=Page[NodeRef], tags=["acteurs"],
          summary="Chercher des acteurs")
def list_actors(
    svc: Service, limit: Limit = 50, offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=200, description="nom, sans souci d'accents ni "
                                   "de majuscules", examples=["poitiers"])] = None,
    kind: Annotated[NodeKind | None, Query(description="type d'acteur")] = None,
    departement: Annotated[str | None, Query(max_length=20, examples=["86"])] = None,
    epci: Annotated[str | None, Query(max_length=30, examples=["200069854"])] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2, examples=["SN"])] = None,
    theme: Annotated[str | None, Query(max_length=80, examples=["eau-assainissement"])] = None,
) -> Page[NodeRef]:
    """Collectivités et organisations, celles qui agissent à l'international d'abord."""
    items, total = svc.actors(q, kind.value if kind else None, departement, epci, country,
                              theme, limit, offset)
    return Page[NodeRef](items=items, total=total, limit=limit, offset=offset)


@read.get("/actors/{key}", response_model=Profile, tags=["acteurs"],
          summary="Fiche d'un acteur")
async def get_actor(key: str, svc: Service) -> Response:
    """L'acteur et ses relations groupées par type, chacune avec sa période et sa source."""
    return await answer(svc, "profile", (key,), lambda: svc.profile(key))


@read.get("/actors/{key}/neighbours", response_model=GraphView, tags=["acteurs"],
          summary="Voisinage d'un acteur")
def neighbours(key: str, svc: Service,
               depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1) -> GraphView:
    return svc.neighbourhood(key, depth)


@read.get("/actors/{key}/suggestions", tags=["analyses"], summary="Partenaires suggérés")
async def suggestions(key: str, svc: Service,
                      k: Annotated[int, Query(ge=1, le=50)] = 10) -> Response:
    """Les acteurs avec qui travailler, avec les raisons et leurs sources."""
    return await answer(svc, "suggestions", (key, k),
                        lambda: [dataclasses.asdict(s) for s in svc.suggestions(key, k)])


@read.get("/countries/{iso2}", response_model=CountryPublic, tags=["territoires"],
          summary="Qui agit dans un pays")
def country(iso2: str, svc: Service) -> CountryPublic:
    """Les acteurs de Nouvelle-Aquitaine qui y agissent, sur quoi, depuis quand."""
    if len(iso2) != 2 or not iso2.isalpha():
        raise NotFound(f"code pays invalide : {iso2}")
    return svc.country(iso2)


@read.get("/programmes", response_model=Page[NodePublic], tags=["programmes"],
          summary="Programmes et dispositifs")
def programmes(svc: Service, limit: Limit = 50, offset: Offset = 0) -> Page[NodePublic]:
    items, total = svc.of_kind(NodeKind.PROGRAMME, limit, offset)
    return Page[NodePublic](items=items, total=total, limit=limit, offset=offset)


@read.get("/projects", response_model=Page[NodePublic], tags=["projets"], summary="Projets")
def projects(svc: Service, limit: Limit = 50, offset: Offset = 0) -> Page[NodePublic]:
    items, total = svc.of_kind(NodeKind.PROJECT, limit, offset)
    return Page[NodePublic](items=items, total=total, limit=limit, offset=offset)


@read.get("/stats", response_model=Stats, tags=["graphe"], summary="Comptes")
def stats(svc: Service) -> Stats:
    counts = svc.store.counts()
    return Stats(nodes=counts.nodes, relationships=counts.relationships,
                 review_open=len(svc.store.review_items("open")),
                 generation=svc.store.generation())


@read.get("/graph", response_model=GraphView, tags=["graphe"], summary="Sous-graphe")
def graph_view(svc: Service, params: View) -> GraphView:
    """Un nœud et son voisinage (``focus``, ``depth``), ou les acteurs d'un filtre et ce qui
    les relie, avec des positions calculées sur le serveur."""
    return params.view(svc)


@read.get("/opportunities", tags=["analyses"], summary="Consortiums ou partenaires")
async def opportunities(
    svc: Service,
    actor: Annotated[str | None, Query(max_length=210)] = None,
    country: Annotated[list[str] | None, Query(max_length=10)] = None,
    territory: Annotated[list[str] | None, Query(max_length=10)] = None,
    theme: Annotated[list[str] | None, Query(max_length=10)] = None,
    programme: Annotated[list[str] | None, Query(max_length=10)] = None,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Response:
    """Comme ``maillage opportunities`` : partenaires d'un acteur, ou consortiums pour un
    pays, une collectivité étrangère, un thème ou ODD, un programme."""

    def compute() -> list[dict[str, Any]]:
        if actor:
            return [dataclasses.asdict(s) for s in svc.suggestions(actor, top)]
        focus = svc.focus(country or [], territory or [], theme or [], programme or [])
        if not focus.items():
            raise HTTPException(422, "précisez actor, country, territory, theme ou programme")
        return [dataclasses.asdict(c) for c in svc.consortia(focus, top)]

    args = (actor, tuple(country or ()), tuple(territory or ()), tuple(theme or ()),
            tuple(programme or ()), top)
    return await answer(svc, "opportunities", args, compute)


@read.get("/gaps", tags=["analyses"], summary="Manques du réseau")
def gaps(svc: Service) -> list[dict[str, Any]]:
    return [dataclasses.asdict(g) for g in svc.gaps()]


@read.get("/gaps/{rule}", tags=["analyses"], summary="Une règle de manques")
def gap(rule: str, svc: Service) -> dict[str, Any]:
    return dataclasses.asdict(svc.gaps(rule)[0])


@read.get("/path", response_model=list[NodeRef], tags=["analyses"],
          summary="Comment joindre un acteur")
def path(svc: Service, source: Annotated[str, Query(alias="from", max_length=210)],
         target: Annotated[str, Query(alias="to", max_length=210)]) -> list[NodeRef]:
    return svc.path(source, target)


# -- explorer: drawings, maps, exports ------------------------------------------------------


@read.get("/vis", tags=["explorateur"], summary="Vue dessinée (vis-network)")
async def vis(svc: Service, params: View) -> Response:
    """La vue de ``/api/graph``, positions calculées, mise en forme par pyvis pour
    vis-network, avec la légende."""

    def compute() -> dict[str, Any]:
        view = params.view(svc)
        data = vis_data([n.model_dump() for n in view.nodes], [e.model_dump() for e in view.edges])
        return {**data, "truncated": view.truncated, "aggregated": view.aggregated,
                "legend": [{"kind": k, "label": s[0], "shape": s[1], "color": s[2]}
                           for k, s in STYLE.items()]}

    return await answer(svc, "vis", tuple(dataclasses.astuple(params)), compute)


@read.get("/graph.graphml", tags=["explorateur"], summary="Vue exportée en GraphML",
          response_class=Response)
def graph_graphml(svc: Service, params: View) -> Response:
    sub = svc.graph().subgraph({n.key for n in params.view(svc).nodes})
    buffer = io.BytesIO()
    write_graphml(nx.MultiDiGraph(sub), buffer)
    return Response(buffer.getvalue(), media_type="application/graphml+xml",
                    headers={"Content-Disposition": 'attachment; filename="maillage.graphml"'})


@read.get("/vocabulary", tags=["explorateur"], summary="Listes pour les sélecteurs")
async def vocabulary(svc: Service) -> Response:
    """Thèmes, départements, programmes, ODD, pays où agissent des acteurs, types de relation."""
    return await answer(svc, "vocabulary", (), svc.vocabulary)


@read.get("/maps/na", tags=["explorateur"], summary="Carte de la Nouvelle-Aquitaine")
async def map_na(svc: Service, layer: Annotated[str, Query(
        pattern="^(departements|epci|communes)$")] = "departements") -> Response:
    """Départements, EPCI ou communes en SVG, avec l'engagement international et le bassin."""
    return await answer(svc, "map-na", (layer,), lambda: na_map(svc, layer))


@read.get("/maps/world", tags=["explorateur"], summary="Carte du monde des partenaires")
async def map_world(svc: Service) -> Response:
    return await answer(svc, "map-world", (), lambda: world_map(svc))


@read.get("/reports/{key}", tags=["rapports"], summary="Rapport de prospection",
          response_class=Response,
          responses={200: {"content": {"text/html": {}, "text/markdown": {},
                                       "application/pdf": {}}}})
async def report(key: str, svc: Service, format: Annotated[
        str, Query(pattern="^(html|md|pdf)$", description="html, md ou pdf")] = "html"
                 ) -> Response:
    """Fiche collectivité, prospection territoriale (département, EPCI), pays ou collectivité
    étrangère, thème ou programme, ou ``reseau`` (observatoire). Sans coordonnées
    personnelles."""

    def compute() -> bytes:
        try:
            return render(build(svc, key), format)
        except ReportError as exc:
            raise NotFound(str(exc)) from None

    body = await run_in_threadpool(compute)
    media = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
             "pdf": "application/pdf"}[format]
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'inline; filename="maillage-{key.replace(":", "-")}.{format}"'})


# -- writes ------------------------------------------------------------------------------
@write.post("/import", response_model=ImportResult, tags=["écriture"],
            summary="Importer un tableur")
async def import_upload(svc: Service, file: Annotated[UploadFile, File()],
                        dry_run: Annotated[bool, Form()] = True,
                        partial: Annotated[bool, Form()] = False) -> ImportResult:
    """Fichier CSV ou XLSX ; ``dry_run`` (par défaut) ne fait que simuler."""
    from ingest.importer import import_file

    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"fichier trop gros (plus de {MAX_UPLOAD // 1024 // 1024} Mo)")
    name = Path(file.filename or "envoi.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = import_file(svc.store, path, display_name=name, dry_run=dry_run,
                             partial=partial)
    return ImportResult(file=report.file, template=report.template, written=report.written,
                        summary=report.summary_fr(), rows=[r.as_dict() for r in report.rows],
                        errors=[str(e) for e in report.errors])


@write.get("/review", response_model=list[ReviewItem], tags=["écriture"],
           summary="Lignes à vérifier")
def review(svc: Service, status: Annotated[str | None, Query(
        pattern="^(open|settled|dismissed)$")] = "open") -> list[ReviewItem]:
    return svc.store.review_items(status)


@write.post("/review/{key}/settle", tags=["écriture"], summary="Arbitrer une ligne")
def settle(key: str, body: ReviewSettle, svc: Service) -> dict[str, Any]:
    from ingest.review import ReviewError, settle_item

    try:
        written = settle_item(svc.store, key, body.key)
    except ReviewError as exc:
        raise NotFound(str(exc)) from None
    return {"key": key, "resolution": body.key, "relations": written}


def _create(svc: Maillage, body: NodeCreate) -> NodePublic:
    node = Node(key=f"{body.kind.value}:{body.ident}", name=body.name, props=body.props,
                provenance=Provenance(source=body.source, licence=body.licence))
    if svc.store.get_node(node.key) is not None:
        raise HTTPException(409, f"le nœud {node.key} existe déjà")
    svc.store.upsert_nodes([node])
    return NodePublic.of(node)


def _update(svc: Maillage, key: str, body: NodeUpdate) -> NodePublic:
    old = svc.need(key)
    node = Node(key=key, name=body.name or old.name,
                props=old.props if body.props is None else body.props,
                provenance=Provenance(source=body.source or old.provenance.source,
                                      licence=body.licence or old.provenance.licence))
    svc.store.upsert_nodes([node])
    return NodePublic.of(svc.need(key))


def _delete(svc: Maillage, key: str) -> dict[str, str]:
    if not svc.store.delete_node(key):
        raise NotFound(f"nœud inconnu : {key}")
    return {"deleted": key}


@write.post("/actors", response_model=NodePublic, status_code=201, tags=["écriture"])
def create_actor(body: NodeCreate, svc: Service) -> NodePublic:
    if body.kind not in (NodeKind.COMMUNE, NodeKind.EPCI, NodeKind.DEPARTEMENT, NodeKind.REGION,
                         NodeKind.ORGANISATION, NodeKind.PERSON, NodeKind.TERRITORY):
        raise HTTPException(422, f"un acteur ne peut pas être de type {body.kind.value}")
    return _create(svc, body)


@write.patch("/actors/{key}", response_model=NodePublic, tags=["écriture"])
def update_actor(key: str, body: NodeUpdate, svc: Service) -> NodePublic:
    return _update(svc, key, body)


@write.delete("/actors/{key}", tags=["écriture"])
def delete_actor(key: str, svc: Service) -> dict[str, str]:
    return _delete(svc, key)


@write.post("/projects", response_model=NodePublic, status_code=201, tags=["écriture"])
def create_project(body: NodeCreate, svc: Service) -> NodePublic:
    if body.kind is not NodeKind.PROJECT:
        raise HTTPException(422, "kind doit valoir « project »")
    return _create(svc, body)


@write.patch("/projects/{key}", response_model=NodePublic, tags=["écriture"])
def update_project(key: str, body: NodeUpdate, svc: Service) -> NodePublic:
    if not key.startswith("project:"):
        raise NotFound(f"projet inconnu : {key}")
    return _update(svc, key, body)


@write.delete("/projects/{key}", tags=["écriture"])
def delete_project(key: str, svc: Service) -> dict[str, str]:
    if not key.startswith("project:"):
        raise NotFound(f"projet inconnu : {key}")
    return _delete(svc, key)


@write.post("/relations", status_code=201, tags=["écriture"])
def create_relation(body: RelationCreate, svc: Service) -> dict[str, Any]:
    for key in (body.start, body.end):
        svc.need(key)
    rel = Relationship(key=relationship_key(body.start, body.type, body.end, body.discriminator),
                       type=body.type, start=body.start, end=body.end, props=body.props,
                       provenance=Provenance(source=body.source, licence=body.licence))
    summary = svc.store.upsert_relationships([rel])
    return {"key": rel.key, "created": summary.created, "updated": summary.updated}


@write.delete("/relations/{key}", tags=["écriture"])
def delete_relation(key: str, svc: Service) -> dict[str, str]:
    if not svc.store.delete_relationship(key):
        raise NotFound(f"relation inconnue : {key}")
    return {"deleted": key}


# -- app ---------------------------------------------------------------------------------
def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.store_url, settings.neo4j_user,
                           settings.neo4j_password.get_secret_value(), settings.neo4j_database)
        app.state.maillage = Maillage(store)
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="Maillage", version="0.1.0", lifespan=lifespan,
                  description="Graphe des partenariats de coopération décentralisée en "
                              "Nouvelle-Aquitaine : acteurs, relations sourcées, consortiums "
                              "possibles et manques du réseau. Les écritures demandent un "
                              "jeton (en-tête `Authorization: Bearer …`).")
    app.state.settings = settings

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Introuvable", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {401: "Non autorisé", 404: "Introuvable", 405: "Méthode non permise",
                  409: "Conflit", 413: "Trop gros", 422: "Paramètres invalides"}
        detail = exc.detail if isinstance(exc.detail, str) else "erreur"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"adresse inconnue : {request.url.path}"
        if exc.status_code == 405:
            detail = "méthode non permise pour cette adresse"
        response = problem(exc.status_code, titles.get(exc.status_code, "Erreur"), detail)
        if exc.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"lieu": ".".join(str(p) for p in e.get("loc", ())), "raison": e.get("msg", "")}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['lieu']} : {e['raison']}" for e in errors)
        return problem(422, "Paramètres invalides", detail, errors)

    @app.exception_handler(IngestError)
    async def ingest_error(request: Request, exc: IngestError) -> JSONResponse:
        return problem(422, "Import refusé, rien n'a été écrit", str(exc),
                       [e.model_dump() for e in exc.errors])

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        return problem(422, "Requête refusée", str(exc))

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> JSONResponse:
        return problem(422, "Valeur invalide", str(exc))

    @app.get("/health", tags=["service"], summary="Le service répond")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", tags=["service"], summary="La base répond",
             responses={503: {"model": Problem}})
    def ready(request: Request) -> Any:
        try:
            request.app.state.maillage.store.generation()
        except Exception as exc:  # any driver error means not ready
            return problem(503, "Base indisponible", str(exc))
        return {"status": "ok"}

    app.include_router(read)
    app.include_router(write)
    app.add_middleware(GZipMiddleware, minimum_size=4096)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def explorer() -> Response:
        page = (STATIC / "index.html").read_bytes()
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": CSP})

    return app


# Everything the page loads comes from this server; no inline script can run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'")

