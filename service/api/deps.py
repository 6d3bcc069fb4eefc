"""What routes depend on: the context, the token checks, shared parameters, and the
cached answer of a read."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Annotated, Any
from urllib.parse import quote

import pydantic_core
from fastapi import Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from graph.model import NodeKind
from service.context import Context
from service.schemas import Problem
from service.settings import Settings
from service.views import ViewSpec

MAX_PAGE = 200
MAX_DEPTH = 3
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "jeton absent ou invalide"},
    404: {"model": Problem, "description": "clé inconnue"},
    422: {"model": Problem, "description": "paramètres invalides"},
    503: {"model": Problem, "description": "base indisponible ou occupée (voir Retry-After)"},
}
#: What a write may also answer.
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": Problem, "description": "corps de requête illisible"},
    409: {"model": Problem, "description": "conflit avec l'état de la base (clé déjà prise, "
                                            "choix impossible pour cet élément)"},
    413: {"model": Problem, "description": "requête trop grosse"},
}

bearer = HTTPBearer(auto_error=False)


async def context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


def check_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> None:
    settings: Settings = request.app.state.settings
    token = settings.api_token.get_secret_value() if settings.api_token else ""
    given = credentials.credentials if credentials else ""
    if not token or not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "jeton d'accès absent ou invalide (en-tête Authorization: "
                                 "Bearer …)" if token else
                            "écriture désactivée : aucun jeton MAILLAGE_API_TOKEN configuré")


async def writer(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                     Depends(bearer)]) -> None:
    check_token(request, credentials)


def given_token(request: Request) -> HTTPAuthorizationCredentials | None:
    """The bearer token of a request, read by hand: a route that is open but says more to
    an authorised caller must not declare a security scheme (it would read as closed)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return (HTTPAuthorizationCredentials(scheme=scheme, credentials=value)
            if scheme.lower() == "bearer" and value else None)


def authorised(request: Request) -> None:
    """For an open read asked to include personal data: the write token is required."""
    check_token(request, given_token(request))


Ctx = Annotated[Context, Depends(context)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="taille de page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="décalage")]


@dataclass
class ViewQuery:
    """The parameters of a view, shared by the drawing and its exports."""

    focus: Annotated[str | None, Query(max_length=210, examples=["commune:86194"])] = None
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1
    kind: Annotated[NodeKind | None, Query()] = None
    departement: Annotated[str | None, Query(max_length=20)] = None
    country: Annotated[str | None, Query(max_length=10, description="code ISO (SN) ou clé "
                                         "(country:SN)")] = None
    theme: Annotated[str | None, Query(max_length=80)] = None
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000
    communautes: Annotated[bool, Query(description="colorer les nœuds par communauté "
                                       "(groupes très liés entre eux)")] = False

    def spec(self) -> ViewSpec:
        country = self.country.removeprefix("country:") if self.country else None
        return ViewSpec(self.focus, self.depth, self.kind.value if self.kind else None,
                        self.departement, country, self.theme, self.limit, self.communautes)

    def args(self) -> tuple[Any, ...]:
        return astuple(self)


View = Annotated[ViewQuery, Depends()]


#: Answers being computed, by context, read and store generation: a request that needs
#: one already under way waits for it rather than computing it again (after a write,
#: every reader of a popular page would otherwise compute it at once).
_UNDER_WAY: dict[tuple[int, str, tuple[Any, ...], int], asyncio.Future[bytes]] = {}


async def answer(ctx: Context, name: str, args: tuple[Any, ...],
                 compute: Callable[[], Any], small: Callable[[int], bool] | None = None,
                 ) -> Response:
    """A read served from the cache when nothing was written since; computed off the
    event loop otherwise, once for all the requests that ask for it meanwhile, unless
    ``small(generation)`` says it is cheap enough to compute right here (a worker thread's hand-offs
    of the interpreter lock cost more than a sub-millisecond read: p99 35 → 15 ms for
    uncached actor profiles at 20 clients, ``bench/api_latency.py``)."""
    body, seen = ctx.cached_json(name, args)
    if body is None and small is not None and small(seen):
        body = _encoded(compute)
        ctx.remember(name, args, body, seen)
    flight = (id(ctx), name, args, seen)
    under_way = _UNDER_WAY.get(flight) if body is None else None
    if under_way is not None:
        await asyncio.wait([under_way])
        if not under_way.cancelled():
            body = under_way.result()
    if body is None:  # nobody computing it, or they failed: their error is theirs
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        _UNDER_WAY.setdefault(flight, future)
        try:
            body = await run_in_threadpool(_encoded, compute)
        except BaseException:
            future.cancel()
            raise
        finally:
            if _UNDER_WAY.get(flight) is future:
                del _UNDER_WAY[flight]
        future.set_result(body)
        ctx.remember(name, args, body, seen)
    return Response(body, media_type="application/json")


def _encoded(compute: Callable[[], Any]) -> bytes:
    result = compute()
    if isinstance(result, BaseModel):
        return result.model_dump_json().encode()
    # pydantic's own writer (in Rust: a quarter of json's time on a profile; the same
    # bytes on every answer of the API, compact and in UTF-8); FastAPI's encoder only
    # for what it cannot write itself, as it walks every value in Python
    return pydantic_core.to_json(result, fallback=jsonable_encoder)


def attachment(name: str, disposition: str = "attachment") -> dict[str, str]:
    """A ``Content-Disposition`` header that survives any name (RFC 6266: an ASCII
    fallback and the UTF-8 ``filename*``).

    >>> print(attachment('maillage-theme-é"😀.md', "inline")["Content-Disposition"])
    inline; filename="maillage-theme-_.md"; filename*=UTF-8''maillage-theme-%C3%A9%22%F0%9F%98%80.md
    """
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                       for c in name)
    fallback = re.sub(r"_+", "_", fallback)
    return {"Content-Disposition": f'{disposition}; filename="{fallback}"; '
                                   f"filename*=UTF-8''{quote(name, safe='')}"}
