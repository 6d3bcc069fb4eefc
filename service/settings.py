"""Settings from the environment (prefix ``MAILLAGE_``) and ``.env``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.reference.load import table_rows

#: pydantic's own words for a bad value, in French
_REASONS = {"float_parsing": "nombre attendu", "int_parsing": "nombre entier attendu",
            "bool_parsing": "vrai ou faux attendu (true, false)"}


class SettingsError(ValueError):
    """A setting given in the environment or ``.env`` that cannot be used (French)."""


@lru_cache(maxsize=1)
def region_codes() -> dict[str, str]:
    """The INSEE codes of the régions (bundled official table) and their names."""
    return {row["code"]: row["nom"] for row in table_rows("regions.csv")}


def default_store_url() -> str:
    """``sqlite:///$XDG_DATA_HOME/maillage/maillage.db`` (``~/.local/share`` by default)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'maillage' / 'maillage.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", env_file=".env", extra="ignore")

    store: str = ""
    #: the région the product centres on (INSEE code; 75 = Nouvelle-Aquitaine): the
    #: store holds all of France, the explorer, maps, gaps and reports focus here
    region: str = "75"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    #: how long a Neo4j unit of work is retried on transient errors before a 503
    neo4j_retry_seconds: float = 3.0
    api_token: SecretStr | None = None
    #: who the token's holder is, as the audit trail names API writes
    api_token_name: str = "jeton d'écriture"
    protect_reads: bool = False
    #: FastAPI's OpenTelemetry (a span, metrics and logs per request, once a provider is
    #: configured): off unless asked, its check cost every request 10 µs without one
    telemetry: bool = False
    #: host names the API answers to, comma-separated (« * » or empty: any); ``serve`` on
    #: the loopback defaults to the loopback names
    trusted_hosts: str = ""

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in region_codes():
            known = ", ".join(f"{code} {name}" for code, name in sorted(region_codes().items()))
            raise ValueError(f"code INSEE de région inconnu (codes : {known})")
        return value

    @property
    def api_writer(self) -> str:
        return f"API ({self.api_token_name})"

    @property
    def store_url(self) -> str:
        return self.store or default_store_url()


@lru_cache
def get_settings() -> Settings:
    """The settings; :class:`SettingsError` names each bad one, in French."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "MAILLAGE_" + "_".join(str(part) for part in error["loc"]).upper()
            reason = (str(error.get("ctx", {}).get("error", error["msg"]))
                      if error["type"] == "value_error"
                      else _REASONS.get(error["type"], error["msg"]))
            problems.append(f"{name} = « {error.get('input')} » : {reason}")
        raise SettingsError("réglage invalide : " + " ; ".join(problems)) from None
