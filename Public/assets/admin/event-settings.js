// event-settings.js — the event's "Rooms and exports" tab: the rooms section (rooms.js) and links to
// the event's exports (iCalendar, frab XML and JSON, and the registrations CSV for those allowed), and
// for those who may edit the event its webhooks (webhooks.js).
// Loaded the first time the tab is opened.
// Exports: createEventSettings(panel, store, {canEdit, canManage}) → {render(), destroy()}
import "./strings-console.js";
import { h, fill } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { eventPath } from "./client.js";
import { createRooms } from "./rooms.js";
import { createWebhooks } from "./webhooks.js";

export function createEventSettings(panel, store, { canEdit, canManage }) {
  const rooms = createRooms(store, { canEdit });
  const exports = h("section", { class: "exports", "aria-labelledby": "exports-title" });

  function renderExports() {
    const slug = store.state.slug;
    const link = (file, key, hintKey) => h("li", {},
      h("a", { href: eventPath(slug, file), download: `${slug}-${file}`, dataset: { export: file }, text: t(key) }),
      " ", h("span", { class: "hint", text: t(hintKey) }));
    fill(exports,
      h("h2", { id: "exports-title", text: t("exports.title") }),
      h("ul", { id: "exports-list" },
        link("schedule.ics", "exports.ics", "exports.icsHint"),
        link("schedule.xml", "exports.xml", "exports.frabHint"),
        link("schedule.json", "exports.json", "exports.frabHint"),
        canManage ? link("registrations.csv", "exports.csv", "exports.csvHint") : null));
  }

  const webhooks = canEdit ? createWebhooks(store) : null;
  fill(panel, rooms.element, exports, webhooks ? webhooks.element : null);
  renderExports();
  return {
    render() { rooms.render(); renderExports(); },
    /** The event changed: its webhooks are another event's. */
    reloadWebhooks() { if (webhooks) webhooks.reload(); },
    destroy() { fill(panel); },
  };
}
