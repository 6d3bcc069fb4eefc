"""The ``maillage`` command line: thin commands over the use cases of :mod:`service`.
Messages are in French."""

from __future__ import annotations

from service.cli import analysis, crm, data  # noqa: F401  (the commands register on `app`)
from service.cli.base import app

__all__ = ["app"]
