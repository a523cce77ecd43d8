// webhooks.js — one event's webhook endpoints in the "Rooms and exports" tab: list them with their
// state (active, paused, paused after failures, the last seq delivered, the last error), add one
// (URL, change types, secret), pause / resume, send a test ping, delete, and show the recent
// deliveries of one. The secret is shown once, right after adding (the server never shows it again).
// Exports: createWebhooks(store) → {element, reload(), focus()}
import "./strings-webhooks.js";
import { h, fill } from "../js/dom.js";
import { t, getLang } from "../js/i18n.js";
import { formatDateTime, viewerZone } from "../js/time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors, fieldError, confirmDialog } from "./forms.js";

const TYPES = ["session.created", "session.updated", "session.cancelled", "session.deleted", "schedule.delayed",
  "room.created", "room.updated", "room.deleted", "announcement.created", "announcement.expired",
  "event.created", "event.updated", "speaker.created", "speaker.updated", "seats.changed"];

export function createWebhooks(store) {
  const { state } = store;
  let endpoints = [];
  const status = h("div", { class: "form-message", id: "webhooks-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "webhooks-list" });
  const deliveries = h("div", { id: "webhook-deliveries" });
  const url = input("input", { id: "webhook-new-url", type: "url", size: "50", placeholder: "https://example.org/tandem-hook" });
  const secret = input("input", { id: "webhook-new-secret", type: "text", size: "40" });
  const boxes = TYPES.map((type) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "webhook-type", value: type, id: `webhook-type-${type.replace(".", "-")}` }), " ", h("code", { text: type })));
  const addMessage = h("div", { class: "form-message", id: "webhook-add-message", role: "alert" });
  const add = h("form", { class: "console-form", id: "webhook-add", novalidate: true },
    h("h3", { dataset: { i18n: "webhooks.add" }, text: t("webhooks.add") }),
    field("webhook-new-url", "webhooks.url", url, { hintKey: "webhooks.urlHint" }),
    h("fieldset", { id: "webhook-new-types", "aria-describedby": "webhook-types-hint" },
      h("legend", { dataset: { i18n: "webhooks.types" }, text: t("webhooks.types") }),
      h("p", { class: "field-hint", id: "webhook-types-hint", dataset: { i18n: "webhooks.typesHint" }, text: t("webhooks.typesHint") }),
      h("div", { class: "checks" }, boxes)),
    field("webhook-new-secret", "webhooks.secret", secret, { hintKey: "webhooks.secretHint" }),
    addMessage,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "button button-primary", id: "webhook-add-submit", dataset: { i18n: "webhooks.addSubmit" }, text: t("webhooks.addSubmit") })));
  const element = h("section", { class: "webhooks", id: "webhooks", "aria-labelledby": "webhooks-title" },
    h("h2", { id: "webhooks-title", dataset: { i18n: "webhooks.title" }, text: t("webhooks.title") }),
    h("p", { class: "hint", dataset: { i18n: "webhooks.intro" }, text: t("webhooks.intro") }),
    status, list, deliveries, add);

  const say = (kind, ...children) => showMessage(status, kind, ...children);

  function stateText(e) {
    if (e.state === "active") return t("webhooks.state.active");
    if (e.state === "failing") return t("webhooks.state.failing", { n: e.consecutiveFailures });
    return t("webhooks.state.paused");
  }

  function render() {
    if (!endpoints.length) { fill(list, h("p", { id: "webhooks-none", text: t("webhooks.none") })); return; }
    const cols = ["webhooks.url", "webhooks.col.types", "webhooks.col.state", "webhooks.col.seq", "webhooks.col.error", "webhooks.col.actions"];
    fill(list, h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col", text: t(k) })))),
      h("tbody", {}, endpoints.map(row))));
  }

  function row(e) {
    const button = (action, key, fn, attrs = {}) => h("button", {
      type: "button", class: ["button", "button-small", attrs.danger ? "button-danger" : null], dataset: { action, webhookId: e.id },
      "aria-label": t(`${key}Label`, { url: e.url }), text: t(key), on: { click: fn },
    });
    return h("tr", { dataset: { webhookId: e.id, state: e.state } },
      h("td", {}, h("code", { text: e.url }), h("br"), h("span", { class: "hint", text: t("webhooks.secretShown", { hint: e.secretHint }) })),
      h("td", { text: e.types.length ? e.types.join(", ") : t("webhooks.allTypes") }),
      h("td", { class: "webhook-state", text: stateText(e) }),
      h("td", { text: String(e.deliveredSeq) }),
      h("td", { text: e.lastError || "—" }),
      h("td", {}, h("div", { class: "row-actions" },
        e.active ? button("pause", "webhooks.pause", () => setActive(e, false)) : button("resume", "webhooks.resume", () => setActive(e, true)),
        button("ping", "webhooks.ping", () => ping(e)),
        button("deliveries", "webhooks.deliveries", () => showDeliveries(e)),
        button("delete", "webhooks.delete", () => remove(e), { danger: true }))));
  }

  function focusAction(id, action) {
    const target = list.querySelector(`tr[data-webhook-id="${id}"] [data-action="${action}"]`) || list.querySelector(`tr[data-webhook-id="${id}"] button`);
    if (target) target.focus();
  }

  async function reload() {
    try {
      const { data } = await request(eventPath(state.slug, "webhooks"));
      endpoints = data.items || [];
      render();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  async function setActive(e, active) {
    try {
      await request(eventPath(state.slug, "webhooks", e.id), { method: "PATCH", body: { active } });
      await reload();
      say("ok", t(active ? "webhooks.resumed" : "webhooks.paused", { url: e.url }));
      focusAction(e.id, active ? "pause" : "resume");
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  async function ping(e) {
    try {
      const { data } = await request(eventPath(state.slug, "webhooks", e.id, "ping"), { method: "POST", body: {} });
      say(data.ok ? "ok" : "error", t(data.ok ? "webhooks.pingOk" : "webhooks.pingFailed", { url: e.url, status: data.status ?? "—", error: data.error || "" }));
      await showDeliveries(e, false);
      focusAction(e.id, "ping");
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  /** Also refreshes the list: the state and last seq delivered have moved on since it was drawn. */
  async function showDeliveries(e, focus = true) {
    await reload();
    try {
      const { data } = await request(`${eventPath(state.slug, "webhooks", e.id, "deliveries")}?limit=50`);
      const items = data.items || [];
      const lang = getLang();
      const zone = viewerZone();
      const heading = h("h3", { id: "webhook-deliveries-title", tabindex: "-1", text: t("webhooks.deliveriesOf", { url: e.url }) });
      const cols = ["webhooks.d.when", "webhooks.d.seq", "webhooks.d.type", "webhooks.d.attempt", "webhooks.d.outcome", "webhooks.d.duration"];
      fill(deliveries, heading, items.length
        ? h("table", { class: "data-table", id: "webhook-deliveries-table" },
          h("caption", { class: "hint", text: t("tokens.zone", { zone }) }),
          h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col", text: t(k) })))),
          h("tbody", {}, items.map((d) => h("tr", { dataset: { seq: d.seq, ok: String(d.ok) } },
            h("td", { text: formatDateTime(d.at, zone, lang) }), h("td", { text: String(d.seq) }), h("td", {}, h("code", { text: d.type })),
            h("td", { text: String(d.attempt) }),
            h("td", { text: d.ok ? t("webhooks.d.ok", { status: d.status }) : `${d.status != null ? `HTTP ${d.status}: ` : ""}${d.error}` }),
            h("td", { text: `${d.durationMs} ms` })))))
        : h("p", { text: t("webhooks.d.none") }));
      if (focus) heading.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  async function remove(e) {
    const yes = await confirmDialog({ titleKey: "webhooks.deleteTitle", titleVars: { url: e.url }, body: [h("p", { text: t("webhooks.deleteBody") })], confirmKey: "webhooks.deleteConfirm", danger: true });
    if (!yes) return;
    try {
      await request(eventPath(state.slug, "webhooks", e.id), { method: "DELETE" });
      fill(deliveries);
      await reload();
      say("ok", t("webhooks.deleted", { url: e.url }));
      url.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  add.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(add);
    fill(addMessage); addMessage.className = "form-message";
    if (!url.value.trim()) { fieldError(add, "webhook-new-url", t("webhooks.needURL")); url.focus(); return; }
    const types = [...add.querySelectorAll('input[name="webhook-type"]:checked')].map((b) => b.value);
    const body = { url: url.value.trim(), types, ...(secret.value.trim() ? { secret: secret.value.trim() } : {}) };
    try {
      const { data } = await request(eventPath(state.slug, "webhooks"), { method: "POST", body });
      url.value = ""; secret.value = "";
      for (const b of add.querySelectorAll('input[name="webhook-type"]')) b.checked = false;
      await reload();
      say("ok", h("p", { text: t("webhooks.added", { url: data.url }) }),
        h("p", {}, t("webhooks.secretOnce"), " ", h("code", { id: "webhook-secret-once", text: data.secret })));
      focusAction(data.id, "pause");
    } catch (error) {
      if (error.status !== 401) showErrors(add, error, { url: "webhook-new-url", types: "webhook-new-types", secret: "webhook-new-secret" }, addMessage);
    }
  });

  reload();
  return { element, reload, focus: () => (list.querySelector("button") || url).focus() };
}
