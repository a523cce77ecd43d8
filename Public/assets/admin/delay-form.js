// delay-form.js — "running late": shift one room's (or every room's) later sessions by N minutes.
// Exports: createDelayForm(store, {canEdit, currentDay}) → {element, open(roomId), refresh()}
import { h, fill } from "../js/dom.js";
import { t, getLang } from "../js/i18n.js";
import { formatTime } from "../js/time.js";
import { wallToDate, parseClock, wire } from "./venue-time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";

export function createDelayForm(store, { canEdit, currentDay }) {
  const { state } = store;
  const heading = h("h2", { id: "late-title", tabindex: "-1" });
  const room = h("select", { id: "late-room" });
  const minutes = h("input", { id: "late-minutes", type: "number", min: "1", max: "240", step: "1", value: "15", required: true });
  const fromNow = h("input", { id: "late-from-now", type: "radio", name: "late-from", value: "now", checked: true });
  const fromAt = h("input", { id: "late-from-at", type: "radio", name: "late-from", value: "at" });
  const at = h("input", { id: "late-at", type: "text", inputmode: "numeric", placeholder: "HH:MM", autocomplete: "off", size: "6", "aria-labelledby": "late-from-at-label" });
  const labels = {
    room: h("label", { for: "late-room" }), minutes: h("label", { for: "late-minutes" }),
    now: h("span"), at: h("span", { id: "late-from-at-label" }), legend: h("legend"),
  };
  const submit = h("button", { type: "submit", class: "button button-primary", id: "late-submit" });
  const message = h("div", { class: "form-message", id: "late-message", role: "alert" });
  const hint = h("p", { class: "hint" });
  const element = h("form", { class: "delay-form", id: "delay-form", "aria-labelledby": "late-title", novalidate: true },
    heading, hint,
    h("div", { class: "field" }, labels.room, room),
    h("div", { class: "field" }, labels.minutes, minutes),
    h("fieldset", { class: "from-choice" }, labels.legend,
      h("label", { class: "choice" }, fromNow, " ", labels.now),
      h("div", { class: "choice" }, h("label", { for: "late-from-at" }, fromAt, " ", labels.at), at)),
    message, h("div", { class: "form-buttons" }, submit));
  at.addEventListener("focus", () => { fromAt.checked = true; });

  function refresh() {
    const lang = getLang();
    const keep = room.value;
    fill(room, h("option", { value: "", text: t("late.allRooms") }), state.rooms.map((r) => h("option", { value: r.id, text: r.name })));
    room.value = keep;
    heading.textContent = t("late.title");
    hint.textContent = t("late.hint");
    labels.room.textContent = t("form.room");
    labels.minutes.textContent = t("late.minutes");
    labels.legend.textContent = t("late.from");
    labels.now.textContent = t("late.now", { time: formatTime(new Date(), state.zone, lang), zone: state.zone });
    labels.at.textContent = t("late.at", { zone: state.zone });
    submit.textContent = t("late.submit");
  }

  function open(roomId) {
    room.value = roomId === null || roomId === undefined ? "" : String(roomId);
    fill(message); message.className = "form-message";
    refresh();
    element.scrollIntoView({ block: "nearest" });
    minutes.focus();
    minutes.select();
  }

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!canEdit) return;
    const n = Number.parseInt(minutes.value, 10);
    if (!Number.isFinite(n) || n < 1 || n > 240) { showMessage(message, "error", t("late.badMinutes")); minutes.focus(); return; }
    let from = new Date();
    if (fromAt.checked) {
      const m = parseClock(at.value);
      if (m === null) { showMessage(message, "error", t("form.badClock", { field: t("late.from") })); at.focus(); return; }
      from = wallToDate(currentDay(), m, state.zone);
    }
    const body = { from: wire(from), minutes: n };
    if (room.value) body.roomId = Number(room.value);
    submit.disabled = true;
    try {
      const { data } = await request(eventPath(state.slug, "delays"), { method: "POST", body });
      store.upsertSessions(data.sessions || [], "local");
      const roomName = room.value ? room.options[room.selectedIndex].text : t("late.allRooms");
      const count = (data.sessions || []).length;
      showMessage(message, "ok", count ? t("late.done", { count, minutes: n, room: roomName }) : t("late.none", { room: roomName }));
    } catch (error) {
      if (error.status !== 401) showMessage(message, "error", ...explain(error, { zone: state.zone, rooms: state.rooms }));
    } finally {
      submit.disabled = false;
    }
  });

  refresh();
  return { element, open, refresh };
}
