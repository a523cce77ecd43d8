// events-view.js — the console's "Events" view (#view=events): every event the account may see,
// drafts included; create and edit with every field of the API (times typed in the venue's zone and
// sent with its offset, right across summer-time changes), publish, cancel (after saying who is told),
// and duplicate as next year's round.
// Exports: mount(container, ctx) → {render(), destroy()}
import { h, fill } from "../js/dom.js";
import { t, getLang, pick } from "../js/i18n.js";
import { formatDateTime, zoneAbbrev } from "../js/time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors, fieldError, confirmDialog, openDialog } from "./forms.js";
import { wallToDate, wireInZone, parseClock, parseDay, wallParts, addDays } from "./venue-time.js";

const KINDS = ["workshop", "conference", "open-event", "side-event"];
const FIRST_ZONES = ["Europe/Berlin", "Asia/Shanghai"];
const FALLBACK_ZONES = ["UTC", "Europe/Brussels", "Europe/London", "Europe/Paris", "Europe/Vienna", "Europe/Warsaw",
  "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo", "America/New_York"];

/** Europe/Berlin and Asia/Shanghai first, then every zone the browser knows. */
export function zoneNames() {
  let all = [];
  try { all = Intl.supportedValuesOf("timeZone"); } catch { all = FALLBACK_ZONES; }
  if (!all.includes("UTC")) all = ["UTC", ...all];
  return [...FIRST_ZONES, ...all.filter((z) => !FIRST_ZONES.includes(z))];
}

/** Where the server names a field, which input shows its error. */
const FIELD_IDS = {
  slug: "ev-slug", kind: "ev-kind", parentSlug: "ev-parent", title: "ev-title-en", "title.en": "ev-title-en", "title.zh": "ev-title-zh",
  description: "ev-desc-en", "description.en": "ev-desc-en", "description.zh": "ev-desc-zh", timezone: "ev-zone",
  startsAt: "ev-start-day", endsAt: "ev-end-day", venue: "ev-venue-name", "venue.name": "ev-venue-name", "venue.address": "ev-venue-address",
  "venue.city": "ev-venue-city", "venue.country": "ev-venue-country", capacity: "ev-capacity",
  registrationOpensAt: "ev-opens-day", registrationClosesAt: "ev-closes-day", registrationMode: "ev-mode", holdMinutes: "ev-hold",
};

export async function mount(container, ctx) {
  const status = h("div", { class: "form-message", id: "events-status", role: "status", "aria-live": "polite" });
  const newButton = h("button", { type: "button", class: "button button-primary", id: "event-new", dataset: { i18n: "console.events.new" }, text: t("console.events.new") });
  const formSlot = h("div", { id: "event-form-slot" });
  const table = h("div", { id: "events-table" });
  fill(container,
    h("div", { class: "view-head" }, h("h1", { dataset: { i18n: "console.events.title" }, text: t("console.events.title") }),
      ctx.permissions.canOrganise ? newButton : null),
    status, formSlot, table);
  newButton.addEventListener("click", () => openForm(null));
  let form = null; // {slug|null, element}

  // --- list ---------------------------------------------------------------------------------------

  function when(event) {
    const lang = getLang();
    const zone = event.timezone;
    return `${formatDateTime(event.startsAt, zone, lang)} – ${formatDateTime(event.endsAt, zone, lang)} ${zoneAbbrev(zone, new Date(event.startsAt), lang)} (${zone})`;
  }

  function seatsText(seats) {
    if (!seats) return "";
    return t(seats.capacity == null ? "console.events.seatsOpen" : "console.events.seats", seats);
  }

  function render() {
    const events = [...ctx.events()].sort((a, b) => b.startsAt.localeCompare(a.startsAt));
    if (!events.length) { fill(table, h("p", { text: t("admin.event.none") })); return; }
    const head = ["console.events.col.event", "console.events.col.when", "console.events.col.venue", "console.events.col.seats", "console.events.col.actions"];
    fill(table, h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, head.map((key) => h("th", { scope: "col", text: t(key) })))),
      h("tbody", {}, events.map(row))));
  }

  function row(event) {
    const title = pick(event.title);
    const perms = ctx.eventPermissions(event.slug);
    const label = (key) => t(key, { title: title.text });
    const action = (key, labelKey, fn, extra = {}) => h("button", {
      type: "button", class: ["button", "button-small", extra.danger ? "button-danger" : null], dataset: { action: key, slug: event.slug },
      "aria-label": label(labelKey), text: t(`console.events.${key}`), on: { click: fn },
    });
    const open = event.status !== "cancelled";
    return h("tr", { dataset: { slug: event.slug } },
      h("td", {},
        h("a", { href: `#event=${encodeURIComponent(event.slug)}&tab=schedule`, lang: title.lang || null, text: title.text }), " ",
        h("span", { class: `status-tag status-${event.status}`, text: t(`admin.event.status.${event.status}`) }),
        h("br"), h("small", { text: `${event.slug} · ${t(`event.kind.${event.kind}`)}${event.parentSlug ? ` · ${t("console.events.sideOf", { parent: event.parentSlug })}` : ""}` })),
      h("td", { text: when(event) }),
      h("td", { text: [event.venue.name, event.venue.city, event.venue.country].filter(Boolean).join(", ") }),
      h("td", { text: seatsText(event.seats) }),
      h("td", {}, h("div", { class: "row-actions" },
        perms.canEdit ? action("edit", "console.events.editLabel", () => openForm(event)) : null,
        perms.canEdit && event.status === "draft" ? action("publish", "console.events.publishLabel", () => publish(event)) : null,
        perms.canEdit ? action("duplicate", "console.events.duplicateLabel", () => duplicate(event)) : null,
        perms.canEdit && open ? action("cancel", "console.events.cancelLabel", () => cancel(event), { danger: true }) : null)));
  }

  function focusRow(slug, action = "edit") {
    const target = table.querySelector(`tr[data-slug="${CSS.escape(slug)}"] [data-action="${action}"]`)
      || table.querySelector(`tr[data-slug="${CSS.escape(slug)}"] a`);
    if (target) target.focus();
  }

  async function refresh() {
    await ctx.reloadEvents();
    render();
  }

  function say(kind, ...children) { showMessage(status, kind, ...children); }

  function openLink(slug) {
    return h("a", { href: `#event=${encodeURIComponent(slug)}&tab=schedule`, text: t("console.events.openSchedule") });
  }

  // --- create / edit form ---------------------------------------------------------------------------

  function openForm(event) {
    closeForm();
    const editing = Boolean(event);
    const lang = getLang();
    const zone = editing ? event.timezone : "Europe/Berlin";
    const ids = {};
    const text = (id, attrs = {}) => (ids[id] = input("input", { id, type: "text", ...attrs }));
    const area = (id, attrs = {}) => (ids[id] = input("textarea", { id, rows: "3", ...attrs }));
    const select = (id, options, value) => {
      const el = input("select", { id });
      fill(el, options.map(([v, label]) => h("option", { value: v, text: label })));
      el.value = value;
      return (ids[id] = el);
    };
    const dayAttrs = { inputmode: "numeric", placeholder: "YYYY-MM-DD", size: "11" };
    const clockAttrs = { inputmode: "numeric", placeholder: "HH:MM", size: "6" };
    const others = ctx.events().filter((e) => !editing || e.slug !== event.slug);

    // Sensible defaults for a new event: a one-day workshop next month, 09:00–17:00 in Berlin.
    const startDay = editing ? wallParts(event.startsAt, zone) : { day: addDays(new Date().toISOString().slice(0, 10), 30), clock: "09:00" };
    const endDay = editing ? wallParts(event.endsAt, zone) : { day: startDay.day, clock: "17:00" };
    const opens = editing && event.registrationOpensAt ? wallParts(event.registrationOpensAt, zone) : { day: "", clock: "" };
    const closes = editing && event.registrationClosesAt ? wallParts(event.registrationClosesAt, zone) : { day: "", clock: "" };

    const title = h("h2", { id: "event-form-title", tabindex: "-1", text: editing ? t("console.events.editTitle", { title: pick(event.title).text }) : t("console.events.newTitle") });
    const message = h("div", { class: "form-message", id: "event-form-message", role: "alert" });
    const kind = select("ev-kind", KINDS.map((k) => [k, t(`event.kind.${k}`)]), editing ? event.kind : "workshop");
    const parent = select("ev-parent", [["", t("console.events.noParent")], ...others.map((e) => [e.slug, `${pick(e.title).text} (${e.slug})`])], editing ? event.parentSlug || "" : "");
    const parentField = field("ev-parent", "console.events.parent", parent, { hintKey: "console.events.parentHint" });
    const zoneSelect = select("ev-zone", zoneNames().map((z) => [z, z]), zone);
    const publishNow = h("input", { id: "ev-publish", type: "checkbox" });
    const section = (legendKey, ...children) => h("fieldset", {}, h("legend", { dataset: { i18n: legendKey }, text: t(legendKey) }), children);
    const pair = (a, b) => h("div", { class: "field-row" }, a, b);

    const element = h("form", { class: "console-form", id: "event-form", novalidate: true, "aria-labelledby": "event-form-title" },
      title,
      section("console.events.basics",
        pair(field("ev-slug", "console.events.slug", text("ev-slug", { value: editing ? event.slug : "", disabled: editing, spellcheck: "false" }), { hintKey: "console.events.slugHint" }),
          field("ev-kind", "console.events.kind", kind)),
        parentField,
        pair(field("ev-title-en", "console.events.titleEn", text("ev-title-en", { lang: "en", value: editing ? event.title.en || "" : "" })),
          field("ev-title-zh", "console.events.titleZh", text("ev-title-zh", { lang: "zh-Hans", value: editing ? event.title.zh || "" : "" }))),
        pair(field("ev-desc-en", "console.events.descEn", area("ev-desc-en", { lang: "en" })),
          field("ev-desc-zh", "console.events.descZh", area("ev-desc-zh", { lang: "zh-Hans" })))),
      section("console.events.timeAndPlace",
        field("ev-zone", "console.events.zone", zoneSelect, { hintKey: "console.events.zoneHint" }),
        pair(field("ev-start-day", "console.events.startDay", text("ev-start-day", { ...dayAttrs, value: startDay.day }), { hintKey: "console.dayHint" }),
          field("ev-start-time", "console.events.startTime", text("ev-start-time", { ...clockAttrs, value: startDay.clock }), { hintKey: "console.clockHint" })),
        pair(field("ev-end-day", "console.events.endDay", text("ev-end-day", { ...dayAttrs, value: endDay.day }), { hintKey: "console.dayHint" }),
          field("ev-end-time", "console.events.endTime", text("ev-end-time", { ...clockAttrs, value: endDay.clock }), { hintKey: "console.clockHint" })),
        pair(field("ev-venue-name", "console.events.venueName", text("ev-venue-name", { value: editing ? event.venue.name : "" })),
          field("ev-venue-address", "console.events.venueAddress", text("ev-venue-address", { value: editing ? event.venue.address || "" : "" }))),
        pair(field("ev-venue-city", "console.events.venueCity", text("ev-venue-city", { value: editing ? event.venue.city : "" })),
          field("ev-venue-country", "console.events.venueCountry", text("ev-venue-country", { value: editing ? event.venue.country : "", size: "3", maxlength: "2", spellcheck: "false" }), { hintKey: "console.countryHint" }))),
      section("console.events.registration",
        pair(field("ev-capacity", "console.events.capacity", text("ev-capacity", { inputmode: "numeric", value: editing && event.capacity != null ? String(event.capacity) : "" }), { hintKey: "console.events.capacityHint" }),
          field("ev-mode", "console.events.mode", select("ev-mode", [["verified", t("console.events.mode.verified")], ["instant", t("console.events.mode.instant")]], editing ? event.registrationMode : "verified"))),
        field("ev-hold", "console.events.hold", text("ev-hold", { inputmode: "numeric", value: String(editing ? event.holdMinutes : 30), size: "5" }), { hintKey: "console.events.holdHint" }),
        pair(field("ev-opens-day", "console.events.opensDay", text("ev-opens-day", { ...dayAttrs, value: opens.day }), { hintKey: "console.events.optionalDay" }),
          field("ev-opens-time", "console.events.opensTime", text("ev-opens-time", { ...clockAttrs, value: opens.clock }), { hintKey: "console.clockHint" })),
        pair(field("ev-closes-day", "console.events.closesDay", text("ev-closes-day", { ...dayAttrs, value: closes.day }), { hintKey: "console.events.optionalDay" }),
          field("ev-closes-time", "console.events.closesTime", text("ev-closes-time", { ...clockAttrs, value: closes.clock }), { hintKey: "console.clockHint" }))),
      editing ? null : h("div", { class: "field-inline" }, publishNow, h("label", { for: "ev-publish", dataset: { i18n: "console.events.publishNow" }, text: t("console.events.publishNow") })),
      message,
      h("div", { class: "form-buttons" },
        h("button", { type: "submit", class: "button button-primary", id: "event-save", text: editing ? t("console.events.save") : t("console.events.create") }),
        h("button", { type: "button", class: "button", id: "event-form-close", text: t("console.close"), on: { click: () => { closeForm(); (editing ? focusRow(event.slug) : newButton.focus()); } } })));
    if (editing && event.description) { ids["ev-desc-en"].value = event.description.en || ""; ids["ev-desc-zh"].value = event.description.zh || ""; }
    const showParent = () => { parentField.hidden = kind.value !== "side-event"; };
    kind.addEventListener("change", showParent);
    showParent();
    element.addEventListener("keydown", (e) => { if (e.key === "Escape") { closeForm(); (editing ? focusRow(event.slug) : newButton.focus()); } });
    element.addEventListener("submit", (e) => { e.preventDefault(); save(event, ids, publishNow, element, message); });
    form = { element };
    fill(formSlot, element);
    (editing ? ids["ev-title-en"] : ids["ev-slug"]).focus();
    void lang;
  }

  function closeForm() { form = null; fill(formSlot); }

  /** The form as a request body, or null after marking the fields it cannot read. */
  function read(event, ids, publishNow, element) {
    clearErrors(element);
    const v = (id) => ids[id].value.trim();
    const zone = ids["ev-zone"].value;
    let ok = true;
    const instant = (dayId, timeId, optional = false) => {
      if (optional && !v(dayId) && !v(timeId)) return null;
      const day = parseDay(v(dayId));
      const minutes = parseClock(v(timeId) || (optional ? "00:00" : ""));
      if (!day) { fieldError(element, dayId, t("console.badDay")); ok = false; return undefined; }
      if (minutes === null) { fieldError(element, timeId, t("console.badClock")); ok = false; return undefined; }
      return wireInZone(wallToDate(day, minutes, zone), zone);
    };
    const body = {
      kind: ids["ev-kind"].value,
      title: { en: v("ev-title-en"), ...(v("ev-title-zh") ? { zh: v("ev-title-zh") } : {}) },
      description: v("ev-desc-en") || v("ev-desc-zh") ? { en: v("ev-desc-en") || v("ev-desc-zh"), ...(v("ev-desc-zh") ? { zh: v("ev-desc-zh") } : {}) } : null,
      timezone: zone,
      startsAt: instant("ev-start-day", "ev-start-time"),
      endsAt: instant("ev-end-day", "ev-end-time"),
      venue: { name: v("ev-venue-name"), address: v("ev-venue-address") || null, city: v("ev-venue-city"), country: v("ev-venue-country").toUpperCase() },
      capacity: v("ev-capacity") === "" ? null : Number(v("ev-capacity")),
      registrationMode: ids["ev-mode"].value,
      holdMinutes: Number(v("ev-hold")),
      registrationOpensAt: instant("ev-opens-day", "ev-opens-time", true),
      registrationClosesAt: instant("ev-closes-day", "ev-closes-time", true),
      parentSlug: ids["ev-kind"].value === "side-event" && ids["ev-parent"].value ? ids["ev-parent"].value : null,
    };
    if (!body.title.en) { fieldError(element, "ev-title-en", t("console.events.needTitle")); ok = false; }
    if (v("ev-capacity") !== "" && !/^\d+$/.test(v("ev-capacity"))) { fieldError(element, "ev-capacity", t("console.wholeNumber")); ok = false; }
    if (!/^\d+$/.test(v("ev-hold"))) { fieldError(element, "ev-hold", t("console.wholeNumber")); ok = false; }
    if (!event) {
      body.slug = v("ev-slug");
      if (publishNow.checked) body.status = "published";
      if (!body.description) delete body.description;
      if (!body.parentSlug) delete body.parentSlug;
      if (body.capacity === null) delete body.capacity;
      if (!body.registrationOpensAt) delete body.registrationOpensAt;
      if (!body.registrationClosesAt) delete body.registrationClosesAt;
      if (!body.venue.address) delete body.venue.address;
    }
    return ok ? body : null;
  }

  async function save(event, ids, publishNow, element, message) {
    const body = read(event, ids, publishNow, element);
    if (!body) {
      showMessage(message, "error", t("console.fixFields"));
      const first = element.querySelector("[aria-invalid='true']");
      if (first) first.focus();
      return;
    }
    const button = element.querySelector("#event-save");
    button.disabled = true;
    try {
      const { data } = event
        ? await request(eventPath(event.slug), { method: "PATCH", body })
        : await request("/api/v1/events", { method: "POST", body });
      closeForm();
      await refresh();
      say("ok", t(event ? "console.events.saved" : "console.events.created", { title: pick(data.title).text }), " ", openLink(data.slug));
      focusRow(data.slug);
    } catch (error) {
      if (error.status === 401) return;
      showErrors(element, error, FIELD_IDS, message);
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  }

  // --- publish, cancel, duplicate -------------------------------------------------------------------

  async function publish(event) {
    try {
      const { data } = await request(eventPath(event.slug), { method: "PATCH", body: { status: "published" } });
      await refresh();
      say("ok", t("console.events.published", { title: pick(data.title).text }));
      focusRow(event.slug, "duplicate");
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  async function cancel(event) {
    const seats = event.seats || { confirmed: 0, waitlisted: 0 };
    const title = pick(event.title).text;
    const yes = await confirmDialog({
      titleKey: "console.events.cancelTitle", titleVars: { title },
      body: [
        h("p", { id: "cancel-effect", text: t("console.events.cancelEffect", { total: seats.confirmed + seats.waitlisted, confirmed: seats.confirmed, waitlisted: seats.waitlisted }) }),
        h("p", { text: t("console.events.cancelFinal") }),
      ],
      confirmKey: "console.events.cancelConfirm", cancelKey: "console.events.cancelKeep", danger: true,
    });
    if (!yes) return;
    try {
      await request(eventPath(event.slug), { method: "DELETE" });
      await refresh();
      say("ok", t("console.events.cancelled", { title }));
      const link = table.querySelector(`tr[data-slug="${CSS.escape(event.slug)}"] a`);
      if (link) link.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  function duplicate(event) {
    const zone = event.timezone;
    const start = wallParts(event.startsAt, zone);
    const year = Number(start.day.slice(0, 4));
    const bump = (text) => (text && text.includes(String(year)) ? text.split(String(year)).join(String(year + 1)) : text || "");
    // The slug's year (a part of its own, the event's year preferred) goes up by one; else the next year is added.
    const parts = event.slug.split("-");
    const yearAt = parts.includes(String(year)) ? parts.lastIndexOf(String(year)) : parts.findLastIndex((p) => /^(19|20)\d{2}$/.test(p));
    if (yearAt >= 0) parts[yearAt] = String(Number(parts[yearAt]) + 1);
    const suggested = yearAt >= 0 ? parts.join("-") : `${event.slug}-${year + 1}`;
    const [y, m, d] = start.day.split("-").map(Number);
    const nextDay = new Date(Date.UTC(y + 1, m - 1, Math.min(d, m === 2 && d === 29 ? 28 : d))).toISOString().slice(0, 10);
    const ids = {};
    const text = (id, attrs) => (ids[id] = input("input", { id, type: "text", ...attrs }));
    const message = h("div", { class: "form-message", id: "dup-message", role: "alert" });
    const body = h("form", { id: "dup-form", novalidate: true },
      h("p", { class: "hint", text: t("console.events.duplicateIntro") }),
      field("dup-slug", "console.events.slug", text("dup-slug", { value: suggested, spellcheck: "false" }), { hintKey: "console.events.slugHint" }),
      h("div", { class: "field-row" },
        field("dup-day", "console.events.startDay", text("dup-day", { value: nextDay, inputmode: "numeric", size: "11" }), { hint: t("console.events.inZone", { zone }) }),
        field("dup-time", "console.events.startTime", text("dup-time", { value: start.clock, inputmode: "numeric", size: "6" }), { hintKey: "console.clockHint" })),
      field("dup-title-en", "console.events.titleEn", text("dup-title-en", { value: bump(event.title.en), lang: "en" })),
      field("dup-title-zh", "console.events.titleZh", text("dup-title-zh", { value: bump(event.title.zh), lang: "zh-Hans" })),
      message);
    const submit = h("button", { type: "submit", class: "button button-primary", id: "dup-submit", form: "dup-form", text: t("console.events.duplicateSubmit") });
    const close = h("button", { type: "button", class: "button", id: "dup-close", text: t("console.close") });
    const dialog = openDialog("console.events.duplicateTitle", body, [submit, close], { titleVars: { title: pick(event.title).text } });
    close.addEventListener("click", dialog.close);
    ids["dup-slug"].focus();
    ids["dup-slug"].select();
    body.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(body);
      const day = parseDay(ids["dup-day"].value);
      const minutes = parseClock(ids["dup-time"].value);
      if (!day) { fieldError(body, "dup-day", t("console.badDay")); ids["dup-day"].focus(); return; }
      if (minutes === null) { fieldError(body, "dup-time", t("console.badClock")); ids["dup-time"].focus(); return; }
      const request_ = { slug: ids["dup-slug"].value.trim(), startsAt: wireInZone(wallToDate(day, minutes, zone), zone) };
      const en = ids["dup-title-en"].value.trim();
      const zh = ids["dup-title-zh"].value.trim();
      if (en && (en !== (event.title.en || "") || zh !== (event.title.zh || ""))) request_.title = { en, ...(zh ? { zh } : {}) };
      submit.disabled = true;
      try {
        const { data } = await request(eventPath(event.slug, "duplicate"), { method: "POST", body: request_ });
        dialog.close();
        await refresh();
        say("ok", t("console.events.duplicated", { title: pick(data.title).text, slug: data.slug }), " ", openLink(data.slug));
        focusRow(data.slug);
      } catch (error) {
        if (error.status !== 401) showErrors(body, error, { slug: "dup-slug", startsAt: "dup-day", title: "dup-title-en", "title.en": "dup-title-en", "title.zh": "dup-title-zh" }, message);
      } finally { submit.disabled = false; }
    });
  }

  render();
  return {
    render() {
      render();
      if (form) { /* the form keeps its input; its labels follow data-i18n */ }
    },
    destroy() { closeForm(); },
  };
}
