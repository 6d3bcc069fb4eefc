"""Requests to ``/api/`` are checked before any route runs: a write's token first (an
anonymous 200 MB body is refused with a 401 at once, not after reading it), then its size;
a read's token when the setting ``protect_reads`` asks for one."""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_JSON = 1024 * 1024
MAX_UPLOAD_BODY = 10 * 1024 * 1024 + 64 * 1024  # the spreadsheet and its form fields


class _TooLarge(BaseException):
    """Not an ``Exception``: the framework's body parser must not turn it into a 400."""


class HostGuard:
    """Only the host names of the setting ``trusted_hosts`` (DNS rebinding: a web page
    whose name is made to point at 127.0.0.1 must not read the local API)."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = {h.strip().lower() for h in hosts if h.strip()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.hosts or "*" in self.hosts:
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", [])
                     if k == b"host"), "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in self.hosts and host not in self.hosts:
            await _problem(send, 400, "Hôte non autorisé",
                           f"nom d'hôte « {host} » absent de MAILLAGE_TRUSTED_HOSTS")
            return
        await self.app(scope, receive, send)


class TokenGuard:
    """ASGI middleware in front of every route of ``/api/``: the writes, and the reads
    when ``protect_reads`` is set (here rather than a dependency of each router: one
    check that no new route can miss, and none of the dependency solving on the open
    reads, the common case)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writing = scope["type"] == "http" and scope["method"] in WRITE_METHODS
        if scope["type"] != "http" or not str(scope["path"]).startswith("/api/") or \
                not (writing or self.settings.protect_reads):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        token = self.settings.api_token.get_secret_value() if self.settings.api_token else ""
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if not token or scheme.lower() != "bearer" or not secrets.compare_digest(
                given.encode(), token.encode()):
            detail = ("jeton d'accès absent ou invalide (en-tête Authorization: Bearer …)"
                      if token else "écriture désactivée : aucun jeton MAILLAGE_API_TOKEN "
                                    "configuré" if writing else
                      "lectures protégées (MAILLAGE_PROTECT_READS) mais aucun jeton "
                      "MAILLAGE_API_TOKEN configuré")
            await _problem(send, 401, "Non autorisé", detail, {"www-authenticate": "Bearer"})
            return
        if not writing:
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD_BODY if str(scope["path"]).startswith("/api/import") else MAX_JSON
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _problem(send, 413, "Trop gros", f"corps de requête de plus de {limit} octets")
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _problem(send, 413, "Trop gros", f"corps de requête de plus de {limit} "
                               "octets")


async def _problem(send: Send, status: int, title: str, detail: str,
                   extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail, "errors": []}, ensure_ascii=False).encode()
    headers: list[Any] = [(b"content-type", b"application/problem+json"),
                          (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
