// speaker-picker.js — the session form's speakers: the assigned ones as removable chips and a type-ahead
// over the programme's speakers (ARIA 1.2 combobox with a listbox: ↑/↓ move, Enter picks, Escape
// closes; the active option is aria-activedescendant, so focus stays in the text box).
// Exports:
//   createSpeakerPicker({onChange}) → {element, set(speakers), ids() → [id], refresh()}
//   loadSpeakers() → Promise<[speaker]> (GET /api/v1/speakers, every page)
import { h, fill } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { request } from "./client.js";

export async function loadSpeakers() {
  const all = [];
  let next = "/api/v1/speakers";
  while (next) {
    const { data } = await request(next);
    all.push(...(data.items || []));
    next = data.next ? `/api/v1/speakers?cursor=${encodeURIComponent(data.next)}` : null;
  }
  return all;
}

/** Lower case, without accents, so "Muller" finds "Müller". */
export const fold = (text) => String(text || "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

const MAX = 8;
let directory = null; // {at, items} shared by every picker: the programme's speakers

export function createSpeakerPicker({ onChange = () => {} } = {}) {
  let selected = [];
  let options = [];
  let active = -1;
  const box = h("input", {
    id: "f-speakers", type: "text", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": "f-speakers-list", "aria-describedby": "f-speakers-hint",
  });
  const list = h("ul", { id: "f-speakers-list", role: "listbox", hidden: true });
  const chips = h("ul", { class: "chips", id: "f-speaker-chips" });
  const label = h("label", { for: "f-speakers", dataset: { i18n: "picker.label" }, text: t("picker.label") });
  const hint = h("span", { class: "field-hint", id: "f-speakers-hint", dataset: { i18n: "picker.hint" }, text: t("picker.hint") });
  const said = h("span", { class: "sr-only", role: "status", id: "f-speakers-status" });
  const element = h("div", { class: "field" }, label, chips, h("div", { class: "combobox" }, box, list), hint, said);

  const nameOf = (sp) => (sp.nameZh ? `${sp.name} (${sp.nameZh})` : sp.name);

  async function ensureDirectory() {
    if (directory && Date.now() - directory.at < 30000) return;
    try { directory = { at: Date.now(), items: await loadSpeakers() }; } catch { directory = directory || { at: 0, items: [] }; }
  }

  function renderChips() {
    fill(chips, selected.map((sp) => h("li", { dataset: { speakerId: sp.id } },
      h("span", { text: nameOf(sp) }),
      h("button", { type: "button", "aria-label": t("picker.remove", { name: sp.name }), text: "×", on: { click: () => remove(sp.id) } }))));
  }

  function close() {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
    if (index >= 0 && list.children[index]) {
      box.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else box.removeAttribute("aria-activedescendant");
  }

  async function open() {
    await ensureDirectory();
    const query = fold(box.value.trim());
    const taken = new Set(selected.map((s) => s.id));
    options = directory.items.filter((sp) => !taken.has(sp.id)
      && (!query || fold(`${sp.name} ${sp.nameZh || ""} ${sp.organisation || ""}`).includes(query))).slice(0, MAX);
    fill(list, options.length
      ? options.map((sp, i) => h("li", { id: `f-speakers-option-${sp.id}`, role: "option", "aria-selected": "false", dataset: { index: i } },
        nameOf(sp), sp.organisation ? h("small", { text: ` — ${sp.organisation}` }) : null))
      : [h("li", { role: "option", "aria-disabled": "true", id: "f-speakers-empty", text: t("picker.none") })]);
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    said.textContent = t("picker.results", { n: options.length });
    highlight(options.length ? 0 : -1);
  }

  function pick(index) {
    const sp = options[index];
    if (!sp) return;
    selected = [...selected, { id: sp.id, name: sp.name, nameZh: sp.nameZh }];
    box.value = "";
    close();
    renderChips();
    said.textContent = t("picker.added", { name: sp.name });
    onChange();
  }

  function remove(id) {
    const gone = selected.find((s) => s.id === id);
    selected = selected.filter((s) => s.id !== id);
    renderChips();
    box.focus();
    if (gone) said.textContent = t("picker.removed", { name: gone.name });
    onChange();
  }

  box.addEventListener("input", () => { open(); });
  box.addEventListener("focus", () => { ensureDirectory(); });
  box.addEventListener("blur", () => { setTimeout(() => { if (document.activeElement !== box) close(); }, 150); });
  box.addEventListener("keydown", (event) => {
    const expanded = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!expanded) open(); else if (options.length) highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (expanded && options.length) highlight((active - 1 + options.length) % options.length);
    } else if (event.key === "Enter") {
      if (expanded) { event.preventDefault(); if (active >= 0) pick(active); }
    } else if (event.key === "Escape") {
      if (expanded) { event.preventDefault(); event.stopPropagation(); close(); } else if (box.value) { event.preventDefault(); box.value = ""; }
    } else if (event.key === "Backspace" && !box.value && selected.length) {
      remove(selected[selected.length - 1].id);
    }
  });
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the text box
  list.addEventListener("click", (event) => {
    const li = event.target.closest("[role=option][data-index]");
    if (li) pick(Number(li.dataset.index));
  });

  return {
    element,
    set(speakers) {
      selected = (speakers || []).map((sp) => ({ id: sp.id, name: sp.name, nameZh: sp.nameZh }));
      box.value = "";
      close();
      renderChips();
    },
    ids: () => selected.map((s) => s.id),
    refresh() { renderChips(); },
  };
}
