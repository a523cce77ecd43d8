// checkin.js — the door: type or scan an attendee's check-in code (42-K7QM-3XPT) to check them in.
// The code only checks in: the attendee's private link, which changes and cancels, is never asked for.
// Exports: createCheckIn(panel, store) → {render()}
import { h, fill } from "../js/dom.js";
import { t, getLang, addStrings } from "../js/i18n.js";
import { formatDateTime } from "../js/time.js";
import { request, eventPath } from "./client.js";
import { explain, showMessage } from "./problems.js";

// The door link's label lives here, not in door-strings.js: the organiser page stays light.
addStrings({
  en: { "checkin.doorLink": "Open the door page (full screen, QR camera, keeps working offline)" },
  zh: { "checkin.doorLink": "打开入口签到页面（全屏、二维码摄像头、离线也可使用）" },
});

/** The code from what was typed or scanned: spaces around it do not count. */
export function codeFrom(value) {
  return String(value || "").trim();
}

export function createCheckIn(panel, store) {
  const { state } = store;
  const heading = h("h2", { id: "checkin-title" });
  const label = h("label", { for: "checkin-token" });
  const hint = h("span", { class: "field-hint", id: "checkin-hint" });
  const token = h("input", { id: "checkin-token", type: "text", autocomplete: "off", spellcheck: "false", autocapitalize: "off", "aria-describedby": "checkin-hint" });
  const submit = h("button", { type: "submit", class: "button button-primary", id: "checkin-submit" });
  const result = h("div", { class: "form-message checkin-result", id: "checkin-result", role: "alert" });
  const form = h("form", { class: "stack checkin-form", id: "checkin-form", "aria-labelledby": "checkin-title", novalidate: true },
    heading, h("div", { class: "field" }, label, token, hint), h("div", { class: "form-buttons" }, submit), result);
  const door = h("a", { id: "checkin-door-link", href: `/admin/door/${encodeURIComponent(state.slug)}` });
  fill(panel, form, h("p", {}, door));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = codeFrom(token.value);
    if (!value) { showMessage(result, "error", t("checkin.empty")); token.focus(); return; }
    submit.disabled = true;
    try {
      const { data } = await request(eventPath(state.slug, "checkins"), { method: "POST", body: { code: value } });
      const r = data.registration;
      if (data.alreadyCheckedIn) {
        showMessage(result, "warn", t("checkin.already", { name: r.name, when: formatDateTime(r.checkedInAt, state.zone, getLang()) }));
      } else {
        showMessage(result, "ok", t("checkin.ok", { name: r.name }));
      }
      if (r.status !== "confirmed") result.append(h("p", { text: t("checkin.notConfirmed", { status: t(`reg.status.${r.status}`) }) }));
      token.value = "";
    } catch (error) {
      if (error.status === 404) showMessage(result, "error", t("checkin.unknown"));
      else if (error.status !== 401) showMessage(result, "error", ...explain(error, { zone: state.zone }));
    } finally {
      submit.disabled = false;
      token.focus();
    }
  });

  function render() {
    heading.textContent = t("checkin.title");
    label.textContent = t("checkin.label");
    hint.textContent = t("checkin.hint");
    submit.textContent = t("checkin.submit");
    door.textContent = t("checkin.doorLink");
  }
  render();
  return { render, focus: () => token.focus() };
}
