// my-agenda.js — the event page's personal agenda: stars on sessions (kept in this browser), the
// workshops of a remembered registration, "My agenda" in start order, and notices (and, if allowed,
// browser notifications) when one of those sessions moves, changes room, is delayed or cancelled.
// Stable exports:
//   createMyAgenda({slug, schedule, zone, root}) → {
//     decorate(container)  adds a star toggle to every .session card in container
//     render()             re-renders My agenda, its tools and the notices (language, zone, live changes)
//     capture() → Map      the attendee's sessions as they are, to call before applying a live message
//     observe(message, before, result)  after applying it: queues what changed for them into a notice
//     useToken(token)      remembers a registration's private token for this event and shows its workshops
//     loadRegistration()   shows the workshops of the token remembered for this event, if any }
//   COMBINE_MS: changes arriving within this many milliseconds of the first become one notice.
import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, getLang } from "./i18n.js";
import { formatDay, formatTime, formatDateTime, dayKey, zoneAbbrev } from "./time.js";
import { starredIds, setStarred, rememberedToken, rememberToken, forgetToken, notificationsWanted, setNotificationsWanted } from "./my-agenda-store.js";
import "./my-agenda-strings.js";

export const COMBINE_MS = 3000;
const MAX_NOTICES = 5;

function choiceStatus(choice) {
  if (choice.status === "waitlisted") return choice.waitlistPosition ? t("status.waitlistedN", { n: choice.waitlistPosition }) : t("status.waitlisted");
  return t(`status.${choice.status}`);
}

/** What a notice needs of a session, copied before a change replaces it. */
function place(session) {
  return { id: session.id, title: session.title, roomId: session.roomId, startsAt: session.startsAt, endsAt: session.endsAt, status: session.status };
}

export function createMyAgenda({ slug, schedule, zone, root }) {
  const $ = (id) => document.getElementById(id);
  let stars = starredIds(slug);
  let token = rememberedToken(slug);
  let registration = null;
  let statusLine = "";
  const notices = [];
  let pending = null; // {first: Map(id → before), delayed: Set(id), timer}
  let noticeCount = 0;
  let seatsRefresh = null;

  const booked = () => {
    const map = new Map();
    if (!registration || registration.status === "cancelled") return map;
    for (const choice of registration.sessions || []) if (choice.status !== "cancelled") map.set(choice.sessionId, choice);
    return map;
  };
  const mine = () => new Set([...stars, ...booked().keys()]);

  // ---- Stars --------------------------------------------------------------------------------

  function starButton(session) {
    const on = stars.has(session.id);
    const title = pick(session.title).text;
    return h("button", {
      type: "button", class: "star-toggle", "aria-pressed": on ? "true" : "false",
      "aria-label": t("my.star", { title }), title: t("my.star", { title }),
      dataset: { star: session.id },
      on: { click: () => toggleStar(session.id) },
    }, h("span", { "aria-hidden": "true", text: on ? "★" : "☆" }));
  }

  function toggleStar(id) {
    const from = document.activeElement;
    const fromList = from && from.closest && from.closest("#my-agenda-list");
    stars = setStarred(slug, id, !stars.has(id));
    for (const button of document.querySelectorAll(`[data-star="${id}"]`)) {
      const on = stars.has(id);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.firstChild.textContent = on ? "★" : "☆";
    }
    const card = document.getElementById(`session-${id}`);
    if (card) card.classList.toggle("session-starred", stars.has(id));
    renderList();
    // Unstarring from My agenda removes the row that had the focus: give it to the list's heading.
    if (fromList && !document.body.contains(from)) $("my-agenda-heading").focus();
  }

  function decorate(container) {
    for (const card of container.querySelectorAll("article.session[data-session-id]")) {
      const session = schedule.sessions.get(Number(card.dataset.sessionId));
      if (!session || card.querySelector(".star-toggle")) continue;
      card.classList.toggle("session-starred", stars.has(session.id));
      card.prepend(starButton(session));
    }
  }

  // ---- Registration -------------------------------------------------------------------------

  async function loadRegistration() {
    if (!token) { registration = null; render(); return; }
    try {
      const found = await api(`/api/v1/registrations/${encodeURIComponent(token)}`);
      const eventSlug = found.eventSlug || (found.event && found.event.slug);
      registration = eventSlug === slug ? found : null;
      // A cancelled registration books nothing any more: forget it, as its own page does.
      if (registration && registration.status === "cancelled") { forgetToken(slug); token = null; registration = null; }
    } catch (error) {
      // An unknown token (the registration was erased) is forgotten; a network error keeps it for next time.
      if (error && error.status === 404) { forgetToken(slug); token = null; }
      registration = null;
    }
    render();
  }

  function useToken(next) {
    rememberToken(slug, next);
    token = rememberedToken(slug);
    statusLine = "";
    return loadRegistration();
  }

  function forget() {
    forgetToken(slug);
    token = null;
    registration = null;
    statusLine = t("my.forgotten");
    render();
    $("my-agenda-heading").focus();
  }

  // ---- Notifications ------------------------------------------------------------------------

  const canNotify = () => typeof window.Notification === "function";
  const notifying = () => canNotify() && notificationsWanted() && window.Notification.permission === "granted";

  async function toggleNotifications() {
    if (notifying()) { setNotificationsWanted(false); renderTools(); return; }
    if (!canNotify()) { renderTools(); return; }
    let permission = window.Notification.permission;
    // Asked only here, after the attendee pressed the button; never on load.
    if (permission === "default") {
      try { permission = await window.Notification.requestPermission(); } catch { permission = "denied"; }
    }
    setNotificationsWanted(permission === "granted");
    renderTools();
  }

  function notify(lines) {
    if (!notifying()) return;
    try {
      new window.Notification(t("notice.title"), { body: lines.join("\n"), tag: `tandem-agenda-${slug}`, lang: getLang() === "zh" ? "zh-Hans" : "en" });
    } catch { /* some browsers only notify from a service worker: the notice on the page remains */ }
  }

  // ---- Change notices -----------------------------------------------------------------------

  function capture() {
    const before = new Map();
    for (const id of mine()) {
      const s = schedule.sessions.get(id);
      if (s) before.set(id, place(s));
    }
    return before;
  }

  function observe(message, before) {
    if (!before.size || !schedule.event) return;
    const touched = [];
    for (const [id, was] of before) {
      const now = schedule.sessions.get(id);
      if (!now || now.roomId !== was.roomId || now.startsAt !== was.startsAt || now.status !== was.status) touched.push([id, was]);
    }
    if (!touched.length) return;
    if (!pending) pending = { first: new Map(), delayed: new Set(), timer: setTimeout(flush, COMBINE_MS) };
    for (const [id, was] of touched) {
      if (!pending.first.has(id)) pending.first.set(id, was);
      if (message.type === "schedule.delayed") pending.delayed.add(id);
    }
  }

  /** The queued changes, from the first state seen to the current one, as one notice. */
  function flush() {
    const { first, delayed } = pending;
    pending = null;
    const items = [];
    for (const [id, was] of first) {
      const now = schedule.sessions.get(id);
      const item = describe(was, now ? place(now) : null, delayed.has(id));
      if (item) items.push(item);
    }
    if (!items.length) return;
    const notice = { id: ++noticeCount, at: new Date().toISOString(), items };
    notices.unshift(notice);
    notices.length = Math.min(notices.length, MAX_NOTICES);
    renderNotices();
    notify(items.map(itemText));
  }

  function describe(was, now, delayed) {
    if (!now) return { kind: "removed", was, now: null };
    const cancelledNow = now.status === "cancelled";
    if (cancelledNow && was.status !== "cancelled") return { kind: "cancelled", was, now };
    if (!cancelledNow && was.status === "cancelled") return { kind: "restored", was, now };
    const roomChanged = now.roomId !== was.roomId;
    const timeChanged = now.startsAt !== was.startsAt;
    if (!roomChanged && !timeChanged) return null;
    const minutes = Math.round((Date.parse(now.startsAt) - Date.parse(was.startsAt)) / 60000);
    if (!roomChanged && delayed && minutes > 0) return { kind: "delayed", was, now, minutes };
    return { kind: roomChanged && timeChanged ? "moved" : roomChanged ? "room" : "time", was, now };
  }

  const roomName = (id) => { const room = schedule.rooms.get(id); return room ? room.name : `#${id}`; };
  // The time, with the day when the change crosses midnight (in the zone the page shows).
  function when(at, other) {
    const z = zone();
    return dayKey(at, z) === dayKey(other, z) ? formatTime(at, z, getLang()) : formatDateTime(at, z, getLang());
  }
  const where = (p, other) => t("notice.place", { room: roomName(p.roomId), time: when(p.startsAt, other.startsAt) });

  function itemText(item) {
    const { was, now } = item;
    const title = t("notice.quoted", { title: pick((now || was).title).text });
    switch (item.kind) {
      case "removed": return t("notice.removed", { title, before: where(was, was) });
      case "cancelled": return t("notice.cancelled", { title, before: where(was, was) });
      case "restored": return t("notice.restored", { title, after: where(now, now) });
      case "delayed": return t("notice.delayed", { title, minutes: item.minutes, after: when(now.startsAt, was.startsAt), before: when(was.startsAt, now.startsAt) });
      case "room": return t("notice.moved", { title, after: roomName(now.roomId), before: roomName(was.roomId) });
      case "time": return t("notice.time", { title, after: when(now.startsAt, was.startsAt), before: when(was.startsAt, now.startsAt) });
      default: return t("notice.moved", { title, after: where(now, was), before: where(was, now) });
    }
  }

  function dismiss(id) {
    const index = notices.findIndex((n) => n.id === id);
    if (index >= 0) notices.splice(index, 1);
    renderNotices();
    $("my-agenda-heading").focus();
  }

  function renderNotices() {
    const box = $("agenda-notices");
    const lang = getLang();
    fill(box, ...notices.map((notice) => {
      const time = formatTime(notice.at, zone(), lang);
      return h("div", { class: "notice change-notice", id: `change-notice-${notice.id}`, dataset: { notice: notice.id } },
        h("p", { class: "change-notice-title" }, h("strong", { text: t("notice.titleAt", { time }) })),
        h("ul", {}, notice.items.map((item) => h("li", { dataset: { sessionId: (item.now || item.was).id, change: item.kind }, text: itemText(item) }))),
        h("button", { type: "button", class: "button change-notice-dismiss", "aria-label": t("notice.dismissLabel", { time }),
          on: { click: () => dismiss(notice.id) } }, t("notice.dismiss")));
    }));
  }

  // ---- My agenda ----------------------------------------------------------------------------

  function renderTools() {
    const tools = $("my-agenda-tools");
    const notifyOn = notifying();
    const denied = canNotify() && window.Notification.permission === "denied";
    const reg = registration && registration.status !== "cancelled" ? registration : null;
    fill(tools,
      h("p", { class: "event-actions" },
        canNotify() ? h("button", { type: "button", id: "notify-toggle", class: "button", "aria-pressed": notifyOn ? "true" : "false",
          "aria-describedby": "notify-hint", on: { click: toggleNotifications } }, h("span", { "aria-hidden": "true", text: notifyOn ? "✓ " : "" }), t("my.notifyOn")) : null,
        reg ? h("a", { id: "my-calendar", class: "button", href: `/api/v1/registrations/${encodeURIComponent(token)}/schedule.ics`,
          download: `${slug}-my-programme.ics`, text: t("my.calendar") }) : null,
        reg ? h("a", { id: "my-registration", href: `/registrations/${encodeURIComponent(token)}`, text: t("my.change") }) : null),
      h("p", { id: "notify-hint", class: "hint", text: !canNotify() ? t("my.notifyUnsupported") : denied ? t("my.notifyBlocked") : t("my.notifyHint") }),
      token ? h("p", { id: "my-remembered", class: "hint" }, `${t("my.remembered")} `,
        h("button", { type: "button", id: "my-forget", class: "link-button", on: { click: forget }, text: t("my.forget") })) : null);
    const line = $("my-agenda-status");
    if (line.textContent !== statusLine) line.textContent = statusLine;
  }

  function renderList() {
    const list = $("my-agenda-list");
    const chosen = booked();
    const ids = mine();
    const sessions = schedule.sortedSessions((s) => ids.has(s.id));
    if (!sessions.length) { fill(list, h("p", { class: "hint", id: "my-agenda-empty", text: t("my.empty") })); return; }
    const z = zone();
    const lang = getLang();
    const days = new Map();
    for (const s of sessions) {
      const key = dayKey(s.startsAt, z);
      if (!days.has(key)) days.set(key, []);
      days.get(key).push(s);
    }
    fill(list, ...[...days].map(([key, daySessions]) => h("section", { class: "my-agenda-day", "aria-labelledby": `my-day-${key}` },
      h("h3", { id: `my-day-${key}`, text: formatDay(daySessions[0].startsAt, z, lang) }),
      h("ol", { class: "my-agenda-items" }, daySessions.map((s) => {
        const title = pick(s.title);
        const room = schedule.rooms.get(s.roomId);
        const choice = chosen.get(s.id);
        const cancelled = s.status === "cancelled";
        return h("li", { class: ["my-agenda-item", cancelled ? "session-cancelled" : "", choice ? "my-agenda-booked" : ""], id: `my-session-${s.id}`,
          dataset: { sessionId: s.id, booked: choice ? "true" : "false", starred: stars.has(s.id) ? "true" : "false" } },
        h("p", { class: "session-time" },
          h("time", { datetime: s.startsAt, text: formatTime(s.startsAt, z, lang) }), "–",
          h("time", { datetime: s.endsAt, text: formatTime(s.endsAt, z, lang) }),
          ` ${zoneAbbrev(z, new Date(s.startsAt), lang)}`, room ? h("span", { class: "my-agenda-room", text: ` · ${room.name}` }) : null),
        h("p", { class: "my-agenda-title" }, h("a", { href: `#session-${s.id}`, lang: title.lang || null, text: title.text })),
        h("p", { class: "session-meta" },
          choice ? h("strong", { class: `badge badge-booked choice-${choice.status}`, text: t("my.bookedStatus", { status: choiceStatus(choice) }) }) : null,
          cancelled ? h("strong", { class: "badge badge-cancelled", text: t("session.cancelled") }) : null),
        starButton(s));
      })))));
  }

  function render() {
    if (!schedule.event) return;
    root.hidden = false;
    renderTools();
    renderList();
    renderNotices();
    for (const card of document.querySelectorAll("#agenda-days article.session[data-session-id]")) {
      card.classList.toggle("session-starred", stars.has(Number(card.dataset.sessionId)));
    }
  }

  function observeResult(message, before, result) {
    observe(message, before);
    if (result.structural || result.seats || message.type === "snapshot") renderList();
    // A seat freed in a workshop this attendee waits for may have promoted them: ask again, spread
    // over a few seconds so that the pages of a big waitlist do not all ask at once.
    const waiting = [...result.changed].some((id) => { const c = booked().get(id); return c && c.status !== "confirmed"; });
    if (result.seats && token && waiting && !seatsRefresh) {
      seatsRefresh = setTimeout(() => { seatsRefresh = null; loadRegistration(); }, 500 + Math.random() * 2500);
    }
  }

  return { decorate, render, capture, observe: observeResult, useToken, loadRegistration };
}
