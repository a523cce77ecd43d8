// announcements.js — the event's active announcements (kept live) and a form to publish one.
// Exports: createAnnouncements(panel, store, {canEdit}) → {render()}
import { h, fill } from "../js/dom.js";
import { t, getLang, setTranslated } from "../js/i18n.js";
import { formatDateTime, formatDay } from "../js/time.js";
import { eventDays, wallToDate, parseClock, wire } from "./venue-time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";

const SEVERITIES = ["info", "warning", "critical"];

export function createAnnouncements(panel, store, { canEdit }) {
  const { state } = store;
  const listHeading = h("h2", { id: "ann-list-title" });
  const list = h("ul", { class: "announcement-list", id: "announcement-list", "aria-labelledby": "ann-list-title" });
  const formHeading = h("h2", { id: "ann-form-title" });
  const en = h("textarea", { id: "ann-en", rows: "2", required: true, lang: "en", maxlength: "2000" });
  const zh = h("textarea", { id: "ann-zh", rows: "2", lang: "zh-Hans", maxlength: "2000" });
  const severity = h("select", { id: "ann-severity" });
  const day = h("select", { id: "ann-day" });
  const time = h("input", { id: "ann-time", type: "text", inputmode: "numeric", placeholder: "HH:MM", autocomplete: "off", size: "6", "aria-describedby": "ann-time-hint" });
  const l = {
    en: h("label", { for: "ann-en" }), zh: h("label", { for: "ann-zh" }), severity: h("label", { for: "ann-severity" }),
    day: h("label", { for: "ann-day" }), time: h("label", { for: "ann-time" }), hint: h("span", { class: "field-hint", id: "ann-time-hint" }),
  };
  const submit = h("button", { type: "submit", class: "button button-primary", id: "ann-submit" });
  const message = h("div", { class: "form-message", id: "ann-message", role: "alert" });
  const form = h("form", { class: "stack ann-form", id: "announcement-form", "aria-labelledby": "ann-form-title", novalidate: true },
    formHeading,
    h("div", { class: "field" }, l.en, en), h("div", { class: "field" }, l.zh, zh),
    h("div", { class: "field" }, l.severity, severity),
    h("div", { class: "field-row" }, h("div", { class: "field" }, l.day, day), h("div", { class: "field" }, l.time, time, l.hint)),
    message, h("div", { class: "form-buttons" }, submit));
  fill(panel, h("div", { class: "two-columns" }, h("div", listHeading, list), canEdit ? form : null));

  function renderList() {
    const lang = getLang();
    const now = Date.now();
    const items = [...state.announcements.values()]
      .filter((a) => !a.expiresAt || Date.parse(a.expiresAt) > now)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    if (!items.length) { fill(list, h("li", { class: "hint", text: t("ann.none") })); return; }
    fill(list, items.map((a) => {
      const text = h("p", { class: "ann-text" });
      setTranslated(text, a.text);
      const meta = [t(`ann.severity.${a.severity}`), t("ann.created", { when: formatDateTime(a.createdAt, state.zone, lang) })];
      if (a.expiresAt) meta.push(t("ann.expires", { when: formatDateTime(a.expiresAt, state.zone, lang) }));
      const expire = canEdit ? h("button", { type: "button", class: "button button-small", text: t("ann.expire"), on: { click: () => expireOne(a) } }) : null;
      return h("li", { class: ["announcement", `severity-${a.severity}`], dataset: { announcementId: a.id } },
        text, h("p", { class: "ann-meta", text: meta.join(" · ") }), expire);
    }));
  }

  async function expireOne(a) {
    try {
      const { data } = await request(eventPath(state.slug, "announcements", a.id), { method: "DELETE" });
      state.announcements.delete(a.id);
      if (data && data.expiresAt && Date.parse(data.expiresAt) > Date.now()) state.announcements.set(a.id, data);
      renderList();
    } catch (error) {
      if (error.status !== 401) showMessage(message, "error", ...explain(error, { zone: state.zone }));
    }
  }

  function render() {
    const lang = getLang();
    listHeading.textContent = t("ann.active");
    formHeading.textContent = t("ann.new");
    l.en.textContent = t("ann.textEn"); l.zh.textContent = t("ann.textZh");
    l.severity.textContent = t("ann.severity"); l.day.textContent = t("ann.expiresDay");
    l.time.textContent = t("ann.expiresTime"); l.hint.textContent = t("ann.expiresHint", { zone: state.zone });
    submit.textContent = t("ann.publish");
    const keep = { severity: severity.value || "info", day: day.value };
    fill(severity, SEVERITIES.map((s) => h("option", { value: s, text: t(`ann.severity.${s}`) })));
    severity.value = keep.severity;
    fill(day, eventDays(state.event.startsAt, state.event.endsAt, state.zone)
      .map((d) => h("option", { value: d, text: formatDay(wallToDate(d, 720, state.zone), state.zone, lang) })));
    if (keep.day) day.value = keep.day;
    renderList();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!en.value.trim()) { showMessage(message, "error", t("ann.needText")); en.focus(); return; }
    const body = { text: { en: en.value.trim() }, severity: severity.value };
    if (zh.value.trim()) body.text.zh = zh.value.trim();
    if (time.value.trim()) {
      const m = parseClock(time.value);
      if (m === null) { showMessage(message, "error", t("form.badClock", { field: t("ann.expiresTime") })); time.focus(); return; }
      body.expiresAt = wire(wallToDate(day.value, m, state.zone));
    }
    submit.disabled = true;
    try {
      const { data } = await request(eventPath(state.slug, "announcements"), { method: "POST", body });
      store.upsertAnnouncement(data, "local");
      en.value = ""; zh.value = ""; time.value = "";
      showMessage(message, "ok", t("ann.published"));
    } catch (error) {
      if (error.status !== 401) showMessage(message, "error", ...explain(error, { zone: state.zone }));
    } finally {
      submit.disabled = false;
    }
  });

  render();
  return { render, renderList };
}
