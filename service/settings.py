"""Settings from the environment (prefix ``MAILLAGE_``) and ``.env``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    #: host names the API answers to, comma-separated (« * » or empty: any); ``serve`` on
    #: the loopback defaults to the loopback names
    trusted_hosts: str = ""

    @property
    def api_writer(self) -> str:
        return f"API ({self.api_token_name})"

    @property
    def store_url(self) -> str:
        return self.store or default_store_url()


@lru_cache
def get_settings() -> Settings:
    return Settings()
