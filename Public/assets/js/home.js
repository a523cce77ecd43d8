// home.js — `/`: upcoming (and past) events with seat counts kept live.
import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, onLangChange, getLang, displayCountry } from "./i18n.js";
import { formatDay, formatTime, zoneAbbrev } from "./time.js";
import { connectLive } from "./live.js";
import { seatsText } from "./schedule.js";
import { initPage, showError, siteTitle } from "./page.js";

initPage();
const list = document.getElementById("events");
let events = [];
const feeds = new Map();

function isUpcoming(event, now = Date.now()) { return Date.parse(event.endsAt) >= now; }

function card(event) {
  const lang = getLang();
  const zone = event.timezone;
  const title = pick(event.title);
  const seats = seatsText(event.seats, t);
  const venue = event.venue || {};
  return h("li", { class: "event-card", dataset: { slug: event.slug } },
    h("article", {},
      h("p", { class: "event-kind", text: t(`event.kind.${event.kind}`) }),
      h("h3", {}, h("a", { href: `/events/${encodeURIComponent(event.slug)}`, lang: title.lang || null, text: title.text })),
      h("p", { class: "event-when" },
        h("time", { datetime: event.startsAt, text: formatDay(event.startsAt, zone, lang) }), " · ",
        `${formatTime(event.startsAt, zone, lang)} ${zoneAbbrev(zone, new Date(event.startsAt), lang)} (${zone})`),
      h("p", { class: "event-where", text: [venue.name, venue.city, displayCountry(venue.country)].filter(Boolean).join(", ") }),
      event.status === "cancelled" ? h("p", { class: "badge badge-cancelled", text: t("event.cancelled") }) : null,
      isUpcoming(event) && event.status !== "cancelled"
        ? h("p", { class: ["seats", seats.full ? "seats-full" : ""], dataset: { seats: event.slug }, "aria-live": "polite", text: seats.text })
        : null));
}

function render() {
  siteTitle(t("nav.events"));
  const now = Date.now();
  const upcoming = events.filter((e) => isUpcoming(e, now)).sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const past = events.filter((e) => !isUpcoming(e, now)).sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
  fill(list, 
    h("section", { "aria-labelledby": "upcoming-heading" },
      h("h2", { id: "upcoming-heading", text: t("home.upcoming") }),
      upcoming.length ? h("ul", { class: "event-list" }, upcoming.map(card)) : h("p", { text: t("home.none") })),
    past.length ? h("section", { "aria-labelledby": "past-heading" },
      h("h2", { id: "past-heading", text: t("home.past") }),
      h("ul", { class: "event-list event-list-past" }, past.map(card))) : null);
}

function updateSeats(slug, seats) {
  const event = events.find((e) => e.slug === slug);
  if (!event) return;
  event.seats = seats;
  const el = list.querySelector(`[data-seats="${CSS.escape(slug)}"]`);
  if (!el) return;
  const s = seatsText(seats, t);
  el.textContent = s.text;
  el.classList.toggle("seats-full", s.full);
}

function follow() {
  for (const event of events) {
    if (!isUpcoming(event) || event.status === "cancelled" || feeds.has(event.slug)) continue;
    feeds.set(event.slug, connectLive(event.slug, {
      since: event.scheduleVersion,
      onMessage: (m) => {
        if (m.type === "seats.changed" && m.data && m.data.event) updateSeats(event.slug, m.data.event);
        else if (m.type === "snapshot" && m.data && m.data.seats) updateSeats(event.slug, m.data.seats);
        else if (m.type === "event.updated" && m.data) { Object.assign(event, m.data); render(); }
      },
    }));
  }
}

async function load() {
  try {
    const page = await api("/api/v1/events");
    events = page.items || [];
    render();
    follow();
  } catch (error) {
    showError(list, error);
  }
}

onLangChange(render);
load();
