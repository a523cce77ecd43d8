// agenda.js — renders an event's agenda: one section per day, a rooms × time CSS grid on wide
// screens that becomes a plain list on phones (the DOM is in time order, so the list reads right).
// Stable exports:
//   renderAgenda(container, schedule, {zone, lang, t, highlight: Set(sessionId)}) → replaces container's content
//   sessionCard(session, schedule, {zone, lang, t, headingLevel}) → <article id="session-ID">
//   seatLine(session, t) → text for a workshop's seats, or "" when it has no own capacity
import { h } from "./dom.js";
import { pick } from "./i18n.js";
import { formatDay, formatTime, dayKey, minutesOfDay } from "./time.js";

const SLOT = 5; // minutes per grid row

export function seatLine(session, t) {
  const seats = session.seats;
  if (!seats || seats.capacity === null || seats.capacity === undefined) return "";
  const left = seats.available ?? Math.max(0, seats.capacity - seats.confirmed);
  return left > 0 ? t("seats.workshopLeft", { n: left, capacity: seats.capacity }) : t("seats.workshopFull", { n: seats.waitlisted });
}

function speakerLine(speaker, lang) {
  const name = lang === "zh" && speaker.nameZh ? speaker.nameZh : speaker.name;
  return h("li", {}, h("span", { class: "speaker-name", text: name }),
    speaker.organisation ? h("span", { class: "speaker-org", text: `, ${speaker.organisation}` }) : null);
}

export function sessionCard(session, schedule, { zone, lang, t, headingLevel = "h4" }) {
  const title = pick(session.title);
  const cancelled = session.status === "cancelled";
  const room = schedule.rooms.get(session.roomId);
  const abstract = session.abstract ? pick(session.abstract) : null;
  const seats = seatLine(session, t);
  return h("article", {
    id: `session-${session.id}`,
    class: ["session", `session-${session.kind}`, cancelled ? "session-cancelled" : ""],
    dataset: { sessionId: session.id, status: session.status },
    "aria-labelledby": `session-title-${session.id}`,
  },
  h("p", { class: "session-time" },
    h("time", { datetime: session.startsAt, text: formatTime(session.startsAt, zone, lang) }), "–",
    h("time", { datetime: session.endsAt, text: formatTime(session.endsAt, zone, lang) }),
    h("span", { class: "session-room", text: room ? ` · ${room.name}` : "" })),
  h(headingLevel, { class: "session-title", id: `session-title-${session.id}`, lang: title.lang || null, text: title.text }),
  h("p", { class: "session-meta" },
    h("span", { class: "session-kind", text: t(`session.kind.${session.kind}`) || session.kind }),
    cancelled ? h("strong", { class: "badge badge-cancelled", text: t("session.cancelled") }) : null,
    session.language ? h("span", { class: "session-lang", text: t("session.language", { lang: session.language === "zh" ? "中文" : session.language === "en" ? "English" : session.language }) }) : null),
  (session.speakers || []).length ? h("ul", { class: "session-speakers" }, session.speakers.map((s) => speakerLine(s, lang))) : null,
  abstract && abstract.text ? h("p", { class: "session-abstract", lang: abstract.lang || null, text: abstract.text }) : null,
  seats ? h("p", { class: "session-seats", dataset: { sessionSeats: session.id }, text: seats }) : null);
}

export function renderAgenda(container, schedule, { zone, lang, t, highlight = new Set() }) {
  const rooms = schedule.sortedRooms();
  const sessions = schedule.sortedSessions();
  const days = new Map();
  for (const s of sessions) {
    const key = dayKey(s.startsAt, zone);
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(s);
  }
  const sections = [];
  for (const [key, daySessions] of days) {
    const starts = daySessions.map((s) => minutesOfDay(s.startsAt, zone));
    const ends = daySessions.map((s) => {
      const m = minutesOfDay(s.endsAt, zone);
      return dayKey(s.endsAt, zone) === key && m > 0 ? m : 24 * 60;
    });
    const first = Math.floor(Math.min(...starts) / 60) * 60;
    const last = Math.ceil(Math.max(...ends) / 60) * 60;
    const dayRooms = rooms.filter((r) => daySessions.some((s) => s.roomId === r.id));
    const column = new Map(dayRooms.map((r, i) => [r.id, i + 2]));
    const grid = h("div", { class: "agenda-grid", dataset: { rooms: dayRooms.length } });
    grid.style.gridTemplateColumns = `4.5rem repeat(${Math.max(1, dayRooms.length)}, minmax(11rem, 1fr))`;
    grid.style.gridTemplateRows = `auto repeat(${Math.max(1, (last - first) / SLOT)}, minmax(0.55rem, auto))`;
    dayRooms.forEach((room, i) => {
      const head = h("div", { class: "room-head", "aria-hidden": "true", text: room.name });
      head.style.gridColumn = String(i + 2);
      head.style.gridRow = "1";
      grid.append(head);
    });
    for (let m = first; m < last; m += 60) {
      const label = h("div", { class: "hour-label", "aria-hidden": "true", text: `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:00` });
      label.style.gridColumn = "1";
      label.style.gridRow = `${2 + (m - first) / SLOT} / span ${60 / SLOT}`;
      grid.append(label);
    }
    daySessions.forEach((s, i) => {
      const card = sessionCard(s, schedule, { zone, lang, t });
      if (highlight.has(s.id)) flash(card);
      const startRow = 2 + Math.floor((starts[i] - first) / SLOT);
      const endRow = Math.max(startRow + 1, 2 + Math.ceil((ends[i] - first) / SLOT));
      card.style.gridRow = `${startRow} / ${endRow}`;
      card.style.gridColumn = String(column.get(s.roomId) ?? 2);
      grid.append(card);
    });
    sections.push(h("section", { class: "agenda-day", "aria-labelledby": `day-${key}` },
      h("h3", { id: `day-${key}`, text: formatDay(daySessions[0].startsAt, zone, lang) }), grid));
  }
  container.replaceChildren(...sections);
}

/// Briefly highlights an element (CSS animation class), cleaning up after itself.
export function flash(el) {
  el.classList.add("flash");
  el.addEventListener("animationend", () => el.classList.remove("flash"), { once: true });
}
