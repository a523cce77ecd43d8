// door.js — /admin/door/{slug}: the check-in page for a phone or tablet at the entrance. A typed
// (or scanned, where the browser can) check-in code is posted to POST /api/v1/events/{slug}/checkins
// and the answer is shown big, with a word and an icon besides its colour. Codes that cannot be
// sent wait in localStorage (door-queue.js) and go out when the network is back; the counter
// (GET …/checkins/summary) follows the other devices at the same door. Cookie session: without one,
// the page shows a compact log-in form and then the door again.
import "./door-strings.js";
import { h, fill, setText } from "../js/dom.js";
import { t, getLang, setLang, translatePage, mountLangSwitch, onLangChange, setTranslated } from "../js/i18n.js";
import { formatTime, formatDateTime, dayKey } from "../js/time.js";
import { request } from "./client.js";
import { createQueue } from "./door-queue.js";
import { startScanner } from "./door-camera.js";

const $ = (id) => document.getElementById(id);
const slug = decodeURIComponent(location.pathname.split("/").filter(Boolean)[2] || "");
const TICK_MS = 4000; // the counter's refresh and the unsent codes' retry
const ANSWER_WITHIN_MS = 8000; // longer than this, and the code waits in the queue (sending again is harmless)
const OUTCOMES = {
  "checked-in": ["ok", "✓"], "already-checked-in": ["warn", "!"], waitlisted: ["stop", "✗"], cancelled: ["stop", "✗"],
  pending: ["stop", "✗"], "unknown-code": ["stop", "?"], queued: ["queued", "↻"], error: ["stop", "!"],
};

let event = null;
let shown = null; // the answer on screen, kept to re-render it in the other language
const later = []; // answers to codes sent after the network came back, newest first
let cameraNote = "";
let scanner = null;
let ticker = null;
let chain = Promise.resolve();

function eventPath(...parts) { return ["/api/v1/events", slug, ...parts].map((p, i) => (i ? encodeURIComponent(p) : p)).join("/"); }

/** The canonical form of a typed code: "42k7qm3xpt", " 42-k7qm-3xpt " and "４２－Ｋ７ＱＭ－３ＸＰＴ" all give "42-K7QM-3XPT". */
export function normaliseCode(value) {
  const typed = String(value || "").normalize("NFKC").trim();
  const match = /^(\d+)([0-9A-Z]{8})$/.exec(typed.toUpperCase().replace(/[\s\-‐‑–—]/g, ""));
  return match ? `${match[1]}-${match[2].slice(0, 4)}-${match[2].slice(4)}` : typed;
}

// --- talking to the server -----------------------------------------------------------------

const away = (status) => status === 0 || status === 502 || status === 503 || status === 504;

function withTimeout(promise, ms) {
  let timer;
  const late = new Promise((resolve, reject) => { timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { status: 0 })), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Posts one code: {kind: "answer", outcome, name, checkedInAt, code, detail?} or {kind: "later" | "unauthorized" | "forbidden"}. */
async function post(code) {
  try {
    const { data } = await withTimeout(request(eventPath("checkins"), { method: "POST", body: { code } }), ANSWER_WITHIN_MS);
    setOnline(true);
    const registration = data.registration || {};
    return { kind: "answer", code, outcome: data.outcome || (data.alreadyCheckedIn ? "already-checked-in" : "checked-in"),
      name: data.name || registration.name || "", checkedInAt: data.checkedInAt || registration.checkedInAt || null };
  } catch (error) {
    const status = error && typeof error.status === "number" ? error.status : 0;
    const problem = (error && error.problem) || {};
    setOnline(!away(status));
    if (away(status) || status === 429 || status >= 500) return { kind: "later" };
    if (status === 401) return { kind: "unauthorized" };
    if (status === 403) return { kind: "forbidden" };
    if (problem.outcome && OUTCOMES[problem.outcome]) return { kind: "answer", code, outcome: problem.outcome, name: problem.name || "" };
    if (status === 404) return { kind: "answer", code, outcome: "unknown-code", name: "" };
    const detail = status === 422 || status === 400 ? t("door.detail.invalid", { detail: problem.detail || status })
      : t("door.detail.generic", { detail: problem.detail || problem.title || status });
    return { kind: "answer", code, outcome: "error", name: "", detail };
  }
}

const queue = createQueue(`tandem.door.${slug}.unsent`, async (code) => {
  const answer = await post(code);
  if (answer.kind === "unauthorized") sessionEnded();
  return answer.kind === "answer" ? answer : { retry: true };
}, {
  onChange: renderUnsent,
  onSent: (code, answer) => { later.unshift(answer); later.length = Math.min(later.length, 30); renderLater(); refreshCount(); },
});

async function refreshCount() {
  try {
    const { data } = await request(eventPath("checkins", "summary"));
    setOnline(true);
    $("door-count").hidden = false;
    setText($("door-count-number"), `${data.checkedIn} / ${data.confirmed}`);
  } catch (error) {
    const status = error && typeof error.status === "number" ? error.status : 0;
    setOnline(!away(status));
    if (status === 401) sessionEnded();
    else if (status === 403) notice("error", t("door.forbidden"));
  }
}

function setOnline(online) { $("door-offline").hidden = online; }

// --- checking in ---------------------------------------------------------------------------

function submitCode(raw, { scanned = false } = {}) {
  chain = chain.then(() => checkIn(raw, scanned));
  return chain;
}

async function checkIn(raw, scanned) {
  const field = $("door-code");
  const code = normaliseCode(raw);
  if (!code) { show({ outcome: "error", detail: t("door.empty") }); field.focus(); return; }
  $("door-submit").disabled = true;
  const answer = await post(code);
  $("door-submit").disabled = false;
  if (answer.kind === "later" || answer.kind === "unauthorized") {
    queue.add(code);
    show({ outcome: "queued", code });
    if (answer.kind === "unauthorized") { sessionEnded(); return; }
  } else if (answer.kind === "forbidden") {
    show({ outcome: "error", code, detail: t("door.detail.forbidden") });
  } else {
    show(answer);
    refreshCount();
    if (queue.size()) queue.flush();
  }
  // A mistyped code stays, selected, to be corrected or typed over; anything else clears the field.
  if (answer.outcome === "unknown-code" && !scanned) { field.value = raw; field.select(); } else field.value = "";
  field.focus();
}

// --- rendering -----------------------------------------------------------------------------

function checkedInTime(at) {
  if (!at) return "?";
  const zone = (event && event.timezone) || "UTC";
  return dayKey(at, zone) === dayKey(new Date(), zone) ? formatTime(at, zone, getLang()) : formatDateTime(at, zone, getLang());
}

function headline(answer) { return t(`door.outcome.${answer.outcome}`, { time: checkedInTime(answer.checkedInAt) }); }

function show(answer) { shown = answer; renderResult(); }

function renderResult() {
  const box = $("door-result");
  if (!shown) { fill(box); box.className = "door-result"; return; }
  const [tone, icon] = OUTCOMES[shown.outcome] || OUTCOMES.error;
  box.className = `door-result door-${tone}`;
  box.dataset.outcome = shown.outcome;
  const detailKey = `door.detail.${shown.outcome}`;
  const detail = shown.detail || (t(detailKey) === detailKey ? "" : t(detailKey, { code: shown.code }));
  fill(box,
    h("p", { class: "door-headline" }, h("span", { class: "door-icon", "aria-hidden": "true", text: icon }), " ",
      h("span", { text: headline(shown) }), shown.name ? [" — ", h("bdi", { class: "door-name", text: shown.name })] : null),
    detail ? h("p", { class: "door-detail", text: detail }) : null);
}

function renderUnsent(count) {
  const line = $("door-unsent");
  line.hidden = !count;
  setText(line, count ? t(count === 1 ? "door.unsent.one" : "door.unsent.many", { n: count }) : "");
}

function renderLater() {
  $("door-later").hidden = !later.length;
  fill($("door-later-list"), later.map((answer) => {
    const [tone, icon] = OUTCOMES[answer.outcome] || OUTCOMES.error;
    const text = t("door.later.item", { code: answer.code, outcome: headline(answer) + (answer.name ? ` — ${answer.name}` : "") });
    return h("li", { class: `door-later-${tone}`, dataset: { outcome: answer.outcome } }, h("span", { class: "door-icon", "aria-hidden": "true", text: icon }), " ", text);
  }));
}

function renderCameraNote() { setText($("door-camera-note"), cameraNote ? t(`door.camera.${cameraNote}`) : ""); }

function renderTitle() {
  if (event) setTranslated($("door-title"), event.title);
  const name = event ? $("door-title").textContent : slug;
  document.title = `${t("door.pageTitle", { event: name })} — Tandem`;
}

function notice(kind, text) {
  const box = $("door-status");
  box.className = text ? `form-message message-${kind}` : "form-message";
  setText(box, text || "");
}

// --- camera --------------------------------------------------------------------------------

async function startCamera() {
  if (scanner) return;
  if (typeof window.BarcodeDetector === "function") { cameraNote = "starting"; renderCameraNote(); }
  const started = await startScanner($("door-video"), (value) => submitCode(value, { scanned: true }));
  if (started.ok) { scanner = started; $("door-video").hidden = false; cameraNote = "on"; } else cameraNote = started.reason;
  renderCameraNote();
}

function stopCamera() {
  if (scanner) scanner.stop();
  scanner = null;
  $("door-video").hidden = true;
}

// --- session -------------------------------------------------------------------------------

async function showDoor() {
  $("door-login").hidden = true;
  $("door-logout").hidden = false;
  try {
    ({ data: event } = await request(eventPath()));
  } catch (error) {
    const status = error && typeof error.status === "number" ? error.status : 0;
    if (status === 401) { showLogin(); return; }
    if (status === 404 || status === 403) { notice("error", t(status === 404 ? "door.notFound" : "door.forbidden")); return; }
    setOnline(false); // the door works without the event's details: codes wait in the queue
  }
  renderTitle();
  $("door-app").hidden = false;
  $("door-code").focus();
  refreshCount();
  queue.flush();
  clearInterval(ticker);
  ticker = setInterval(() => {
    if (document.hidden) return;
    refreshCount();
    if (queue.size()) queue.flush();
  }, TICK_MS);
  startCamera();
}

function showLogin(message) {
  clearInterval(ticker);
  stopCamera();
  $("door-app").hidden = true;
  $("door-logout").hidden = true;
  $("door-login").hidden = false;
  const box = $("door-login-error");
  box.className = message ? "form-message message-error" : "form-message";
  setText(box, message || "");
  $("door-email").focus();
}

function sessionEnded() { if (!$("door-app").hidden) showLogin(t("door.login.expired")); }

function wireLogin() {
  $("door-login-form").addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const email = $("door-email").value.trim();
    const password = $("door-password").value;
    const box = $("door-login-error");
    const fail = (text) => { box.className = "form-message message-error"; setText(box, text); };
    if (!email || !password) { fail(t("door.login.missing")); (email ? $("door-password") : $("door-email")).focus(); return; }
    $("door-login-submit").disabled = true;
    try {
      await request("/api/v1/auth/login", { method: "POST", body: { email, password } });
      $("door-password").value = "";
      setText(box, "");
      box.className = "form-message";
      showDoor();
    } catch (error) {
      if (error.status === 401) fail(t("door.login.wrong"));
      else if (error.status === 429) fail(t("door.login.throttled", { seconds: error.retryAfter ?? 60 }));
      else fail(t("door.detail.generic", { detail: error.message || error.status }));
    } finally {
      $("door-login-submit").disabled = false;
    }
  });
  $("door-logout").addEventListener("click", async () => {
    try { await request("/api/v1/auth/logout", { method: "POST" }); } catch { /* the session may be gone already */ }
    showLogin();
  });
}

// --- start ---------------------------------------------------------------------------------

async function start() {
  setLang(getLang());
  translatePage();
  mountLangSwitch($("lang-switch"));
  onLangChange(() => { renderTitle(); renderResult(); renderUnsent(queue.size()); renderLater(); renderCameraNote(); });
  renderTitle();
  renderUnsent(queue.size());
  wireLogin();
  $("door-form").addEventListener("submit", (submit) => { submit.preventDefault(); submitCode($("door-code").value); });
  window.addEventListener("online", () => { refreshCount(); queue.flush(); });
  window.addEventListener("offline", () => setOnline(false));
  window.addEventListener("pagehide", stopCamera);
  window.addEventListener("pageshow", (page) => { if (page.persisted && !$("door-app").hidden) startCamera(); });
  // Without the readable CSRF cookie there is no session to ask about (and no 401 to log).
  if (!/(?:^|;\s*)tandem_csrf=[^;]/.test(document.cookie)) { showLogin(); return; }
  try {
    await request("/api/v1/auth/me");
  } catch (error) {
    const status = error && typeof error.status === "number" ? error.status : 0;
    if (!away(status)) { showLogin(); return; }
    setOnline(false); // loaded but the server is away: keep taking codes
  }
  showDoor();
}

start();
