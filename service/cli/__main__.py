"""``python -m service.cli``: the same commands as ``maillage``."""

from service.cli import app

app()
