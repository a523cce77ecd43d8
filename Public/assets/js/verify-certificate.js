// verify-certificate.js — `/certificates/{code}`: anyone checks a certificate of attendance by the
// verification code printed on it: genuine (with what it certifies), or not a Tandem certificate.
import "./certificate-strings.js";
import { api, pathPart } from "./api.js";
import { h, fill } from "./dom.js";
import { t, pick, getLang, onLangChange } from "./i18n.js";
import { eventDates, hoursText } from "./certificate-view.js";
import { initPage, showError, siteTitle } from "./page.js";

initPage();
const code = pathPart(1);
const $ = (id) => document.getElementById(id);
let result = null;

function render() {
  siteTitle(t("verify.title"));
  if (!result) return;
  if (!result.genuine) {
    fill($("status"), h("p", { class: "notice notice-error", id: "verdict", dataset: { genuine: "false" }, role: "alert", text: t("verify.notGenuine") }));
    $("facts").hidden = true;
    return;
  }
  const lang = getLang();
  const c = result.certificate;
  const title = pick(c.event.title);
  fill($("status"), h("p", { class: "notice notice-ok", id: "verdict", dataset: { genuine: "true" }, text: t("verify.genuine") }));
  fill($("facts"),
    h("dt", { text: t("verify.name") }), h("dd", { id: "verified-name", text: c.name }),
    h("dt", { text: t("verify.event") }), h("dd", { id: "verified-event", lang: title.lang || null, text: title.text }),
    h("dt", { text: t("verify.dates") }), h("dd", { id: "verified-dates", text: `${eventDates(c.event, lang)} (${c.event.timezone})` }),
    h("dt", { text: t("verify.venue") }), h("dd", { text: `${c.event.venue.name}, ${c.event.venue.city}` }),
    h("dt", { text: t("verify.hours") }), h("dd", { id: "verified-hours", text: hoursText(c.workshopHours, lang) }),
    h("dt", { text: t("verify.code") }), h("dd", {}, h("code", { text: c.verificationCode })));
  $("facts").hidden = false;
}

onLangChange(render);

(async () => {
  try {
    result = { genuine: true, certificate: await api(`/api/v1/certificates/${encodeURIComponent(code || "-")}`) };
  } catch (error) {
    if (error.status === 404) result = { genuine: false };
    else { showError($("status"), error); return; }
  }
  render();
})();
