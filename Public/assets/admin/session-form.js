// session-form.js — edit, create, cancel and reinstate one session; the keyboard way to move it.
// The form remembers the version the organiser started from: saving sends `If-Match: "<version>"`,
// so an edit based on an outdated session is refused (412) and explained instead of overwriting.
// Speakers are assigned with a type-ahead (speaker-picker.js, loaded when the form first shows a session);
// the clash warning counts them as chosen.
// Exports: createSessionForm(store, {canEdit, currentDay, onSelect, onDayChange}) →
//   {element, select(id, {focus}), selectedId(), startNew(), proposeMove(id, where), localConflicts(id, proposal), clashesOf(id), refresh(change)}
import { h, fill } from "../js/dom.js";
import { t, getLang, pick } from "../js/i18n.js";
import { dayKey, minutesOfDay, formatTime, formatDay } from "../js/time.js";
import { eventDays, wallToDate, parseClock, clock, wire } from "./venue-time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";

const KINDS = ["talk", "workshop", "panel", "plenary", "break", "other"];

export function createSessionForm(store, { canEdit, currentDay, onSelect = () => {}, onDayChange = () => {} }) {
  const { state } = store;
  let mode = "none"; // "none" | "edit" | "create"
  let base = null; // the session as it was when the organiser started editing
  let dirty = false;
  let busy = false;

  const field = (id, labelKey, input, hintKey) => {
    const label = h("label", { for: id, dataset: { key: labelKey } });
    const hint = hintKey ? h("span", { class: "field-hint", id: `${id}-hint`, dataset: { key: hintKey } }) : null;
    if (hint) input.setAttribute("aria-describedby", `${id}-hint`);
    return h("div", { class: "field" }, label, input, hint);
  };
  const titleEn = h("input", { id: "f-title-en", type: "text", required: true, lang: "en", autocomplete: "off" });
  const titleZh = h("input", { id: "f-title-zh", type: "text", lang: "zh-Hans", autocomplete: "off" });
  const kind = h("select", { id: "f-kind" });
  const room = h("select", { id: "f-room" });
  const daySel = h("select", { id: "f-day" });
  const start = h("input", { id: "f-start", type: "text", inputmode: "numeric", placeholder: "HH:MM", pattern: "\\d{1,2}:\\d{2}", autocomplete: "off", size: "6" });
  const end = h("input", { id: "f-end", type: "text", inputmode: "numeric", placeholder: "HH:MM", pattern: "\\d{1,2}:\\d{2}", autocomplete: "off", size: "6" });
  // The speakers: the type-ahead module loads on first use; until then the form keeps the list it was given.
  let pickerModule = null;
  let speakersShown = [];
  const pickerSlot = h("div", { class: "field", id: "f-speakers-slot" });
  const picker = {
    set(list) {
      speakersShown = list || [];
      if (pickerModule) pickerModule.set(speakersShown);
      else if (!picker.loading) {
        picker.loading = import("./speaker-picker.js").then(({ createSpeakerPicker }) => {
          pickerModule = createSpeakerPicker({ onChange: () => liveCheck() });
          pickerSlot.replaceWith(pickerModule.element);
          pickerModule.set(speakersShown);
        });
      }
    },
    ids: () => (pickerModule ? pickerModule.ids() : speakersShown.map((sp) => sp.id)),
    loading: null,
  };
  const heading = h("h2", { id: "form-title", tabindex: "-1" });
  const intro = h("p", { class: "hint", id: "form-intro" });
  const warning = h("div", { class: "form-warning", id: "f-warning", role: "status", "aria-live": "polite" });
  const message = h("div", { class: "form-message", id: "f-message", role: "alert" });
  const save = h("button", { type: "submit", class: "button button-primary", id: "f-save" });
  const cancelSession = h("button", { type: "button", class: "button button-danger", id: "f-cancel-session" });
  const reinstate = h("button", { type: "button", class: "button", id: "f-reinstate" });
  const close = h("button", { type: "button", class: "button", id: "f-close" });
  const fields = h("fieldset", { class: "form-fields" },
    field("f-title-en", "form.titleEn", titleEn), field("f-title-zh", "form.titleZh", titleZh), field("f-kind", "form.kind", kind),
    field("f-room", "form.room", room), pickerSlot, field("f-day", "form.day", daySel),
    h("div", { class: "field-row" }, field("f-start", "form.start", start, "form.clockHint"), field("f-end", "form.end", end, "form.clockHint")));
  const buttons = h("div", { class: "form-buttons" }, save, cancelSession, reinstate, close);
  const element = h("form", { class: "session-form", id: "session-form", "aria-labelledby": "form-title", novalidate: true },
    heading, intro, fields, warning, message, buttons);

  // --- values ----------------------------------------------------------------------------------

  function fillOptions() {
    const lang = getLang();
    fill(kind, KINDS.map((k) => h("option", { value: k, text: t(`session.kind.${k}`) })));
    fill(room, state.rooms.map((r) => h("option", { value: r.id, text: r.name })));
    fill(daySel, eventDays(state.event.startsAt, state.event.endsAt, state.zone)
      .map((d) => h("option", { value: d, text: formatDay(wallToDate(d, 720, state.zone), state.zone, lang) })));
  }

  function load(session) {
    const s = new Date(session.startsAt);
    const e = new Date(session.endsAt);
    titleEn.value = session.title.en || "";
    titleZh.value = session.title.zh || "";
    kind.value = session.kind;
    room.value = String(session.roomId);
    const d = dayKey(s, state.zone);
    if (![...daySel.options].some((o) => o.value === d)) daySel.append(h("option", { value: d, text: d }));
    daySel.value = d;
    start.value = clock(minutesOfDay(s, state.zone));
    const endDay = dayKey(e, state.zone);
    end.value = endDay !== d && minutesOfDay(e, state.zone) === 0 ? "24:00" : clock(minutesOfDay(e, state.zone));
    picker.set(session.speakers || []);
  }

  /** The form as a proposal, or {error}. */
  function read() {
    const startMin = parseClock(start.value);
    const endMin = parseClock(end.value);
    if (!titleEn.value.trim()) return { error: t("form.needTitle"), focus: titleEn };
    if (startMin === null || startMin >= 1440) return { error: t("form.badClock", { field: t("form.start") }), focus: start };
    if (endMin === null) return { error: t("form.badClock", { field: t("form.end") }), focus: end };
    if (endMin <= startMin) return { error: t("form.endBeforeStart"), focus: end };
    const title = { en: titleEn.value.trim() };
    if (titleZh.value.trim()) title.zh = titleZh.value.trim();
    return {
      title, kind: kind.value, roomId: Number(room.value), speakerIds: picker.ids(),
      startsAt: wallToDate(daySel.value, startMin, state.zone), endsAt: wallToDate(daySel.value, endMin, state.zone),
    };
  }

  function localConflicts(id, proposal) {
    const own = state.sessions.get(id);
    const speakers = new Set(proposal.speakerIds || (own && own.speakerIds) || []);
    const s = proposal.startsAt.getTime();
    const e = proposal.endsAt.getTime();
    const clashes = [];
    for (const other of state.sessions.values()) {
      if (other.id === id || other.status === "cancelled") continue;
      const os = Date.parse(other.startsAt); const oe = Date.parse(other.endsAt);
      if (!(os < e && s < oe)) continue;
      if (other.roomId === proposal.roomId) clashes.push({ reason: "room", other });
      else if ((other.speakerIds || []).some((sp) => speakers.has(sp))) clashes.push({ reason: "speaker", other });
    }
    return clashes;
  }

  /** The clashes a scheduled session has where it is now (a programme imported with --allow-conflicts). */
  function clashesOf(id) {
    const session = state.sessions.get(id);
    if (!session || session.status === "cancelled") return [];
    return localConflicts(id, { roomId: session.roomId, startsAt: new Date(session.startsAt), endsAt: new Date(session.endsAt) });
  }

  // --- display -----------------------------------------------------------------------------------

  function renderLabels() {
    for (const el of element.querySelectorAll("[data-key]")) el.textContent = t(el.dataset.key);
    save.textContent = mode === "create" ? t("form.create") : t("form.save");
    cancelSession.textContent = t("form.cancelSession");
    reinstate.textContent = t("form.reinstate");
    close.textContent = t("form.close");
    heading.textContent = mode === "create" ? t("form.newTitle") : mode === "edit" ? t("form.editTitle") : t("form.title");
    intro.textContent = mode === "none" ? t("form.intro") : mode === "edit" && base ? t("form.editing", { title: pick(base.title).text, version: base.version }) : "";
    const current = base && state.sessions.get(base.id);
    fields.disabled = !canEdit || mode === "none" || busy;
    save.hidden = !canEdit || mode === "none";
    save.disabled = busy;
    cancelSession.hidden = !canEdit || mode !== "edit" || (current && current.status === "cancelled");
    reinstate.hidden = !canEdit || mode !== "edit" || !(current && current.status === "cancelled");
    close.hidden = mode === "none";
  }

  function clearMessages() { fill(message); message.className = "form-message"; fill(warning); warning.className = "form-warning"; }

  function describe(clash) {
    const lang = getLang();
    const other = clash.other;
    const when = `${formatTime(other.startsAt, state.zone, lang)}–${formatTime(other.endsAt, state.zone, lang)}`;
    const roomName = (state.rooms.find((r) => r.id === other.roomId) || {}).name || "";
    return clash.reason === "room"
      ? t("conflict.room", { room: roomName, title: pick(other.title).text, when })
      : t("conflict.speaker", { title: pick(other.title).text, when });
  }

  /** Shows the local clash warning; with `confirm`, offers to send anyway (our copy may be outdated). */
  function showWarning(clashes, { confirm = null, lead = "warn.before" } = {}) {
    if (!clashes.length) { fill(warning); warning.className = "form-warning"; return; }
    warning.className = "form-warning is-warning";
    const children = [h("p", { text: t(lead) }), h("ul", clashes.map((c) => h("li", { text: describe(c) })))];
    if (confirm) {
      children.push(h("p", { text: t("warn.question") }));
      const yes = h("button", { type: "button", class: "button", id: "f-save-anyway", text: t("warn.saveAnyway"), on: { click: () => confirm(true) } });
      const no = h("button", { type: "button", class: "button", id: "f-dont-save", text: t("warn.dontSave"), on: { click: () => confirm(false) } });
      children.push(h("div", { class: "form-buttons" }, yes, no));
      fill(warning, children);
      no.focus();
      return;
    }
    fill(warning, children);
  }

  function liveCheck() {
    if (mode === "none") return;
    dirty = true;
    const proposal = read();
    if (proposal.error) { fill(warning); return; }
    showWarning(localConflicts(base ? base.id : null, proposal));
  }
  for (const input of [titleEn, titleZh, kind, room, daySel, start, end]) input.addEventListener("input", liveCheck);
  for (const input of [kind, room, daySel]) input.addEventListener("change", liveCheck);

  // --- actions -----------------------------------------------------------------------------------

  function select(id, { focus = false } = {}) {
    const session = state.sessions.get(id);
    if (!session) return;
    mode = "edit";
    base = session;
    dirty = false;
    fillOptions();
    load(session);
    clearMessages();
    showWarning(clashesOf(id), { lead: "warn.existing" });
    renderLabels();
    onDayChange(daySel.value);
    onSelect(id);
    if (focus) heading.focus();
  }

  function startNew() {
    mode = "create";
    base = null;
    dirty = false;
    fillOptions();
    clearMessages();
    const d = currentDay();
    daySel.value = d;
    titleEn.value = ""; titleZh.value = ""; kind.value = "talk";
    picker.set([]);
    room.value = state.rooms.length ? String(state.rooms[0].id) : "";
    const now = minutesOfDay(new Date(), state.zone);
    const hour = dayKey(new Date(), state.zone) === d ? Math.min(22 * 60, Math.ceil((now + 1) / 60) * 60) : 9 * 60;
    start.value = clock(hour); end.value = clock(hour + 60);
    renderLabels();
    onSelect(null);
    titleEn.focus();
  }

  function closeForm() {
    mode = "none"; base = null; dirty = false;
    clearMessages();
    renderLabels();
    onSelect(null);
  }
  close.addEventListener("click", closeForm);

  /** A drag ended: put the new place into the form and save it (after a warning if it clashes). */
  function proposeMove(id, where) {
    const session = state.sessions.get(id);
    if (!session) return;
    if (!(mode === "edit" && base && base.id === id && dirty)) select(id);
    room.value = String(where.roomId);
    daySel.value = where.day;
    start.value = clock(where.startMin);
    end.value = where.endMin >= 1440 ? "24:00" : clock(where.endMin);
    dirty = true;
    submit();
  }

  async function submit(confirmed = false) {
    if (busy || mode === "none" || !canEdit) return;
    const proposal = read();
    fill(message); message.className = "form-message";
    if (proposal.error) { showMessage(message, "error", proposal.error); proposal.focus.focus(); return; }
    const clashes = localConflicts(base ? base.id : null, proposal);
    if (clashes.length && !confirmed) {
      showWarning(clashes, { confirm: (yes) => { if (yes) submit(true); else cancelProposal(); } });
      return;
    }
    fill(warning); warning.className = "form-warning";
    if (mode === "create") await create(proposal); else await update(proposal);
  }

  function cancelProposal() {
    if (base) { const current = state.sessions.get(base.id) || base; load(current); dirty = false; }
    clearMessages();
    showMessage(message, "info", t("form.notSaved"));
    save.focus();
  }

  function patchFrom(proposal) {
    const patch = {};
    if (proposal.title.en !== (base.title.en || "") || (proposal.title.zh || "") !== (base.title.zh || "")) patch.title = proposal.title;
    if (proposal.kind !== base.kind) patch.kind = proposal.kind;
    const same = (a, b) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
    if (!same(proposal.speakerIds, base.speakerIds || [])) patch.speakerIds = proposal.speakerIds;
    if (proposal.roomId !== base.roomId) patch.roomId = proposal.roomId;
    if (proposal.startsAt.getTime() !== Date.parse(base.startsAt)) patch.startsAt = wire(proposal.startsAt);
    if (proposal.endsAt.getTime() !== Date.parse(base.endsAt)) patch.endsAt = wire(proposal.endsAt);
    return patch;
  }

  async function run(action) {
    busy = true; renderLabels();
    try { await action(); } finally { busy = false; renderLabels(); }
  }

  async function update(proposal) {
    const patch = patchFrom(proposal);
    if (!Object.keys(patch).length) { showMessage(message, "info", t("form.nothing")); return; }
    await run(async () => {
      try {
        const { data } = await request(eventPath(state.slug, "sessions", base.id), {
          method: "PATCH", body: patch, headers: { "If-Match": `"${base.version}"` },
        });
        store.upsertSession(data, "local");
        base = state.sessions.get(data.id) || data;
        dirty = false;
        load(base);
        onDayChange(daySel.value);
        showMessage(message, "ok", t("form.saved", { title: pick(base.title).text }));
      } catch (error) { failed(error); }
    });
  }

  async function create(proposal) {
    await run(async () => {
      try {
        const { data } = await request(eventPath(state.slug, "sessions"), {
          method: "POST",
          body: { title: proposal.title, kind: proposal.kind, roomId: proposal.roomId, startsAt: wire(proposal.startsAt), endsAt: wire(proposal.endsAt), speakerIds: proposal.speakerIds },
        });
        store.upsertSession(data, "local");
        mode = "edit"; base = state.sessions.get(data.id) || data; dirty = false;
        onDayChange(daySel.value);
        onSelect(data.id);
        showMessage(message, "ok", t("form.created", { title: pick(data.title).text }));
      } catch (error) { failed(error); }
    });
  }

  async function setCancelled(cancelled) {
    const id = base.id;
    await run(async () => {
      try {
        const { data } = cancelled
          ? await request(eventPath(state.slug, "sessions", id), { method: "DELETE", headers: { "If-Match": `"${base.version}"` } })
          : await request(eventPath(state.slug, "sessions", id), { method: "PATCH", body: { status: "scheduled" }, headers: { "If-Match": `"${base.version}"` } });
        store.upsertSession(data, "local");
        base = state.sessions.get(id) || data; dirty = false;
        load(base);
        fill(warning);
        showMessage(message, "ok", t(cancelled ? "form.cancelled" : "form.reinstated", { title: pick(base.title).text }));
      } catch (error) { failed(error); }
    });
  }

  cancelSession.addEventListener("click", () => {
    if (!base) return;
    warning.className = "form-warning is-warning";
    const yes = h("button", { type: "button", class: "button button-danger", id: "f-confirm-cancel", text: t("form.confirmCancel"), on: { click: () => setCancelled(true) } });
    const no = h("button", { type: "button", class: "button", text: t("form.keep"), on: { click: () => { fill(warning); cancelSession.focus(); } } });
    fill(warning, h("p", { text: t("form.cancelQuestion", { title: pick(base.title).text }) }), h("div", { class: "form-buttons" }, yes, no));
    no.focus();
  });
  reinstate.addEventListener("click", () => { if (base) setCancelled(false); });

  function failed(error) {
    if (error.status === 401) return; // the page shows the log-in form
    const children = explain(error, { zone: state.zone, rooms: state.rooms }).map((c) => (typeof c === "string" ? h("p", { text: c }) : c));
    if (error.status === 412 && base) {
      const id = base.id;
      children.push(h("button", { type: "button", class: "button", id: "f-reload", text: t("form.reload"), on: { click: () => reloadSession(id) } }));
    }
    showMessage(message, error.status === 412 ? "stale" : "error", children);
  }

  async function reloadSession(id) {
    try {
      const { data } = await request(eventPath(state.slug, "sessions", id));
      store.upsertSession(data, "local");
      select(id);
      showMessage(message, "info", t("form.reloaded", { version: data.version }));
      titleEn.focus();
    } catch (error) { failed(error); }
  }

  element.addEventListener("submit", (event) => { event.preventDefault(); submit(false); });

  // --- live changes --------------------------------------------------------------------------------

  function refresh(change) {
    if (change && (change.kind === "reset" || change.kind === "rooms" || change.kind === "event")) {
      const keep = { room: room.value, day: daySel.value, kind: kind.value };
      fillOptions();
      room.value = keep.room; daySel.value = keep.day; kind.value = keep.kind;
    }
    if (mode === "edit" && base) {
      const current = state.sessions.get(base.id);
      if (!current) {
        closeForm();
        showMessage(message, "error", t("form.gone"));
      } else if (current.version !== base.version) {
        if (!dirty && !busy) {
          base = current;
          load(current);
          if (change && change.source === "live") showMessage(message, "info", t("form.updatedLive"));
        } else if (!busy && change && change.source === "live") {
          showMessage(message, "info", t("form.changedMeanwhile"));
        }
      } else if (!dirty && !busy) {
        picker.set(current.speakers || []); // a speaker renamed (speaker.updated) keeps the version
      }
    }
    renderLabels();
  }

  fillOptions();
  renderLabels();
  return {
    element, select, startNew, proposeMove, localConflicts, clashesOf, refresh,
    selectedId: () => (mode === "edit" && base ? base.id : null),
  };
}
