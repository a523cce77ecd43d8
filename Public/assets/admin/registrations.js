// registrations.js — search, page through, export, promote and cancel an event's registrations.
// Exports: createRegistrations(panel, store, {canManage}) → {render()}
import { h, fill } from "../js/dom.js";
import { t, getLang, displayCountry } from "../js/i18n.js";
import { formatDateTime } from "../js/time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";

const STATUSES = ["", "confirmed", "waitlisted", "pending", "cancelled"];

export function createRegistrations(panel, store, { canManage }) {
  const { state } = store;
  const q = h("input", { id: "reg-q", type: "search", autocomplete: "off" });
  const status = h("select", { id: "reg-status" });
  const l = { q: h("label", { for: "reg-q" }), status: h("label", { for: "reg-status" }) };
  const search = h("button", { type: "submit", class: "button button-primary", id: "reg-search" });
  const csv = h("a", { class: "button", id: "reg-csv", href: eventPath(state.slug, "registrations.csv"), download: `${state.slug}-registrations.csv` });
  // Certificates of attendance: one printable document with every checked-in attendee's (the page
  // says when there are none yet), and one per checked-in row below.
  const certificates = h("a", { class: "button", id: "reg-certificates", href: certificatesPage(state.slug), target: "_blank", rel: "noopener" });
  const form = h("form", { class: "reg-search", role: "search", id: "reg-form" },
    h("div", { class: "field" }, l.q, q), h("div", { class: "field" }, l.status, status), search, canManage ? csv : null,
    canManage ? certificates : null);
  const summary = h("p", { class: "hint", id: "reg-summary", role: "status" });
  const message = h("div", { class: "form-message", id: "reg-message", role: "alert" });
  const caption = h("caption", { class: "sr-only" });
  const headRow = h("tr");
  const body = h("tbody", { id: "reg-rows" });
  const table = h("table", { class: "reg-table", id: "reg-table" }, caption, h("thead", headRow), body);
  const more = h("button", { type: "button", class: "button", id: "reg-more", hidden: true });
  fill(panel, form, summary, message, h("div", { class: "table-scroll" }, table), more);

  let items = [];
  let next = null;
  let loading = false;

  async function load(append) {
    if (loading) return;
    loading = true;
    const params = new URLSearchParams();
    if (q.value.trim()) params.set("q", q.value.trim());
    if (status.value) params.set("status", status.value);
    if (append && next) params.set("cursor", next);
    const query = params.toString();
    try {
      const { data } = await request(`${eventPath(state.slug, "registrations")}${query ? `?${query}` : ""}`);
      items = append ? [...items, ...data.items] : data.items;
      next = data.next;
      fill(message); message.className = "form-message";
      renderRows();
    } catch (error) {
      if (error.status !== 401) showMessage(message, "error", ...explain(error, { zone: state.zone }));
    } finally {
      loading = false;
    }
  }

  function statusText(r) {
    if (r.status === "waitlisted" && r.waitlistPosition) return t("reg.waitlistedAt", { n: r.waitlistPosition });
    return t(`reg.status.${r.status}`);
  }

  function renderRows() {
    const lang = getLang();
    summary.textContent = items.length ? t(next ? "reg.shownMore" : "reg.shown", { n: items.length }) : t("reg.none");
    fill(body, items.map((r) => {
      const actions = h("td", { class: "actions" });
      if (canManage && r.status === "waitlisted") {
        actions.append(h("button", { type: "button", class: "button button-small", dataset: { action: "promote" }, text: t("reg.promote"),
          "aria-label": t("reg.promoteLabel", { name: r.name }), on: { click: () => act(r, "promote") } }));
      }
      if (canManage && r.checkedInAt && r.status === "confirmed" && !r.erased) {
        actions.append(h("a", { class: "button button-small", dataset: { action: "certificate" }, text: t("reg.certificate"),
          href: certificatesPage(state.slug, r.id), target: "_blank", rel: "noopener", "aria-label": t("reg.certificateLabel", { name: r.name }) }));
      }
      if (canManage && r.status !== "cancelled" && !r.erased) {
        const cancel = h("button", { type: "button", class: "button button-small button-danger", dataset: { action: "cancel" }, text: t("reg.cancel"),
          "aria-label": t("reg.cancelLabel", { name: r.name }) });
        cancel.addEventListener("click", () => {
          if (cancel.dataset.armed === "1") { act(r, "cancel"); return; }
          cancel.dataset.armed = "1";
          cancel.textContent = t("reg.confirmCancel");
          cancel.setAttribute("aria-label", t("reg.confirmCancelLabel", { name: r.name }));
          setTimeout(() => { if (cancel.isConnected) { cancel.dataset.armed = ""; cancel.textContent = t("reg.cancel"); } }, 5000);
        });
        actions.append(cancel);
      }
      return h("tr", { dataset: { registrationId: r.id, status: r.status } },
        h("th", { scope: "row", text: r.name }),
        h("td", { text: r.email }),
        h("td", { text: r.organisation || "" }),
        h("td", { text: r.country ? displayCountry(r.country) : "" }),
        h("td", { class: `status status-${r.status}`, text: statusText(r) }),
        h("td", { text: formatDateTime(r.createdAt, state.zone, lang) }),
        h("td", { text: r.checkedInAt ? formatDateTime(r.checkedInAt, state.zone, lang) : "" }),
        actions);
    }));
    more.hidden = !next;
  }

  async function act(r, action) {
    try {
      const { data } = await request(eventPath(state.slug, "registrations", r.id, action), { method: "POST" });
      items = items.map((x) => (x.id === data.id ? data : x));
      renderRows();
      showMessage(message, "ok", t(action === "promote" ? "reg.promoted" : "reg.cancelled", { name: data.name }));
    } catch (error) {
      if (error.status !== 401) showMessage(message, "error", ...explain(error, { zone: state.zone }));
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(false); });
  more.addEventListener("click", () => load(true));

  function render() {
    l.q.textContent = t("reg.search"); l.status.textContent = t("reg.statusFilter");
    q.placeholder = t("reg.searchPlaceholder");
    const keep = status.value;
    fill(status, STATUSES.map((s) => h("option", { value: s, text: s ? t(`reg.status.${s}`) : t("reg.all") })));
    status.value = keep;
    search.textContent = t("reg.searchButton");
    csv.textContent = t("reg.csv");
    certificates.textContent = t("reg.certificates");
    more.textContent = t("reg.more");
    caption.textContent = t("reg.caption", { zone: state.zone });
    fill(headRow, ["reg.name", "reg.email", "reg.organisation", "reg.country", "reg.statusCol", "reg.registered", "reg.checkedIn", "reg.actions"]
      .map((k) => h("th", { scope: "col", text: t(k) })));
    renderRows();
  }

  render();
  load(false);
  return { render, reload: () => load(false) };
}

// The organiser's printable certificates of an event, or of one registration.
function certificatesPage(slug, id) {
  return `/admin/certificates/${encodeURIComponent(slug)}${id === undefined ? "" : `?registration=${encodeURIComponent(id)}`}`;
}
