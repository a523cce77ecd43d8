// client.js — the organiser's view of the shared client (../js/api.js): cookie session, the CSRF
// header on every change, a hook for 401, no HTTP cache. Nothing else: one client for the whole site.
// Exports:
//   request(path, {method, body, contentType, headers}) → Promise<{status, data, headers}>; throws AdminError on non-2xx.
//   AdminError — the shared ApiError (status, problem, errors, code, retryAfter, etag).
//   setCsrfToken(token) — the token from login / me, used when the tandem_csrf cookie cannot be read.
//   onUnauthorized(fn) — fn(error) runs on every 401 (the page shows the log-in form).
//   eventPath(slug, ...parts) → "/api/v1/events/<slug>/<parts>" with each part URI-encoded.
import { ApiError, request as send } from "../js/api.js";

let csrfToken = null;
let unauthorizedHandler = () => {};

export const AdminError = ApiError;
export function setCsrfToken(token) { csrfToken = token || null; }
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

function cookieCsrf() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "tandem_csrf") return decodeURIComponent(rest.join("="));
  }
  return null;
}

export async function request(path, options = {}) {
  try {
    return await send(path, { cache: "no-store", ...options, csrf: cookieCsrf() || csrfToken });
  } catch (error) {
    if (error.status === 401 && !path.endsWith("/auth/login")) unauthorizedHandler(error);
    throw error;
  }
}

export function eventPath(slug, ...parts) {
  return ["/api/v1/events", slug, ...parts].map((p, i) => (i === 0 ? p : encodeURIComponent(String(p)))).join("/");
}
