// team-view.js — the console's "Team" view (#view=team, admins only; the server refuses others anyway):
// accounts (invited ones show that their password is not set yet), invitations by e-mail, the
// programme role, disable / enable, per-event roles; then the API tokens (tokens.js) and the audit log (audit.js).
// Exports: mount(container, ctx) → {render(), destroy()}
import { h, fill } from "../js/dom.js";
import { t, pick } from "../js/i18n.js";
import { request } from "./client.js";
import { explain, showMessage } from "./problems.js";
import { field, input, clearErrors, showErrors, fieldError } from "./forms.js";
import { createTokens } from "./tokens.js";
import { createAudit } from "./audit.js";

const ROLES = ["admin", "organiser", "checkin", "member"];
const EVENT_ROLES = ["organiser", "checkin"];

export async function mount(container, ctx) {
  let accounts = [];
  const status = h("div", { class: "form-message", id: "team-status", role: "status", "aria-live": "polite" });
  const table = h("div", { id: "accounts-table" });
  const roleSelect = (id, roles, value, labelKey) => {
    const el = input("select", { id });
    fill(el, roles.map((r) => h("option", { value: r, text: t(labelKey(r)) })));
    el.value = value;
    return el;
  };
  const email = input("input", { id: "invite-email", type: "email" });
  const name = input("input", { id: "invite-name", type: "text" });
  const role = roleSelect("invite-role", ROLES, "organiser", (r) => `team.role.${r}`);
  const inviteMessage = h("div", { class: "form-message", id: "invite-message", role: "alert" });
  const invite = h("form", { class: "console-form", id: "invite-form", novalidate: true, "aria-labelledby": "invite-title" },
    h("h2", { id: "invite-title", dataset: { i18n: "team.invite.title" }, text: t("team.invite.title") }),
    h("p", { class: "hint", dataset: { i18n: "team.invite.hint" }, text: t("team.invite.hint") }),
    h("div", { class: "field-row" }, field("invite-email", "team.email", email), field("invite-name", "team.name", name), field("invite-role", "team.role", role)),
    inviteMessage,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "button button-primary", id: "invite-submit", dataset: { i18n: "team.invite.submit" }, text: t("team.invite.submit") })));
  const tokens = createTokens({ accountName: (id) => (accounts.find((a) => a.id === id) || {}).email || `#${id}` });
  const audit = createAudit(ctx);
  fill(container,
    h("div", { class: "view-head" }, h("h1", { dataset: { i18n: "team.title" }, text: t("team.title") })),
    status, h("h2", { dataset: { i18n: "team.accounts" }, text: t("team.accounts") }), table, invite, tokens.element, audit.element);

  const say = (kind, ...children) => showMessage(status, kind, ...children);

  async function reload() {
    try { accounts = (await request("/api/v1/accounts")).data.items || []; } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
    render();
  }

  function state(account) {
    if (account.disabled) return t("team.state.disabled");
    return account.passwordSet ? t("team.state.active") : t("team.state.invited");
  }

  function render() {
    const active = document.activeElement;
    const keep = active && table.contains(active) ? { id: active.id } : null;
    const cols = ["team.name", "team.email", "team.col.state", "team.role", "team.col.events", "console.events.col.actions"];
    fill(table, h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col", text: t(k) })))),
      h("tbody", {}, accounts.map(row))));
    if (keep && keep.id) { const again = table.querySelector(`#${CSS.escape(keep.id)}`); if (again) again.focus(); }
  }

  function row(account) {
    const me = ctx.account && ctx.account.id === account.id;
    const pickRole = roleSelect(`account-${account.id}-role`, ROLES, account.role, (r) => `team.role.${r}`);
    pickRole.setAttribute("aria-label", t("team.roleOf", { name: account.name }));
    const events = ctx.events();
    const eventSelect = input("select", { id: `account-${account.id}-event`, "aria-label": t("team.eventFor", { name: account.name }) });
    fill(eventSelect, events.map((e) => h("option", { value: e.slug, text: `${pick(e.title).text} (${e.slug})` })));
    const eventRole = roleSelect(`account-${account.id}-event-role`, EVENT_ROLES, "organiser", (r) => `team.eventRole.${r}`);
    eventRole.setAttribute("aria-label", t("team.eventRoleFor", { name: account.name }));
    const button = (id, key, fn, attrs = {}) => h("button", { type: "button", id, class: ["button", "button-small", attrs.danger ? "button-danger" : null],
      "aria-label": t(`${key}Label`, { name: account.name, ...(attrs.vars || {}) }), text: t(key, attrs.vars || {}), on: { click: fn } });
    return h("tr", { dataset: { accountId: account.id } },
      h("td", { text: account.name }),
      h("td", { text: account.email }),
      h("td", { dataset: { state: account.disabled ? "disabled" : account.passwordSet ? "active" : "invited" }, text: state(account) }),
      h("td", {}, h("div", { class: "row-actions" }, pickRole,
        button(`account-${account.id}-save-role`, "team.saveRole", () => patch(account, { role: pickRole.value }, "team.roleSaved", `account-${account.id}-save-role`)))),
      h("td", {},
        h("ul", { class: "chips" }, (account.events || []).map((grant) => h("li", {},
          h("span", { text: `${grant.event}: ${t(`team.eventRole.${grant.role}`)}` }),
          h("button", { type: "button", id: `account-${account.id}-revoke-${grant.event}`, "aria-label": t("team.revokeEventLabel", { name: account.name, event: grant.event }), text: "×",
            on: { click: () => eventGrant(account, grant.event, null) } })))),
        events.length && !me ? h("div", { class: "row-actions" }, eventSelect, eventRole,
          button(`account-${account.id}-grant`, "team.grant", () => eventGrant(account, eventSelect.value, eventRole.value))) : null),
      h("td", {}, me ? h("span", { class: "hint", text: t("team.you") }) : account.disabled
        ? button(`account-${account.id}-enable`, "team.enable", () => patch(account, { disabled: false }, "team.enabled", `account-${account.id}-disable`))
        : button(`account-${account.id}-disable`, "team.disable", () => patch(account, { disabled: true }, "team.disabled", `account-${account.id}-enable`), { danger: true })));
  }

  async function patch(account, body, doneKey, focusId) {
    try {
      await request(`/api/v1/accounts/${account.id}`, { method: "PATCH", body });
      await reload();
      say("ok", t(doneKey, { name: account.name, role: body.role ? t(`team.role.${body.role}`) : "" }));
      const again = table.querySelector(`#${CSS.escape(focusId)}`);
      if (again) again.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  async function eventGrant(account, slug, grantRole) {
    if (!slug) return;
    try {
      await request(`/api/v1/accounts/${account.id}/events/${encodeURIComponent(slug)}`, grantRole ? { method: "PUT", body: { role: grantRole } } : { method: "DELETE" });
      await reload();
      say("ok", t(grantRole ? "team.granted" : "team.revokedEvent", { name: account.name, event: slug, role: grantRole ? t(`team.eventRole.${grantRole}`) : "" }));
      const again = table.querySelector(`#${CSS.escape(`account-${account.id}-grant`)}`);
      if (again) again.focus();
    } catch (error) { if (error.status !== 401) say("error", ...explain(error)); }
  }

  invite.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(invite);
    if (!email.value.trim()) { fieldError(invite, "invite-email", t("team.invite.needEmail")); email.focus(); return; }
    if (!name.value.trim()) { fieldError(invite, "invite-name", t("team.invite.needName")); name.focus(); return; }
    try {
      const { data } = await request("/api/v1/accounts/invite", { method: "POST", body: { email: email.value.trim(), name: name.value.trim(), role: role.value } });
      fill(inviteMessage); inviteMessage.className = "form-message";
      email.value = ""; name.value = "";
      await reload();
      say("ok", t("team.invite.sent", { email: (data && data.email) || "" }));
      email.focus();
    } catch (error) {
      if (error.status !== 401) showErrors(invite, error, { email: "invite-email", name: "invite-name", role: "invite-role" }, inviteMessage);
    }
  });

  await reload();
  await Promise.all([tokens.reload(), audit.reload()]);
  return {
    render() { render(); tokens.render(); audit.render(); },
    destroy() {},
  };
}
