"""Commands of the network's own records: contacts, exchanges, working groups, funding
applications, and the audit trail (history, undo)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.markup import escape
from rich.table import Table

from graph.validation import french_reason
from service import applications as dossiers
from service import audit, crm, observatory
from service.cli.base import app, console, echo_json, fail, opened
from service.crm_schemas import (
    STATUSES,
    ApplicationCreate,
    ApplicationView,
    FromConsortium,
    GroupCreate,
    InteractionCreate,
    InteractionView,
    Membership,
    Outcome,
    PersonCreate,
    StatusChange,
)

M = TypeVar("M", bound=BaseModel)
contacts = typer.Typer(help="Contacts (personnes) et droits RGPD.", no_args_is_help=True)
interactions = typer.Typer(help="Échanges et prochaines étapes (« à relancer »).",
                           no_args_is_help=True)
groups = typer.Typer(help="Groupes de travail, Plateforme AECT, assises, formations.",
                     no_args_is_help=True)
applications = typer.Typer(help="Demandes de financement et leur suivi.", no_args_is_help=True)
for sub, name in ((contacts, "contacts"), (interactions, "interactions"), (groups, "groups"),
                  (applications, "applications")):
    app.add_typer(sub, name=name)
Json = Annotated[bool, typer.Option("--json", help="Sortie JSON.")]
Keys = Annotated[list[str] | None, typer.Option(help="clé (répétable)")]


def form(model: type[M], **fields: Any) -> M:
    """The form checked, or its errors in French."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        fail("[red]Refusé :[/red] " + "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])} : {french_reason(dict(e))}"
            for e in exc.errors()))


def _show(data: BaseModel | list[Any] | dict[str, Any], as_json: bool, text: str) -> None:
    if as_json:
        echo_json(data.model_dump(mode="json") if isinstance(data, BaseModel) else
                  [d.model_dump(mode="json") if isinstance(d, BaseModel) else d for d in data]
                  if isinstance(data, list) else data)
    else:
        console.print(text, soft_wrap=True)


# -- contacts --------------------------------------------------------------------------
@contacts.command("add")
def add_contact(
    nom: Annotated[str, typer.Option(help="nom de la personne")],
    organisation: Annotated[str, typer.Option(help="clé de sa collectivité ou organisation")],
    base: Annotated[str, typer.Option(help="base légale : consentement ou fonction publique")],
    finalite: Annotated[str, typer.Option(help="finalité du traitement")],
    source: Annotated[str, typer.Option(help="d'où vient l'information")],
    fonction: Annotated[str | None, typer.Option(help="fonction publique")] = None,
    courriel: Annotated[str | None, typer.Option()] = None,
    telephone: Annotated[str | None, typer.Option()] = None,
    conserver: Annotated[str | None, typer.Option(help="fin de conservation (AAAA-MM-JJ)")] = None,
) -> None:
    """Ajouter un contact, avec la base légale et la durée de conservation (RGPD)."""
    body = form(PersonCreate, name=nom, organisation=organisation, function=fonction,
                legal_basis=base, purpose=finalite, source=source, courriel=courriel,
                telephone=telephone, retain_until=conserver)
    with opened() as ctx:
        ref = crm.add_person(ctx, body)
    console.print(f"Contact enregistré : {ref.key}")


@contacts.command("list")
def list_contacts(acteur: str, as_json: Json = False) -> None:
    """Les contacts d'un acteur."""
    with opened() as ctx:
        found = crm.persons(ctx, acteur)
    _show(found, as_json, "\n".join(f"{p.key}  {escape(p.name)}" for p in found)
          or "Aucun contact.")


@contacts.command("export")
def export_contact(cle: str) -> None:
    """Tout ce que Maillage détient sur une personne (droit d'accès), en JSON."""
    with opened() as ctx:
        echo_json(audit.person_data(ctx, cle))


@contacts.command("erase")
def erase_contact(cle: str, oui: Annotated[bool, typer.Option(
        "--oui", help="confirmer l'effacement (définitif)")] = False) -> None:
    """Effacer une personne partout, historique compris (droit à l'effacement)."""
    if not oui:
        fail("Effacement définitif : relancer avec --oui pour confirmer.")
    with opened() as ctx:
        done = audit.erase_person(ctx, cle)
    console.print(f"Personne effacée (écriture {done.id} de l'historique).")


@contacts.command("expired")
def expired_contacts(as_json: Json = False) -> None:
    """Les contacts dont la durée de conservation est passée (à effacer)."""
    with opened() as ctx:
        found = crm.expired_persons(ctx)
    _show(found, as_json, "\n".join(f"{p.key}  {escape(p.name)}" for p in found)
          or "Aucun contact à effacer.")


# -- interactions ----------------------------------------------------------------------
def _print_interactions(found: list[InteractionView], title: str) -> None:
    table = Table(title=title)
    for col in ("date", "échange", "avec", "prochaine étape"):
        table.add_column(col)
    for v in found:
        step = f"{v.next_step} (pour le {v.due})" if v.next_step and v.due else v.next_step or ""
        table.add_row(v.date, f"{escape(v.topic)}\n{v.key}",
                      escape(", ".join(r.name for r in [*v.actors, *v.persons])),
                      escape(step + (" — fait" if v.done else "")))
    console.print(table if found else "Aucun échange.")


@interactions.command("add")
def add_interaction(
    date: Annotated[str, typer.Option(help="AAAA-MM-JJ")],
    mode: Annotated[str, typer.Option(help="réunion, appel, visite, courriel ou événement")],
    objet: Annotated[str, typer.Option(help="objet de l'échange")],
    acteur: Keys = None, personne: Keys = None, theme: Keys = None, lieu: Keys = None,
    groupe: Annotated[str | None, typer.Option(help="groupe de travail réuni")] = None,
    etape: Annotated[str | None, typer.Option(help="prochaine étape")] = None,
    echeance: Annotated[str | None, typer.Option(help="échéance (AAAA-MM-JJ)")] = None,
    notes: Annotated[str | None, typer.Option(help="notes (personnelles)")] = None,
    as_json: Json = False,
) -> None:
    """Noter un échange : réunion, appel, visite, courriel, événement."""
    body = form(InteractionCreate, date=date, mode=mode, topic=objet, actors=acteur or [],
                persons=personne or [], themes=theme or [], places=lieu or [], group=groupe,
                next_step=etape, due=echeance, notes=notes)
    with opened() as ctx:
        view = crm.record_interaction(ctx, body)
    _show(view, as_json, f"Échange enregistré : {view.key}")


@interactions.command("list")
def list_interactions(
    de: Annotated[str | None, typer.Option(help="acteur, personne ou groupe")] = None,
    depuis: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    jusqu_au: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    notes: Annotated[bool, typer.Option("--notes", help="avec notes et personnes")] = False,
    as_json: Json = False,
) -> None:
    """Les échanges, du plus récent au plus ancien."""
    with opened() as ctx:
        found = crm.interactions(ctx, de, depuis.date() if depuis else None,
                                 jusqu_au.date() if jusqu_au else None, notes)
    if as_json:
        _show(found, True, "")
    else:
        _print_interactions(found, "Échanges")


@interactions.command("relancer")
def follow_ups(as_json: Json = False) -> None:
    """À relancer : les prochaines étapes échues et pas faites."""
    with opened() as ctx:
        found = crm.follow_ups(ctx)
    if as_json:
        _show(found, True, "")
    else:
        _print_interactions(found, "À relancer")


@interactions.command("done")
def close_step(cle: str) -> None:
    """Marquer faite la prochaine étape d'un échange."""
    with opened() as ctx:
        crm.close_step(ctx, cle)
    console.print("Étape faite.")


# -- groups ----------------------------------------------------------------------------
@groups.command("create")
def create_group(nom: Annotated[str, typer.Option()],
                 forme: Annotated[str, typer.Option(help="groupe thématique, groupe pays, "
                                                         "plateforme, assises ou formation")],
                 theme: Keys = None, lieu: Keys = None) -> None:
    """Créer un groupe de travail."""
    body = form(GroupCreate, name=nom, form=forme, themes=theme or [], places=lieu or [])
    with opened() as ctx:
        view = crm.create_group(ctx, body)
    console.print(f"Groupe créé : {view.key}")


@groups.command("add")
def join_group(groupe: str, membre: str,
               depuis: Annotated[int | None, typer.Option(help="année")] = None) -> None:
    """Ajouter un acteur ou une personne à un groupe."""
    body = form(Membership, member=membre, since=depuis)
    with opened() as ctx:
        view = crm.join_group(ctx, groupe, body)
    console.print(f"{view.name} : {len(view.members)} membre(s).")


@groups.command("outcome")
def add_outcome(groupe: str, texte: str) -> None:
    """Noter un résultat d'un groupe (note commune, projet, position)."""
    body = form(Outcome, text=texte)
    with opened() as ctx:
        view = crm.add_outcome(ctx, groupe, body)
    console.print(f"{view.name} : {len(view.outcomes)} résultat(s).")


@groups.command("list")
def list_groups(as_json: Json = False) -> None:
    """Les groupes de travail, leurs membres et réunions."""
    with opened() as ctx:
        found = crm.groups(ctx)
    _show(found, as_json, "\n".join(
        f"{g.key}  {escape(g.name)} ({g.form}) : {len(g.members)} membre(s), "
        f"{len(g.meetings)} réunion(s)" for g in found) or "Aucun groupe.")


# -- applications ----------------------------------------------------------------------
def _application_text(a: ApplicationView) -> str:
    amounts = "".join(f", {what} {value:,.0f} €".replace(",", " ")
                      for what, value in (("demandé", a.amount_requested),
                                          ("accordé", a.amount_granted)) if value is not None)
    return (f"{a.key}  {escape(a.name)} — {a.status_label}{amounts}\n"
            f"  chef de file : {escape(a.lead.name) if a.lead else '—'} ; membres : "
            f"{escape(', '.join(m.name for m in a.members)) or '—'} ; financeurs : "
            f"{escape(', '.join(f.name for f in a.funders)) or '—'}")


@applications.command("open")
def open_application(
    appel: Annotated[str, typer.Option(help="dctciv, oudin-santini, ficol, agence-eau, "
                                            "region, volontariat, autre…")],
    annee: Annotated[int, typer.Option()],
    chef_de_file: Annotated[str, typer.Option()],
    membre: Keys = None, lieu: Keys = None, theme: Keys = None, financeur: Keys = None,
    montant: Annotated[float | None, typer.Option(help="montant demandé (€)")] = None,
    nom: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Ouvrir une demande de financement (statut « idée »)."""
    body = form(ApplicationCreate, call=appel, year=annee, lead=chef_de_file, name=nom,
                members=membre or [], places=lieu or [], themes=theme or [],
                funders=financeur or [], amount_requested=montant)
    with opened() as ctx:
        console.print(_application_text(dossiers.open_application(ctx, body)), soft_wrap=True)


@applications.command("from-consortium")
def from_consortium(
    appel: Annotated[str, typer.Option()], annee: Annotated[int, typer.Option()],
    pays: Annotated[str | None, typer.Option()] = None,
    territoire: Annotated[str | None, typer.Option()] = None,
    theme: Annotated[str | None, typer.Option()] = None,
    rang: Annotated[int, typer.Option(help="rang du consortium proposé")] = 1,
    montant: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Ouvrir la demande du consortium proposé (maillage opportunities) en une fois."""
    body = form(FromConsortium, call=appel, year=annee, country=pays, territory=territoire,
                theme=theme, rank=rang, amount_requested=montant)
    with opened() as ctx:
        console.print(_application_text(dossiers.application_from_consortium(ctx, body)),
                      soft_wrap=True)


@applications.command("status")
def set_status(cle: str, statut: Annotated[str, typer.Argument(help=", ".join(STATUSES))],
               le: Annotated[str | None, typer.Option(help="date (AAAA-MM-JJ)")] = None,
               accorde: Annotated[float | None, typer.Option(help="montant accordé")] = None,
               ) -> None:
    """Changer le statut d'une demande (idee, redaction, deposee, accordee, refusee, close)."""
    body = form(StatusChange, status=statut, on=le, amount_granted=accorde)
    with opened() as ctx:
        console.print(_application_text(dossiers.set_status(ctx, cle, body)), soft_wrap=True)


@applications.command("pipeline")
def pipeline(as_json: Json = False) -> None:
    """Les demandes par statut (le suivi des financements)."""
    with opened() as ctx:
        found = dossiers.pipeline(ctx)
    if as_json:
        echo_json({s: [a.model_dump(mode="json") for a in v] for s, v in found.items()})
        return
    for status, items in found.items():
        if items:
            console.print(f"[bold]{STATUSES[status]}[/bold] ({len(items)})")
            for a in items:
                console.print(_application_text(a), soft_wrap=True)


# -- history ---------------------------------------------------------------------------
@app.command()
def history(cle: Annotated[str | None, typer.Argument(help="clé d'un nœud ou d'une relation")
                           ] = None,
            nombre: Annotated[int, typer.Option(help="combien")] = 30,
            as_json: Json = False) -> None:
    """L'historique des écritures (qui, quand, quoi), celles qui touchent une clé si donnée."""
    with opened() as ctx:
        found = audit.history(ctx, cle, nombre)
    if as_json:
        echo_json([e.model_dump(mode="json") for e in found])
        return
    table = Table(title="Historique")
    for col in ("écriture", "quand", "qui", "quoi", "changements"):
        table.add_column(col)
    for e in found:
        what = audit.action_fr(e.action) + (f" : {e.label}" if e.label else "")
        table.add_row(e.id + ("" if e.undoable else "\n(non annulable)"), e.at, escape(e.who),
                      escape(what), e.summary_fr())
    console.print(table if found else "Aucune écriture.")


@app.command()
def undo(ecriture: Annotated[str, typer.Argument(help="identifiant (maillage history)")]) -> None:
    """Annuler une écriture (un import…) : tout ce qu'elle a changé revient exactement."""
    with opened() as ctx:
        done = audit.undo(ctx, ecriture)
    console.print(f"Écriture {done.undoes} annulée ({done.summary_fr()}) ; "
                  f"à son tour annulable : maillage undo {done.id}", soft_wrap=True)


@app.command("observatory")
def observatory_command(annee: Annotated[int | None, typer.Option(help="année")] = None,
                        as_json: Json = False) -> None:
    """L'observatoire : relations datées par année et changements de l'année."""
    with opened() as ctx:
        view = observatory.observatory(ctx, annee)
    if as_json:
        echo_json(view.model_dump(mode="json"))
        return
    for y in view.years:
        console.print(f"{y.year}  {y.relations:4d} relations  {y.collectivites:3d} collectivités"
                      f"  {y.countries:3d} pays")
    console.print(f"{view.year} : {len(view.started)} nouveau(x) partenariat(s), "
                  f"{len(view.ended)} arrêté(s), {len(view.newly_engaged)} collectivité(s) "
                  f"nouvellement engagée(s) ; {view.undated} relation(s) sans date non "
                  f"comptées. Le rapport : maillage report observatoire:{view.year}",
                  soft_wrap=True)
