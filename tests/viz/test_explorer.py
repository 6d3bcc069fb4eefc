"""The explorer in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright): offline, safe with hostile names, fast on a thousand nodes."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.sqlite_store import SqliteStore
from tests.serving import ROOT, serve
from tests.viz.synthetic_view import DEPARTEMENT, load_synthetic_view

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
ARTEFACTS = ROOT / "artefacts"
TOKEN = "jeton-navigateur"
XSS = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent : .ci/run l'installe")


@pytest.fixture(scope="module")
def site(reference_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("explorer")
    db = folder / "site.db"
    shutil.copyfile(reference_db, db)
    store = SqliteStore(db)
    load_synthetic_view(store)
    store.close()
    with serve(db, TOKEN, folder / "serve.log") as base:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        created = httpx.post(f"{base}/api/actors", headers=auth, json={
            "kind": "organisation", "ident": "xss", "name": XSS, "source": "test",
            "licence": "test"})
        assert created.status_code == 201
        linked = httpx.post(f"{base}/api/relations", headers=auth, json={
            "type": "MEMBER_OF", "start": "commune:86194", "end": "organisation:xss",
            "source": "test", "licence": "test"})
        assert linked.status_code == 201
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield instance
        instance.close()


class Page:
    """A page with its console errors, dialogs and every request it made."""

    def __init__(self, browser: object, base: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dismiss)

    def _dismiss(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, fragment: str = "") -> None:
        self.page.goto(f"{self.base}/{fragment}")
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        self.page.wait_for_selector("body[data-settled=true]", timeout=30_000)

    def wait_until(self, expression: str, timeout: float = 30.0) -> None:
        """Poll a JavaScript expression (the page's CSP forbids eval, so no
        wait_for_function)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(f"() => Boolean({expression})"):
            if time.monotonic() > deadline:
                raise AssertionError(f"jamais vrai : {expression}")
            time.sleep(0.1)

    def shot(self, name: str) -> None:
        ARTEFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTEFACTS / f"{name}.png"))

    def click_node(self, key: str, double: bool = False) -> None:
        """Click (or double-click) a node where it is drawn, once the drawing has stopped moving (opening or
        closing the side panel resizes the canvas) and the node is the one under the
        pointer."""
        where = """(key) => {
            const n = window.maillageNetwork;
            const p = n.canvasToDOM(n.getPosition(key));
            const r = document.querySelector('#graph canvas').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y, n.getNodeAt(p) === key];
        }"""
        deadline = time.monotonic() + 30
        last = None
        while True:
            x, y, on_top = self.page.evaluate(where, key)
            if on_top and last == (x, y):
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{key} ne se stabilise pas à l'écran")
            last = (x, y)
            time.sleep(0.2)
        if double:
            self.page.mouse.dblclick(x, y)
        else:
            self.page.mouse.click(x, y)


def test_loads_offline_without_errors(browser: object, site: str) -> None:
    page = Page(browser, site)
    page.open()
    page.shot("explorateur-reseau")
    assert page.errors == []
    # the first view is asked for by the page's head, once, before the selectors' lists
    api = [u.removeprefix(site) for u in page.requests if "/api/" in u]
    assert api.count("/api/vis?limit=1500") == 1, api
    assert api.index("/api/vis?limit=1500") < api.index("/api/vocabulary"), api
    outside = [u for u in page.requests if not u.startswith(site) and not u.startswith(("data:", "blob:"))]
    assert outside == []
    status = page.page.inner_text("#status")
    assert "nœuds" in status and "relations" in status
    # the maps draw too, from the bundled files
    page.page.click("button[data-tab=maps]")
    page.wait_until("document.querySelectorAll('#na-map path').length === 12")
    page.wait_until("document.querySelectorAll('#world-map path').length === 177")
    # names on the maps (every département, the largest countries), classes in numbers
    assert page.page.evaluate("document.querySelectorAll('#na-map text').length") == 12
    world_names = page.page.eval_on_selector_all("#world-map text", "ts => ts.map(t => t.textContent)")
    assert len(world_names) == 14 and "Russie" in world_names
    assert page.page.eval_on_selector_all("#map-legend .class", "cs => cs.map(c => c.textContent)") \
        == ["aucun", "1", "2 à 3", "4 à 7", "8 et plus"]
    # equal-area world: about twice as wide as high, as Equal Earth is
    width, height = page.page.evaluate(
        "document.getElementById('world-map').getAttribute('viewBox')").split()[2:]
    assert 1.9 < float(width) / float(height) < 2.2
    page.shot("explorateur-cartes")
    assert page.errors == []
    assert [u for u in page.requests if not u.startswith(site)] == []


def test_search_finds_poitiers_and_click_opens_panel(browser: object, site: str) -> None:
    page = Page(browser, site)
    page.open()
    page.page.fill("#q", "poitiers")
    item = page.page.wait_for_selector("#search-results li[data-key='commune:86194']")
    assert item is not None and "Poitiers" in item.inner_text()
    # the exact name first, its kind in French
    first = page.page.inner_text("#search-results li:first-child")
    assert first.startswith("Poitiers") and "Commune" in first
    item.click()
    page.page.wait_for_selector("#panel:not([hidden]) h2")
    assert page.page.inner_text("#panel h2") == "Poitiers"
    panel = page.page.inner_text("#panel")
    # French labels, no machine keys, one line per theme whatever the number of sources
    assert "bassin de l'eau" in panel and "basin :" not in panel and "name_norm" not in panel
    themes = page.page.eval_on_selector_all(
        "#panel h3", "hs => hs.map(h => h.textContent)")
    addresses = next(t for t in themes if t.startswith("traite de"))
    shown = page.page.evaluate(
        "() => [...document.querySelectorAll('#panel h3')].find(h => h.textContent"
        ".startsWith('traite de')).nextElementSibling.querySelectorAll('li').length")
    assert addresses == f"traite de ({shown})"
    names = page.page.evaluate(
        "() => [...[...document.querySelectorAll('#panel h3')].find(h => h.textContent"
        ".startsWith('traite de')).nextElementSibling.querySelectorAll('li > a')]"
        ".map(a => a.textContent)")
    assert len(names) == len(set(names))
    # each partner line says whether the tie is current, its sources folded under it
    statuses = page.page.eval_on_selector_all("#panel li .status", "s => s.map(x => x.textContent)")
    assert statuses and set(statuses) <= {"active", "à vérifier", "arrêtée"}
    assert page.page.eval_on_selector_all("#panel details.source", "d => d.length") >= len(statuses)
    assert page.page.eval_on_selector_all("#panel details.source[open]", "d => d.length") == 0
    page.page.click("#close")
    page.page.wait_for_selector("body[data-settled=true]")
    # foreign partners are found too
    page.page.fill("#q", "moundou")
    found = page.page.wait_for_selector("#search-results li[data-key='territory:td-moundou']")
    assert found is not None and "Collectivité étrangère" in found.inner_text()
    page.page.fill("#q", "")
    page.click_node("territory:td-moundou")
    page.wait_until("document.querySelector('#panel h2')?.textContent.includes('Moundou')")
    assert "source" in page.page.inner_text("#panel")
    page.shot("explorateur-fiche")
    # a relation reads from the actor: the Région funds the Noaillan–Yaho project
    page.click_node("region:75")
    page.wait_until("document.querySelector('#panel h2')?.textContent === 'Nouvelle-Aquitaine'")
    headings = page.page.eval_on_selector_all("#panel h3", "hs => hs.map(h => h.textContent)")
    under = page.page.evaluate(
        "t => [...[...document.querySelectorAll('#panel h3')].find(h => h.textContent"
        ".startsWith(t)).nextElementSibling.querySelectorAll('li > a')].map(a => a.textContent)",
        "finance (")
    assert "Projet eau/assainissement Noaillan–Yaho" in under
    assert not any(h.startswith("financé par") for h in headings) or \
        "Projet eau/assainissement Noaillan–Yaho" not in page.page.evaluate(
            "() => [...[...document.querySelectorAll('#panel h3')].find(h => h.textContent"
            ".startsWith('financé par')).nextElementSibling.querySelectorAll('li > a')]"
            ".map(a => a.textContent)")
    # an organisation's category as a reader says it
    page.page.fill("#q", "agence de l'eau loire")
    page.page.click("#search-results li[data-key='organisation:agence-eau-loire-bretagne']")
    page.page.fill("#q", "")
    page.wait_until("document.querySelector('#panel h2')?.textContent.includes('Loire-Bretagne')")
    assert "catégorie : agence de l'eau" in page.page.inner_text("#panel")
    assert page.errors == []


def test_hostile_name_is_text(browser: object, site: str) -> None:
    page = Page(browser, site)
    page.open("#focus=organisation:xss")
    page.click_node("organisation:xss")
    page.page.wait_for_selector("#panel:not([hidden]) h2")
    assert page.page.inner_text("#panel h2") == XSS
    page.page.fill("#q", "img src")
    item = page.page.wait_for_selector("#search-results li[data-key='organisation:xss']")
    assert item is not None and XSS in item.inner_text()
    assert page.page.evaluate("document.querySelectorAll('img:not(#timeline)').length") == 0
    page.shot("explorateur-xss")
    assert page.dialogs == [] and page.errors == []


def test_thousand_node_view_settles(browser: object, site: str) -> None:
    page = Page(browser, site)
    page.open(f"#departement={DEPARTEMENT}&limit=2000")
    nodes = int(page.page.evaluate("document.body.dataset.nodes"))
    assert nodes >= 1000
    # the view is asked for as the script starts, before the selectors' lists (the server
    # lays it out meanwhile), and once only: show() takes that answer
    api = [u.removeprefix(site) for u in page.requests if "/api/" in u]
    view = f"/api/vis?departement={DEPARTEMENT.replace(':', '%3A')}&limit=2000"
    assert api.count(view) == 1 and api.index(view) < api.index("/api/vocabulary"), api
    # physics is off: the drawing is final once drawn
    assert page.page.evaluate("window.maillageNetwork.physics.options.enabled") is False
    page.shot("explorateur-1000-noeuds")
    assert page.errors == []


SHOWN = """() => {
    const data = window.maillageNetwork.body.data;
    return {nodes: data.nodes.get().map(n => [n.id, n.kind, n.focus === true,
                                              n.label.trim() !== ""]),
            edges: data.edges.get().map(e => [e.relation, e.color.color, e.dashes])};
}"""
LEGEND = """() => ({
    kinds: [...document.querySelectorAll('#legend-kinds li')].map(li => li.dataset.kind),
    relations: [...document.querySelectorAll('#legend-relations li')].map(li => {
        const line = li.querySelector('line');
        return [li.dataset.relation, line.getAttribute('stroke'),
                line.getAttribute('stroke-dasharray')];
    }),
    visible: !document.getElementById('legend-box').hidden &&
             document.getElementById('legend-box').getBoundingClientRect().top < innerHeight,
})"""


def test_ego_view_centres_highlights_and_explains_itself(browser: object, site: str) -> None:
    """The chosen actor in the middle, selected and drawn apart; the legend, on screen,
    lists exactly the kinds and the relation styles drawn; the address holds the view (the
    back button returns to it); a double click adds a node's neighbours."""
    page = Page(browser, site)
    page.open("#vue=actor&focus=commune:86194&depth=2")
    shown = page.page.evaluate(SHOWN)
    focus = [key for key, _, is_focus, _ in shown["nodes"] if is_focus]
    assert focus == ["commune:86194"]
    assert page.page.evaluate("window.maillageNetwork.getSelectedNodes()") == focus
    assert page.page.evaluate("window.maillageNetwork.getPosition('commune:86194')") == \
        {"x": 0, "y": 0}
    named = {key for key, _, _, has_label in shown["nodes"] if has_label}
    assert "commune:86194" in named
    legend = page.page.evaluate(LEGEND)
    assert legend["visible"]
    assert set(legend["kinds"]) == {kind for _, kind, _, _ in shown["nodes"]} | {"focus"}
    drawn = {(relation, colour, " ".join(map(str, dashes)) if dashes else None)
             for relation, colour, dashes in shown["edges"]}
    assert {tuple(r) for r in legend["relations"]} == drawn
    assert len({colour for _, colour, _ in drawn}) > 3  # relation types are told apart
    page.shot("explorateur-ego")

    # the view is in the address; the back button returns to it
    page.page.select_option("#view", "country")
    page.page.select_option("#country", "country:SN")
    page.page.click("#show")
    page.wait_until("location.hash.includes('vue=country') && "
                    "document.body.dataset.settled === 'true'")
    assert "country%3ASN" in page.page.evaluate("location.hash")
    page.page.go_back()
    page.wait_until("document.getElementById('view').value === 'actor' && "
                    "document.body.dataset.settled === 'true'")
    page.wait_until("window.maillageNetwork.getSelectedNodes()[0] === 'commune:86194'")
    # a saved view opens again from its name
    page.page.fill("#view-name", "Poitiers et ses partenaires")
    page.page.click("#save-view")
    page.page.select_option("#view", "network")
    page.page.click("#show")
    page.wait_until("location.hash.includes('vue=network') && "
                    "document.body.dataset.settled === 'true'")
    # a large view names the most connected nodes only, the others on hover
    whole = page.page.evaluate(SHOWN)["nodes"]
    assert len(whole) > 120 and sum(1 for *_, has_label in whole if has_label) == 40
    page.shot("explorateur-reseau-noms")
    page.page.select_option("#saved-views", label="Poitiers et ses partenaires")
    page.wait_until("document.getElementById('view').value === 'actor' && "
                    "document.body.dataset.settled === 'true' && "
                    "window.maillageNetwork.getSelectedNodes()[0] === 'commune:86194'")

    # explore from here: a double click on the département brings its communes in
    page.open("#vue=actor&focus=commune:86194&depth=1")
    before = len(page.page.evaluate(SHOWN)["nodes"])
    page.click_node("departement:86", double=True)
    page.wait_until(f"window.maillageNetwork.body.data.nodes.length > {before}")
    assert "ajoutés autour de Vienne" in page.page.inner_text("#status")
    page.shot("explorateur-ego-etendu")

    # community colouring, as an option: the legend says which colour is which group
    page.open("#vue=actor&focus=commune:86194&depth=2&communautes=true")
    assert page.page.evaluate("document.getElementById('colouring').value") == "community"
    groups = page.page.eval_on_selector_all(
        "#legend-communities li", "ls => ls.map(l => [l.dataset.community, "
        "l.querySelector('.symbol').style.color, l.textContent])")
    assert len(groups) > 1 and all("autour de" in text for *_, text in groups)
    coloured = page.page.evaluate(
        "() => window.maillageNetwork.body.data.nodes.get().map(n => [n.community, "
        "n.color.background])")
    legend_colour = {int(c): colour for c, colour, _ in groups}
    rgb = page.page.evaluate("(cs) => cs.map(c => { const d = document.createElement('i'); "
                             "d.style.color = c; return d.style.color; })",
                             [colour for _, colour in coloured])
    assert all(rgb[i] == legend_colour[c] for i, (c, _) in enumerate(coloured)
               if c in legend_colour)
    assert page.page.inner_text("#legend-kinds-title") == "Nœuds (forme)"
    page.shot("explorateur-communautes")
    assert page.errors == []


def test_consortium_view_shows_the_options_with_reasons_sources_and_report(
        browser: object, site: str) -> None:
    page = Page(browser, site)
    page.open("#vue=opportunities&country=country:SN")
    page.wait_until("document.querySelectorAll('#panel .consortium').length > 1")
    options = page.page.eval_on_selector_all(
        "#panel .consortium", "cs => cs.map(c => [...c.querySelectorAll('li[data-actor]')]"
        ".map(li => li.dataset.actor))")
    # alternatives, not one set with its lead rotated
    assert len({frozenset(o) for o in options}) > 1
    # « 5 options, de la mieux étayée… », « Option 1 — score 23 » (a decimal comma if any)
    intro = page.page.inner_text("#panel .consortia-head + p")
    assert intro.startswith(f"{len(options)} options"), intro
    titles = page.page.eval_on_selector_all("#panel .consortium h3", "hs => hs.map(h => h.textContent)")
    assert all(re.fullmatch(r"Option \d+ — score \d+(,\d)?", t) for t in titles), titles
    # every member says why, each reason with its sources (links), and the funders that fit
    for card in page.page.query_selector_all("#panel .consortium"):
        for member in card.query_selector_all("li[data-actor]"):
            assert member.query_selector_all("details.why a[href^=http]")
        assert card.query_selector("details.funding li")
    report = page.page.get_attribute("#panel .consortia-head a", "href")
    assert report is not None and httpx.get(site + report).status_code == 200
    # the first option is shown in the graph; another one on demand
    assert sorted(page.page.evaluate("window.maillageNetwork.getSelectedNodes()")) == \
        sorted(k for k in options[0] if page.page.evaluate(
            f"window.maillageNetwork.body.data.nodes.get('{k}') !== null"))
    page.page.click("#panel .consortium[data-option='2'] button")
    page.wait_until("document.querySelector('#panel .consortium[data-option=\"2\"]')"
                    ".classList.contains('chosen')")
    assert set(page.page.evaluate("window.maillageNetwork.getSelectedNodes()")) <= set(options[1])
    page.shot("explorateur-consortiums")
    # another view: the consortia of the last one do not stay beside it
    page.page.select_option("#view", "country")
    page.page.click("#show")
    page.wait_until(SETTLED_OR_FAILED)
    assert page.page.is_hidden("#panel")
    assert page.errors == []


SETTLED_OR_FAILED = ("document.body.dataset.settled === 'true' || "
                     "document.getElementById('status').textContent.startsWith('Erreur')")


def click_map_paths(page: Page, svg: str, indices: Iterable[int], drawn: str) -> None:
    """Click each listed region of a map (back on the maps tab each time): each opens its
    view without error."""
    for i in indices:
        page.page.click("button[data-tab=maps]")
        page.wait_until(f"document.querySelectorAll('{svg} path').length {drawn}")
        page.page.evaluate(f"(i) => document.querySelectorAll('{svg} path')[i]"
                           ".dispatchEvent(new MouseEvent('click', {bubbles: true}))", i)
        page.wait_until(SETTLED_OR_FAILED)
        assert not page.page.inner_text("#status").startswith("Erreur"), (svg, i)


def test_every_view_every_value_every_map_click(browser: object, site: str) -> None:
    """What users click: each view with each value of its selector, each region on the
    map of the region and each country on the world map; no 4xx/5xx, no console error,
    no « Erreur » in the status line or the side panel."""
    click_everything(Page(browser, site), region_paths=12)


@pytest.fixture(scope="module")
def bretagne(reference_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same store, centred on Bretagne (MAILLAGE_REGION=53)."""
    folder = tmp_path_factory.mktemp("bretagne")
    db = folder / "site.db"
    shutil.copyfile(reference_db, db)
    with serve(db, TOKEN, folder / "serve.log", MAILLAGE_REGION="53") as base:
        yield base


def test_another_home_region_works_everywhere(browser: object, bretagne: str) -> None:
    """Bretagne from the same store: its départements in the selector, every view and
    value, the world map; its regional map says it has no shapes instead of drawing
    Nouvelle-Aquitaine's; no page text names Nouvelle-Aquitaine."""
    page = Page(browser, bretagne)
    click_everything(page, region_paths=0)
    assert "Bretagne" in page.page.inner_text("#subtitle")
    assert "Pas de fond de carte pour Bretagne" in page.page.inner_text("#na-source")
    assert "Nouvelle-Aquitaine" not in page.page.inner_text("body")


def click_everything(page: Page, region_paths: int) -> None:
    failed: list[str] = []
    page.page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                 if r.status >= 400 else None)
    page.open()
    shown: list[str] = []

    def show(view: str, select: str | None = None, value: str | None = None) -> None:
        page.page.select_option("#view", view)
        if select and value:
            page.page.select_option(select, value)
        page.page.click("#show")
        page.wait_until(SETTLED_OR_FAILED)
        status = page.page.inner_text("#status")
        assert not status.startswith("Erreur"), (view, value, status)
        shown.append(f"{view}={value}")

    values = {name: page.page.eval_on_selector_all(
        f"#{name} option", "options => options.map(o => o.value)")
        for name in ("country", "theme", "departement")}
    assert all(values.values()), values
    show("network")
    show("actor")
    for view, select in (("country", "country"), ("theme", "theme"),
                         ("departement", "departement"), ("opportunities", "country")):
        for value in values[select]:
            show(view, f"#{select}", value)
            if view == "opportunities":
                page.wait_until("!document.querySelector('#panel-body')?.textContent"
                                ".includes('Recherche de consortiums')")
                assert "Erreur" not in page.page.inner_text("#panel-body"), value
    # the maps: every département of the region, every country where someone acts
    page.page.click("button[data-tab=maps]")
    page.wait_until("document.querySelector('#na-source').textContent.length > 0")
    page.wait_until(f"document.querySelectorAll('#na-map path').length === {region_paths}")
    if region_paths:
        click_map_paths(page, "#na-map", range(region_paths), f"=== {region_paths}")
        page.page.click("button[data-tab=maps]")
    page.wait_until("document.querySelectorAll('#world-map path').length > 100")
    engaged = page.page.evaluate(
        "() => [...document.querySelectorAll('#world-map path')].map((p, i) => "
        "[i, p.getAttribute('class')]).filter(([i, c]) => c === 'engaged').map(([i]) => i)")
    assert engaged
    click_map_paths(page, "#world-map", engaged, "> 100")
    assert failed == [] and page.errors == []
    assert len(shown) >= 2 + sum(len(v) for v in values.values()) + len(values["country"])


def test_api_documentation_works_offline_in_french(browser: object, site: str) -> None:
    page = Page(browser, site)
    page.page.goto(f"{site}/docs")
    page.page.wait_for_selector(".opblock-summary-description", timeout=30_000)
    summaries = page.page.eval_on_selector_all(".opblock-summary-description",
                                               "nodes => nodes.map(n => n.textContent)")
    assert "Chercher des acteurs" in summaries and "Créer un acteur" in summaries
    assert [u for u in page.requests if not u.startswith(site)] == []
    assert page.errors == []
    page.page.goto(f"{site}/redoc")
    page.page.wait_for_selector(".opblock-summary-description", timeout=30_000)


def _submit(page: Page, form: str, fields: dict[str, str]) -> str:
    """Fill a form of the « Suivi » tab, send it, and return its message once answered."""
    for name, value in fields.items():
        selector = f"#{form} [name={name}]"
        if page.page.evaluate(f"document.querySelector('{selector}').tagName") == "SELECT":
            page.page.select_option(selector, value)
        else:
            page.page.fill(selector, value)
    page.page.click(f"#{form} button[type=submit]")
    page.wait_until(f"document.querySelector('#{form} .form-message').dataset.ok")
    return str(page.page.inner_text(f"#{form} .form-message"))


def test_followup_tab_records_a_day_without_the_cli(browser: object, site: str) -> None:
    """The « Suivi » tab: an exchange with a next step now due, a contact, a working group
    and a member, an application from the proposed Moundou consortium then submitted; the
    lists, the observatory and the actor's side panel show them; no console error."""
    import datetime as dt

    page = Page(browser, site)
    page.open()
    page.page.click("button[data-tab=followup]")
    page.wait_until("document.querySelector('#follow-ups li')")
    page.wait_until("document.querySelector('#timeline').naturalWidth > 0")
    # without the token, nothing is sent
    page.page.fill("#form-group [name=name]", "Groupe sans jeton")
    page.page.click("#form-group button[type=submit]")
    page.wait_until("document.querySelector('#form-group .form-message').textContent"
                    ".includes('jeton')")
    page.page.fill("#token", TOKEN)
    page.page.dispatch_event("#token", "change")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    said = _submit(page, "form-interaction", {
        "topic": "Réunion eau Moundou (essai navigateur)",
        "actors": "commune:86194, organisation:ps-eau", "themes": "theme:eau-assainissement",
        "next_step": "Envoyer la note", "due": yesterday})
    assert said.startswith("Enregistré"), said
    page.wait_until("document.getElementById('follow-ups').textContent"
                    ".includes('essai navigateur')")
    refused = _submit(page, "form-person", {"name": "Contact essai", "organisation":
                                            "commune:00000", "purpose": "p", "source": "s"})
    assert refused.startswith("Refusé") and "commune:00000" in refused
    # the browser logs the refusal it asked for (a 404: no such organisation); nothing else
    assert len(page.errors) == 1 and "404" in page.errors[0]
    page.errors.clear()
    added = _submit(page, "form-person", {"name": "Contact essai", "organisation":
                                          "commune:86194", "purpose": "groupe eau",
                                          "source": "réunion"})
    assert added.startswith("Enregistré"), added
    person = added.rsplit("(", 1)[1].rstrip(")")
    assert _submit(page, "form-group", {"name": "Groupe eau essai navigateur"}
                   ).startswith("Enregistré")
    page.wait_until("document.querySelector('#form-member select[name=group]').options.length")
    assert _submit(page, "form-member", {"member": "commune:86194"}).startswith("Enregistré")
    assert _submit(page, "form-application", {"call": "oudin-santini",
                                              "country": "country:TD"}).startswith("Enregistré")
    page.wait_until("document.getElementById('pipeline').textContent.includes('idée')")
    assert _submit(page, "form-status", {"status": "deposee"}).startswith("Enregistré")
    page.wait_until("document.getElementById('pipeline').textContent.includes('déposée')")
    assert "Groupe eau essai navigateur" in page.page.inner_text("#groups")
    # the history, with the token: the last write (the status) undone from the page
    page.page.click("#load-history")
    page.wait_until("document.querySelector('#history button[data-entry]')")
    assert "API (" in page.page.inner_text("#history li:first-child")
    page.page.click("#history li:first-child button[data-entry]")
    page.wait_until("!document.getElementById('pipeline').textContent.includes('déposée')")
    # the person's rights: export, then erasure
    page.page.fill("#form-erase [name=person]", person)
    page.page.click("#form-erase button[value=export]")
    page.wait_until("document.querySelector('#form-erase .form-message').dataset.ok")
    assert "Contact essai" in page.page.inner_text("#person-data")
    page.page.click("#form-erase button[value=erase]")
    page.wait_until("document.querySelector('#form-erase .form-message').textContent"
                    ".includes('effacée')")
    page.page.fill("#obs-year", "2020")
    page.page.dispatch_event("#obs-year", "change")
    page.wait_until("document.getElementById('observatory').textContent.startsWith('2020')")
    page.shot("explorateur-suivi")
    # the actor's side panel shows the exchange, the group and the application
    page.page.click("button[data-tab=network]")
    page.page.fill("#q", "poitiers")
    page.page.click("#search-results li[data-key='commune:86194']")
    page.wait_until("document.getElementById('panel-followup')?.textContent"
                    ".includes('essai navigateur')")
    panel = page.page.inner_text("#panel-followup")
    assert "Groupe eau essai navigateur" in panel and "idée" in panel
    assert page.errors == []
