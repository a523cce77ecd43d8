// certificate.js — `/registrations/{token}/certificate`: the attendee's certificate of attendance,
// ready to print (A4, certificate.css), or a sentence saying why there is none (yet).
import "./certificate-strings.js";
import { api, pathPart } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, onLangChange } from "./i18n.js";
import { certificateElement } from "./certificate-view.js";
import { initPage, showError, siteTitle } from "./page.js";

initPage();
const token = pathPart(1);
const $ = (id) => document.getElementById(id);
const REFUSALS = {
  "certificate-not-yet": "cert.page.notYet",
  "certificate-not-checked-in": "cert.page.notCheckedIn",
  "certificate-cancelled": "cert.page.cancelled",
  "certificate-event-cancelled": "cert.page.eventCancelled",
  "certificate-erased": "cert.page.notFound",
};
let certificate = null;
let refusal = null;

function render() {
  siteTitle(t("cert.page.title"), certificate ? pick(certificate.event.title).text : null);
  if (refusal) {
    fill($("status"), h("p", { class: "notice", id: "certificate-refusal", dataset: { reason: refusal }, text: t(REFUSALS[refusal]) }),
      h("p", {}, h("a", { class: "button", href: `/registrations/${encodeURIComponent(token)}`, text: t("cert.page.back") })));
  }
}

$("print").addEventListener("click", () => window.print());
onLangChange(render);

(async () => {
  if (!token) { fill($("status"), h("p", { class: "notice notice-error", role: "alert", text: t("cert.page.notFound") })); return; }
  $("back").href = `/registrations/${encodeURIComponent(token)}`;
  try {
    certificate = await api(`/api/v1/registrations/${encodeURIComponent(token)}/certificate`);
    fill($("status"));
    fill($("certificates"), certificateElement(certificate));
    $("actions").hidden = false;
    render();
  } catch (error) {
    if (error.status === 409 && REFUSALS[error.code]) { refusal = error.code; render(); }
    else if (error.status === 404) fill($("status"), h("p", { class: "notice notice-error", role: "alert", text: t("cert.page.notFound") }));
    else showError($("status"), error);
  }
})();
