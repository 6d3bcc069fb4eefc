"""The Typer application, its consoles, and the context every command opens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from graph.store import StoreError
from service.context import Conflict, Context, NotFound, Refused
from service.settings import get_settings


def _french_help() -> None:
    """Typer's and Click's own words in the help screens, in French (the users' language)."""
    from typer import core, rich_utils

    for name, text in {"ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
                       "COMMANDS_PANEL_TITLE": "Commandes", "ERRORS_PANEL_TITLE": "Erreur",
                       "ABORTED_TEXT": "Abandon.", "DEFAULT_STRING": "[par défaut : {}]",
                       "REQUIRED_LONG_STRING": "[obligatoire]",
                       "ENVVAR_STRING": "[variable d'environnement : {}]",
                       "RICH_HELP": "Essayez [blue]'{command_path} {help_option}'[/] pour "
                                    "l'aide."}.items():
        setattr(rich_utils, name, text)

    for cls in (core.TyperCommand, core.TyperGroup):
        original = cls.get_help_option

        def help_option(self: Any, ctx: Any, original: Any = original) -> Any:
            option = original(self, ctx)
            if option is not None:
                option.help = "Afficher cette aide et quitter."
            return option

        cls.get_help_option = help_option  # type: ignore[method-assign]


_french_help()
app = typer.Typer(help="Maillage : graphe des partenariats de coopération décentralisée.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(message)
    raise typer.Exit(code)


#: Where files are written when no name is given (git-ignored in the repository).
OUTPUTS = Path("sorties")


@contextmanager
def opened() -> Iterator[Context]:
    """The context on the configured store; the use cases' refusals become French
    messages and exit code 2."""
    settings = get_settings()
    try:
        ctx = Context.open(settings)
    except StoreError as exc:
        fail(f"[red]Erreur :[/red] {exc}")
    except Exception as exc:  # the driver's own errors, e.g. server unreachable
        fail(f"[red]Impossible d'ouvrir la base {settings.store_url} :[/red] {exc}")
    try:
        yield ctx
    except NotFound as exc:
        fail(f"[red]Inconnu :[/red] {exc}")
    except (Refused, Conflict, StoreError) as exc:
        fail(f"[red]Erreur :[/red] {exc}")
    finally:
        ctx.close()


def echo_json(data: Any) -> None:
    """JSON on standard output, stable across runs (for scripts and diffs)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
