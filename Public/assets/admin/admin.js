// admin.js — the organiser console at /admin/: log-in (cookie session), the console's navigation,
// the event picker and the event's tabs (schedule editor / announcements / registrations / check-in /
// rooms and exports), and the programme-level views (#view=events|speakers|import|team), each a module
// loaded when first opened so the first load stays light. The bearer token in the log-in answer is
// never stored: the HttpOnly session cookie authenticates, the CSRF header guards writes.
import "./strings.js";
import { h, fill } from "../js/dom.js";
import { t, getLang, setLang, translatePage, mountLangSwitch, onLangChange, pick } from "../js/i18n.js";
import { formatDay } from "../js/time.js";
import { request, setCsrfToken, onUnauthorized, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { openEventStore } from "./event-store.js";
import { createScheduleEditor } from "./editor.js";
import { createAnnouncements } from "./announcements.js";
import { createRegistrations } from "./registrations.js";
import { createCheckIn } from "./checkin.js";

const $ = (id) => document.getElementById(id);
const TABS = ["schedule", "announcements", "registrations", "checkin", "settings"];
const VIEWS = {
  events: () => import("./events-view.js"),
  speakers: () => import("./speakers-view.js"),
  import: () => import("./import-view.js"),
  team: () => import("./team-view.js"),
};

let account = null;
let events = [];
let current = null; // {slug, store, panels: {...}}
let opening = 0;
let view = null; // {name, instance} of the programme-level view shown, or null for the event view
let viewTicket = 0;

// --- roles ---------------------------------------------------------------------------------------

function permissions(slug) {
  const global = account ? account.role : null;
  const local = account && (account.events || []).find((e) => e.event === slug);
  const organiser = global === "admin" || global === "organiser" || (local && local.role === "organiser");
  return { canEdit: organiser, canManage: organiser, canCheckIn: organiser || global === "checkin" || (local && local.role === "checkin") };
}

/** Programme-wide powers: creating events, speakers and imports; the team. */
function programmePermissions() {
  const global = account ? account.role : null;
  return { isAdmin: global === "admin", canOrganise: global === "admin" || global === "organiser" };
}

// --- views ---------------------------------------------------------------------------------------

function showLogin(reason) {
  viewTicket += 1;
  closeView();
  closeEvent();
  account = null;
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  $("who").hidden = true;
  $("logout").hidden = true;
  if (reason) showMessage($("login-error"), "error", reason);
  document.title = `${t("admin.login.title")} — Tandem`;
  $("login-email").focus();
}

async function showApp(me) {
  account = me;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").hidden = false;
  $("logout").hidden = false;
  $("nav-team").hidden = !programmePermissions().isAdmin;
  renderWho();
  if (!(await loadEvents())) return;
  const wanted = hashState();
  if (wanted.view && VIEWS[wanted.view]) { showView(wanted.view); return; }
  const slug = events.some((e) => e.slug === wanted.event) ? wanted.event : pickDefault();
  if (slug) openEvent(slug, wanted.tab);
  else status("info", t("admin.event.none"));
  renderNav();
}

/** Every event the account may see (drafts included), all pages; false when that failed. */
async function loadEvents() {
  try {
    const all = [];
    let next = "/api/v1/events";
    while (next) {
      const { data } = await request(next);
      all.push(...(data.items || []));
      next = data.next ? `/api/v1/events?cursor=${encodeURIComponent(data.next)}` : null;
    }
    events = all;
  } catch (error) {
    if (error.status !== 401) status("error", ...explain(error));
    return false;
  }
  renderEventSelect();
  return true;
}

// --- programme-level views ---------------------------------------------------------------------------

function renderNav() {
  const active = view ? view.name : "event";
  for (const link of $("console-nav").querySelectorAll("a[data-nav]")) {
    if (link.dataset.nav === active) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  const slug = current ? current.slug : events.length ? pickDefault() : null;
  $("nav-event").href = slug ? `#event=${encodeURIComponent(slug)}&tab=${current && current.tab ? current.tab : "schedule"}` : "#";
}

function closeView() {
  if (view && view.instance && view.instance.destroy) view.instance.destroy();
  view = null;
  fill($("programme-view"));
  $("programme-view").hidden = true;
  $("event-view").hidden = false;
}

/** The context a programme-level view gets: who is logged in, the events, and ways back to the shell. */
function viewContext() {
  return {
    account, permissions: programmePermissions(), eventPermissions: permissions,
    events: () => events,
    reloadEvents: async () => { await loadEvents(); return events; },
    openEvent: (slug, tab = "schedule") => { location.hash = `#event=${encodeURIComponent(slug)}&tab=${tab}`; },
    status,
  };
}

async function showView(name) {
  if (view && view.name === name) return;
  const ticket = ++viewTicket;
  opening += 1; // an event still opening must not take the page back
  closeView();
  closeEvent();
  status("clear");
  const container = $("programme-view");
  container.hidden = false;
  container.dataset.view = name;
  container.dataset.ready = "false";
  $("event-view").hidden = true;
  view = { name, instance: null };
  writeHash({ view: name });
  renderNav();
  let module;
  try { module = await VIEWS[name](); } catch (error) { status("error", ...explain(error)); return; }
  if (ticket !== viewTicket) return;
  view.instance = await module.mount(container, viewContext());
  if (ticket !== viewTicket) return;
  container.dataset.ready = "true";
  const heading = container.querySelector("h1");
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

function renderWho() {
  if (!account) return;
  $("who").textContent = t("admin.who", { name: account.name || account.email, role: t(`admin.role.${account.role}`) });
}

function pickDefault() {
  const now = Date.now();
  const running = events.find((e) => Date.parse(e.startsAt) <= now && now < Date.parse(e.endsAt));
  const upcoming = events.filter((e) => Date.parse(e.endsAt) > now).sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
  return (running || upcoming || events[0] || {}).slug;
}

function renderEventSelect() {
  const select = $("event-select");
  const lang = getLang();
  const sorted = [...events].sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  fill(select, sorted.map((e) => {
    const extra = e.status === "published" ? "" : ` (${t(`admin.event.status.${e.status}`)})`;
    return h("option", { value: e.slug, text: `${pick(e.title).text}${extra} — ${formatDay(e.startsAt, e.timezone, lang)}` });
  }));
  if (current) select.value = current.slug;
}

function status(kind, ...children) {
  if (kind === "clear") { fill($("global-status")); $("global-status").className = "global-status"; return; }
  showMessage($("global-status"), kind, ...children);
  $("global-status").classList.add("global-status");
}

// --- one event -------------------------------------------------------------------------------------

function closeEvent() {
  if (current && current.panels.settings && current.panels.settings.destroy) current.panels.settings.destroy();
  if (current && current.store) current.store.close();
  current = null;
  for (const tab of TABS) fill($(`panel-${tab}`));
}

async function openEvent(slug, tab) {
  const ticket = ++opening;
  viewTicket += 1;
  closeView();
  closeEvent();
  status("clear");
  $("event-select").value = slug;
  const perms = permissions(slug);
  const panels = {};
  let editor = null;
  let store;
  try {
    store = await openEventStore(slug, {
      onChange: (change) => {
        if (editor) editor.render(change);
        if (panels.announcements && (change.kind === "announcements" || change.kind === "reset")) panels.announcements.render();
        if (panels.settings && panels.settings.render && (change.kind === "rooms" || change.kind === "reset" || change.kind === "event")) panels.settings.render();
        if (change.kind === "event" || change.kind === "reset" || change.kind === "seats") renderEventMeta();
      },
      onLiveStatus: (s) => { if (editor) editor.setLive(s); },
    });
  } catch (error) {
    if (error.status !== 401) status("error", ...explain(error));
    return;
  }
  if (ticket !== opening) { store.close(); return; }
  current = { slug, store, panels, perms };
  editor = createScheduleEditor($("panel-schedule"), store, { canEdit: perms.canEdit });
  editor.setLive("connecting");
  panels.schedule = editor;
  panels.announcements = createAnnouncements($("panel-announcements"), store, { canEdit: perms.canEdit });
  panels.registrations = createRegistrations($("panel-registrations"), store, { canManage: perms.canManage });
  panels.checkin = createCheckIn($("panel-checkin"), store);
  renderEventMeta();
  selectTab(TABS.includes(tab) ? tab : perms.canEdit ? "schedule" : "checkin", { focus: false });
  renderNav();
}

/** The rooms-and-exports tab is loaded the first time it is opened. */
async function ensureSettings() {
  const here = current;
  if (!here || here.panels.settings || here.loadingSettings) return;
  here.loadingSettings = true;
  try {
    const { createEventSettings } = await import("./event-settings.js");
    if (current !== here) return;
    here.panels.settings = createEventSettings($("panel-settings"), here.store, { ...here.perms, account });
  } catch (error) {
    status("error", ...explain(error));
  } finally { here.loadingSettings = false; }
}

function renderEventMeta() {
  if (!current) return;
  const { event } = current.store.state;
  const lang = getLang();
  const venue = event.venue ? [event.venue.name, event.venue.city].filter(Boolean).join(", ") : "";
  const seats = event.seats ? t(event.seats.capacity == null ? "admin.event.seatsOpen" : "admin.event.seats", event.seats) : "";
  $("event-meta").textContent = [
    t(`admin.event.status.${event.status}`), formatDay(event.startsAt, event.timezone, lang), venue, event.timezone,
  ].filter(Boolean).join(" · ");
  $("event-seats").textContent = seats;
  document.title = `${pick(event.title).text} — ${t("admin.brand")} — Tandem`;
}

// --- tabs ------------------------------------------------------------------------------------------

function selectTab(name, { focus = true } = {}) {
  for (const tab of TABS) {
    const button = $(`tab-${tab}`);
    const on = tab === name;
    button.setAttribute("aria-selected", on ? "true" : "false");
    button.tabIndex = on ? 0 : -1;
    $(`panel-${tab}`).hidden = !on;
  }
  if (focus) $(`tab-${name}`).focus();
  if (current) {
    current.tab = name;
    writeHash({ event: current.slug, tab: name });
    if (name === "checkin" && current.panels.checkin && !focus) current.panels.checkin.focus();
    if (name === "settings") ensureSettings();
    renderNav();
  }
}

function wireTabs() {
  const list = $("tabs");
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[role=tab]");
    if (button) selectTab(button.dataset.tab, { focus: false });
  });
  list.addEventListener("keydown", (event) => {
    const index = TABS.indexOf(document.activeElement && document.activeElement.dataset.tab);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % TABS.length;
    else if (event.key === "ArrowLeft") next = (index + TABS.length - 1) % TABS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    selectTab(TABS[next]);
  });
}

// --- address (#event=slug&tab=schedule) ----------------------------------------------------------------

function hashState(hash = location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  return { event: params.get("event"), tab: params.get("tab"), view: params.get("view") };
}

function writeHash({ event, tab, view: name }) {
  const params = new URLSearchParams();
  if (name) params.set("view", name);
  if (event) params.set("event", event);
  if (tab) params.set("tab", tab);
  const next = `#${params.toString()}`;
  if (location.hash !== next) history.replaceState(null, "", next);
}

// --- log-in / log-out ------------------------------------------------------------------------------------

function wireLogin() {
  const form = $("login-form");
  const button = $("login-submit");
  let waitTimer = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = $("login-email").value.trim();
    const password = $("login-password").value;
    const message = $("login-error");
    if (!email || !password) { showMessage(message, "error", t("admin.login.missing")); (email ? $("login-password") : $("login-email")).focus(); return; }
    button.disabled = true;
    try {
      const { data } = await request("/api/v1/auth/login", { method: "POST", body: { email, password } });
      setCsrfToken(data.csrfToken);
      $("login-password").value = "";
      fill(message); message.className = "form-message";
      await showApp(data.account);
      $("main").focus();
    } catch (error) {
      if (error.status === 401) showMessage(message, "error", t("admin.login.wrong"));
      else if (error.status === 429) {
        const seconds = error.retryAfter ?? 60;
        const until = new Date(Date.now() + seconds * 1000);
        showMessage(message, "error", t("admin.login.throttled", { seconds, time: until.toLocaleTimeString(getLang() === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" }) }));
        clearTimeout(waitTimer);
        button.disabled = true;
        waitTimer = setTimeout(() => { button.disabled = false; }, seconds * 1000);
        return;
      } else showMessage(message, "error", ...explain(error));
    } finally {
      if (!waitTimer) button.disabled = false;
    }
  });
  $("logout").addEventListener("click", async () => {
    try { await request("/api/v1/auth/logout", { method: "POST" }); } catch { /* the session may already be gone */ }
    setCsrfToken(null);
    showLogin();
    showMessage($("login-error"), "info", t("admin.login.loggedOut"));
  });
}

// --- start ---------------------------------------------------------------------------------------------

async function start() {
  setLang(getLang());
  translatePage();
  mountLangSwitch($("lang-switch"));
  wireTabs();
  wireLogin();
  $("event-select").addEventListener("change", (event) => openEvent(event.target.value, current ? current.tab : "schedule"));
  window.addEventListener("hashchange", (change) => {
    // The address this change went to: by the time the event is handled, an event that finished
    // opening meanwhile may have written its own #event=… over it (replaceState fires nothing).
    const { event, tab, view: name } = hashState(new URL(change.newURL).hash);
    if (!account) return;
    if (name && VIEWS[name]) { showView(name); return; }
    if (!event) return;
    if (!current || current.slug !== event) { if (events.some((e) => e.slug === event)) openEvent(event, tab); }
    else if (TABS.includes(tab) && tab !== current.tab) selectTab(tab, { focus: false });
  });
  onLangChange(() => {
    renderWho();
    if (!account) return;
    renderEventSelect();
    renderEventMeta();
    if (current) for (const panel of Object.values(current.panels)) if (panel && panel.render) panel.render();
    if (view && view.instance && view.instance.render) view.instance.render();
  });
  // Without the readable CSRF cookie there is no session to ask about (and no 401 to log).
  if (!/(?:^|;\s*)tandem_csrf=[^;]/.test(document.cookie)) {
    showLogin();
    onUnauthorized(() => { if (account) showLogin(t("admin.login.expired")); });
    return;
  }
  try {
    const { data } = await request("/api/v1/auth/me");
    setCsrfToken(data.csrfToken);
    const { authenticatedBy, csrfToken, ...me } = data;
    await showApp(me);
  } catch (error) {
    if (error.status === 401) showLogin();
    else { showLogin(); showMessage($("login-error"), "error", ...explain(error)); }
  }
  onUnauthorized(() => { if (account) showLogin(t("admin.login.expired")); });
}

start();
