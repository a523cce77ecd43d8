// certificate-view.js — one certificate of attendance as an A4 page (certificate.css), in English
// and Chinese side by side whatever the page's language: the attendee's page and the organiser's
// print-out both use it. Everything from the server goes in as text, never as markup.
// Stable exports:
//   certificateElement(certificate) → <article class="certificate"> for a certificate from the API
//   eventDates(event, lang) → "Thursday 15 June 2017 – Friday 16 June 2017" in the event's zone
//   hoursText(hours, lang) → "1.5 h" / "1.5 小时"
import "./certificate-strings.js";
import { h } from "./dom.js";
import { tIn } from "./i18n.js";
import { formatDay, formatTime, dayKey } from "./time.js";

const LANGS = [["en", "en"], ["zh", "zh-Hans"]];

function inLang(translated, lang) {
  if (!translated) return { text: "", lang: "" };
  if (translated[lang]) return { text: translated[lang], lang: lang === "zh" ? "zh-Hans" : lang };
  return { text: translated.en || "", lang: "en" };
}

export function eventDates(event, lang) {
  const zone = event.timezone;
  const start = formatDay(event.startsAt, zone, lang);
  // An event that ends at midnight ends on the day before.
  const last = new Date(Date.parse(event.endsAt) - 1);
  return dayKey(event.startsAt, zone) === dayKey(last, zone) ? start : `${start} – ${formatDay(last, zone, lang)}`;
}

export function hoursText(hours, lang) {
  const n = new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-GB", { maximumFractionDigits: 2 }).format(hours);
  return tIn(lang, "cert.hoursValue", { n });
}

function both(key, tag = "span", attrs = {}) {
  return LANGS.map(([lang, attr]) => h(tag, { ...attrs, lang: attr, class: ["cert-lang", attrs.class].filter(Boolean).join(" "), text: tIn(lang, key) }));
}

function statement(certificate, lang, attr) {
  const event = certificate.event;
  const title = inLang(event.title, lang);
  const template = tIn(lang, "cert.attended", { event: "\u0000", venue: event.venue.name, city: event.venue.city, dates: eventDates(event, lang) });
  const [before, after] = template.split("\u0000");
  return h("p", { class: "cert-statement", lang: attr }, before, h("strong", { class: "cert-event", lang: title.lang || null, text: title.text }), after);
}

function workshopRow(workshop, zone) {
  const en = inLang(workshop.title, "en");
  const zh = workshop.title.zh && workshop.title.zh !== workshop.title.en ? workshop.title.zh : null;
  return h("tr", { dataset: { sessionId: workshop.sessionId } },
    h("th", { scope: "row" }, h("span", { lang: en.lang || null, text: en.text }), zh ? h("span", { class: "cert-zh-title", lang: "zh-Hans", text: zh }) : null),
    h("td", { class: "cert-when", text: `${dayKey(workshop.startsAt, zone)} ${formatTime(workshop.startsAt, zone)}–${formatTime(workshop.endsAt, zone)}` }),
    h("td", { class: "cert-hours", text: String(workshop.hours) }));
}

export function certificateElement(certificate) {
  const zone = certificate.event.timezone;
  const workshops = certificate.workshops || [];
  const table = workshops.length
    ? h("table", { class: "cert-workshops" },
      h("caption", {}, ...both("cert.workshops")),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, ...both("cert.workshop")),
        h("th", { scope: "col" }, ...LANGS.map(([lang, attr]) => h("span", { class: "cert-lang", lang: attr, text: tIn(lang, "cert.when", { zone }) }))),
        h("th", { scope: "col", class: "cert-hours" }, ...both("cert.hours")))),
      h("tbody", {}, workshops.map((w) => workshopRow(w, zone))),
      h("tfoot", {}, h("tr", {},
        h("th", { scope: "row", colspan: 2 }, ...both("cert.total")),
        h("td", { class: "cert-hours cert-total", text: String(certificate.workshopHours) }))))
    : h("p", { class: "cert-no-workshops" }, ...both("cert.noWorkshops"));
  const organisers = (certificate.organisers || []).length
    ? h("div", { class: "cert-organisers" },
      h("p", { class: "cert-label" }, ...both("cert.organisers")),
      h("p", { class: "cert-organiser-names" }, certificate.organisers.map((name) => h("span", { class: "cert-organiser", text: name }))))
    : null;
  return h("article", { class: "certificate", dataset: { registrationId: certificate.registrationId }, "aria-label": `${tIn("en", "cert.heading")}: ${certificate.name}` },
    h("p", { class: "cert-brand", lang: "en", text: "Tandem" }),
    h("h2", { class: "cert-heading" }, ...both("cert.heading")),
    h("div", { class: "cert-certifies" }, ...both("cert.certifies", "p")),
    h("p", { class: "cert-name", text: certificate.name }),
    certificate.organisation ? h("p", { class: "cert-organisation", text: certificate.organisation }) : null,
    h("div", { class: "cert-statements" }, LANGS.map(([lang, attr]) => statement(certificate, lang, attr))),
    table,
    organisers,
    h("footer", { class: "cert-verification" },
      h("img", { class: "cert-qr", src: certificate.qrCodeUrl, width: 116, height: 116, alt: tIn("en", "cert.qr", { url: certificate.verificationUrl }) }),
      h("div", {},
        h("p", { class: "cert-label" }, ...both("cert.verify")),
        h("p", {}, h("a", { class: "cert-url", href: certificate.verificationUrl, text: certificate.verificationUrl })),
        h("p", { class: "cert-label" }, ...both("cert.code")),
        h("p", {}, h("code", { class: "cert-code", text: certificate.verificationCode })))));
}
