// Maillage explorer. Every name from the data is inserted with textContent: names are
// data, never markup. Positions come from the server, so physics stays off.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { network: null, nodes: null, edges: null, raw: null, params: null, legend: [] };

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function safeLink(url, text) {
  // Only web addresses become links (never javascript: or data: URLs).
  if (/^https?:\/\//i.test(url)) {
    const a = el("a", text || url, { href: url, target: "_blank", rel: "noopener noreferrer" });
    return a;
  }
  return el("span", text || url);
}

async function api(path) {
  return answer(await fetch(path, { headers: { Accept: "application/json" } }));
}

async function answer(response) {
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return response.json();
}

function status(text) { $("status").textContent = text; }

// -- graph -----------------------------------------------------------------------------
function viewParams() {
  const view = $("view").value;
  const p = new URLSearchParams();
  if (view === "actor") { p.set("focus", $("actor").value.trim()); p.set("depth", $("depth").value); }
  if (view === "country" || view === "opportunities") p.set("country", $("country").value);
  if (view === "theme") p.set("theme", $("theme").value);
  if (view === "departement") { p.set("departement", $("departement").value); p.set("limit", "2000"); }
  if (view === "network") p.set("limit", "1500");
  if ($("colouring").value === "community") p.set("communautes", "true");
  return p;
}

// -- the view in the address: shareable, and the back button goes to the last view -----
function viewHash() {
  const p = new URLSearchParams({ vue: $("view").value });
  for (const [k, v] of viewParams()) if (k !== "limit") p.set(k, v);
  return p.toString();
}

// the first view, asked for by early.js before the page was read (see there)
function viewData(query) {
  const early = window.maillageEarly;
  if (early && early.data && early.query === query) {
    const data = early.data.then(answer);
    early.data = null; // once: later visits ask again (the data may have changed)
    return data;
  }
  return api("/api/vis?" + query);
}

function applyHash(hash) {
  const p = new URLSearchParams(hash);
  const view = p.get("vue") || (p.get("focus") ? "actor" : p.get("departement") ? "departement" : null);
  if (!view || ![...$("view").options].some((o) => o.value === view)) return false;
  $("view").value = view;
  const set = (id, value) => { if (value !== null) $(id).value = value; };
  set("actor", p.get("focus"));
  set("depth", p.get("depth"));
  if (p.get("country")) set("country", p.get("country"));
  if (p.get("theme")) set("theme", p.get("theme"));
  if (p.get("departement")) set("departement", p.get("departement"));
  $("colouring").value = p.get("communautes") === "true" ? "community" : "kind";
  syncControls();
  return true;
}

// saved views: a name and the view's address, kept in this browser
const SAVED = "maillage.vues";

function savedViews() {
  try { return JSON.parse(localStorage.getItem(SAVED) || "[]"); } catch (e) { return []; }
}

function fillSavedViews() {
  const views = savedViews();
  $("saved-views").replaceChildren(el("option", views.length ? "—" : "aucune", { value: "" }),
    ...views.map((v) => el("option", v.name, { value: v.hash })));
}

function saveView() {
  const name = $("view-name").value.trim() || $("view").selectedOptions[0].textContent;
  const views = savedViews().filter((v) => v.name !== name);
  views.push({ name, hash: viewHash() });
  localStorage.setItem(SAVED, JSON.stringify(views));
  fillSavedViews();
  $("saved-views").value = viewHash();
  status(`Vue « ${name} » enregistrée`);
}

async function show(params, fromHistory) {
  state.params = params || viewParams();
  if (!params && !fromHistory && location.hash.slice(1) !== viewHash()) {
    history.pushState(null, "", "#" + viewHash());
  }
  document.body.dataset.settled = "false"; // until this view is drawn (tests wait on it)
  // consortia belong to the opportunities view: another view closes them
  if ($("view").value !== "opportunities" && $("panel-body").querySelector(".consortium")) {
    $("panel").hidden = true;
  }
  const started = performance.now();
  status("Chargement…");
  let data;
  try {
    data = await viewData(state.params.toString());
  } catch (error) {
    status("Erreur : " + error.message);
    return;
  }
  state.raw = data;
  state.legend = data.legend;
  draw(data, started);
  if ($("view").value === "opportunities" && !params) highlightConsortium();
}

function draw(data, started) {
  state.nodes = new vis.DataSet(data.nodes);
  state.edges = new vis.DataSet(data.edges);
  const options = {
    physics: false,
    interaction: { hover: true, tooltipDelay: 1e9, hideEdgesOnDrag: data.nodes.length > 800 },
    nodes: { font: { size: 12, face: "system-ui" }, borderWidth: 1 },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.4 } }, smooth: false, width: 0.8 },
    layout: { improvedLayout: false },
  };
  if (state.network) state.network.destroy();
  state.network = new vis.Network($("graph"), { nodes: state.nodes, edges: state.edges }, options);
  window.maillageNetwork = state.network; // for tests and for the console
  state.network.once("afterDrawing", () => {
    const ms = Math.round(performance.now() - started);
    let text = `${data.nodes.length} nœuds, ${data.edges.length} relations — affiché en ${ms} ms`;
    if (data.aggregated) text += " (communes regroupées par EPCI)";
    if (data.truncated) text += " (vue tronquée)";
    if (data.by_region && Object.keys(data.by_region).length) {
      text += " — collectivités de France qui y agissent : " + Object.entries(data.by_region)
        .slice(0, 6).map(([region, n]) => `${region} ${n}`).join(", ");
    }
    status(text);
    document.body.dataset.settledAt = String(performance.now());
    document.body.dataset.settled = "true";
    document.body.dataset.nodes = String(data.nodes.length);
  });
  // a click opens the panel a moment later, unless it was the first half of a double
  // click (opening the panel resizes the drawing under the pointer)
  let clickTimer = null;
  state.network.on("click", (event) => {
    clearTimeout(clickTimer);
    if (event.nodes.length) { const key = event.nodes[0]; clickTimer = setTimeout(() => openPanel(key), 250); }
  });
  state.network.on("doubleClick", (event) => {
    clearTimeout(clickTimer);
    if (event.nodes.length) expand(event.nodes[0]);
  });
  state.network.on("hoverNode", (event) => showName(event.node, event.pointer.DOM));
  state.network.on("blurNode", () => { $("hover").hidden = true; });
  if (data.communities) {
    // a colour per community (the largest ones), shapes still tell the kinds
    const colours = new Map(data.communities.map((c) => [c.community, c.color]));
    state.nodes.update(data.nodes.map((n) => {
      const colour = colours.get(n.community) || "#cccccc";
      return { id: n.id, color: { background: colour, border: n.focus ? "#111111" : colour } };
    }));
  }
  const focus = data.nodes.find((n) => n.focus);
  if (focus) {
    state.network.selectNodes([focus.id]);
    // the chosen actor in the middle of the screen, at the scale that shows the whole view
    state.network.once("afterDrawing", () => state.network.moveTo({
      position: state.network.getPosition(focus.id), scale: state.network.getScale() }));
  }
  buildLegend(data);
  applyFilters();
}

function showName(key, at) {
  // names are text: a label on the canvas, or this box, never markup
  const node = state.nodes.get(key);
  if (!node) return;
  const box = $("hover");
  box.textContent = `${node.name} — ${KIND_LABELS[node.kind] || node.kind}`;
  box.style.left = `${at.x + 12}px`;
  box.style.top = `${at.y + $("graph").offsetTop + 12}px`;
  box.hidden = false;
}

// « explorer d'ici » : a double click adds the node's neighbours around it
async function expand(key) {
  let data;
  try {
    data = await api(`/api/vis?focus=${encodeURIComponent(key)}&depth=1&limit=300`);
  } catch (error) { status("Erreur : " + error.message); return; }
  const here = state.network.getPosition(key);
  const there = data.nodes.find((n) => n.id === key) || { x: 0, y: 0 };
  const dx = here.x - there.x, dy = here.y - there.y;
  const nodes = data.nodes.filter((n) => !state.nodes.get(n.id))
    .map((n) => ({ ...n, x: n.x + dx, y: n.y + dy, focus: false, borderWidth: 1 }));
  const edges = data.edges.filter((e) => !state.edges.get(e.id));
  state.nodes.add(nodes);
  state.edges.add(edges);
  state.raw = { ...state.raw, nodes: [...state.raw.nodes, ...nodes], edges: [...state.raw.edges, ...edges] };
  buildLegend(state.raw);
  applyFilters();
  const name = (state.nodes.get(key) || {}).name || key;
  status(`${nodes.length} nœud(s) et ${edges.length} relation(s) ajoutés autour de ${name} — ` +
    `${state.raw.nodes.length} nœuds affichés`);
  document.body.dataset.nodes = String(state.raw.nodes.length);
}

function applyFilters() {
  if (!state.nodes) return;
  const kinds = new Set([...document.querySelectorAll("#kinds input:checked")].map((i) => i.value));
  const relations = new Set([...document.querySelectorAll("#relations input:checked")].map((i) => i.value));
  const from = parseInt($("from").value, 10) || 0;
  const to = parseInt($("to").value, 10) || 9999;
  state.nodes.update(state.raw.nodes.map((n) => ({ id: n.id, hidden: !kinds.has(n.kind) })));
  state.edges.update(state.raw.edges.map((e) => {
    const years = e.years || [];
    const inPeriod = !years.length || years.some((y) => y >= from && y <= to);
    return { id: e.id, hidden: !relations.has(e.relation) || ((from || to < 9999) && !inPeriod) };
  }));
}

function buildFilters(vocabulary) {
  const kinds = $("kinds");
  for (const item of state.legendAll) {
    const input = el("input", null, { type: "checkbox", value: item.kind });
    input.checked = !["odd"].includes(item.kind);
    const label = el("label");
    label.append(input, " " + item.label);
    kinds.append(label);
  }
  const relations = $("relations");
  for (const type of vocabulary.relations) {
    const input = el("input", null, { type: "checkbox", value: type });
    input.checked = true;
    const label = el("label");
    label.append(input, " " + (RELATION_LABELS[type] || type));
    relations.append(label);
  }
  document.querySelectorAll("#kinds input, #relations input").forEach((i) => i.addEventListener("change", applyFilters));
  $("from").addEventListener("change", applyFilters);
  $("to").addEventListener("change", applyFilters);
}

// French labels of relation types: served by /api/vocabulary (graph/labels.py), not repeated here.
let RELATION_LABELS = {};
let INCOMING_LABELS = {};
let PROPERTY_LABELS = {};
let VALUE_LABELS = {};
let TECHNICAL = new Set();

// the legend explains what the view shows: each kind's shape and colour, each relation's
// colour and line
// glyphs where fonts have them; the ellipse and the box are drawn by the style sheet
const SHAPE_SYMBOLS = { star: "★", diamond: "◆", square: "■", dot: "●", triangle: "▲",
  triangleDown: "▼", hexagon: "⬢", ellipse: "", box: "" };
let KIND_LABELS = {};

function buildLegend(data) {
  const kinds = new Set(data.nodes.map((n) => n.kind));
  const relations = new Set(data.edges.map((e) => e.relation));
  const nodeList = $("legend-kinds");
  nodeList.replaceChildren();
  const byCommunity = (data.communities || []).length > 0;
  for (const item of state.legendAll.filter((i) => kinds.has(i.kind))) {
    const glyph = SHAPE_SYMBOLS[item.shape] ?? "●";
    const symbol = el("span", glyph, { class: "symbol", "data-shape": item.shape });
    const colour = byCommunity ? "#555555" : item.color; // coloured by community: shape only
    symbol.style.color = colour;
    if (!glyph) { const shape = el("i"); shape.style.background = colour; symbol.append(shape); }
    const li = el("li", null, { "data-kind": item.kind });
    li.append(symbol, el("span", item.label));
    nodeList.append(li);
  }
  if (data.nodes.some((n) => n.focus)) {
    const li = el("li", null, { "data-kind": "focus" });
    li.append(el("span", "◎", { class: "symbol focus" }), el("span", "acteur choisi (bord épais)"));
    nodeList.append(li);
  }
  const edgeList = $("legend-relations");
  edgeList.replaceChildren();
  for (const item of state.edgeLegend.filter((i) => relations.has(i.type))) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "28"); svg.setAttribute("height", "8");
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    for (const [k, v] of Object.entries({ x1: 0, y1: 4, x2: 28, y2: 4, stroke: item.color,
      "stroke-width": item.width })) line.setAttribute(k, String(v));
    if (item.dashes) line.setAttribute("stroke-dasharray", item.dashes.join(" "));
    svg.append(line);
    const li = el("li", null, { "data-relation": item.type });
    li.append(svg, el("span", item.label));
    edgeList.append(li);
  }
  const groups = $("legend-communities");
  groups.replaceChildren();
  for (const c of data.communities || []) {
    const swatch = el("span", "●", { class: "symbol" });
    swatch.style.color = c.color;
    const li = el("li", null, { "data-community": String(c.community) });
    li.append(swatch, el("span", `${c.label} (${c.size})`));
    groups.append(li);
  }
  $("legend-communities-box").hidden = !byCommunity;
  $("legend-kinds-title").textContent = byCommunity ? "Nœuds (forme)" : "Nœuds (forme, couleur)";
  $("legend-box").hidden = !kinds.size;
}

// -- side panel ------------------------------------------------------------------------
async function openPanel(key) {
  const body = $("panel-body");
  $("panel").hidden = false;
  body.replaceChildren(el("p", "Chargement…"));
  let profile;
  try {
    profile = await api("/api/actors/" + encodeURIComponent(key));
  } catch (error) {
    body.replaceChildren(el("p", "Erreur : " + error.message));
    return;
  }
  const actor = profile.actor;
  const parts = [el("h2", actor.name), el("div", actor.key, { class: "key" })];
  const facts = el("ul");
  for (const [k, v] of Object.entries(actor.props)) {
    // personal data never reaches the page: the API leaves it out by the model's rules
    if (TECHNICAL.has(k)) continue;
    const shown = Array.isArray(v) ? v.join(", ") : String(v);
    facts.append(el("li", `${PROPERTY_LABELS[k] || k} : ${(VALUE_LABELS[k] || {})[shown] || shown}`));
  }
  parts.push(facts, el("div", "Source : " + actor.source, { class: "source" }));
  const links = el("p");
  links.append(safeLinkLocal("/api/actors/" + encodeURIComponent(key), "Fiche API (JSON)"), " · ",
    safeLinkLocal("/api/reports/" + encodeURIComponent(key) + "?format=html", "Rapport"), " · ");
  const focus = el("button", "Voir son voisinage", { type: "button" });
  focus.addEventListener("click", () => { $("view").value = "actor"; $("actor").value = key; syncControls(); show(); });
  links.append(focus);
  parts.push(links);
  // each type read from this actor: « financé par » what funds it, « finance » what it funds
  const sides = [];
  for (const [type, relations] of Object.entries(profile.relations)) {
    for (const outgoing of [true, false]) {
      const these = relations.filter((r) => r.outgoing === outgoing);
      const label = outgoing ? RELATION_LABELS[type] : (INCOMING_LABELS[type] || RELATION_LABELS[type]);
      if (these.length) sides.push([label || type, these]);
    }
  }
  for (const [label, relations] of sides) {
    // one line per node at the other end, with every period and source stating it
    const grouped = new Map();
    for (const r of relations) {
      const id = (r.outgoing ? ">" : "<") + r.other.key;
      if (!grouped.has(id)) grouped.set(id, { first: r, periods: new Set(), statuses: new Set(), sources: [] });
      const g = grouped.get(id);
      if (r.period) g.periods.add(r.period);
      if (r.status) g.statuses.add(r.status);
      if (!g.sources.includes(r.source)) g.sources.push(r.source);
    }
    parts.push(el("h3", `${label} (${grouped.size})`));
    const list = el("ul");
    for (const g of [...grouped.values()].slice(0, 40)) {
      const r = g.first;
      const li = el("li");
      const name = el("a", r.other.name, { href: "#" });
      name.addEventListener("click", (e) => { e.preventDefault(); openPanel(r.other.key); });
      li.append(r.outgoing ? "→ " : "← ", name);
      if (g.periods.size) li.append(` (${[...g.periods].join(" ; ")})`);
      // one status per partner: active if one source says so, stopped only if all do
      const said = ["active", "à vérifier", "arrêtée"].find((s) => g.statuses.has(s));
      if (said) li.append(" ", el("span", said, { class: "status", "data-status": said }));
      const sources = el("details", null, { class: "source" });
      sources.append(el("summary", g.sources.length > 1 ? `${g.sources.length} sources` : "source"));
      for (const s of g.sources) { const line = el("div"); line.append(safeLink(s)); sources.append(line); }
      li.append(sources);
      list.append(li);
    }
    if (grouped.size > 40) list.append(el("li", `… et ${grouped.size - 40} autres`));
    parts.push(list);
  }
  parts.push(el("h3", "Partenaires suggérés"));
  const suggestions = el("ul");
  parts.push(suggestions);
  const followup = el("div", null, { id: "panel-followup" });
  parts.push(followup);
  body.replaceChildren(...parts);
  fillActorFollowup(key, followup);  // followup.js
  try {
    const found = await api(`/api/actors/${encodeURIComponent(key)}/suggestions?k=5`);
    if (!found.length) suggestions.append(el("li", "aucune suggestion"));
    for (const s of found) {
      const li = el("li");
      const name = el("a", s.name, { href: "#" });
      name.addEventListener("click", (e) => { e.preventDefault(); openPanel(s.actor); });
      li.append(name, el("div", s.reasons.slice(0, 3).map((r) => r.text).join(" ; "), { class: "why" }));
      suggestions.append(li);
    }
  } catch (error) { suggestions.append(el("li", "Erreur : " + error.message)); }
}

function safeLinkLocal(path, text) { return el("a", text, { href: path, target: "_blank" }); }

// the consortia proposed for a country, side by side: who, why (with sources), which
// funders fit, and the country's report in one click
async function highlightConsortium() {
  const country = $("country").value;
  const body = $("panel-body");
  $("panel").hidden = false;
  body.replaceChildren(el("p", "Recherche de consortiums…"));
  let consortia;
  try {
    consortia = await api("/api/opportunities?country=" + encodeURIComponent(country.replace("country:", "")));
  } catch (error) { body.replaceChildren(el("p", "Erreur : " + error.message)); return; }
  const name = $("country").selectedOptions[0]?.textContent.replace(/ \(\d+\)$/, "") || country;
  // the same words as the command line: why, and what data would help
  if (!consortia.length) {
    body.replaceChildren(el("p", `Aucun consortium pour ${name} : moins de deux collectivités ` +
      "y agissent dans les données de Maillage. Importer les actions connues de ce pays " +
      "(modèle « actions internationales », puis import) aiderait.", { class: "why" }));
    return;
  }
  const head = el("div", null, { class: "consortia-head" });
  head.append(el("h2", `Consortiums proposés : ${name}`),
    safeLinkLocal("/api/reports/" + encodeURIComponent(country) + "?format=html", "Rapport du pays (consortiums, financeurs, sources)"));
  const cards = consortia.map((c, i) => consortiumCard(c, i));
  const few = consortia.length < 5 ? ` (${consortia.length} seulement : pas assez de collectivités ` +
    "actives ici pour d'autres options qui diffèrent, au plus la moitié des membres en commun)" : "";
  body.replaceChildren(head, el("p", `${consortia.length} option${consortia.length > 1 ? "s" : ""}${few}, de la mieux étayée à la moins ` +
    "étayée ; « Voir dans le graphe » met une option en évidence.", { class: "why" }), ...cards);
  showConsortium(consortia[0], cards[0]);
  cards.forEach((card, i) => card.querySelector("button").addEventListener("click", () => showConsortium(consortia[i], card)));
}

function consortiumCard(c, i) {
  const card = el("section", null, { class: "consortium", "data-option": String(i + 1) });
  card.append(el("h3", `Option ${i + 1} — score ${Number(c.score).toLocaleString("fr-FR", { maximumFractionDigits: 1 })}`));
  const list = el("ul");
  for (const m of [c.lead, ...c.members]) {
    const li = el("li", null, { "data-actor": m.actor });
    li.append(el("strong", `${m.role} : ${m.name}`));
    for (const r of m.reasons.slice(0, 4)) {
      const reason = el("details", null, { class: "why" });
      reason.append(el("summary", r.text));
      for (const s of r.sources) { const line = el("div", null, { class: "source" }); line.append(safeLink(s)); reason.append(line); }
      li.append(reason);
    }
    list.append(li);
  }
  card.append(list, el("p", c.complementarity.join(" ; "), { class: "why" }));
  const funding = el("details", null, { class: "funding" });
  funding.append(el("summary", `Financements et partenaires possibles (${c.funding.length})`));
  const items = el("ul");
  for (const f of c.funding) items.append(el("li", `${f.name} — ${f.why}`));
  funding.append(items);
  card.append(funding, el("button", "Voir dans le graphe", { type: "button" }));
  return card;
}

function showConsortium(c, card) {
  const keys = new Set([c.lead, ...c.members].map((m) => m.actor));
  state.nodes.update(state.raw.nodes.map((n) => ({
    id: n.id, opacity: keys.has(n.id) ? 1 : 0.25, borderWidth: keys.has(n.id) ? 4 : 1,
  })));
  state.network.selectNodes([...keys].filter((k) => state.nodes.get(k)));
  document.querySelectorAll("#panel .consortium").forEach((x) => x.classList.toggle("chosen", x === card));
}

// -- search ----------------------------------------------------------------------------
let searchTimer = null;
function onSearch() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const q = $("q").value.trim();
    const results = $("search-results");
    results.replaceChildren();
    if (q.length < 2) return;
    let items;
    try { items = await api("/api/search?limit=8&q=" + encodeURIComponent(q)); } catch (e) { return; }
    if (!items.length) results.append(el("li", "Aucun résultat", { class: "empty" }));
    for (const item of items) {
      const li = el("li", item.name, { tabindex: "0", "data-key": item.key });
      li.append(el("span", item.kind_label, { class: "kind" }));
      const choose = () => {
        results.replaceChildren();
        $("q").value = item.name;
        const asCountry = item.kind === "country" && [...$("country").options].some((o) => o.value === item.key);
        if (asCountry) { $("view").value = "country"; $("country").value = item.key; }
        else { $("view").value = "actor"; $("actor").value = item.key; }
        syncControls();
        show().then(() => openPanel(item.key));
      };
      li.addEventListener("click", choose);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") choose(); });
      results.append(li);
    }
  }, 150);
}

// -- exports ---------------------------------------------------------------------------
function download(name, blob) {
  const a = el("a", null, { download: name, href: URL.createObjectURL(blob) });
  document.body.append(a); a.click(); a.remove();
}

function exportPng() {
  const canvas = document.querySelector("#graph canvas");
  canvas.toBlob((blob) => download("maillage.png", blob), "image/png");
}

function exportJson() {
  const data = { nodes: state.raw.nodes, edges: state.raw.edges, params: state.params.toString() };
  download("maillage.json", new Blob([JSON.stringify(data, null, 1)], { type: "application/json" }));
}

function exportGraphml() {
  const a = el("a", null, { href: "/api/graph.graphml?" + state.params.toString(), download: "maillage.graphml" });
  document.body.append(a); a.click(); a.remove();
}

// -- maps ------------------------------------------------------------------------------
const SVGNS = "http://www.w3.org/2000/svg";
// numeric classes: none, 1, 2–3, 4–7, 8 and more; anything engaged stands out from grey
const ENGAGED = ["#eeeeee", "#9ecae1", "#4292c6", "#2171b5", "#08306b"];
const CLASSES = ["aucun", "1", "2 à 3", "4 à 7", "8 et plus"];
const BASINS = { "Adour-Garonne": "#fdae6b", "Loire-Bretagne": "#74c476" };
// names written on the map: every unit of a small layer, the largest ones of a big layer
const NAMED_ON_MAP = 14;

function engagedClass(count) { return count ? Math.min(4, Math.ceil(Math.log2(count + 1))) : 0; }
function engagedColour(count) { return ENGAGED[engagedClass(count)]; }

function drawMap(svg, data, colour, onPick) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", data.viewBox);
  const width = parseFloat(data.viewBox.split(" ")[2]);
  const labels = document.createElementNS(SVGNS, "g");
  labels.setAttribute("class", "map-labels");
  labels.setAttribute("font-size", String(Math.round(width / 45)));
  const named = new Set([...data.features].sort((a, b) => b.extent - a.extent)
    .slice(0, NAMED_ON_MAP).map((f) => f.key || f.name));
  for (const f of data.features) {
    const path = document.createElementNS(SVGNS, "path");
    path.setAttribute("d", f.d);
    path.setAttribute("fill", colour(f));
    if ((f.engaged ?? f.actors) > 0) path.setAttribute("class", "engaged");
    const title = document.createElementNS(SVGNS, "title");
    title.textContent = f.name;
    path.append(title);
    path.addEventListener("mouseenter", () => { $("map-hover").textContent = describe(f); });
    path.addEventListener("click", () => onPick(f));
    svg.append(path);
    if (named.has(f.key || f.name) && f.anchor) {
      const text = document.createElementNS(SVGNS, "text");
      text.setAttribute("x", String(f.anchor[0]));
      text.setAttribute("y", String(f.anchor[1]));
      text.textContent = f.name;
      labels.append(text);
    }
  }
  svg.append(labels);
}

function mapLegend(mode) {
  const legend = $("map-legend");
  const entries = mode === "basin"
    ? [...Object.entries(BASINS), ["hors bassin connu", "#dddddd"]].map(([name, c]) => [c, name])
    : ENGAGED.map((c, i) => [c, CLASSES[i]]);
  legend.replaceChildren(el("span", mode === "basin" ? "Bassin de l'eau :"
    : "Collectivités engagées (région) ou acteurs de la région (monde) :"));
  for (const [colour, label] of entries) {
    const swatch = el("span", null, { class: "swatch" });
    swatch.style.background = colour;
    const item = el("span", null, { class: "class" });
    item.append(swatch, label);
    legend.append(item);
  }
}

let REGION_NAME = "la région";

function describe(f) {
  if (f.actors !== undefined) return `${f.name} : ${f.actors} acteur(s) de ${REGION_NAME}, ${f.france} en France`;
  return `${f.name} : ${f.engaged} collectivité(s) engagée(s) à l'international` + (f.basin ? `, bassin ${f.basin}` : "");
}

async function loadMaps() {
  const layer = $("layer").value;
  const mode = $("colour").value;
  const na = await api("/api/maps/na?layer=" + layer);
  const colour = mode === "basin"
    ? (f) => BASINS[f.basin] || "#dddddd"
    : (f) => engagedColour(f.engaged);
  drawMap($("na-map"), na, colour, (f) => {
    const kind = f.key.split(":")[0];
    selectTab("network");
    if (kind === "departement") { $("view").value = "departement"; $("departement").value = f.key; }
    else { $("view").value = "actor"; $("actor").value = f.key; }
    syncControls(); show();
  });
  $("na-source").textContent = na.source;
  mapLegend(mode);
  const world = await api("/api/maps/world");
  drawMap($("world-map"), world, (f) => engagedColour(f.actors), (f) => {
    if (!f.key) return;
    selectTab("network");
    $("view").value = "country"; $("country").value = f.key; syncControls(); show();
  });
  $("world-source").textContent = world.source;
}

function selectTab(name) {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.tab === name));
  $("network-tab").hidden = name !== "network";
  $("maps-tab").hidden = name !== "maps";
  $("followup-tab").hidden = name !== "followup";
  if (name === "maps") loadMaps();
  if (name === "followup") loadFollowup();  // followup.js
}

// -- start -----------------------------------------------------------------------------
function fill(select, items, label) {
  select.replaceChildren(...items.map((i) => el("option", label(i), { value: i.key })));
}

function syncControls() {
  const view = $("view").value;
  document.querySelectorAll("#controls label[class]").forEach((label) => {
    label.hidden = !label.className.split(" ").some((c) => c === "for-" + view);
  });
}

async function start() {
  const [vocabulary, first] = await Promise.all([api("/api/vocabulary"), api("/api/vis?limit=1")]);
  REGION_NAME = vocabulary.region.name;
  $("subtitle").textContent = `partenariats de coopération décentralisée : ${REGION_NAME}`;
  $("na-map").setAttribute("aria-label", `Carte : ${REGION_NAME}`);
  RELATION_LABELS = vocabulary.relation_labels || {};
  INCOMING_LABELS = vocabulary.incoming_labels || {};
  PROPERTY_LABELS = vocabulary.property_labels || {};
  VALUE_LABELS = vocabulary.value_labels || {};
  TECHNICAL = new Set(vocabulary.technical_properties || []);
  fill($("country"), vocabulary.countries, (c) => `${c.name} (${c.actors})`);
  fill($("theme"), vocabulary.themes, (t) => t.name);
  fill($("departement"), vocabulary.departements, (d) => `${d.key.split(":")[1]} ${d.name}`);
  KIND_LABELS = vocabulary.kind_labels || {};
  state.legendAll = first.legend;
  state.edgeLegend = first.edge_legend;
  buildFilters(vocabulary);
  syncControls();
  $("view").addEventListener("change", syncControls);
  $("show").addEventListener("click", () => show());
  $("q").addEventListener("input", onSearch);
  $("search").addEventListener("submit", (e) => e.preventDefault());
  $("close").addEventListener("click", () => { $("panel").hidden = true; });
  $("png").addEventListener("click", exportPng);
  $("json").addEventListener("click", exportJson);
  $("graphml").addEventListener("click", exportGraphml);
  $("layer").addEventListener("change", loadMaps);
  $("colour").addEventListener("change", loadMaps);
  document.querySelectorAll(".tab").forEach((t) => t.addEventListener("click", () => selectTab(t.dataset.tab)));
  fillSavedViews();
  $("save-view").addEventListener("click", saveView);
  $("saved-views").addEventListener("change", () => {
    const hash = $("saved-views").value;
    if (hash && applyHash(hash)) show();
  });
  $("legend-toggle").addEventListener("click", () => {
    const list = $("legend-lists");
    list.hidden = !list.hidden;
    $("legend-toggle").textContent = list.hidden ? "Légende ▸" : "Légende ▾";
  });
  window.addEventListener("popstate", () => { if (applyHash(location.hash.slice(1))) show(undefined, true); });
  const hash = new URLSearchParams(location.hash.slice(1));
  const known = applyHash(location.hash.slice(1));
  // the first view names itself in the address without adding a step to the history
  if (!known) history.replaceState(null, "", "#" + viewHash());
  // a hash with API parameters (limit…) is passed as is; a view's own hash is replayed
  await show(hash.has("limit") ? hash : undefined, true);
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", () => {
  start().catch((error) => status("Erreur au démarrage : " + error.message));
});
