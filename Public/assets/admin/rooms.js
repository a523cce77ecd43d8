// rooms.js — one event's rooms: add, rename, set capacity, reorder (move up / down, sent as positions),
// remove. A room that still has sessions is refused by the server (409); the sessions it names are
// listed with their times in the venue's zone, so the organiser knows what to move first.
// Exports: createRooms(store, {canEdit}) → {element, render(), focus()}
import { h, fill } from "../js/dom.js";
import { t, getLang } from "../js/i18n.js";
import { formatDateTime, formatTime } from "../js/time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors, fieldError, confirmDialog } from "./forms.js";

export function createRooms(store, { canEdit }) {
  const { state } = store;
  const status = h("div", { class: "form-message", id: "rooms-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "rooms-list" });
  const name = input("input", { id: "room-new-name", type: "text" });
  const capacity = input("input", { id: "room-new-capacity", type: "text", inputmode: "numeric", size: "6" });
  const addMessage = h("div", { class: "form-message", id: "room-add-message", role: "alert" });
  const add = h("form", { class: "console-form", id: "room-add", novalidate: true },
    h("h3", { dataset: { i18n: "rooms.add" }, text: t("rooms.add") }),
    h("div", { class: "field-row" }, field("room-new-name", "rooms.name", name), field("room-new-capacity", "rooms.capacity", capacity, { hintKey: "rooms.capacityHint" })),
    addMessage,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "button button-primary", id: "room-add-submit", dataset: { i18n: "rooms.addSubmit" }, text: t("rooms.addSubmit") })));
  const element = h("section", { class: "rooms", "aria-labelledby": "rooms-title" },
    h("h2", { id: "rooms-title", dataset: { i18n: "rooms.title" }, text: t("rooms.title") }),
    status, list, canEdit ? add : null);

  const say = (kind, ...children) => showMessage(status, kind, ...children);

  function readCapacity(root, id, value) {
    const text = value.trim();
    if (text === "") return { value: null };
    if (!/^\d+$/.test(text) || Number(text) < 1) { fieldError(root, id, t("rooms.badCapacity")); return { error: true }; }
    return { value: Number(text) };
  }

  /** Live changes re-draw the table: the focused control (and what is typed into it) stays. */
  function render() {
    const active = document.activeElement;
    const keep = active && list.contains(active)
      ? { id: active.id || null, action: active.dataset.action, roomId: active.dataset.roomId, value: active.tagName === "INPUT" ? active.value : null }
      : null;
    const rooms = state.rooms;
    const count = (id) => [...state.sessions.values()].filter((s) => s.roomId === id).length;
    if (!rooms.length) fill(list, h("p", { text: t("rooms.none") }));
    else {
      fill(list, h("table", { class: "data-table" },
        h("thead", {}, h("tr", {}, ["rooms.col.order", "rooms.name", "rooms.capacity", "rooms.col.sessions", "rooms.col.actions"].map((k) => h("th", { scope: "col", text: t(k) })))),
        h("tbody", {}, rooms.map((room, i) => row(room, i, rooms.length, count(room.id))))));
    }
    if (!keep) return;
    const again = keep.id ? list.querySelector(`#${CSS.escape(keep.id)}`)
      : list.querySelector(`tr[data-room-id="${keep.roomId}"] [data-action="${keep.action}"]`);
    if (!again) return;
    if (keep.value !== null) again.value = keep.value;
    again.focus();
  }

  function row(room, index, total, sessions) {
    const nameId = `room-${room.id}-name`;
    const capId = `room-${room.id}-capacity`;
    const nameInput = input("input", { id: nameId, type: "text", value: room.name, "aria-label": t("rooms.nameOf", { room: room.name }) });
    const capInput = input("input", { id: capId, type: "text", inputmode: "numeric", size: "6", value: room.capacity == null ? "" : String(room.capacity), "aria-label": t("rooms.capacityOf", { room: room.name }) });
    const errors = h("p", { class: "field-error", id: `${nameId}-error`, hidden: true });
    const capErrors = h("p", { class: "field-error", id: `${capId}-error`, hidden: true });
    nameInput.setAttribute("aria-describedby", `${nameId}-error`);
    capInput.setAttribute("aria-describedby", `${capId}-error`);
    const button = (action, key, fn, attrs = {}) => h("button", {
      type: "button", class: ["button", "button-small", attrs.danger ? "button-danger" : null], dataset: { action, roomId: room.id },
      "aria-label": t(`${key}Label`, { room: room.name }), text: t(key), disabled: attrs.disabled, on: { click: fn },
    });
    const tr = h("tr", { dataset: { roomId: room.id } },
      h("td", { text: String(index + 1) }),
      h("td", {}, canEdit ? [nameInput, errors] : room.name),
      h("td", {}, canEdit ? [capInput, capErrors] : room.capacity == null ? "—" : String(room.capacity)),
      h("td", { text: String(sessions) }),
      h("td", {}, canEdit ? h("div", { class: "row-actions" },
        button("save", "rooms.save", () => save(room, tr, nameInput, capInput)),
        button("up", "rooms.up", () => move(room, -1), { disabled: index === 0 }),
        button("down", "rooms.down", () => move(room, 1), { disabled: index === total - 1 }),
        button("remove", "rooms.remove", () => remove(room), { danger: true })) : null));
    for (const el of [nameInput, capInput]) el.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); save(room, tr, nameInput, capInput); } });
    return tr;
  }

  function focusRoom(id, action) {
    const target = list.querySelector(`tr[data-room-id="${id}"] [data-action="${action}"]:not([disabled])`)
      || list.querySelector(`tr[data-room-id="${id}"] [data-action="save"]`);
    if (target) target.focus();
  }

  async function save(room, tr, nameInput, capInput) {
    clearErrors(tr);
    const cap = readCapacity(tr, capInput.id, capInput.value);
    if (cap.error) { capInput.focus(); return; }
    const patch = {};
    if (nameInput.value.trim() !== room.name) patch.name = nameInput.value.trim();
    if (cap.value !== (room.capacity ?? null)) patch.capacity = cap.value;
    if (!Object.keys(patch).length) { say("info", t("rooms.nothing")); return; }
    try {
      const { data } = await request(eventPath(state.slug, "rooms", room.id), { method: "PATCH", body: patch });
      await store.reload();
      say("ok", t("rooms.saved", { room: data.name }));
      focusRoom(room.id, "save");
    } catch (error) {
      if (error.status === 401) return;
      showErrors(tr, error, { name: nameInput.id, capacity: capInput.id }, status);
    }
  }

  /** Positions are renumbered 0…n-1 in the new order; only rooms whose position changes are sent. */
  async function move(room, delta) {
    const order = [...state.rooms];
    const from = order.findIndex((r) => r.id === room.id);
    const to = from + delta;
    if (to < 0 || to >= order.length) return;
    [order[from], order[to]] = [order[to], order[from]];
    try {
      for (const [position, r] of order.entries()) {
        if (r.position !== position) await request(eventPath(state.slug, "rooms", r.id), { method: "PATCH", body: { position } });
      }
      await store.reload();
      say("ok", t(delta < 0 ? "rooms.movedUp" : "rooms.movedDown", { room: room.name, n: to + 1 }));
      focusRoom(room.id, delta < 0 ? "up" : "down");
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  async function remove(room) {
    const yes = await confirmDialog({ titleKey: "rooms.removeTitle", titleVars: { room: room.name }, body: [h("p", { text: t("rooms.removeBody") })], confirmKey: "rooms.removeConfirm", danger: true });
    if (!yes) return;
    try {
      await request(eventPath(state.slug, "rooms", room.id), { method: "DELETE" });
      await store.reload();
      say("ok", t("rooms.removed", { room: room.name }));
      (canEdit ? name : list).focus();
    } catch (error) {
      if (error.status === 401) return;
      const problem = error.problem || {};
      if (error.status === 409 && Array.isArray(problem.sessions)) {
        const lang = getLang();
        const zone = state.zone;
        const shown = problem.sessions.length;
        const more = (problem.sessionCount ?? shown) - shown;
        say("error",
          h("p", { text: t("rooms.hasSessions", { room: room.name, n: problem.sessionCount ?? shown }) }),
          h("ul", { id: "room-blocking-sessions" }, problem.sessions.map((s) => h("li", {},
            h("a", { href: `#event=${encodeURIComponent(state.slug)}&tab=schedule`, text: typeof s.title === "string" ? s.title : (s.title && s.title.en) || `#${s.id}` }),
            ` — ${formatDateTime(s.startsAt, zone, lang)}–${formatTime(s.endsAt, zone, lang)} (${zone})`))),
          more > 0 ? h("p", { text: t("rooms.andMore", { n: more }) }) : null);
        status.tabIndex = -1;
        status.focus();
      } else say("error", ...explain(error));
    }
  }

  add.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(add);
    fill(addMessage); addMessage.className = "form-message";
    if (!name.value.trim()) { fieldError(add, "room-new-name", t("rooms.needName")); name.focus(); return; }
    const cap = readCapacity(add, "room-new-capacity", capacity.value);
    if (cap.error) { capacity.focus(); return; }
    const position = state.rooms.length ? Math.max(...state.rooms.map((r) => r.position ?? 0)) + 1 : 0;
    try {
      const { data } = await request(eventPath(state.slug, "rooms"), { method: "POST", body: { name: name.value.trim(), position, ...(cap.value ? { capacity: cap.value } : {}) } });
      name.value = ""; capacity.value = "";
      await store.reload();
      say("ok", t("rooms.added", { room: data.name }));
      name.focus();
    } catch (error) {
      if (error.status !== 401) showErrors(add, error, { name: "room-new-name", capacity: "room-new-capacity" }, addMessage);
    }
  });

  render();
  return { element, render, focus: () => (list.querySelector("input, button") || name).focus() };
}
