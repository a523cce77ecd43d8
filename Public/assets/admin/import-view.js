// import-view.js — the console's "Import" view (#view=import): a pretalx/frab schedule.json is previewed
// first (dryRun=true: the event new or existing; sessions new / moved / renamed / updated with before →
// after in the venue's zone, unchanged; new rooms and speakers; clashes), then applied — optionally
// with the clashes kept as they are (allowConflicts), as pretalx allows.
// Exports: mount(container, ctx) → {render(), destroy()}
import { h, fill } from "../js/dom.js";
import { t, getLang, pick } from "../js/i18n.js";
import { formatDateTime, formatTime, dayKey } from "../js/time.js";
import { request } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors } from "./forms.js";

const KINDS = ["conference", "workshop", "open-event", "side-event"];
const FIELD_IDS = { slug: "imp-slug", kind: "imp-kind", venueName: "imp-venue-name", venueCity: "imp-venue-city", venueCountry: "imp-venue-country", venueAddress: "imp-venue-address" };

export async function mount(container, ctx) {
  let chosen = null; // {name, text}
  let preview = null; // the dry run's answer for the options it was made with
  const ids = {};
  const text = (id, attrs = {}) => (ids[id] = input("input", { id, type: "text", ...attrs }));
  const file = input("input", { id: "imp-file", type: "file", accept: ".json,application/json" });
  const kind = input("select", { id: "imp-kind" });
  fill(kind, KINDS.map((k) => h("option", { value: k, text: t(`event.kind.${k}`) })));
  const publish = h("input", { id: "imp-publish", type: "checkbox" });
  const message = h("div", { class: "form-message", id: "import-message", role: "alert" });
  const status = h("div", { class: "form-message", id: "import-status", role: "status", "aria-live": "polite" });
  const previewBox = h("div", { id: "import-preview", class: "preview" });
  const previewButton = h("button", { type: "submit", class: "button", id: "imp-preview", dataset: { i18n: "import.preview" }, text: t("import.preview") });
  const pair = (a, b) => h("div", { class: "field-row" }, a, b);
  const form = h("form", { class: "console-form", id: "import-form", novalidate: true },
    field("imp-file", "import.file", file, { hintKey: "import.fileHint" }),
    h("fieldset", {}, h("legend", { dataset: { i18n: "import.options" }, text: t("import.options") }),
      pair(field("imp-slug", "import.slug", text("imp-slug", { spellcheck: "false" }), { hintKey: "import.slugHint" }), field("imp-kind", "import.kind", kind)),
      pair(field("imp-venue-name", "console.events.venueName", text("imp-venue-name")), field("imp-venue-address", "console.events.venueAddress", text("imp-venue-address"))),
      pair(field("imp-venue-city", "console.events.venueCity", text("imp-venue-city")),
        field("imp-venue-country", "console.events.venueCountry", text("imp-venue-country", { size: "3", maxlength: "2" }), { hintKey: "console.countryHint" })),
      h("p", { class: "hint", dataset: { i18n: "import.venueHint" }, text: t("import.venueHint") }),
      h("div", { class: "field-inline" }, publish, h("label", { for: "imp-publish", dataset: { i18n: "import.publish" }, text: t("import.publish") }))),
    message, h("div", { class: "form-buttons" }, previewButton));
  fill(container,
    h("div", { class: "view-head" }, h("h1", { dataset: { i18n: "import.title" }, text: t("import.title") })),
    h("p", { class: "hint", dataset: { i18n: "import.intro" }, text: t("import.intro") }),
    status, form, previewBox);

  function query({ dryRun, allowConflicts }) {
    const params = new URLSearchParams();
    if (dryRun) params.set("dryRun", "true");
    if (allowConflicts) params.set("allowConflicts", "true");
    const v = (id) => ids[id].value.trim();
    if (v("imp-slug")) params.set("slug", v("imp-slug"));
    params.set("kind", kind.value);
    if (publish.checked) params.set("publish", "true");
    for (const [key, id] of [["venueName", "imp-venue-name"], ["venueAddress", "imp-venue-address"], ["venueCity", "imp-venue-city"], ["venueCountry", "imp-venue-country"]]) {
      if (v(id)) params.set(key, key === "venueCountry" ? v(id).toUpperCase() : v(id));
    }
    return `/api/v1/import/schedule?${params}`;
  }

  async function run(options) {
    return (await request(query(options), { method: "POST", body: chosen.text, contentType: "application/json" })).data;
  }

  async function makePreview() {
    clearErrors(form);
    fill(message); message.className = "form-message";
    if (!chosen) { showMessage(message, "error", t("import.needFile")); file.focus(); return; }
    try {
      preview = await run({ dryRun: true, allowConflicts: false });
      renderPreview();
      previewBox.querySelector("#import-preview-title").focus();
    } catch (error) {
      preview = null; renderPreview();
      if (error.status !== 401) showErrors(form, error, FIELD_IDS, message);
    }
  }

  // --- the preview ----------------------------------------------------------------------------------

  function renderPreview() {
    if (!preview) { fill(previewBox); return; }
    const lang = getLang();
    const zone = preview.event.timezone;
    const span = (s) => {
      const sameDay = dayKey(new Date(s.startsAt), zone) === dayKey(new Date(s.endsAt), zone);
      return `${formatDateTime(s.startsAt, zone, lang)}–${sameDay ? formatTime(s.endsAt, zone, lang) : formatDateTime(s.endsAt, zone, lang)}`;
    };
    const title = (s) => pick(s.title).text;
    const moved = (s) => {
      const before = s.before || {};
      const was = { startsAt: before.startsAt || s.startsAt, endsAt: before.endsAt || s.endsAt };
      return `${title(s)}: ${span(was)}${before.room ? `, ${before.room}` : ""} → ${span(s)}${before.room ? `, ${s.room}` : ""}`;
    };
    const renamed = (s) => `${s.before && s.before.title ? pick(s.before.title).text : "?"} → ${title(s)} (${span(s)})`;
    const updated = (s) => `${title(s)}: ${s.changes.map((c) => t(`import.change.${c}`)).join(", ")}`;
    const list = (key, items, id, describe) => (items.length
      ? [h("h3", { text: t(key, { n: items.length }) }), h("ul", { id }, items.map((s) => h("li", { text: describe(s) })))] : []);
    const { sessions } = preview;
    const blocked = preview.blockedByConflicts;
    const allow = h("input", { id: "imp-allow-conflicts", type: "checkbox" });
    const apply = h("button", { type: "button", class: "button button-primary", id: "imp-apply", text: t("import.apply"), disabled: blocked });
    const discard = h("button", { type: "button", class: "button", id: "imp-discard", text: t("speakers.import.discard") });
    allow.addEventListener("change", () => { apply.disabled = blocked && !allow.checked; });
    apply.addEventListener("click", () => applyImport(allow.checked));
    discard.addEventListener("click", () => { preview = null; renderPreview(); file.focus(); });
    fill(previewBox,
      h("h2", { id: "import-preview-title", tabindex: "-1", text: t("import.previewTitle", { file: chosen ? chosen.name : "" }) }),
      h("p", { id: "import-event", text: t(preview.event.created ? "import.eventNew" : "import.eventExisting", { slug: preview.event.slug, zone }) }),
      h("p", { id: "import-summary", text: t("import.summary", {
        new: sessions.new.length, moved: sessions.moved.length, renamed: sessions.renamed.length, updated: sessions.updated.length, unchanged: sessions.unchanged,
      }) }),
      list("import.new", sessions.new, "import-new", (s) => `${title(s)} (${span(s)}, ${s.room})`),
      list("import.moved", sessions.moved, "import-moved", moved),
      list("import.renamed", sessions.renamed, "import-renamed", renamed),
      list("import.updated", sessions.updated, "import-updated", updated),
      preview.rooms.new.length ? [h("h3", { text: t("import.rooms", { n: preview.rooms.new.length }) }), h("p", { id: "import-rooms", text: preview.rooms.new.join(", ") })] : null,
      preview.speakers.new.length ? [h("h3", { text: t("import.speakers", { n: preview.speakers.new.length }) }), h("p", { id: "import-speakers", text: preview.speakers.new.join(", ") })] : null,
      preview.conflicts.length ? h("div", { class: "form-warning is-warning", id: "import-conflicts" },
        h("p", { text: t(blocked ? "import.blocked" : "import.conflicts", { n: preview.conflicts.length, zone }) }),
        h("ul", {}, preview.conflicts.map((c) => h("li", { text: c.message }))),
        h("div", { class: "field-inline" }, allow, h("label", { for: "imp-allow-conflicts", text: t("import.allowConflicts") }))) : null,
      h("div", { class: "form-buttons" }, apply, discard));
  }

  async function applyImport(allowConflicts) {
    if (!preview || !chosen) return;
    try {
      const result = await run({ dryRun: false, allowConflicts });
      const slug = result.event.slug;
      preview = null; renderPreview();
      await ctx.reloadEvents();
      showMessage(status, "ok", t("import.done", {
        slug, new: result.sessions.new.length, changed: result.sessions.moved.length + result.sessions.renamed.length + result.sessions.updated.length,
      }), " ", h("a", { id: "import-open", href: `#event=${encodeURIComponent(slug)}&tab=schedule`, text: t("console.events.openSchedule") }));
      status.querySelector("#import-open").focus();
    } catch (error) {
      if (error.status === 401) return;
      showMessage(status, "error", ...explain(error).map((c) => (typeof c === "string" ? h("p", { text: c }) : c)));
      status.tabIndex = -1; status.focus();
    }
  }

  file.addEventListener("change", async () => {
    const picked = file.files && file.files[0];
    if (!picked) return;
    chosen = { name: picked.name, text: await picked.text() };
    makePreview();
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); makePreview(); });

  return {
    render() {
      fill(kind, KINDS.map((k) => h("option", { value: k, text: t(`event.kind.${k}`) })));
      renderPreview();
    },
    destroy() {},
  };
}
