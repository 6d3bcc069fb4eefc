// Maillage explorer, « Suivi » tab: what the network records by hand (exchanges and next
// steps, contacts, working groups, funding applications) and the observatory. Writes send
// the write token typed by the user (kept for the tab's session only). Uses el() and
// api() from app.js; names from the data go in with textContent.
"use strict";

// each load numbered: a slower, older answer never overwrites a newer one
const FOLLOWUP = { vocabulary: null, loads: 0, observatories: 0 };

function token() { return sessionStorage.getItem("maillage-token") || ""; }

async function send(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json",
               Authorization: "Bearer " + token() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (e) { /* no body */ }
  if (!response.ok) throw new Error((data && data.detail) || response.statusText);
  return data;
}

function post(path, body) { return send("POST", path, body); }

function keys(text) {
  return text.split(",").map((k) => k.trim()).filter((k) => k);
}

function formValues(form) {
  const values = {};
  for (const [k, v] of new FormData(form).entries()) {
    if (String(v).trim() !== "") values[k] = String(v).trim();
  }
  return values;
}

function options(select, items, empty) {
  const list = items.map((i) => el("option", i.name, { value: i.key }));
  if (empty) list.unshift(el("option", empty, { value: "" }));
  select.replaceChildren(...list);
}

function interactionLine(i) {
  const li = el("li");
  li.append(el("strong", `${i.date} · ${i.mode} · `), i.topic);
  const who = [...i.actors, ...i.persons].map((r) => r.name).join(", ");
  if (who) li.append(el("div", "avec " + who, { class: "why" }));
  if (i.next_step) {
    const step = el("div", `prochaine étape : ${i.next_step}` + (i.due ? ` (pour le ${i.due})` : ""),
                    { class: "why" });
    if (i.done) step.append(" ", el("span", "fait", { class: "status", "data-status": "active" }));
    else if (i.overdue) step.append(" ", el("span", "à relancer", { class: "status", "data-status": "à vérifier" }));
    li.append(step);
  }
  return li;
}

function applicationLine(a) {
  const amounts = [["demandé", a.amount_requested], ["accordé", a.amount_granted]]
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([w, v]) => `${w} ${Number(v).toLocaleString("fr-FR")} €`).join(", ");
  const li = el("li", `${a.name} — ${a.status_label}` + (amounts ? ` (${amounts})` : ""));
  li.append(el("div", "chef de file : " + (a.lead ? a.lead.name : "—")
    + (a.members.length ? " ; membres : " + a.members.map((m) => m.name).join(", ") : ""), { class: "why" }));
  return li;
}

async function loadFollowup() {
  if (!FOLLOWUP.vocabulary) await setupForms();
  const mine = ++FOLLOWUP.loads;
  const [overdue, pipeline, groups, recent] = await Promise.all([
    api("/api/interactions/a-relancer"), api("/api/pipeline"), api("/api/groups"),
    api("/api/interactions")]);
  if (mine !== FOLLOWUP.loads) return;
  $("follow-ups").replaceChildren(...(overdue.length ? overdue.map(interactionLine)
    : [el("li", "Rien à relancer.")]));
  $("interactions").replaceChildren(...(recent.length ? recent.slice(0, 20).map(interactionLine)
    : [el("li", "Aucun échange noté.")]));
  const blocks = [];
  const all = [];
  for (const s of FOLLOWUP.vocabulary.statuses) {
    const items = pipeline[s.key] || [];
    all.push(...items);
    if (!items.length) continue;
    const list = el("ul");
    list.append(...items.map(applicationLine));
    blocks.push(el("h3", `${s.name} (${items.length})`), list);
  }
  $("pipeline").replaceChildren(...(blocks.length ? blocks : [el("p", "Aucune demande suivie.")]));
  options(document.querySelector("#form-status .applications"),
          all.map((a) => ({ key: a.key, name: `${a.name} (${a.status_label})` })));
  $("groups").replaceChildren(...(groups.length ? groups.map((g) => el("li",
    `${g.name} (${g.form}) : ${g.members.length} membre(s), ${g.meetings.length} réunion(s)`))
    : [el("li", "Aucun groupe de travail.")]));
  for (const select of document.querySelectorAll("select.groups")) {
    options(select, groups, select.required ? undefined : "—");
  }
  await loadObservatory();
}

async function loadObservatory() {
  const year = $("obs-year").value || String(new Date().getFullYear());
  const mine = ++FOLLOWUP.observatories;
  const view = await api("/api/observatory?year=" + encodeURIComponent(year));
  if (mine !== FOLLOWUP.observatories) return;
  $("timeline").src = "/api/observatory.svg?year=" + encodeURIComponent(year);
  $("obs-report").href = "/api/reports/observatoire:" + encodeURIComponent(year) + "?format=html";
  const last = view.years[view.years.length - 1];
  $("observatory").replaceChildren(
    el("li", `${view.year} : ${last.relations} relations datées, ${last.collectivites} collectivités, ${last.countries} pays`),
    el("li", `${view.started.length} nouveau(x) partenariat(s), ${view.ended.length} arrêté(s), `
      + `${view.newly_engaged.length} collectivité(s) nouvellement engagée(s)`),
    el("li", `${view.undated} relation(s) sans date, non comptées`));
}

async function setupForms() {
  FOLLOWUP.vocabulary = await api("/api/vocabulary");
  const v = FOLLOWUP.vocabulary;
  for (const s of document.querySelectorAll("select.themes")) options(s, v.themes, "—");
  for (const s of document.querySelectorAll("#form-interaction select.countries")) options(s, v.countries, "—");
  for (const s of document.querySelectorAll("#form-application select.countries")) options(s, v.countries);
  for (const s of document.querySelectorAll("select.calls")) options(s, v.calls);
  for (const s of document.querySelectorAll("select.statuses")) options(s, v.statuses);
  document.querySelector("#form-application [name=year]").value = String(new Date().getFullYear());
  document.querySelector("#form-interaction [name=date]").value = new Date().toISOString().slice(0, 10);
  $("obs-year").value = String(new Date().getFullYear());
  $("obs-year").addEventListener("change", () => loadObservatory().catch(() => {}));
  $("token").value = token();
  $("token").addEventListener("change", () => sessionStorage.setItem("maillage-token", $("token").value));
  const handlers = {
    "form-interaction": (f) => post("/api/interactions", {
      ...f, actors: keys(f.actors || ""), persons: keys(f.persons || ""),
      themes: f.themes ? [f.themes] : [], places: f.places ? [f.places] : [] }),
    "form-person": (f) => post("/api/persons", f),
    "form-group": (f) => post("/api/groups", f),
    "form-member": (f) => post(`/api/groups/${encodeURIComponent(f.group || "")}/members`, { member: f.member }),
    "form-application": (f) => post("/api/applications/depuis-consortium", {
      call: f.call, year: Number(f.year), country: (f.country || "").replace("country:", ""),
      rank: Number(f.rank || 1),
      amount_requested: f.amount_requested ? Number(f.amount_requested) : null }),
    "form-status": (f) => post(`/api/applications/${encodeURIComponent(f.application || "")}/statut`, {
      status: f.status, amount_granted: f.amount_granted ? Number(f.amount_granted) : null }),
  };
  $("load-history").addEventListener("click", () => loadHistory().catch((error) => {
    $("history").replaceChildren(el("li", "Refusé : " + error.message));
  }));
  $("form-erase").addEventListener("submit", (e) => {
    e.preventDefault();
    const message = $("form-erase").querySelector(".form-message");
    if (!token()) { message.textContent = "Saisir d'abord le jeton d'écriture."; return; }
    personRights($("form-erase"), e.submitter ? e.submitter.value : "export");
  });
  for (const [id, submit] of Object.entries(handlers)) {
    const form = $(id);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const message = form.querySelector(".form-message");
      if (!token()) { message.textContent = "Saisir d'abord le jeton d'écriture."; return; }
      delete message.dataset.ok;
      message.textContent = "Enregistrement…";
      try {
        const done = await submit(formValues(form));
        message.textContent = "Enregistré : " + (done.name || done.topic || "")
          + (done.key ? ` (${done.key})` : "");
        message.dataset.ok = "true";
        await loadFollowup();
      } catch (error) {
        message.dataset.ok = "false";
        message.textContent = "Refusé : " + error.message;
      }
    });
  }
}

async function loadHistory() {
  const list = $("history");
  if (!token()) { list.replaceChildren(el("li", "Saisir d'abord le jeton d'écriture.")); return; }
  const entries = await send("GET", "/api/history?limit=30");
  list.replaceChildren(...entries.map((e) => {
    const li = el("li", `${e.at} · ${e.who} · ${e.action}${e.label ? " : " + e.label : ""} `);
    li.append(el("div", Object.entries(e.counts).map(([w, n]) => `${n} ${w}`).join(", ")
      || "aucun changement", { class: "why" }));
    if (e.undoable) {
      const undo = el("button", "Annuler", { type: "button", "data-entry": e.id });
      undo.addEventListener("click", async () => {
        try {
          await post(`/api/history/${encodeURIComponent(e.id)}/annuler`);
          await loadFollowup();
          await loadHistory();
        } catch (error) { li.append(el("div", "Refusé : " + error.message, { class: "why" })); }
      });
      li.append(undo);
    }
    return li;
  }));
}

async function personRights(form, action) {
  const message = form.querySelector(".form-message");
  const key = new FormData(form).get("person");
  delete message.dataset.ok;
  const out = $("person-data");
  try {
    if (action === "erase") {
      const done = await send("DELETE", "/api/persons/" + encodeURIComponent(key));
      message.textContent = `Personne effacée partout (écriture ${done.effacement}).`;
      out.hidden = true;
      await loadFollowup();
    } else {
      const data = await send("GET", `/api/persons/${encodeURIComponent(key)}/export`);
      out.textContent = JSON.stringify(data, null, 1);
      out.hidden = false;
      message.textContent = "Données exportées ci-dessous.";
    }
    message.dataset.ok = "true";
  } catch (error) {
    message.dataset.ok = "false";
    message.textContent = "Refusé : " + error.message;
  }
}

async function fillActorFollowup(key, box) {
  let found;
  try {
    found = await api(`/api/actors/${encodeURIComponent(key)}/suivi`);
  } catch (error) { return; }  // not an actor (a place, a theme): nothing recorded
  const parts = [el("h3", "Suivi du réseau")];
  const list = el("ul");
  list.append(...found.interactions.slice(0, 10).map(interactionLine));
  list.append(...found.groups.map((g) => el("li", `membre du groupe « ${g.name} »`)));
  list.append(...found.applications.map(applicationLine));
  if (!list.children.length) list.append(el("li", "rien de noté"));
  parts.push(list);
  box.replaceChildren(...parts);
}
