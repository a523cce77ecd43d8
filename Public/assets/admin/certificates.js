// certificates.js — `/admin/certificates/{slug}` (`?registration=ID` for one): the organiser's
// print-out of an event's certificates of attendance, one per A4 page. Needs the console's session.
import "../js/certificate-strings.js";
import { h, fill } from "../js/dom.js";
import { t, onLangChange } from "../js/i18n.js";
import { pathPart } from "../js/api.js";
import { certificateElement } from "../js/certificate-view.js";
import { initPage, siteTitle } from "../js/page.js";
import { request, eventPath } from "./client.js";

initPage();
const slug = pathPart(2);
const one = new URLSearchParams(location.search).get("registration");
const $ = (id) => document.getElementById(id);
const REFUSALS = {
  "certificate-not-yet": "cert.admin.notYet",
  "certificate-event-cancelled": "cert.page.eventCancelled",
  "certificate-not-checked-in": "cert.admin.notCheckedIn",
  "certificate-cancelled": "cert.admin.cancelled",
};
let count = null;
let problem = null;

function render() {
  siteTitle(t("cert.admin.title"));
  if (problem) {
    fill($("status"), h("p", { class: "notice notice-error", role: "alert", id: "certificates-problem" }, problem.key ? t(problem.key) : problem.text),
      problem.login ? h("p", {}, h("a", { class: "button", href: "/admin/", text: t("cert.admin.console") })) : null);
  } else if (count !== null) {
    fill($("status"), h("p", { id: "certificates-count", text: count ? t("cert.admin.count", { n: count }) : t("cert.admin.none") }));
  }
}

$("print").addEventListener("click", () => window.print());
onLangChange(render);

(async () => {
  try {
    const path = one ? eventPath(slug, "registrations", one, "certificate") : eventPath(slug, "certificates");
    const { data } = await request(path);
    const items = one ? [data] : data.items;
    count = items.length;
    fill($("certificates"), items.map(certificateElement));
    $("actions").hidden = items.length === 0;
  } catch (error) {
    if (error.status === 401) problem = { key: "cert.admin.login", login: true };
    else if (error.status === 403) problem = { key: "cert.admin.forbidden" };
    else if (error.status === 409 && REFUSALS[error.code]) problem = { key: REFUSALS[error.code] };
    else problem = { text: error.message };
  }
  render();
})();
