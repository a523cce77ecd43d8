// screen.js — `/screen/{slug}` (`?room=ID`): a hallway TV (1920×1080) with now/next per room,
// a clock in venue time, an announcements ticker and a live/reconnecting/offline dot.
// Built to run for weeks: one interval, one socket, a fixed set of nodes updated in place
// (cards are rebuilt only when the set of rooms changes), expired announcements pruned.
// Starts without the network too (screen-offline.js): the service worker keeps the page and its
// assets, the last agenda and its seq are kept in localStorage, shown at once on a cold start with
// "offline since HH:MM" (venue time, like the clock: the last moment the screen knew it was live),
// and the feed resumes from that seq when the server answers.
// Test hooks: `?timeScale=N` runs the clock N times faster, `?at=ISO` starts it at that instant;
// `window.tandemScreen` exposes {now(), status(), lastSeq(), offlineSince(), offlineReady()} for browser tests.
import "./site-strings.js";
import { pathPart } from "./api.js";
import { h, setText } from "./dom.js";
import { t, pick, getLang, onLangChange, mountLangSwitch, setLang } from "./i18n.js";
import { formatTime, formatDay, formatDateTime, dayKey, zoneAbbrev, createClock } from "./time.js";
import { connectLive } from "./live.js";
import { Schedule } from "./schedule.js";
import { createSnapshotStore, registerScreenWorker } from "./screen-offline.js";

const params = new URLSearchParams(location.search);
const slug = pathPart(1);
const room = params.get("room");
const scale = Math.max(1, Number(params.get("timeScale")) || 1);
const at = params.get("at") ? Date.parse(params.get("at")) : NaN;
const clock = createClock({ scale, start: Number.isNaN(at) ? Date.now() : at });
if (params.get("lang") === "zh" || params.get("lang") === "en") setLang(params.get("lang"));
else setLang(getLang());

const schedule = new Schedule({ room });
const $ = (id) => document.getElementById(id);
const roomsEl = $("rooms");
let cards = new Map(); // roomId → {root, fields}
let roomSignature = "";
let status = "connecting";
let feed = null;
const realStart = Date.now();
const store = createSnapshotStore(slug, room);
let offlineSince = null; // ms (screen clock): the last moment the screen knew it was live, while it is not
let liveTouched = 0;
let saveTimer = null;
let offlineReady = null;
const TOUCH_EVERY_MS = 60000;

function other(lang) { return lang === "zh" ? "en" : "zh"; }

/// Primary text in the chosen language, secondary in the other one when it differs.
function bilingual(primaryEl, altEl, translated) {
  const lang = getLang();
  const main = pick(translated);
  setText(primaryEl, main.text);
  primaryEl.lang = main.lang || "";
  const second = translated && translated[other(lang)];
  const show = second && second !== main.text ? second : "";
  setText(altEl, show);
  altEl.lang = other(lang) === "zh" ? "zh-Hans" : "en";
}

function makeCard(r) {
  const slot = (kind) => {
    const label = h("p", { class: "slot-label" });
    const time = h("p", { class: "slot-time" });
    const title = h("p", { class: "slot-title" });
    const alt = h("p", { class: "slot-alt alt" });
    const who = h("p", { class: "slot-who" });
    const root = h("section", { class: `slot slot-${kind}` }, label, time, title, alt, who);
    return { root, label, time, title, alt, who, key: "" };
  };
  const name = h("h2", { class: "room-name", text: r.name });
  const now = slot("now");
  const next = slot("next");
  const root = h("article", { class: "room-card", dataset: { roomId: r.id } }, name, now.root, next.root);
  return { root, name, now, next };
}

function syncCards() {
  let rooms = schedule.sortedRooms();
  if (room !== null) rooms = rooms.filter((r) => String(r.id) === String(room));
  const signature = rooms.map((r) => r.id).join(",");
  if (signature !== roomSignature) {
    roomSignature = signature;
    cards = new Map(rooms.map((r) => [r.id, makeCard(r)]));
    roomsEl.dataset.count = String(rooms.length);
    roomsEl.replaceChildren(...[...cards.values()].map((c) => c.root));
  }
  for (const r of rooms) setText(cards.get(r.id).name, r.name);
}

function fillSlot(slot, kind, session, now, zone, lang) {
  const key = session ? `${session.id}|${session.version}|${session.status}|${lang}|${zone}|${dayKey(now, zone)}` : `none|${lang}|${kind}`;
  setText(slot.label, t(kind === "now" ? "screen.now" : "screen.next"));
  if (slot.key === key) return;
  slot.key = key;
  slot.root.classList.toggle("empty", !session);
  if (!session) {
    setText(slot.time, "");
    setText(slot.title, kind === "now" ? t("screen.nothingNow") : t("screen.nothingNext"));
    setText(slot.alt, "");
    setText(slot.who, "");
    slot.root.dataset.sessionId = "";
    return;
  }
  slot.root.dataset.sessionId = String(session.id);
  const sameDay = dayKey(session.startsAt, zone) === dayKey(now, zone);
  setText(slot.time, `${sameDay ? "" : `${formatDay(session.startsAt, zone, lang)}, `}${formatTime(session.startsAt, zone, lang)}–${formatTime(session.endsAt, zone, lang)}`);
  bilingual(slot.title, slot.alt, session.title);
  setText(slot.who, (session.speakers || []).map((s) => (lang === "zh" && s.nameZh ? s.nameZh : s.name)).join(", "));
  slot.root.classList.remove("flash");
  void slot.root.offsetWidth; // restart the highlight animation
  slot.root.classList.add("flash");
}

function nowNext(roomId, nowMs) {
  let current = null;
  let next = null;
  for (const s of schedule.sessions.values()) {
    if (s.roomId !== roomId || s.status === "cancelled") continue;
    const start = Date.parse(s.startsAt);
    const end = Date.parse(s.endsAt);
    if (start <= nowMs && nowMs < end) { if (!current || start > Date.parse(current.startsAt)) current = s; }
    else if (start > nowMs && (!next || start < Date.parse(next.startsAt))) next = s;
  }
  return { current, next };
}

function pruneAnnouncements(nowMs) {
  for (const [id, a] of schedule.announcements) {
    if (a.expiresAt && Date.parse(a.expiresAt) <= nowMs) schedule.announcements.delete(id);
  }
}

function renderTicker(nowMs) {
  const items = [...schedule.announcements.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const ticker = $("ticker");
  if (!items.length) { ticker.hidden = true; setText($("ticker-text"), ""); return; }
  ticker.hidden = false;
  const index = Math.floor((Date.now() - realStart) / 10000) % items.length;
  const a = items[index];
  const text = pick(a.text);
  setText($("ticker-text"), text.text);
  $("ticker-text").lang = text.lang || "";
  ticker.dataset.severity = a.severity || "info";
  void nowMs;
}

function currentZone() {
  return schedule.event ? schedule.event.timezone : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function tick() {
  const now = clock.now();
  const nowMs = now.getTime();
  const lang = getLang();
  const event = schedule.event;
  const zone = currentZone();
  if (status === "live" && Date.now() - liveTouched >= TOUCH_EVERY_MS) touchLive(nowMs);
  setText($("clock"), formatTime(now, zone, lang));
  $("clock").dateTime = now.toISOString();
  setText($("clock-meta"), `${formatDay(now, zone, lang)} · ${zoneAbbrev(zone, now, lang)} ${zone}`);
  if (!event) return;
  pruneAnnouncements(nowMs);
  for (const [roomId, card] of cards) {
    const { current, next } = nowNext(roomId, nowMs);
    fillSlot(card.now, "now", current, now, zone, lang);
    fillSlot(card.next, "next", next, now, zone, lang);
  }
  renderTicker(nowMs);
}

function renderEvent() {
  if (!schedule.event) return;
  bilingual($("event-title"), $("event-title-alt"), schedule.event.title);
  document.title = `${pick(schedule.event.title).text} — Tandem`;
}

/// "09:12" in the venue's zone, with the day when it was not today.
function sinceText(ms) {
  const zone = currentZone();
  const lang = getLang();
  return dayKey(ms, zone) === dayKey(clock.now(), zone) ? formatTime(ms, zone, lang) : formatDateTime(ms, zone, lang);
}

function renderStatus() {
  const el = $("live-status");
  el.dataset.state = status;
  const since = status === "offline" && offlineSince !== null;
  el.dataset.offlineSince = since ? new Date(offlineSince).toISOString() : "";
  setText($("live-status-text"), since ? t("screen.offlineSince", { time: sinceText(offlineSince) }) : t(`screen.${status}`));
}

/// Records `ms` (screen clock) as the last moment known live; at most once a real minute from tick().
function touchLive(ms) {
  liveTouched = Date.now();
  store.touch(ms);
}

function saveSoon() {
  if (saveTimer !== null) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    if (feed) store.save(schedule, feed.lastSeq);
  }, 300);
}

function onMessage(message) {
  const result = schedule.apply(message);
  if (result.event || message.type === "snapshot") renderEvent();
  if (result.rooms || message.type === "snapshot") syncCards();
  tick();
  saveSoon();
}

function onStatus(next) {
  const now = clock.now().getTime();
  if (next === "live") {
    offlineSince = null;
    touchLive(now);
  } else if (status === "live") {
    offlineSince = now;
    touchLive(now);
  }
  status = next;
  renderStatus();
}

/// A cold start shows the last agenda this browser saw, until the server answers.
function restore() {
  const stored = slug ? store.read() : null;
  if (!stored) return null;
  schedule.load(stored.detail);
  schedule.seq = stored.seq;
  offlineSince = stored.liveAt;
  renderEvent();
  syncCards();
  return stored.seq;
}

onLangChange(() => {
  for (const card of cards.values()) { card.now.key = ""; card.next.key = ""; }
  renderEvent();
  renderStatus();
  tick();
});
mountLangSwitch($("lang-switch"));
const since = restore();
renderStatus();
tick();
setInterval(tick, 1000);
if (slug) {
  feed = connectLive(slug, { room, since, onMessage, onStatus });
  registerScreenWorker((version) => { offlineReady = version; });
}

window.tandemScreen = Object.freeze({
  now: () => clock.now().toISOString(),
  status: () => status,
  lastSeq: () => (feed ? feed.lastSeq : null),
  offlineSince: () => (offlineSince === null ? null : new Date(offlineSince).toISOString()),
  offlineReady: () => offlineReady,
  scale,
});
