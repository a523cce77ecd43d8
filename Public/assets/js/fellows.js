// fellows.js — `/fellows`: the programme's fellows by cohort, filterable by cohort, country and text,
// each linking to the sessions they speak in. Data: GET /api/v1/speakers?fellow=true.
import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, getLang, onLangChange, displayCountry } from "./i18n.js";
import { formatDay, formatTime, zoneAbbrev } from "./time.js";
import { initPage, showError, siteTitle } from "./page.js";

initPage();
const $ = (id) => document.getElementById(id);
const form = $("filters");
let fellows = [];

const params = new URLSearchParams(location.search);
const initial = { cohort: params.get("cohort") || "", country: params.get("country") || "", q: params.get("q") || "" };

function haystack(f) {
  return [f.name, f.nameZh, f.organisation, f.country, displayCountry(f.country), f.fellowship && f.fellowship.partnerOrganisation,
    ...(f.topics || []), f.bio && f.bio.en, f.bio && f.bio.zh].filter(Boolean).join(" ").toLowerCase();
}

function fillSelect(select, values, label) {
  const current = select.value;
  select.replaceChildren(h("option", { value: "", text: t("fellows.all") }),
    ...values.map((v) => h("option", { value: String(v), text: label(v) })));
  select.value = values.map(String).includes(current) ? current : "";
}

function renderFilters() {
  const cohorts = [...new Set(fellows.map((f) => f.fellowship && f.fellowship.cohort).filter(Boolean))].sort((a, b) => b - a);
  const countries = [...new Set(fellows.map((f) => f.country).filter(Boolean))]
    .sort((a, b) => displayCountry(a).localeCompare(displayCountry(b), getLang() === "zh" ? "zh" : "en"));
  fillSelect($("filter-cohort"), cohorts, (c) => t("fellows.cohortYear", { year: c }));
  fillSelect($("filter-country"), countries, (c) => displayCountry(c));
}

function card(f) {
  const lang = getLang();
  const bio = f.bio ? pick(f.bio) : null;
  const sessions = f.sessions || [];
  return h("li", { class: "fellow", id: `fellow-${f.id}`, dataset: { fellowId: f.id } },
    h("article", { "aria-labelledby": `fellow-name-${f.id}` },
      h("h3", { id: `fellow-name-${f.id}` }, h("span", { lang: "en", text: f.name }),
        f.nameZh ? h("span", { class: "name-zh", lang: "zh-Hans", text: ` ${f.nameZh}` }) : null),
      h("dl", { class: "facts facts-compact" },
        f.organisation ? [h("dt", { text: t("fellows.organisation") }), h("dd", { text: f.organisation })] : null,
        f.fellowship && f.fellowship.partnerOrganisation ? [h("dt", { text: t("fellows.partner") }), h("dd", { text: f.fellowship.partnerOrganisation })] : null,
        f.country ? [h("dt", { text: t("fellows.country") }), h("dd", { text: displayCountry(f.country) })] : null,
        (f.topics || []).length ? [h("dt", { text: t("fellows.topics") }), h("dd", {}, h("ul", { class: "tags" }, f.topics.map((topic) => h("li", { text: topic }))))] : null),
      bio && bio.text ? h("p", { class: "fellow-bio", lang: bio.lang || null, text: bio.text }) : null,
      sessions.length ? h("div", { class: "fellow-sessions" },
        h("h4", { text: t("fellows.sessions") }),
        h("ul", {}, sessions.map((s) => {
          const title = pick(s.title);
          const eventTitle = pick(s.eventTitle);
          const zone = s.timezone || "UTC";
          return h("li", {},
            h("a", { href: `/events/${encodeURIComponent(s.eventSlug)}#session-${s.sessionId}`, lang: title.lang || null, text: title.text }),
            h("span", { class: "hint" }, " — ", h("span", { lang: eventTitle.lang || null, text: eventTitle.text }),
              s.startsAt ? `, ${formatDay(s.startsAt, zone, lang)} ${formatTime(s.startsAt, zone, lang)} ${zoneAbbrev(zone, new Date(s.startsAt), lang)}` : ""));
        }))) : null));
}

function render() {
  siteTitle(t("fellows.title"));
  const cohort = $("filter-cohort").value;
  const country = $("filter-country").value;
  const words = $("filter-text").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = fellows.filter((f) =>
    (!cohort || String(f.fellowship && f.fellowship.cohort) === cohort) &&
    (!country || f.country === country) &&
    words.every((w) => haystack(f).includes(w)));
  const groups = new Map();
  for (const f of shown) {
    const c = (f.fellowship && f.fellowship.cohort) || 0;
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c).push(f);
  }
  const collator = new Intl.Collator(getLang() === "zh" ? "zh" : "en");
  $("fellow-count").textContent = shown.length === 1 ? t("fellows.countOne") : t("fellows.count", { n: shown.length });
  if (!shown.length) { fill($("fellows"), h("p", { class: "notice", text: t("fellows.none") })); return; }
  fill($("fellows"), ...[...groups.keys()].sort((a, b) => b - a).map((c) =>
    h("section", { class: "cohort", "aria-labelledby": `cohort-${c}` },
      h("h2", { id: `cohort-${c}`, text: t("fellows.cohortYear", { year: c || "?" }) }),
      h("ul", { class: "fellow-list" }, groups.get(c).sort((a, b) => collator.compare(a.name, b.name)).map(card)))));
}

function syncUrl() {
  const p = new URLSearchParams();
  if ($("filter-cohort").value) p.set("cohort", $("filter-cohort").value);
  if ($("filter-country").value) p.set("country", $("filter-country").value);
  if ($("filter-text").value.trim()) p.set("q", $("filter-text").value.trim());
  const query = p.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
}

form.addEventListener("input", () => { render(); syncUrl(); });
form.addEventListener("change", () => { render(); syncUrl(); });
form.addEventListener("submit", (e) => e.preventDefault());
form.addEventListener("reset", () => setTimeout(() => { render(); syncUrl(); }, 0));
onLangChange(() => { renderFilters(); render(); });

(async () => {
  try {
    const page = await api("/api/v1/speakers?fellow=true");
    fellows = (page.items || []).filter((s) => s.fellow || s.fellowship);
    renderFilters();
    $("filter-cohort").value = initial.cohort;
    $("filter-country").value = initial.country;
    $("filter-text").value = initial.q;
    render();
  } catch (error) {
    showError($("fellows"), error);
  }
})();
