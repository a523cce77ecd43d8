// client.js — the organiser's HTTP client: cookie session, CSRF header on every change, problem+json errors.
// Exports:
//   request(path, {method, body, headers}) → Promise<{status, data, headers}>; throws AdminError on non-2xx.
//   class AdminError extends ApiError { retryAfter (seconds|null), etag (string|null) }
//   setCsrfToken(token) — the token from login / me, used when the tandem_csrf cookie cannot be read.
//   onUnauthorized(fn) — fn(error) runs on every 401 (the page shows the log-in form).
//   eventPath(slug, ...parts) → "/api/v1/events/<slug>/<parts>" with each part URI-encoded.
import { ApiError } from "../js/api.js";

let csrfToken = null;
let unauthorizedHandler = () => {};

export class AdminError extends ApiError {
  constructor(status, problem, headers) {
    super(status, problem);
    this.name = "AdminError";
    const retry = headers ? Number.parseInt(headers.get("Retry-After") || "", 10) : NaN;
    this.retryAfter = Number.isFinite(retry) ? retry : null;
    this.etag = headers ? headers.get("ETag") : null;
  }
}

export function setCsrfToken(token) { csrfToken = token || null; }
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

function cookieCsrf() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "tandem_csrf") return decodeURIComponent(rest.join("="));
  }
  return null;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export async function request(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (!SAFE.has(method)) {
    const token = cookieCsrf() || csrfToken;
    if (token) init.headers["X-CSRF-Token"] = token;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new AdminError(0, { title: "Network error", detail: "The server cannot be reached." }, null);
  }
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  if (response.status !== 204 && type.includes("json")) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (!response.ok) {
    const error = new AdminError(response.status, data, response.headers);
    if (response.status === 401 && !path.endsWith("/auth/login")) unauthorizedHandler(error);
    throw error;
  }
  return { status: response.status, data, headers: response.headers };
}

export function eventPath(slug, ...parts) {
  return ["/api/v1/events", slug, ...parts].map((p, i) => (i === 0 ? p : encodeURIComponent(String(p)))).join("/");
}
