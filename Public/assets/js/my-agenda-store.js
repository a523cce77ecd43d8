// my-agenda-store.js — what this browser keeps for an attendee, per event, in localStorage (no account):
// the sessions they starred, the private token of their registration (so the event page can show
// their booked workshops) and whether they want browser notifications of changes.
// Stable exports:
//   starredIds(slug) → Set(sessionId); setStarred(slug, id, on) → the new Set
//   rememberedToken(slug) → string | null; rememberToken(slug, token); forgetToken(slug)
//   notificationsWanted() → bool; setNotificationsWanted(bool)
const STARS = (slug) => `tandem.stars.${slug}`;
const TOKEN = (slug) => `tandem.registration.${slug}`;
const NOTIFY = "tandem.notify";

function read(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch { /* private mode or full: the page still works for this visit */ }
}

export function starredIds(slug) {
  let ids = [];
  try { ids = JSON.parse(read(STARS(slug)) || "[]"); } catch { ids = []; }
  return new Set(Array.isArray(ids) ? ids.filter((id) => Number.isSafeInteger(id) && id > 0) : []);
}

export function setStarred(slug, id, on) {
  const ids = starredIds(slug);
  if (on) ids.add(id); else ids.delete(id);
  write(STARS(slug), ids.size ? JSON.stringify([...ids]) : null);
  return ids;
}

// Only a plausible token is kept or sent: it goes into a same-origin API path, never elsewhere.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{8,200}$/;

export function rememberedToken(slug) {
  const token = read(TOKEN(slug));
  return token && TOKEN_SHAPE.test(token) ? token : null;
}

export function rememberToken(slug, token) {
  if (slug && typeof token === "string" && TOKEN_SHAPE.test(token)) write(TOKEN(slug), token);
}

export function forgetToken(slug) { write(TOKEN(slug), null); }

export function notificationsWanted() { return read(NOTIFY) === "on"; }

export function setNotificationsWanted(on) { write(NOTIFY, on ? "on" : null); }
