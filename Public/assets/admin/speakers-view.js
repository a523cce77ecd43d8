// speakers-view.js — the console's "Speakers and fellows" view (#view=speakers): the programme's
// speaker profiles with a search (name, Chinese name, organisation, country), create and edit
// (bilingual bio, topics, fellowship cohort and partner organisation), and a CSV import that is
// previewed first (created / updated with the fields that change / unchanged / rows in error), then applied.
// Exports: mount(container, ctx) → {render(), destroy()}
import { h, fill } from "../js/dom.js";
import { t, getLang, pick, displayCountry } from "../js/i18n.js";
import { request } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors, fieldError } from "./forms.js";
import { loadSpeakers, fold } from "./speaker-picker.js";

const FIELD_IDS = {
  name: "sp-name", nameZh: "sp-name-zh", organisation: "sp-org", country: "sp-country", bio: "sp-bio-en", "bio.en": "sp-bio-en",
  "bio.zh": "sp-bio-zh", topics: "sp-topics", fellowship: "sp-cohort", "fellowship.cohort": "sp-cohort", "fellowship.partnerOrganisation": "sp-partner",
};

export async function mount(container, ctx) {
  let speakers = [];
  let preview = null; // {text, result} of the CSV dry run shown
  const canEdit = ctx.permissions.canOrganise;
  const status = h("div", { class: "form-message", id: "speakers-status", role: "status", "aria-live": "polite" });
  const search = input("input", { id: "speaker-search", type: "search" });
  const count = h("p", { class: "hint", id: "speaker-count", "aria-live": "polite" });
  const newButton = h("button", { type: "button", class: "button button-primary", id: "speaker-new", dataset: { i18n: "speakers.new" }, text: t("speakers.new") });
  const formSlot = h("div", { id: "speaker-form-slot" });
  const table = h("div", { id: "speakers-table" });
  const file = input("input", { id: "speaker-csv", type: "file", accept: ".csv,text/csv" });
  const previewBox = h("div", { id: "speaker-import-preview", class: "preview", "aria-live": "polite" });
  const importSection = h("section", { class: "console-form", "aria-labelledby": "speaker-import-title" },
    h("h2", { id: "speaker-import-title", dataset: { i18n: "speakers.import.title" }, text: t("speakers.import.title") }),
    h("p", { class: "hint", dataset: { i18n: "speakers.import.hint" }, text: t("speakers.import.hint") }),
    field("speaker-csv", "speakers.import.file", file), previewBox);
  fill(container,
    h("div", { class: "view-head" }, h("h1", { dataset: { i18n: "speakers.title" }, text: t("speakers.title") }), canEdit ? newButton : null),
    status, formSlot,
    h("div", { class: "field", role: "search" }, h("label", { for: "speaker-search", dataset: { i18n: "speakers.search" }, text: t("speakers.search") }), search),
    count, table, canEdit ? importSection : null);

  const say = (kind, ...children) => showMessage(status, kind, ...children);

  async function reload() {
    try { speakers = await loadSpeakers(); } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
    renderList();
  }

  function matches(sp, query) {
    if (!query) return true;
    const hay = fold([sp.name, sp.nameZh, sp.organisation, sp.country, displayCountry(sp.country)].join(" "));
    return query.split(/\s+/).every((word) => hay.includes(word));
  }

  function renderList() {
    const query = fold(search.value.trim());
    const shown = speakers.filter((sp) => matches(sp, query));
    count.textContent = t("speakers.count", { shown: shown.length, total: speakers.length });
    if (!shown.length) { fill(table, h("p", { text: t(speakers.length ? "speakers.noMatch" : "speakers.none") })); return; }
    const cols = ["speakers.col.name", "speakers.col.organisation", "speakers.col.fellowship", "speakers.col.topics", "speakers.col.sessions"];
    fill(table, h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col", text: t(k) })), canEdit ? h("th", { scope: "col", text: t("console.events.col.actions") }) : null)),
      h("tbody", {}, shown.map((sp) => h("tr", { dataset: { speakerId: sp.id } },
        h("td", {}, h("span", { lang: "en", text: sp.name }), sp.nameZh ? h("span", { lang: "zh-Hans", text: ` ${sp.nameZh}` }) : null),
        h("td", { text: [sp.organisation, displayCountry(sp.country)].filter(Boolean).join(", ") }),
        h("td", { text: sp.fellowship ? [t("speakers.cohort", { year: sp.fellowship.cohort }), sp.fellowship.partnerOrganisation].filter(Boolean).join(" · ") : "" }),
        h("td", { text: (sp.topics || []).join(", ") }),
        h("td", { text: String((sp.sessions || []).length) }),
        canEdit ? h("td", {}, h("button", { type: "button", class: "button button-small", dataset: { action: "edit", speakerId: sp.id },
          "aria-label": t("speakers.editLabel", { name: sp.name }), text: t("console.events.edit"), on: { click: () => openForm(sp) } })) : null)))));
  }
  search.addEventListener("input", renderList);

  // --- create / edit ----------------------------------------------------------------------------------

  function openForm(sp) {
    const editing = Boolean(sp);
    const ids = {};
    const text = (id, value, attrs = {}) => (ids[id] = input("input", { id, type: "text", value: value || "", ...attrs }));
    const area = (id, value, attrs = {}) => { const el = input("textarea", { id, rows: "3", ...attrs }); el.value = value || ""; return (ids[id] = el); };
    const message = h("div", { class: "form-message", id: "speaker-form-message", role: "alert" });
    const pair = (a, b) => h("div", { class: "field-row" }, a, b);
    const close = () => { fill(formSlot); (editing ? table.querySelector(`[data-speaker-id="${sp.id}"] button`) || search : newButton).focus(); };
    const form = h("form", { class: "console-form", id: "speaker-form", novalidate: true, "aria-labelledby": "speaker-form-title" },
      h("h2", { id: "speaker-form-title", text: editing ? t("speakers.editTitle", { name: sp.name }) : t("speakers.newTitle") }),
      pair(field("sp-name", "speakers.name", text("sp-name", editing && sp.name, { lang: "en" })), field("sp-name-zh", "speakers.nameZh", text("sp-name-zh", editing && sp.nameZh, { lang: "zh-Hans" }))),
      pair(field("sp-org", "speakers.organisation", text("sp-org", editing && sp.organisation)),
        field("sp-country", "speakers.country", text("sp-country", editing && sp.country, { size: "3", maxlength: "2" }), { hintKey: "console.countryHint" })),
      pair(field("sp-bio-en", "speakers.bioEn", area("sp-bio-en", editing && sp.bio && sp.bio.en, { lang: "en" })),
        field("sp-bio-zh", "speakers.bioZh", area("sp-bio-zh", editing && sp.bio && sp.bio.zh, { lang: "zh-Hans" }))),
      field("sp-topics", "speakers.topics", text("sp-topics", editing && (sp.topics || []).join("; ")), { hintKey: "speakers.topicsHint" }),
      h("fieldset", {}, h("legend", { dataset: { i18n: "speakers.fellowship" }, text: t("speakers.fellowship") }),
        pair(field("sp-cohort", "speakers.cohortYear", text("sp-cohort", editing && sp.fellowship ? String(sp.fellowship.cohort) : "", { inputmode: "numeric", size: "5" }), { hintKey: "speakers.cohortHint" }),
          field("sp-partner", "speakers.partner", text("sp-partner", editing && sp.fellowship && sp.fellowship.partnerOrganisation)))),
      message,
      h("div", { class: "form-buttons" },
        h("button", { type: "submit", class: "button button-primary", id: "speaker-save", text: t(editing ? "console.events.save" : "speakers.create") }),
        h("button", { type: "button", class: "button", id: "speaker-form-close", text: t("console.close"), on: { click: close } })));
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(form);
      const v = (id) => ids[id].value.trim();
      const cohort = v("sp-cohort");
      if (cohort && !/^\d{4}$/.test(cohort)) { fieldError(form, "sp-cohort", t("speakers.badCohort")); ids["sp-cohort"].focus(); return; }
      if (!v("sp-name")) { fieldError(form, "sp-name", t("speakers.needName")); ids["sp-name"].focus(); return; }
      const bioEn = v("sp-bio-en"); const bioZh = v("sp-bio-zh");
      const body = {
        name: v("sp-name"), nameZh: v("sp-name-zh") || null, organisation: v("sp-org") || null,
        country: v("sp-country") ? v("sp-country").toUpperCase() : null,
        bio: bioEn || bioZh ? { en: bioEn || bioZh, ...(bioZh ? { zh: bioZh } : {}) } : null,
        topics: v("sp-topics").split(/[;,]/).map((s) => s.trim()).filter(Boolean),
        fellowship: cohort ? { cohort: Number(cohort), partnerOrganisation: v("sp-partner") || null } : null,
      };
      const save = form.querySelector("#speaker-save");
      save.disabled = true;
      try {
        const { data } = editing
          ? await request(`/api/v1/speakers/${sp.id}`, { method: "PATCH", body })
          : await request("/api/v1/speakers", { method: "POST", body });
        fill(formSlot);
        await reload();
        say("ok", t(editing ? "speakers.saved" : "speakers.created", { name: data.name }));
        const again = table.querySelector(`[data-speaker-id="${data.id}"] button`);
        (again || search).focus();
      } catch (error) {
        if (error.status !== 401) showErrors(form, error, FIELD_IDS, message);
      } finally { if (save.isConnected) save.disabled = false; }
    });
    fill(formSlot, form);
    ids["sp-name"].focus();
  }
  newButton.addEventListener("click", () => openForm(null));

  // --- CSV import with a preview ------------------------------------------------------------------------

  async function runImport(text, dryRun) {
    return (await request(`/api/v1/speakers/import${dryRun ? "?dryRun=true" : ""}`, { method: "POST", body: text, contentType: "text/csv" })).data;
  }

  function renderPreview() {
    if (!preview) { fill(previewBox); return; }
    const { result } = preview;
    const section = (key, items, id) => (items.length ? [h("h3", { text: t(key, { n: items.length }) }), h("ul", { id }, items)] : []);
    const apply = h("button", { type: "button", class: "button button-primary", id: "speaker-import-apply", text: t("speakers.import.apply"), disabled: result.errors.length > 0 });
    const discard = h("button", { type: "button", class: "button", id: "speaker-import-discard", text: t("speakers.import.discard") });
    apply.addEventListener("click", applyImport);
    discard.addEventListener("click", () => { preview = null; file.value = ""; renderPreview(); file.focus(); });
    fill(previewBox,
      h("h3", { id: "speaker-preview-title", tabindex: "-1", text: t("speakers.import.previewTitle", { file: preview.name }) }),
      h("p", { id: "speaker-import-summary", text: t("speakers.import.summary", { created: result.created.length, updated: result.updated.length, unchanged: result.unchanged, errors: result.errors.length }) }),
      section("speakers.import.created", result.created.map((name) => h("li", { text: name })), "speaker-import-created"),
      section("speakers.import.updated", result.updated.map((u) => h("li", { text: `${u.name}: ${u.changes.map((c) => t(`speakers.change.${c}`)).join(", ")}` })), "speaker-import-updated"),
      section("speakers.import.errors", result.errors.map((e) => h("li", { text: t("speakers.import.row", { row: e.row, message: e.message }) })), "speaker-import-errors"),
      result.errors.length ? h("p", { class: "form-message message-error", text: t("speakers.import.fixFirst") }) : null,
      h("div", { class: "form-buttons" }, apply, discard));
  }

  async function applyImport() {
    if (!preview) return;
    try {
      const result = await runImport(preview.text, false);
      preview = null; file.value = "";
      renderPreview();
      await reload();
      say("ok", t("speakers.import.done", { created: result.created.length, updated: result.updated.length, unchanged: result.unchanged }));
      search.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  file.addEventListener("change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const text = await chosen.text();
    try {
      const result = await runImport(text, true);
      preview = { text, name: chosen.name, result };
      renderPreview();
      previewBox.querySelector("#speaker-preview-title").focus();
    } catch (error) {
      preview = null; renderPreview();
      if (error.status !== 401) showMessage(previewBox, "error", ...explain(error).map((c) => (typeof c === "string" ? h("p", { text: c }) : c)));
    }
  });

  await reload();
  return {
    render() { renderList(); renderPreview(); },
    destroy() {},
  };
}
