// audit.js — the programme's audit log in the Team view: filters by event, actor and action (prefix),
// newest first, "older entries" pages with the server's cursor (the filters stay the same).
// Exports: createAudit(ctx) → {element, reload(), render()}
import { h, fill } from "../js/dom.js";
import { t, getLang, pick } from "../js/i18n.js";
import { formatDateTime, viewerZone } from "../js/time.js";
import { request } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input } from "./forms.js";

export function createAudit(ctx) {
  let entries = [];
  let next = null;
  let filters = {};
  const event = input("select", { id: "audit-event" });
  const actor = input("input", { id: "audit-actor", type: "text" });
  const action = input("input", { id: "audit-action", type: "text" });
  const status = h("div", { class: "form-message", id: "audit-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "audit-table" });
  const more = h("button", { type: "button", class: "button", id: "audit-more", hidden: true, dataset: { i18n: "audit.more" }, text: t("audit.more") });
  const form = h("form", { class: "console-form", id: "audit-form", role: "search", novalidate: true },
    h("div", { class: "field-row" }, field("audit-event", "audit.event", event), field("audit-actor", "audit.actor", actor, { hintKey: "audit.actorHint" }),
      field("audit-action", "audit.action", action, { hintKey: "audit.actionHint" })),
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "button button-primary", id: "audit-show", dataset: { i18n: "audit.show" }, text: t("audit.show") })));
  const element = h("section", { "aria-labelledby": "audit-title" },
    h("h2", { id: "audit-title", dataset: { i18n: "audit.title" }, text: t("audit.title") }), form, status, list, more);

  function renderEvents() {
    const keep = event.value;
    fill(event, h("option", { value: "", text: t("audit.anyEvent") }), ctx.events().map((e) => h("option", { value: e.slug, text: `${pick(e.title).text} (${e.slug})` })));
    event.value = keep;
  }

  async function load(cursor = null) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
    if (cursor) params.set("cursor", cursor);
    const query = params.toString();
    try {
      const { data } = await request(`/api/v1/audit${query ? `?${query}` : ""}`);
      entries = cursor ? [...entries, ...(data.items || [])] : data.items || [];
      next = data.next || null;
      render();
      showMessage(status, "info", t("audit.count", { n: entries.length }));
      return (data.items || []).length;
    } catch (error) {
      if (error.status !== 401) showMessage(status, "error", ...explain(error));
      return 0;
    }
  }

  function render() {
    renderEvents();
    const lang = getLang();
    const zone = viewerZone();
    more.hidden = !next;
    if (!entries.length) { fill(list, h("p", { text: t("audit.none") })); return; }
    const cols = ["audit.when", "audit.actor", "audit.action", "audit.event", "audit.details"];
    fill(list, h("table", { class: "data-table" },
      h("caption", { class: "hint", text: t("tokens.zone", { zone }) }),
      h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col", text: t(k) })))),
      h("tbody", {}, entries.map((e) => h("tr", { dataset: { auditId: e.id } },
        h("td", { text: formatDateTime(e.at, zone, lang) }), h("td", { text: e.actor }), h("td", {}, h("code", { text: e.action })),
        h("td", { text: e.event || "—" }),
        h("td", { text: [e.seq != null ? `seq ${e.seq}` : null, e.data ? JSON.stringify(e.data).slice(0, 140) : null].filter(Boolean).join(" · ") }))))));
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    filters = { event: event.value, actor: actor.value.trim(), action: action.value.trim() };
    load();
  });
  more.addEventListener("click", async () => {
    const before = entries.length;
    const added = await load(next);
    // Focus the first new row, so keyboard users continue where they were.
    const row = list.querySelectorAll("tbody tr")[before];
    if (added && row) { row.tabIndex = -1; row.focus(); } else more.focus();
  });

  renderEvents();
  return { element, reload: () => load(), render };
}
