"""The report renderers on a report built by hand."""

from __future__ import annotations

from viz.report import Line, Report, Section, render


def test_a_table_with_a_header_alone_is_not_drawn() -> None:
    empty = Section("Demandes", table=[["demande", "statut"]], lines=[Line("aucune demande")])
    full = Section("Acteurs", table=[["acteur", "pays"], ["Poitiers", "Tchad"]])
    report = Report("essai", "k", "Titre", "Sous-titre", [empty, full], "2026-12-06", [])
    md = render(report, "md").decode()
    html = render(report, "html").decode()
    assert "| demande | statut |" not in md and "| acteur | pays |" in md
    assert "<th>demande</th>" not in html and "<th>acteur</th>" in html
    assert "aucune demande" in md and "aucune demande" in html
