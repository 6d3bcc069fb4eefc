// Maillage explorer: the first view is asked for here, in the page's head, before the page
// and its scripts are read; the server lays it out meanwhile (a 1,000-node view takes it
// a third of a second) and app.js takes the answer when it shows the same view.
"use strict";

// The query app.js will send for the view in this address, or null when it depends on a
// selector's value known only later (then nothing is asked for early). Mirrors
// viewParams() and applyHash() in app.js.
function maillageHashQuery(hash, firstView) {
  const h = new URLSearchParams(hash);
  if (h.has("limit")) return h.toString();
  const view = h.get("vue") || (h.get("focus") ? "actor" : h.get("departement") ? "departement"
    : hash ? null : firstView);
  const p = new URLSearchParams();
  const given = (...keys) => keys.every((k) => h.get(k));
  if (view === "actor" && given("focus", "depth")) { p.set("focus", h.get("focus").trim()); p.set("depth", h.get("depth")); }
  else if ((view === "country" || view === "opportunities") && given("country")) p.set("country", h.get("country"));
  else if (view === "theme" && given("theme")) p.set("theme", h.get("theme"));
  else if (view === "departement" && given("departement")) { p.set("departement", h.get("departement")); p.set("limit", "2000"); }
  else if (view === "network") p.set("limit", "1500");
  else return null;
  if (h.get("communautes") === "true") p.set("communautes", "true");
  return p.toString();
}

window.maillageEarly = (() => {
  // no address: the page's first view, named on this script's tag (the page is not read yet)
  const query = maillageHashQuery(location.hash.slice(1), document.currentScript.dataset.firstView);
  if (query === null) return null;
  const data = fetch("/api/vis?" + query, { headers: { Accept: "application/json" } });
  data.catch(() => {}); // a failure is told when app.js takes it, not before
  return { query, data };
})();
