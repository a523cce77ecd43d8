// venue-time.js — wall-clock times in the event's venue zone, for the editor's inputs.
// Exports:
//   wallToDate(dayKey "YYYY-MM-DD", minutes, zone) → Date (the instant that wall time names in zone)
//   eventDays(startsAt, endsAt, zone) → ["YYYY-MM-DD", …] every calendar day the event touches in zone
//   addDays(dayKey, n) → dayKey
//   parseClock("9:30" | "09:30") → minutes since midnight, or null
//   clock(minutes) → "09:30"
//   wire(date) → "2026-11-29T09:30:00Z" (what the API accepts)
//   wireInZone(date, zone) → "2026-11-29T09:30:00+01:00" (the same instant with the venue's offset then)
//   parseDay("2027-03-28") → "2027-03-28" or null; wallParts(instant, zone) → {day, clock} as the venue reads it
import { dayKey, minutesOfDay } from "../js/time.js";

const offsetFormatters = new Map();

/** Minutes the zone is ahead of UTC at `date`. */
function zoneOffset(date, zone) {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    offsetFormatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
  const asUTC = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUTC - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

export function wallToDate(day, minutes, zone) {
  const [y, m, d] = day.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const first = zoneOffset(new Date(guess), zone);
  let instant = guess - first * 60000;
  const second = zoneOffset(new Date(instant), zone);
  if (second !== first) instant = guess - second * 60000;
  return new Date(instant);
}

export function addDays(day, n) {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + n));
  return date.toISOString().slice(0, 10);
}

export function eventDays(startsAt, endsAt, zone) {
  const first = dayKey(new Date(startsAt), zone);
  const end = new Date(endsAt);
  // An event ending at midnight does not touch the next day.
  const last = dayKey(new Date(end.getTime() - (minutesOfDay(end, zone) === 0 ? 60000 : 0)), zone);
  const days = [first];
  while (days[days.length - 1] < last && days.length < 60) days.push(addDays(days[days.length - 1], 1));
  return days;
}

export function parseClock(text) {
  const match = /^\s*(\d{1,2})[:.h](\d{2})\s*$/.exec(String(text || ""));
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

export function clock(minutes) {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

export function wireInZone(date, zone) {
  const offset = zoneOffset(date, zone);
  const local = new Date(date.getTime() + offset * 60000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export function parseDay(text) {
  const match = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(String(text || ""));
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export function wallParts(instant, zone) {
  const date = new Date(instant);
  return { day: dayKey(date, zone), clock: clock(minutesOfDay(date, zone)) };
}

export function wire(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
