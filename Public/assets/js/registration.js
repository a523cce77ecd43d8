// registration.js — `/registrations/{token}`: the attendee's own registration: status, workshops
// (change them, with a waitlist per workshop), cancel (after confirming), add to calendar, and the
// check-in code for the door with its QR code.
import { api, fieldErrors, pathPart } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, getLang, onLangChange } from "./i18n.js";
import { activeZone, formatDay, formatTime, zoneAbbrev, mountZoneSwitch, onZoneModeChange } from "./time.js";
import { Schedule } from "./schedule.js";
import { seatLine } from "./agenda.js";
import { initPage, showError, siteTitle } from "./page.js";
import { rememberToken, forgetToken } from "./my-agenda-store.js";
import "./my-agenda-strings.js";

initPage();
const token = pathPart(1);
const $ = (id) => document.getElementById(id);
const schedule = new Schedule();
let registration = null;
let renderZoneSwitch = null;
let forgotten = false; // the attendee pressed "Forget it" on this visit: do not remember it again
const tokenPath = () => `/api/v1/registrations/${encodeURIComponent(token)}`;

function statusText(status, position) {
  if (status === "waitlisted") return position ? t("status.waitlistedN", { n: position }) : t("status.waitlisted");
  return t(`status.${status}`);
}

// The check-in code's QR code, to scan at the door. One element for the page's life: re-rendering
// (language, time zone, saved workshops) only changes its alt text and never fetches it again.
let qrImage = null;
function checkInImage(code) {
  if (!qrImage) qrImage = h("img", { id: "check-in-qr", class: "check-in-qr", src: `${tokenPath()}/check-in.svg`, width: 200, height: 200 });
  qrImage.alt = t("reg.checkInQR", { code });
  return qrImage;
}

function render() {
  if (!registration) return;
  const event = registration.event;
  const title = pick(event.title);
  siteTitle(t("reg.title"), title.text);
  const active = registration.status !== "cancelled";
  const z = activeZone(event.timezone);
  const lang = getLang();
  const pending = registration.status === "pending";
  fill($("status"), !active ? h("p", { class: "notice", text: t("reg.cancelledNote") })
    : pending ? h("p", { class: "notice", id: "pending-note" },
      t("reg.pendingNote", { time: `${formatDay(registration.holdExpiresAt, event.timezone, lang)} ${formatTime(registration.holdExpiresAt, event.timezone, lang)}` }), " ",
      h("a", { class: "button", href: `/registrations/${encodeURIComponent(token)}/confirm`, text: t("reg.confirmNow") }))
    : "");
  $("registration").hidden = false;
  fill($("facts"), 
    h("dt", { text: t("reg.event") }),
    h("dd", {}, h("a", { href: `/events/${encodeURIComponent(event.slug)}`, lang: title.lang || null, text: title.text }),
      ` — ${formatDay(event.startsAt, event.timezone, lang)}, ${formatTime(event.startsAt, event.timezone, lang)} ${zoneAbbrev(event.timezone, new Date(event.startsAt), lang)} (${event.timezone})`),
    h("dt", { text: t("reg.name") }), h("dd", { text: registration.name }),
    h("dt", { text: t("reg.email") }), h("dd", { text: registration.email }),
    h("dt", { text: t("reg.status") }),
    h("dd", {}, h("strong", { id: "registration-status", dataset: { status: registration.status }, text: registration.status === "pending" ? t("reg.statusPending") : statusText(registration.status, registration.waitlistPosition) })),
    registration.checkInCode ? h("dt", { text: t("reg.checkInCode") }) : null,
    registration.checkInCode ? h("dd", {}, h("code", { id: "check-in-code", class: "check-in-code", text: registration.checkInCode }),
      h("span", { class: "field-hint", text: ` ${t("reg.checkInHint")}` }), checkInImage(registration.checkInCode)) : null,
    (registration.sessions || []).length ? h("dt", { text: t("confirm.sessions") }) : null,
    (registration.sessions || []).length ? h("dd", {}, h("ul", { class: "choice-list", id: "choices" }, registration.sessions.map((c) => {
      const s = schedule.sessions.get(c.sessionId);
      const st = s ? pick(s.title) : { text: `#${c.sessionId}`, lang: "" };
      return h("li", { dataset: { sessionId: c.sessionId, status: c.status } },
        h("span", { lang: st.lang || null, text: st.text }),
        s ? ` — ${formatDay(s.startsAt, z, lang)} ${formatTime(s.startsAt, z, lang)} ${zoneAbbrev(z, new Date(s.startsAt), lang)}: ` : ": ",
        h("strong", { class: `choice-status choice-${c.status}`, text: statusText(c.status, c.waitlistPosition) }));
    }))) : null);
  fill($("actions"), 
    h("a", { class: "button", href: `/events/${encodeURIComponent(event.slug)}`, text: t("reg.viewEvent") }),
    active ? h("a", { class: "button", href: `${tokenPath()}/schedule.ics`, download: `${event.slug}-my-programme.ics`, text: t("reg.calendar") }) : null,
    // After the event, a checked-in attendee's certificate of attendance.
    active && registration.checkedInAt && Date.parse(event.endsAt) <= Date.now()
      ? h("a", { class: "button button-primary", id: "certificate-link", href: `/registrations/${encodeURIComponent(token)}/certificate`, text: t("reg.certificate") }) : null);
  renderRemembered(active, event.slug);
  const workshops = schedule.sortedSessions((s) => s.capacity !== null && s.capacity !== undefined && (s.status !== "cancelled" || registration.sessions.some((c) => c.sessionId === s.id)));
  const canChange = active && Date.parse(event.endsAt) > Date.now() && workshops.length > 0;
  $("change").hidden = !canChange;
  $("cancel").hidden = !active;
  if (canChange) renderWorkshops(workshops, z, lang);
  if (!renderZoneSwitch) renderZoneSwitch = mountZoneSwitch($("zone-switch"), event.timezone, t);
  else renderZoneSwitch();
}

// The event page shows the workshops of a registration this browser remembers (a same-origin API
// call with the token); the attendee is told so and can make it forget.
function renderRemembered(active, slug) {
  if (!active) forgetToken(slug);
  else if (!forgotten) rememberToken(slug, token);
  fill($("remembered"), !active ? null
    : forgotten ? t("my.forgotten")
    : [`${t("my.rememberedHere")} `, h("button", { type: "button", id: "my-forget", class: "link-button", text: t("my.forget"),
      on: { click: () => { forgotten = true; forgetToken(slug); render(); $("remembered").focus(); } } })]);
}

function renderWorkshops(workshops, z, lang) {
  const chosen = new Map((registration.sessions || []).map((c) => [c.sessionId, c]));
  fill($("workshop-list"), ...workshops.map((s) => {
    const id = `workshop-${s.id}`;
    const title = pick(s.title);
    const choice = chosen.get(s.id);
    return h("div", { class: "workshop-choice" },
      h("input", { type: "checkbox", id, name: "sessionIds", value: String(s.id), checked: !!choice, "aria-describedby": `${id}-seats` }),
      h("label", { for: id },
        h("span", { class: "workshop-title", lang: title.lang || null, text: title.text }),
        h("span", { class: "workshop-when", text: ` — ${formatDay(s.startsAt, z, lang)}, ${formatTime(s.startsAt, z, lang)}–${formatTime(s.endsAt, z, lang)} ${zoneAbbrev(z, new Date(s.startsAt), lang)}` })),
      h("p", { class: "workshop-seats", id: `${id}-seats`, text: [choice ? statusText(choice.status, choice.waitlistPosition) : "", seatLine(s, t)].filter(Boolean).join(" · ") }));
  }));
}

async function refresh() {
  registration = await api(tokenPath());
  const detail = await api(`/api/v1/events/${encodeURIComponent(registration.event.slug)}`);
  schedule.load(detail);
  render();
}

async function saveWorkshops(e) {
  e.preventDefault();
  const summary = $("change-summary");
  const error = $("error-sessionIds");
  summary.hidden = true; error.hidden = true; $("change-result").hidden = true;
  $("workshops").classList.remove("invalid");
  const sessionIds = [...$("workshop-list").querySelectorAll("input:checked")].map((i) => Number(i.value));
  const button = $("change-submit");
  button.disabled = true;
  try {
    const updated = await api(tokenPath(), { method: "PATCH", body: { sessionIds } });
    registration = { ...registration, ...updated, event: registration.event };
    const detail = await api(`/api/v1/events/${encodeURIComponent(registration.event.slug)}`);
    schedule.load(detail);
    render();
    $("change-result").textContent = t("reg.saved");
    $("change-result").hidden = false;
  } catch (err) {
    const messages = fieldErrors(err);
    if (messages.size) {
      error.textContent = [...messages.values()].flat().join(" ");
      error.hidden = false;
      $("workshops").classList.add("invalid");
    }
    summary.textContent = messages.size ? t("form.errorSummary") : err.message;
    summary.hidden = false;
    summary.focus();
  } finally {
    button.disabled = false;
  }
}

async function cancelRegistration() {
  try {
    await api(tokenPath(), { method: "DELETE" });
    await refresh();
    $("status").focus?.();
  } catch (err) {
    showError($("status"), err);
  }
}

$("change-form").addEventListener("submit", saveWorkshops);
$("cancel-open").addEventListener("click", () => $("cancel-dialog").showModal());
$("cancel-dialog").addEventListener("close", () => {
  if ($("cancel-dialog").returnValue === "cancel") cancelRegistration();
  else $("cancel-open").focus();
});
onLangChange(render);
onZoneModeChange(render);

(async () => {
  if (!token) { fill($("status"), h("p", { class: "notice notice-error", text: t("reg.notFound") })); return; }
  try {
    await refresh();
  } catch (error) {
    if (error.status === 404) fill($("status"), h("p", { class: "notice notice-error", role: "alert", text: t("reg.notFound") }));
    else showError($("status"), error);
  }
})();
