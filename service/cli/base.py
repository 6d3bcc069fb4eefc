"""The Typer application, its consoles, and the context every command opens."""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from graph.store import StoreError
from service.context import Conflict, Context, NotFound, Refused
from service.settings import Settings, SettingsError, get_settings


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

        usage = cls.get_usage

        def french_usage(self: Any, ctx: Any, usage: Any = usage) -> str:
            return str(usage(self, ctx)).replace("Usage:", "Utilisation :", 1)

        cls.get_usage = french_usage  # type: ignore[method-assign]
    rich_utils.OptionHighlighter.highlights.append(r"(?P<usage>Utilisation : )")


#: Click's and Typer's error sentences (English, with no catalogue to translate them) and
#: their French; matched whole, the parts in brackets kept.
FRENCH_ERRORS: tuple[tuple[str, str], ...] = (
    (r"No such option: (.+)", r"Option inconnue : \1"),
    (r"No such command '(.+)'\.", r"Commande inconnue : « \1 »."),
    (r"Missing argument (.+)\.", r"Argument manquant : \1."),
    (r"Missing option (.+)\.", r"Option manquante : \1."),
    (r"Missing parameter:? ?(.*)", r"Paramètre manquant \1"),
    (r"Invalid value for (.+?): (.+)", r"Valeur invalide pour \1 : \2"),
    (r"Invalid value: (.+)", r"Valeur invalide : \1"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", r"Argument(s) en trop : \1"),
    (r"Missing command\.", "Commande manquante."),
    (r"Could not open file (.+?): (.+)", r"Impossible d'ouvrir le fichier \1 : \2"),
    (r"Option (.+) requires an argument\.", r"L'option \1 attend une valeur."),
    (r"Option (.+) does not take a value\.", r"L'option \1 ne prend pas de valeur."),
    (r"(.+) is not a valid integer\.?(.*)", r"\1 n'est pas un nombre entier.\2"),
    (r"(.+) is not a valid float( range)?\.?(.*)", r"\1 n'est pas un nombre.\3"),
    (r"(.+) is not a valid boolean\.?(.*)", r"\1 n'est ni vrai ni faux.\2"),
    (r"(.+) is not one of (.+)\.", r"\1 ne fait pas partie de : \2."),
    (r"(.+) is not in the range (.+)\.", r"\1 est hors de l'intervalle \2."),
    (r"(File|Path|Directory) (.+) does not exist\.", r"\2 n'existe pas."),
    (r"(File|Path|Directory) (.+) is a directory\.", r"\2 est un dossier."),
    (r"(File|Path|Directory) (.+) is a file\.", r"\2 est un fichier."),
    (r"(File|Path|Directory) (.+) is not readable\.", r"\2 ne peut pas être lu."),
    (r"Input should be a valid integer.*", "un nombre entier est attendu."),
    (r"Input should be a valid number.*", "un nombre est attendu."),
    (r"Input should be a valid boolean.*", "oui ou non (true/false) est attendu."),
)


def french_error(message: str) -> str:
    """A Click or Typer error sentence in French (unchanged if unknown).

    >>> french_error("No such option: --nope")
    'Option inconnue : --nope'
    >>> french_error("Got unexpected extra argument(s) (2025)")
    'Argument(s) en trop : 2025'
    >>> french_error("Invalid value for '--top': 'x' is not a valid integer.")
    "Valeur invalide pour '--top' : 'x' n'est pas un nombre entier."
    """
    for pattern, french in FRENCH_ERRORS:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            out = match.expand(french)
            if pattern.startswith("Invalid"):  # the reason given is Click's words too
                head, _, reason = out.rpartition(" : ")
                return f"{head} : {french_error(reason)}"
            return out
    for english, french in (("(Possible options: ", "(options possibles : "),
                            ("Did you mean ", "Vouliez-vous dire ")):
        message = message.replace(english, french)
    return message


def _french_errors() -> None:
    """Errors shown by Typer in French too, usage line included."""
    from typer import rich_utils

    show = rich_utils.rich_format_error

    def french(error: Any) -> None:
        english = error.format_message
        error.format_message = lambda: french_error(english())
        ctx = getattr(error, "ctx", None)
        if ctx is not None:
            usage = ctx.get_usage
            ctx.get_usage = lambda: usage().replace("Usage:", "Utilisation :", 1)
        show(error)

    rich_utils.rich_format_error = french  # type: ignore[assignment]


_french_help()
_french_errors()
app = typer.Typer(help="Maillage : graphe des partenariats de coopération décentralisée.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(message)
    raise typer.Exit(code)


#: Where files are written when no name is given (git-ignored in the repository).
OUTPUTS = Path("sorties")


def settings_or_fail() -> Settings:
    """The settings, or a French message naming the bad ones and exit code 2."""
    try:
        return get_settings()
    except SettingsError as exc:
        fail(f"[red]Erreur :[/red] {exc}")


@contextmanager
def opened() -> Iterator[Context]:
    """The context on the configured store; the use cases' refusals become French
    messages and exit code 2."""
    settings = settings_or_fail()
    try:
        ctx = Context.open(settings, who=f"ligne de commande ({getpass.getuser()})")
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
