// event.js — `/events/{slug}`: event head, live agenda, speakers, registration form and confirmation.
import { api, fieldErrors, pathPart } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, getLang, onLangChange, setTranslated, displayCountry } from "./i18n.js";
import { activeZone, formatDay, formatTime, formatDateTime, zoneLabel, zoneAbbrev, mountZoneSwitch, onZoneModeChange } from "./time.js";
import { connectLive } from "./live.js";
import { Schedule, seatsText } from "./schedule.js";
import { renderAgenda, seatLine, flash } from "./agenda.js";
import { initPage, showError, siteTitle } from "./page.js";
import { createMyAgenda } from "./my-agenda.js";

initPage();
const slug = pathPart(1);
const schedule = new Schedule();
const $ = (id) => document.getElementById(id);
const form = $("register-form");
let renderZoneSwitch = null;
let scrolledToHash = false;
let registered = null;

const zone = () => activeZone(schedule.event.timezone);
const myAgenda = createMyAgenda({ slug, schedule, zone, root: $("my-agenda") });

function renderHead() {
  const event = schedule.event;
  const lang = getLang();
  const venueZone = event.timezone;
  const title = pick(event.title);
  siteTitle(title.text);
  const venue = event.venue || {};
  const seats = seatsText(event.seats, t);
  const description = event.description ? pick(event.description) : null;
  const sameDay = formatDay(event.startsAt, venueZone, lang) === formatDay(event.endsAt, venueZone, lang);
  const abbrev = zoneAbbrev(venueZone, new Date(event.startsAt), lang);
  fill($("event-head"), 
    h("p", { class: "event-kind", text: t(`event.kind.${event.kind}`) }),
    h("h1", { id: "event-title", lang: title.lang || null, text: title.text }),
    h("p", { class: "event-when" },
      h("time", { datetime: event.startsAt, text: `${formatDay(event.startsAt, venueZone, lang)} ${formatTime(event.startsAt, venueZone, lang)}` }),
      " – ",
      h("time", { datetime: event.endsAt, text: `${sameDay ? "" : `${formatDay(event.endsAt, venueZone, lang)} `}${formatTime(event.endsAt, venueZone, lang)}` }),
      ` ${abbrev} (${venueZone})`),
    h("p", { class: "event-where" }, h("span", { class: "label", text: `${t("event.venue")}: ` }),
      [venue.name, venue.address, venue.city, displayCountry(venue.country)].filter(Boolean).join(", ")),
    event.parentSlug ? h("p", {}, `${t("event.sideEventOf")} `, h("a", { href: `/events/${encodeURIComponent(event.parentSlug)}`, text: event.parentSlug })) : null,
    event.status === "cancelled" ? h("p", { class: "notice notice-error", text: t("event.cancelled") }) : null,
    description && description.text ? h("p", { class: "event-description", lang: description.lang || null, text: description.text }) : null,
    h("p", { class: "event-actions" },
      event.status !== "cancelled" ? h("span", { id: "event-seats", class: ["seats", seats.full ? "seats-full" : ""], text: seats.text }) : null,
      h("a", { class: "button", href: `/api/v1/events/${encodeURIComponent(slug)}/schedule.ics`, download: `${slug}.ics`, text: t("event.addToCalendar") })));
}

function renderEventSeats() {
  const el = $("event-seats");
  if (!el) return;
  const seats = seatsText(schedule.event.seats, t);
  el.textContent = seats.text;
  el.classList.toggle("seats-full", seats.full);
}

function renderAnnouncements() {
  const items = [...schedule.announcements.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  $("announcements").hidden = items.length === 0;
  fill($("announcement-list"), ...items.map((a) =>
    setTranslated(h("li", { class: `announcement announcement-${a.severity || "info"}` }), a.text)));
}

function renderAgendaSection(highlight) {
  const hasSessions = schedule.sessions.size > 0;
  $("agenda").hidden = false;
  const z = zone();
  $("zone-note").textContent = t("time.shownIn", { zone: zoneLabel(z, new Date(schedule.event.startsAt), getLang()) });
  if (!hasSessions) {
    fill($("agenda-days"), h("p", { text: t("event.noSessions") }));
    return;
  }
  renderAgenda($("agenda-days"), schedule, { zone: z, lang: getLang(), t, highlight });
  myAgenda.decorate($("agenda-days"));
  if (!scrolledToHash && location.hash.startsWith("#session-")) {
    scrolledToHash = true;
    const target = document.getElementById(location.hash.slice(1));
    if (target) { target.scrollIntoView(); flash(target); }
  }
}

function renderSpeakers() {
  const speakers = new Map();
  for (const s of schedule.sortedSessions()) for (const sp of s.speakers || []) speakers.set(sp.id, sp);
  $("speakers").hidden = speakers.size === 0;
  fill($("speaker-list"), ...[...speakers.values()].map((sp) => {
    const bio = sp.bio ? pick(sp.bio) : null;
    return h("li", { class: "speaker", id: `speaker-${sp.id}` },
      h("h3", {}, h("span", { lang: "en", text: sp.name }), sp.nameZh ? h("span", { class: "name-zh", lang: "zh-Hans", text: ` ${sp.nameZh}` }) : null),
      h("p", { class: "speaker-org", text: [sp.organisation, displayCountry(sp.country)].filter(Boolean).join(", ") }),
      sp.fellow && sp.fellowship ? h("p", { class: "badge badge-fellow" }, h("a", { href: "/fellows", text: `${t("fellows.cohortYear", { year: sp.fellowship.cohort })}` })) : null,
      bio && bio.text ? h("p", { class: "speaker-bio", lang: bio.lang || null, text: bio.text }) : null);
  }));
}

// ---- Registration -------------------------------------------------------------------------

function workshops() {
  return schedule.sortedSessions((s) => s.capacity !== null && s.capacity !== undefined && s.status !== "cancelled");
}

function registrationState() {
  const event = schedule.event;
  const now = Date.now();
  if (event.status === "cancelled" || Date.parse(event.endsAt) < now) return { open: false, text: t("event.registrationClosed") };
  if (event.registrationOpensAt && Date.parse(event.registrationOpensAt) > now) {
    return { open: false, text: t("event.registrationOpens", { when: `${formatDateTime(event.registrationOpensAt, event.timezone, getLang())} (${event.timezone})` }) };
  }
  if (event.registrationClosesAt && Date.parse(event.registrationClosesAt) < now) return { open: false, text: t("event.registrationClosed") };
  return { open: true, text: event.registrationClosesAt ? t("event.registrationCloses", { when: `${formatDateTime(event.registrationClosesAt, event.timezone, getLang())} (${event.timezone})` }) : "" };
}

function renderRegister() {
  $("register").hidden = false;
  form.action = `/events/${encodeURIComponent(slug)}/register`;
  const state = registrationState();
  $("register-window").textContent = state.text;
  form.hidden = !state.open || registered !== null;
  renderWorkshops();
}

function renderWorkshops() {
  const list = $("workshop-list");
  const checked = new Set([...list.querySelectorAll("input:checked")].map((i) => Number(i.value)));
  const items = workshops();
  const z = zone();
  const lang = getLang();
  if (items.length === 0) {
    fill(list, h("p", { class: "hint", text: t("form.noWorkshops") }));
    return;
  }
  fill(list, ...items.map((s) => {
    const id = `workshop-${s.id}`;
    const title = pick(s.title);
    const room = schedule.rooms.get(s.roomId);
    const full = s.seats && (s.seats.available ?? 1) <= 0;
    return h("div", { class: ["workshop-choice", full ? "workshop-full" : ""] },
      h("input", { type: "checkbox", id, name: "sessionIds", value: String(s.id), checked: checked.has(s.id), "aria-describedby": `${id}-seats` }),
      h("label", { for: id },
        h("span", { class: "workshop-title", lang: title.lang || null, text: title.text }),
        h("span", { class: "workshop-when", text: ` — ${formatDay(s.startsAt, z, lang)}, ${formatTime(s.startsAt, z, lang)}–${formatTime(s.endsAt, z, lang)} ${zoneAbbrev(z, new Date(s.startsAt), lang)}${room ? `, ${room.name}` : ""}` })),
      h("p", { class: "workshop-seats", id: `${id}-seats`, dataset: { workshopSeats: s.id }, text: seatLine(s, t) }));
  }));
}

function updateSeatTexts(ids) {
  renderEventSeats();
  for (const id of ids) {
    const session = schedule.sessions.get(id);
    if (!session) continue;
    const text = seatLine(session, t);
    for (const el of document.querySelectorAll(`[data-session-seats="${id}"], [data-workshop-seats="${id}"]`)) {
      if (el.textContent !== text) { el.textContent = text; flash(el); }
    }
  }
}

const FIELDS = ["name", "email", "organisation", "country", "language", "sessionIds", "consent"];

function clearErrors() {
  for (const field of FIELDS) {
    const el = $(`error-${field}`);
    el.hidden = true;
    el.textContent = "";
    const input = form.elements[field];
    if (input && input.setAttribute) input.removeAttribute("aria-invalid");
  }
  $("workshops").classList.remove("invalid");
  $("form-summary").hidden = true;
  fill($("form-summary"), );
}

function showErrors(error) {
  const summary = $("form-summary");
  const byField = fieldErrors(error);
  const items = [];
  for (const [field, messages] of byField) {
    const el = $(`error-${field}`);
    if (el) {
      el.textContent = messages.join(" ");
      el.hidden = false;
      const input = field === "sessionIds" ? null : form.elements[field];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
      if (field === "sessionIds") $("workshops").classList.add("invalid");
      const target = field === "sessionIds" ? "workshops" : `reg-${field}`;
      items.push(h("li", {}, h("a", { href: `#${target}`, text: messages.join(" ") })));
    } else {
      items.push(h("li", { text: `${field}: ${messages.join(" ")}` }));
    }
  }
  let lead = t("form.errorSummary");
  if (error.code === "already-registered") lead = t("form.duplicate");
  else if (error.code === "registration-closed") lead = `${t("form.closed")} ${error.message}`;
  else if (!byField.size) lead = error.status === 0 ? t("error.network") : error.message;
  fill(summary, h("p", { text: lead }), items.length ? h("ul", {}, items) : null);
  summary.hidden = false;
  summary.focus();
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const button = $("register-submit");
  const data = new FormData(form);
  const body = {
    name: String(data.get("name") || ""),
    email: String(data.get("email") || "").trim(),
    language: String(data.get("language") || getLang()),
    sessionIds: data.getAll("sessionIds").map(Number),
    consent: $("reg-consent").checked,
  };
  const organisation = String(data.get("organisation") || "").trim();
  const country = String(data.get("country") || "").trim();
  if (organisation) body.organisation = organisation;
  if (country) body.country = country.toUpperCase();
  button.disabled = true;
  button.textContent = t("form.submitting");
  try {
    registered = await api(`/api/v1/events/${encodeURIComponent(slug)}/registrations`, { method: "POST", body });
    form.hidden = true;
    renderConfirmation();
    $("confirmation").focus();
    if (registered.token && registered.status !== "check-email") myAgenda.useToken(registered.token);
  } catch (error) {
    showErrors(error);
  } finally {
    button.disabled = false;
    button.textContent = t("form.submit");
  }
}

function choiceStatus(choice) {
  if (choice.status === "waitlisted") return choice.waitlistPosition ? t("status.waitlistedN", { n: choice.waitlistPosition }) : t("status.waitlisted");
  return t(`status.${choice.status}`);
}

function renderConfirmation() {
  if (!registered) return;
  if (registered.status === "check-email") return renderCheckEmail();
  const box = $("confirmation");
  const waitlisted = registered.status === "waitlisted";
  const link = `/registrations/${encodeURIComponent(registered.token)}`;
  const z = zone();
  const lang = getLang();
  box.hidden = false;
  box.dataset.status = registered.status;
  fill(box, 
    h("h3", { id: "confirmation-title", text: waitlisted ? t("confirm.titleWaitlist") : t("confirm.title") }),
    h("p", { class: "registration-status", dataset: { status: registered.status } },
      waitlisted ? t("confirm.waitlisted", { n: registered.waitlistPosition ?? "?" }) : t("confirm.confirmed")),
    (registered.sessions || []).length ? h("div", {},
      h("h4", { text: t("confirm.sessions") }),
      h("ul", { class: "choice-list" }, registered.sessions.map((c) => {
        const s = schedule.sessions.get(c.sessionId);
        const title = s ? pick(s.title) : { text: `#${c.sessionId}`, lang: "" };
        return h("li", { dataset: { sessionId: c.sessionId, status: c.status } },
          h("span", { lang: title.lang || null, text: title.text }),
          s ? ` — ${formatDay(s.startsAt, z, lang)} ${formatTime(s.startsAt, z, lang)}: ` : ": ",
          h("strong", { class: `choice-status choice-${c.status}`, text: choiceStatus(c) }));
      }))) : null,
    h("p", { text: t("confirm.link") }),
    h("p", { class: "self-service" }, h("a", { id: "self-service-link", href: link, text: registered.selfServiceUrl || new URL(link, location.href).href })),
    h("p", { class: "event-actions" },
      h("a", { class: "button", href: `/api/v1/registrations/${encodeURIComponent(registered.token)}/schedule.ics`, download: `${slug}-my-programme.ics`, text: t("reg.calendar") }),
      h("a", { class: "button", href: `/api/v1/events/${encodeURIComponent(slug)}/schedule.ics`, download: `${slug}.ics`, text: t("event.addToCalendar") })));
}

// A `verified` event answers every address alike: the place is held until the e-mailed link confirms it.
function renderCheckEmail() {
  const box = $("confirmation");
  box.hidden = false;
  box.dataset.status = "check-email";
  fill(box,
    h("h3", { id: "confirmation-title", text: t("confirm.checkEmailTitle") }),
    h("p", { class: "registration-status", dataset: { status: "check-email" }, text: t("confirm.checkEmail", { minutes: schedule.event.holdMinutes ?? 30 }) }),
    h("p", { text: t("confirm.checkEmailSpam") }));
}

// ---- Wiring ---------------------------------------------------------------------------------

function renderAll(highlight = new Set()) {
  renderHead();
  renderAnnouncements();
  renderAgendaSection(highlight);
  myAgenda.render();
  renderSpeakers();
  renderRegister();
  renderConfirmation();
  if (!renderZoneSwitch) renderZoneSwitch = mountZoneSwitch($("zone-switch"), schedule.event.timezone, t);
  else renderZoneSwitch();
}

function onLive(message) {
  const wasLoaded = schedule.event !== null;
  const before = myAgenda.capture();
  const result = schedule.apply(message);
  myAgenda.observe(message, before, result);
  if (!wasLoaded || message.type === "snapshot") { renderAll(); return; }
  if (result.event) { renderHead(); renderRegister(); }
  if (result.announcements) renderAnnouncements();
  if (result.structural) {
    renderAgendaSection(result.changed);
    renderSpeakers();
    renderWorkshops();
  } else if (result.seats) {
    updateSeatTexts(result.changed);
  }
}

async function load() {
  if (!slug) { showError($("event-head"), { status: 404 }); return; }
  try {
    const detail = await api(`/api/v1/events/${encodeURIComponent(slug)}`);
    schedule.load(detail);
    renderAll();
    myAgenda.loadRegistration();
    connectLive(slug, { since: schedule.seq, onMessage: onLive });
  } catch (error) {
    showError($("event-head"), error);
  }
}

form.addEventListener("submit", submit);
$("reg-language").value = getLang();
onLangChange(() => { if (schedule.event) renderAll(); });
onZoneModeChange(() => { if (schedule.event) { renderAgendaSection(new Set()); myAgenda.render(); renderWorkshops(); renderConfirmation(); } });
load();
