// api.js — the one HTTP client for Tandem's API: the attendee pages use it directly, the organiser
// pages through Public/assets/admin/client.js (which adds the CSRF header and the 401 hook).
// Stable exports:
//   request(path, {method, body, contentType, headers, token, csrf, cache, signal})
//       → Promise<{status, data, headers}>; data is parsed JSON, or null (204, not JSON).
//       body: an object (sent as JSON) or a string/Blob (sent as `contentType`, e.g. "text/csv").
//       csrf: a token sent as X-CSRF-Token on every request that changes something.
//       Throws ApiError on any non-2xx (problem+json parsed into .problem).
//   api(path, options) → Promise<data> (the same, just the parsed body).
//   class ApiError extends Error { status, problem, errors: [{field, message}], code,
//                                   retryAfter (seconds|null), etag (string|null) }
//   fieldErrors(error) → Map(field → [messages]) (from problem.errors; "sessionIds[0]" → "sessionIds")
//   pathPart(n) → the n-th non-empty segment of location.pathname, decoded (e.g. pathPart(1) on /events/x → "x")
export class ApiError extends Error {
  constructor(status, problem, headers = null) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || null;
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
    const retry = headers ? Number.parseInt(headers.get("Retry-After") || "", 10) : NaN;
    this.retryAfter = Number.isFinite(retry) ? retry : null;
    this.etag = headers ? headers.get("ETag") : null;
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export async function request(path, { method = "GET", body, contentType, headers = {}, token, csrf, cache, signal } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, signal, credentials: "same-origin" };
  if (cache) init.cache = cache;
  if (body !== undefined) {
    const raw = typeof body === "string" || (typeof Blob !== "undefined" && body instanceof Blob);
    init.headers["Content-Type"] = contentType || (raw ? "text/plain" : "application/json");
    init.body = raw ? body : JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (csrf && !SAFE.has(method)) init.headers["X-CSRF-Token"] = csrf;
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new ApiError(0, { title: "Network error", detail: "The server cannot be reached." });
  }
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  if (response.status !== 204 && type.includes("json")) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (!response.ok) throw new ApiError(response.status, data, response.headers);
  return { status: response.status, data, headers: response.headers };
}

export async function api(path, options) {
  return (await request(path, options)).data;
}

export function fieldErrors(error) {
  const map = new Map();
  for (const { field, message } of (error && error.errors) || []) {
    const key = String(field || "").replace(/\[\d+\]$/, "").split(".")[0];
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(message);
  }
  return map;
}

export function pathPart(n) {
  const parts = location.pathname.split("/").filter(Boolean);
  return parts[n] === undefined ? null : decodeURIComponent(parts[n]);
}
