// forms.js — the console's form pieces (importing it also brings the views' strings and styles): labelled fields with an error slot, the server's problem+json
// field errors shown next to their fields (values kept), and a modal confirm dialog (Escape closes it,
// focus returns to where it was). Labels carry data-i18n, so a language switch relabels them in place.
// Exports:
//   field(id, labelKey, input, {hintKey, hint}) → <div class="field"> with label, input, hint and an error <p id="<id>-error">
//   input(tag, attrs) → an element built with h() (id, type, …)
//   clearErrors(root) — removes every field error and aria-invalid under root
//   showErrors(root, error, fieldIds, message) → shows each problem+json `errors[]` entry next to the field whose
//       server name maps (fieldIds: {"venue.country": "ev-country", …}; the first path segment is tried too);
//       the rest and the summary go into `message`; focuses the first field in error (or the message).
//   fieldError(root, id, text) — one client-side error next to a field
//   confirmDialog({titleKey, body: [nodes], confirmKey, cancelKey, danger}) → Promise<boolean>
//   openDialog(titleKey, body, buttons) → {dialog, close()} for dialogs with their own form
import "./strings-console.js";
import { h, fill } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { explain, showMessage } from "./problems.js";

// The views' styles come with them (the first load carries only the editor's).
if (!document.querySelector("link[data-console-css]")) {
  document.head.append(h("link", { rel: "stylesheet", href: new URL("./console.css", import.meta.url).href, dataset: { consoleCss: "" } }));
}

export function field(id, labelKey, control, { hintKey = null, hint = null } = {}) {
  const label = h("label", { for: id, dataset: { i18n: labelKey }, text: t(labelKey) });
  const hintEl = hintKey || hint ? h("span", { class: "field-hint", id: `${id}-hint`, dataset: hintKey ? { i18n: hintKey } : {}, text: hintKey ? t(hintKey) : hint }) : null;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  control.setAttribute("aria-describedby", [hintEl ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "));
  return h("div", { class: "field" }, label, control, hintEl, error);
}

export function input(tag, attrs = {}) {
  return h(tag, { autocomplete: "off", ...attrs });
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll(".field-error")) { el.hidden = true; el.textContent = ""; }
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

export function fieldError(root, id, text) {
  const control = root.querySelector(`#${CSS.escape(id)}`);
  const slot = root.querySelector(`#${CSS.escape(id)}-error`);
  if (!control || !slot) return false;
  slot.textContent = slot.hidden ? text : `${slot.textContent} ${text}`;
  slot.hidden = false;
  control.setAttribute("aria-invalid", "true");
  return true;
}

export function showErrors(root, error, fieldIds, message, context = {}) {
  clearErrors(root);
  let first = null;
  const rest = [];
  for (const { field: name, message: text } of error.errors || []) {
    const key = String(name || "");
    const id = fieldIds[key] || fieldIds[key.replace(/\[\d+\]/g, "")] || fieldIds[key.split(".")[0]];
    if (id && fieldError(root, id, text)) first = first || root.querySelector(`#${CSS.escape(id)}`);
    else rest.push(h("li", { text: key ? `${key}: ${text}` : text }));
  }
  if (error.errors && error.errors.length) {
    showMessage(message, "error", h("p", { text: t("console.fixFields") }), rest.length ? h("ul", rest) : null);
  } else {
    showMessage(message, "error", ...explain(error, context).map((c) => (typeof c === "string" ? h("p", { text: c }) : c)));
  }
  if (first) first.focus();
  else { message.tabIndex = -1; message.focus(); }
}

export function openDialog(titleKey, body, buttons, { titleVars = null } = {}) {
  const opener = document.activeElement;
  const heading = h("h2", { id: `dialog-title-${Date.now()}`, text: t(titleKey, titleVars || undefined) });
  const dialog = h("dialog", { "aria-labelledby": heading.id, class: "console-dialog" }, heading, body, h("div", { class: "form-buttons" }, buttons));
  document.body.append(dialog);
  const close = () => {
    if (dialog.open) dialog.close();
  };
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected && opener.focus) opener.focus();
  });
  dialog.showModal();
  return { dialog, close };
}

export function confirmDialog({ titleKey, titleVars = null, body = [], confirmKey, cancelKey = "console.keep", danger = false }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h("button", { type: "button", class: ["button", danger ? "button-danger" : "button-primary"], dataset: { action: "confirm" }, text: t(confirmKey) });
    const no = h("button", { type: "button", class: "button", dataset: { action: "dismiss" }, text: t(cancelKey) });
    const { dialog, close } = openDialog(titleKey, h("div", {}, body), [yes, no], { titleVars });
    yes.addEventListener("click", () => { answer = true; close(); });
    no.addEventListener("click", close);
    dialog.addEventListener("close", () => resolve(answer));
    no.focus();
  });
}

export { fill };
