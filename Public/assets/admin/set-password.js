// set-password.js — /admin/set-password#TOKEN: the page an invited organiser opens from the e-mail.
// The one-time token is read from the fragment (which browsers never send), taken out of the
// address bar at once (history, screenshots, shoulder-surfing), and only ever posted to
// POST /api/v1/auth/set-password with the new password.
import "./set-password-strings.js";
import { setText } from "../js/dom.js";
import { t, getLang, setLang, translatePage, mountLangSwitch, onLangChange } from "../js/i18n.js";
import { request } from "./client.js";

const $ = (id) => document.getElementById(id);
const MIN_LENGTH = 12; // PasswordPolicy.minimumLength
const MAX_BYTES = 72; // PasswordPolicy.maximumBytes (bcrypt's limit)

const token = takeToken();
// What is shown, as string keys, so that the language switch can re-render it.
let status = null; // {kind, key, vars}
const errors = { password: null, confirm: null }; // {key, vars} or {text}

function takeToken() {
  let value = location.hash.replace(/^#/, "");
  try { value = decodeURIComponent(value); } catch { /* keep it as it is: the server says whether it works */ }
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return value.trim();
}

/** The server's rule messages (PasswordPolicy) in the page's language; anything else as the server said it. */
function ruleMessage(message) {
  const known = [[/at least/, "setpw.tooShort"], [/NUL/, "setpw.nul"], [/at most .* bytes/, "setpw.tooLong"], [/common/, "setpw.common"]];
  const found = known.find(([pattern]) => pattern.test(message || ""));
  return found ? { key: found[1] } : { text: message };
}

function text(message) { return message ? (message.key ? t(message.key, message.vars) : message.text) : ""; }

function render() {
  const box = $("setpw-status");
  box.className = status ? `form-message message-${status.kind}` : "form-message";
  setText(box, status ? t(status.key, status.vars) : "");
  for (const [field, message] of Object.entries(errors)) {
    const input = $(`setpw-${field}`);
    setText($(`setpw-${field}-error`), text(message));
    if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }
  document.title = `${t("setpw.title")} — Tandem`;
}

function finish(kind, key, vars) {
  status = { kind, key, vars };
  $("setpw-form").hidden = true;
  $("setpw-login").hidden = false;
  render();
}

function check(password, confirm) {
  errors.password = null;
  errors.confirm = null;
  if ([...password].length < MIN_LENGTH) errors.password = { key: "setpw.tooShort" };
  else if (new TextEncoder().encode(password).length > MAX_BYTES) errors.password = { key: "setpw.tooLong" };
  else if (password !== confirm) errors.confirm = { key: "setpw.mismatch" };
  return !errors.password && !errors.confirm;
}

async function submit(event) {
  event.preventDefault();
  const password = $("setpw-password").value;
  status = null;
  if (!check(password, $("setpw-confirm").value)) {
    render();
    $(errors.password ? "setpw-password" : "setpw-confirm").focus();
    return;
  }
  render();
  $("setpw-submit").disabled = true;
  try {
    const { data } = await request("/api/v1/auth/set-password", { method: "POST", body: { token, password } });
    finish("ok", "setpw.done", { email: (data && data.email) || "" });
    $("setpw-login").querySelector("a").focus();
  } catch (error) {
    const problem = (error && error.problem) || {};
    if (error.status === 400 && problem.code === "invite-link-invalid") { finish("error", "setpw.invalid"); return; }
    if (error.status === 422) {
      const fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
      const first = fieldErrors.find((e) => e.field === "password") || fieldErrors[0];
      errors.password = ruleMessage(first ? first.message : problem.detail);
      render();
      $("setpw-password").focus();
      return;
    }
    if (error.status === 429) status = { kind: "error", key: "setpw.throttled", vars: { seconds: error.retryAfter ?? 60 } };
    else if (!error.status) status = { kind: "error", key: "setpw.network" };
    else status = { kind: "error", key: "setpw.error", vars: { detail: problem.detail || problem.title || error.status } };
    render();
  } finally {
    $("setpw-submit").disabled = false;
  }
}

setLang(getLang());
translatePage();
mountLangSwitch($("lang-switch"));
onLangChange(render);
$("setpw-form").addEventListener("submit", submit);
if (token) {
  $("setpw-form").hidden = false;
  render();
  $("setpw-password").focus();
} else {
  finish("error", "setpw.noToken");
}
