// time.js — times in the venue's zone or the viewer's, always labelled, via Intl.DateTimeFormat.
// Stable exports:
//   viewerZone() → the browser's IANA zone, e.g. "Asia/Shanghai"
//   getZoneMode() / setZoneMode("venue" | "local") → remembered in localStorage "tandem.tz"; notifies listeners
//   onZoneModeChange(fn) → fn(mode); returns an unsubscribe function
//   activeZone(venueZone) → the IANA zone to display given the current mode
//   formatTime(date, zone, lang) → "09:30"
//   formatDay(date, zone, lang) → "Thursday 15 June 2017" / "2017年6月15日星期四"
//   formatDateTime(date, zone, lang) → "Thu 15 Jun 2017, 09:30"
//   dayKey(date, zone) → "2017-06-15" (the calendar day in that zone)
//   zoneLabel(zone, date, lang) → "Europe/Berlin (GMT+2)"; zoneAbbrev(zone, date, lang) → "GMT+2" / "CEST"
//   minutesOfDay(date, zone) → minutes since local midnight in that zone
//   mountZoneSwitch(container, venueZone, t) → renders two radio buttons venue/local into container
//   createClock({scale, start}) → {now(): Date} a clock that may run faster (test hook ?timeScale=N)
const STORAGE_KEY = "tandem.tz";
const listeners = new Set();
let mode = readMode();

function readMode() {
  try { return localStorage.getItem(STORAGE_KEY) === "local" ? "local" : "venue"; } catch { return "venue"; }
}

export function viewerZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { return "UTC"; }
}

export function getZoneMode() { return mode; }

export function setZoneMode(next) {
  mode = next === "local" ? "local" : "venue";
  try { localStorage.setItem(STORAGE_KEY, mode); } catch { /* private mode */ }
  for (const fn of listeners) fn(mode);
}

export function onZoneModeChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function activeZone(venueZone) { return mode === "local" ? viewerZone() : venueZone; }

const cache = new Map();
function formatter(lang, zone, options) {
  const key = `${lang}|${zone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    try { f = new Intl.DateTimeFormat(locale(lang), { timeZone: zone, ...options }); } catch { f = new Intl.DateTimeFormat(locale(lang), { timeZone: "UTC", ...options }); }
    cache.set(key, f);
  }
  return f;
}
function locale(lang) { return lang === "zh" ? "zh-CN" : "en-GB"; }
function toDate(d) { return d instanceof Date ? d : new Date(d); }

export function formatTime(date, zone, lang = "en") {
  return formatter(lang, zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(toDate(date));
}

export function formatDay(date, zone, lang = "en") {
  return formatter(lang, zone, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(toDate(date));
}

export function formatDateTime(date, zone, lang = "en") {
  return formatter(lang, zone, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(toDate(date));
}

export function dayKey(date, zone) {
  const parts = formatter("en", zone, { year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(toDate(date));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function minutesOfDay(date, zone) {
  const parts = formatter("en", zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(toDate(date));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return get("hour") * 60 + get("minute");
}

export function zoneAbbrev(zone, date = new Date(), lang = "en") {
  const part = formatter(lang === "zh" ? "zh" : "en", zone, { timeZoneName: "short", hour: "numeric" })
    .formatToParts(toDate(date)).find((p) => p.type === "timeZoneName");
  return part ? part.value : "";
}

export function zoneLabel(zone, date = new Date(), lang = "en") {
  const abbrev = zoneAbbrev(zone, date, lang);
  return abbrev && abbrev !== zone ? `${zone} (${abbrev})` : zone;
}

let switchCount = 0;
export function mountZoneSwitch(container, venueZone, t) {
  const name = `tz-mode-${++switchCount}`;
  const fieldset = document.createElement("fieldset");
  fieldset.className = "zone-switch";
  const legend = document.createElement("legend");
  fieldset.append(legend);
  const inputs = {};
  const labels = {};
  for (const value of ["venue", "local"]) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.value = value;
    input.checked = mode === value;
    input.dataset.zoneMode = value;
    input.addEventListener("change", () => { if (input.checked) setZoneMode(value); });
    const span = document.createElement("span");
    label.append(input, " ", span);
    fieldset.append(label);
    inputs[value] = input;
    labels[value] = span;
  }
  const render = () => {
    legend.textContent = t("time.zoneSwitch");
    labels.venue.textContent = `${t("time.venue")} (${venueZone})`;
    labels.local.textContent = `${t("time.local")} (${viewerZone()})`;
    inputs[mode].checked = true;
  };
  container.replaceChildren(fieldset);
  render();
  onZoneModeChange(render);
  return render;
}

export function createClock({ scale = 1, start = Date.now() } = {}) {
  const realStart = Date.now();
  return { scale, now: () => new Date(start + (Date.now() - realStart) * scale) };
}
