// editor.js — the schedule editor: a rooms × time grid of one day in the venue's zone.
// Sessions move by dragging (pointer events: drag the block to another room or time, drag its
// bottom edge to change the end) or by keyboard through the session form beside the grid.
// Every change goes through the form's save path, so the local conflict warning, If-Match and
// the 412/409 explanations are the same for mouse and keyboard.
// Exports: createScheduleEditor(panel, store, {canEdit}) → {render(change?), destroy()}
import { h, fill } from "../js/dom.js";
import { t, getLang, setTranslated, pick } from "../js/i18n.js";
import { dayKey, minutesOfDay, formatTime, formatDay, zoneLabel } from "../js/time.js";
import { eventDays, wallToDate, clock } from "./venue-time.js";
import { createSessionForm } from "./session-form.js";
import { createDelayForm } from "./delay-form.js";

const SLOT = 5; // minutes per grid row
const DRAG_THRESHOLD = 5; // pixels before a press becomes a drag

export function createScheduleEditor(panel, store, { canEdit }) {
  const { state } = store;
  let day = initialDay();
  const flashes = new Map(); // session id → time it changed live
  let window_ = { start: 480, end: 1080 };

  const daySelect = h("select", { id: "day-select" });
  daySelect.addEventListener("change", () => { day = daySelect.value; renderGrid(); });
  const dayLabel = h("label", { for: "day-select" });
  const zoneNote = h("p", { class: "zone-note", id: "zone-note" });
  const liveNote = h("p", { class: "live-note", id: "live-note", role: "status" });
  const newButton = h("button", { type: "button", class: "button", id: "new-session" });
  const toolbar = h("div", { class: "editor-toolbar" }, h("div", { class: "field-inline" }, dayLabel, daySelect), zoneNote, liveNote,
    canEdit ? newButton : null);
  const help = h("p", { class: "hint", id: "editor-help" });
  const sched = h("div", { class: "sched", id: "sched", role: "region", "aria-describedby": "editor-help zone-note" });
  const scroller = h("div", { class: "sched-scroll" }, sched);
  const side = h("div", { class: "editor-side" });
  fill(panel, toolbar, help, h("div", { class: "editor-layout" }, scroller, side));

  const form = createSessionForm(store, { canEdit, currentDay: () => day, onSelect: markSelected, onDayChange: (d) => { if (d !== day) { day = d; renderToolbar(); renderGrid(); } } });
  const delay = createDelayForm(store, { canEdit, currentDay: () => day });
  side.append(form.element);
  if (canEdit) side.append(delay.element);
  newButton.addEventListener("click", () => form.startNew());

  // --- layout --------------------------------------------------------------------------------

  /** Today while the event runs and today has sessions; otherwise the next day that has sessions
   *  (an organiser opening the editor on the evening of day 1 prepares day 2), then today, then
   *  the first day with sessions, then the event's first day. */
  function initialDay() {
    const days = eventDays(state.event.startsAt, state.event.endsAt, state.zone);
    const today = dayKey(new Date(), state.zone);
    const busy = new Set([...state.sessions.values()].map((s) => dayKey(new Date(s.startsAt), state.zone)));
    const withSessions = days.filter((d) => busy.has(d));
    return withSessions.find((d) => d >= today) ?? (days.includes(today) ? today : withSessions[0] ?? days[0]);
  }

  function span(session) {
    const start = new Date(session.startsAt);
    const end = new Date(session.endsAt);
    const startMin = minutesOfDay(start, state.zone);
    let endMin = minutesOfDay(end, state.zone);
    if (dayKey(end, state.zone) !== dayKey(start, state.zone)) endMin = 1440;
    return { startMin, endMin: Math.max(endMin, startMin + SLOT) };
  }

  function sessionsOfDay() {
    return [...state.sessions.values()].filter((s) => dayKey(new Date(s.startsAt), state.zone) === day);
  }

  function computeWindow(sessions) {
    const ev = state.event;
    const evStart = dayKey(new Date(ev.startsAt), state.zone) === day ? minutesOfDay(new Date(ev.startsAt), state.zone) : 0;
    const evEnd = dayKey(new Date(ev.endsAt), state.zone) === day ? (minutesOfDay(new Date(ev.endsAt), state.zone) || 1440) : 1440;
    let start; let end;
    if (sessions.length) {
      const spans = sessions.map(span);
      start = Math.min(...spans.map((s) => s.startMin)) - 60;
      end = Math.max(...spans.map((s) => s.endMin)) + 60;
      start = Math.max(start, Math.floor(evStart / 60) * 60);
      end = Math.min(end, Math.ceil(evEnd / 60) * 60);
    } else {
      start = Math.max(evStart, evStart === 0 && evEnd === 1440 ? 480 : 0);
      end = Math.min(evEnd, evStart === 0 && evEnd === 1440 ? 1080 : 1440);
    }
    start = Math.max(0, Math.floor(start / 60) * 60);
    end = Math.min(1440, Math.max(start + 60, Math.ceil(end / 60) * 60));
    return { start, end };
  }

  const row = (minute) => Math.round((Math.min(Math.max(minute, window_.start), window_.end) - window_.start) / SLOT) + 2;

  // --- rendering -----------------------------------------------------------------------------

  function renderToolbar() {
    const lang = getLang();
    dayLabel.textContent = t("editor.day");
    const days = eventDays(state.event.startsAt, state.event.endsAt, state.zone);
    if (!days.includes(day)) day = days[0];
    fill(daySelect, days.map((d) => h("option", { value: d, text: formatDay(wallToDate(d, 720, state.zone), state.zone, lang) })));
    daySelect.value = day;
    zoneNote.textContent = t("editor.zone", { zone: zoneLabel(state.zone, wallToDate(day, 720, state.zone), lang) });
    newButton.textContent = t("editor.new");
    help.textContent = canEdit ? t("editor.help") : t("editor.readOnly");
  }

  function renderGrid() {
    const focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest(".block")
      ? document.activeElement.closest(".block").dataset.sessionId : null;
    const lang = getLang();
    const sessions = sessionsOfDay();
    window_ = computeWindow(sessions);
    const slots = (window_.end - window_.start) / SLOT;
    sched.style.gridTemplateColumns = `4.5rem repeat(${Math.max(state.rooms.length, 1)}, minmax(10rem, 1fr))`;
    sched.setAttribute("aria-label", t("editor.gridLabel", { day: formatDay(wallToDate(day, 720, state.zone), state.zone, lang) }));
    const nodes = [h("div", { class: "corner", "aria-hidden": "true" })];
    state.rooms.forEach((room, i) => {
      const head = h("div", { class: "room-head", dataset: { roomId: room.id } },
        h("span", { class: "room-name", text: room.name }));
      if (canEdit) {
        head.append(h("button", {
          type: "button", class: "late-button", dataset: { roomId: room.id }, "aria-label": t("late.buttonLabel", { room: room.name }),
          text: t("late.button"), on: { click: () => delay.open(room.id) },
        }));
      }
      head.style.gridColumn = String(i + 2);
      head.style.gridRow = "1";
      nodes.push(head);
      const lane = h("div", { class: "lane", dataset: { roomId: room.id }, "aria-hidden": "true" });
      lane.style.gridColumn = String(i + 2);
      lane.style.gridRow = `2 / ${slots + 2}`;
      nodes.push(lane);
    });
    for (let m = window_.start; m < window_.end; m += 60) {
      const label = h("div", { class: "hour", "aria-hidden": "true", text: clock(m) });
      label.style.gridColumn = "1";
      label.style.gridRow = `${row(m)} / span 12`;
      nodes.push(label);
    }
    const now = new Date();
    if (dayKey(now, state.zone) === day) {
      const minute = minutesOfDay(now, state.zone);
      if (minute >= window_.start && minute < window_.end) {
        const line = h("div", { class: "now-line", "aria-hidden": "true" });
        line.style.gridColumn = `2 / ${state.rooms.length + 2}`;
        line.style.gridRow = String(row(minute));
        nodes.push(line);
      }
    }
    const selected = form.selectedId();
    const recent = Date.now() - 2500;
    for (const session of sessions.sort((a, b) => a.startsAt.localeCompare(b.startsAt))) {
      const column = state.rooms.findIndex((r) => r.id === session.roomId);
      if (column < 0) continue;
      const { startMin, endMin } = span(session);
      const room = state.rooms[column];
      const cancelled = session.status === "cancelled";
      const clash = form.clashesOf(session.id).length > 0;
      const title = h("span", { class: "block-title" });
      setTranslated(title, session.title);
      const time = `${formatTime(session.startsAt, state.zone, lang)}–${formatTime(session.endsAt, state.zone, lang)}`;
      const block = h("button", {
        type: "button",
        class: ["block", `kind-${session.kind}`, cancelled && "cancelled", clash && "clash", session.id === selected && "selected",
          (flashes.get(session.id) || 0) > recent && "flash"],
        dataset: { sessionId: session.id, roomId: session.roomId },
        "aria-pressed": session.id === selected ? "true" : "false",
      },
      h("span", { class: "block-time", text: time }),
      cancelled ? h("span", { class: "badge badge-cancelled", text: t("session.cancelled") }) : null,
      title,
      speakerNames(session, lang) ? h("span", { class: "block-speakers", text: speakerNames(session, lang) }) : null,
      session.seats ? h("span", { class: "block-seats", text: t("editor.seats", { confirmed: session.seats.confirmed, capacity: session.seats.capacity, waitlisted: session.seats.waitlisted }) }) : null,
      h("span", { class: "sr-only", text: `, ${room.name}` }),
      clash ? h("span", { class: "badge badge-clash", text: t("editor.clash") }) : null,
      canEdit && !cancelled ? h("span", { class: "resize-handle", "aria-hidden": "true", title: t("editor.resize") }) : null);
      block.style.gridColumn = String(column + 2);
      block.style.gridRow = `${row(startMin)} / ${Math.max(row(endMin), row(startMin) + 1)}`;
      block.addEventListener("click", (event) => {
        if (suppressClick) { suppressClick = false; return; }
        form.select(session.id, { focus: event.detail === 0 });
      });
      nodes.push(block);
    }
    if (ghost) nodes.push(ghost);
    fill(sched, nodes);
    if (focusedId) {
      const again = sched.querySelector(`.block[data-session-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  /** Selection changes only two blocks' state: no re-render, so focus and pointer targets stay put. */
  function markSelected(id) {
    for (const b of sched.querySelectorAll(".block")) {
      const on = Number(b.dataset.sessionId) === id;
      b.classList.toggle("selected", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  // --- dragging ------------------------------------------------------------------------------

  let drag = null;
  let ghost = null;
  let suppressClick = false;

  function pointerMinute(lane, y) {
    const rect = lane.getBoundingClientRect();
    const fraction = Math.min(Math.max((y - rect.top) / rect.height, 0), 1);
    return window_.start + fraction * (window_.end - window_.start);
  }

  function laneAt(x) {
    const lanes = [...sched.querySelectorAll(".lane")];
    let best = null; let distance = Infinity;
    for (const lane of lanes) {
      const rect = lane.getBoundingClientRect();
      const d = x < rect.left ? rect.left - x : x > rect.right ? x - rect.right : 0;
      if (d < distance) { distance = d; best = lane; }
    }
    return best;
  }

  const snap = (minute) => Math.round(minute / SLOT) * SLOT;

  function target(event) {
    const session = state.sessions.get(drag.id);
    if (!session) return null;
    const { startMin, endMin } = span(session);
    if (drag.resize) {
      const lane = sched.querySelector(`.lane[data-room-id="${session.roomId}"]`);
      const end = Math.max(startMin + SLOT, snap(pointerMinute(lane, event.clientY) - drag.grab));
      return { roomId: session.roomId, startMin, endMin: Math.min(end, 1440) };
    }
    const lane = laneAt(event.clientX);
    const start = Math.max(0, snap(pointerMinute(lane, event.clientY) - drag.grab));
    const duration = endMin - startMin;
    return { roomId: Number(lane.dataset.roomId), startMin: Math.min(start, 1440 - duration), endMin: Math.min(start, 1440 - duration) + duration };
  }

  function showGhost(where) {
    const column = state.rooms.findIndex((r) => r.id === where.roomId);
    const proposal = { roomId: where.roomId, startsAt: wallToDate(day, where.startMin, state.zone), endsAt: wallToDate(day, where.endMin, state.zone) };
    const clashes = form.localConflicts(drag.id, proposal);
    if (!ghost) ghost = h("div", { class: "ghost", "aria-hidden": "true" });
    ghost.classList.toggle("ghost-conflict", clashes.length > 0);
    ghost.textContent = `${clock(where.startMin)}–${clock(where.endMin)}`;
    ghost.style.gridColumn = String(column + 2);
    ghost.style.gridRow = `${row(where.startMin)} / ${Math.max(row(where.endMin), row(where.startMin) + 1)}`;
    if (!ghost.isConnected) sched.append(ghost);
  }

  sched.addEventListener("pointerdown", (event) => {
    const block = event.target.closest(".block");
    if (!canEdit || !block || event.button !== 0 || block.classList.contains("cancelled")) return;
    const id = Number(block.dataset.sessionId);
    const session = state.sessions.get(id);
    if (!session) return;
    const lane = sched.querySelector(`.lane[data-room-id="${session.roomId}"]`);
    const resize = Boolean(event.target.closest(".resize-handle"));
    const { startMin, endMin } = span(session);
    // Where in the block it was grabbed, in minutes from the edge that moves: the block follows the pointer without jumping.
    const grab = pointerMinute(lane, event.clientY) - (resize ? endMin : startMin);
    drag = { id, pointerId: event.pointerId, x: event.clientX, y: event.clientY, started: false, resize, grab, block };
    try { block.setPointerCapture(event.pointerId); } catch { /* synthetic pointer */ }
    event.preventDefault();
  });

  sched.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.started && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
    if (!drag.started) { drag.started = true; drag.block.classList.add("dragging"); sched.classList.add("is-dragging"); }
    const where = target(event);
    if (where) { drag.where = where; showGhost(where); }
  });

  const finish = (event, commit) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const { started, where, id, block } = drag;
    drag = null;
    sched.classList.remove("is-dragging");
    block.classList.remove("dragging");
    if (ghost) { ghost.remove(); ghost = null; }
    if (!started) { // a plain press: select (the click that follows is suppressed, we handle it here)
      if (commit) { suppressClick = true; block.focus({ preventScroll: true }); form.select(id, { focus: false }); setTimeout(() => { suppressClick = false; }, 0); }
      return;
    }
    suppressClick = true;
    setTimeout(() => { suppressClick = false; }, 0);
    if (!commit || !where) return;
    form.proposeMove(id, {
      roomId: where.roomId, day, startMin: where.startMin, endMin: where.endMin,
    });
  };
  sched.addEventListener("pointerup", (event) => finish(event, true));
  sched.addEventListener("pointercancel", (event) => finish(event, false));
  sched.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag) { finish({ pointerId: drag.pointerId }, false); }
  });

  // --- live status and changes ----------------------------------------------------------------

  function setLive(status) {
    liveNote.dataset.status = status;
    liveNote.textContent = t(`live.${status}`);
  }

  function render(change) {
    if (change && change.source === "live" && change.ids) for (const id of change.ids) flashes.set(id, Date.now());
    if (!change || change.kind === "reset" || change.kind === "event" || change.kind === "rooms") renderToolbar();
    renderGrid();
    form.refresh(change);
    delay.refresh();
    if (change && change.source === "live" && change.ids) setTimeout(() => sched.querySelectorAll(".flash").forEach((b) => b.classList.remove("flash")), 2600);
  }

  render();
  return { render, setLive, destroy() { fill(panel); } };
}

export function sessionTitle(session) { return pick(session.title).text; }

/** The session's speakers as the viewer reads them (Chinese names in the Chinese interface). */
export function speakerNames(session, lang) {
  return (session.speakers || []).map((sp) => (lang === "zh" && sp.nameZh ? sp.nameZh : sp.name)).join(", ");
}
