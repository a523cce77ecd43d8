// api.js — the JSON client for Tandem's HTTP API (shared by every page, also imported by Public/admin/).
// Stable exports:
//   api(path, {method, body, headers, token, signal}) → Promise<parsed JSON | null (204)>;
//       throws ApiError on any non-2xx (problem+json parsed into .problem).
//   class ApiError extends Error { status, problem, errors: [{field, message}], code }
//   fieldErrors(error) → Map(field → [messages]) (from problem.errors; "sessionIds[0]" → "sessionIds")
//   pathPart(n) → the n-th non-empty segment of location.pathname, decoded (e.g. pathPart(1) on /events/x → "x")
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || null;
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

export async function api(path, { method = "GET", body, headers = {}, token, signal } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, signal, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new ApiError(0, { title: "Network error", detail: "The server cannot be reached." });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  if (type.includes("json")) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
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
