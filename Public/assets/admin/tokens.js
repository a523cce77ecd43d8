// tokens.js — API tokens in the Team view: create (the secret is shown once, with a copy button and a
// plain "you will not see it again"), list (an admin sees everyone's, never a secret), revoke.
// Exports: createTokens({accountName(id)}) → {element, reload(), render()}
import { h, fill } from "../js/dom.js";
import { t, getLang } from "../js/i18n.js";
import { formatDateTime, viewerZone } from "../js/time.js";
import { request } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors, fieldError, confirmDialog } from "./forms.js";

export function createTokens({ accountName }) {
  let tokens = [];
  const status = h("div", { class: "form-message", id: "tokens-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "tokens-table" });
  const secret = h("div", { id: "token-secret" });
  const name = input("input", { id: "token-name", type: "text" });
  const days = input("input", { id: "token-days", type: "text", inputmode: "numeric", size: "5", value: "90" });
  const message = h("div", { class: "form-message", id: "token-message", role: "alert" });
  const form = h("form", { class: "console-form", id: "token-form", novalidate: true },
    h("h3", { dataset: { i18n: "tokens.new" }, text: t("tokens.new") }),
    h("div", { class: "field-row" }, field("token-name", "tokens.name", name, { hintKey: "tokens.nameHint" }), field("token-days", "tokens.days", days, { hintKey: "tokens.daysHint" })),
    message,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "button button-primary", id: "token-create", dataset: { i18n: "tokens.create" }, text: t("tokens.create") })));
  const element = h("section", { "aria-labelledby": "tokens-title" },
    h("h2", { id: "tokens-title", dataset: { i18n: "tokens.title" }, text: t("tokens.title") }), status, secret, list, form);
  const say = (kind, ...children) => showMessage(status, kind, ...children);
  const when = (stamp) => (stamp ? formatDateTime(stamp, viewerZone(), getLang()) : "—");

  async function reload() {
    try { tokens = (await request("/api/v1/auth/tokens")).data.items || []; } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
    render();
  }

  function render() {
    if (!tokens.length) { fill(list, h("p", { text: t("tokens.none") })); return; }
    const cols = ["tokens.name", "tokens.account", "tokens.created", "tokens.expires", "team.col.state", "console.events.col.actions"];
    fill(list, h("table", { class: "data-table" },
      h("caption", { class: "hint", text: t("tokens.zone", { zone: viewerZone() }) }),
      h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col", text: t(k) })))),
      h("tbody", {}, tokens.map((tok) => h("tr", { dataset: { tokenId: tok.id } },
        h("td", { text: tok.name }), h("td", { text: accountName(tok.accountId) }),
        h("td", { text: when(tok.createdAt) }), h("td", { text: when(tok.expiresAt) }),
        h("td", { text: tok.revokedAt ? t("tokens.revokedAt", { when: when(tok.revokedAt) }) : t("tokens.active") }),
        h("td", {}, tok.revokedAt ? null : h("button", { type: "button", class: "button button-small button-danger", dataset: { action: "revoke", tokenId: tok.id },
          "aria-label": t("tokens.revokeLabel", { name: tok.name }), text: t("tokens.revoke"), on: { click: () => revoke(tok) } })))))));
  }

  async function revoke(tok) {
    const yes = await confirmDialog({ titleKey: "tokens.revokeTitle", titleVars: { name: tok.name }, body: [h("p", { text: t("tokens.revokeBody") })], confirmKey: "tokens.revokeConfirm", danger: true });
    if (!yes) return;
    try {
      await request(`/api/v1/auth/tokens/${tok.id}`, { method: "DELETE" });
      await reload();
      say("ok", t("tokens.revoked", { name: tok.name }));
      name.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  function showSecret(created) {
    const value = h("p", { class: "secret", id: "token-value", text: created.token });
    const copied = h("span", { role: "status", id: "token-copied" });
    const copy = h("button", { type: "button", class: "button", id: "token-copy", text: t("tokens.copy") });
    const done = h("button", { type: "button", class: "button", id: "token-done", text: t("tokens.done") });
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(created.token); copied.textContent = t("tokens.copied"); } catch {
        const range = document.createRange(); range.selectNodeContents(value);
        const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
        copied.textContent = t("tokens.selectToCopy");
      }
    });
    done.addEventListener("click", () => { fill(secret); secret.className = ""; name.focus(); });
    secret.className = "form-message message-warn";
    fill(secret,
      h("h3", { id: "token-secret-title", tabindex: "-1", text: t("tokens.createdTitle", { name: created.name }) }),
      h("p", { text: t("tokens.onlyOnce") }), value,
      h("div", { class: "form-buttons" }, copy, done), copied);
    secret.querySelector("#token-secret-title").focus();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!name.value.trim()) { fieldError(form, "token-name", t("tokens.needName")); name.focus(); return; }
    if (!/^\d+$/.test(days.value.trim())) { fieldError(form, "token-days", t("console.wholeNumber")); days.focus(); return; }
    try {
      const { data } = await request("/api/v1/auth/tokens", { method: "POST", body: { name: name.value.trim(), expiresInDays: Number(days.value.trim()) } });
      fill(message); message.className = "form-message";
      name.value = "";
      await reload();
      showSecret(data);
    } catch (error) {
      if (error.status !== 401) showErrors(form, error, { name: "token-name", expiresInDays: "token-days" }, message);
    }
  });

  return { element, reload, render };
}
