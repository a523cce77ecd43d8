// page.js — what every attendee page shares: the header's language switch, static translations,
// the <html lang>, and a status line for loading errors.
// Stable exports:
//   initPage() → translates [data-i18n] elements and mounts #lang-switch (call once, first)
//   showError(container, error) → replaces container's content with a readable error (role=alert)
//   siteTitle(parts...) → sets document.title "part — Tandem"
import "./site-strings.js";
import { mountLangSwitch, translatePage, setLang, getLang, t } from "./i18n.js";
import { h, fill } from "./dom.js";

export function initPage() {
  setLang(getLang());
  translatePage();
  mountLangSwitch(document.getElementById("lang-switch"));
}

export function showError(container, error) {
  let text;
  if (error && error.status === 0) text = t("error.network");
  else if (error && error.status === 404) text = t("error.notFound");
  else text = t("error.load", { detail: (error && error.message) || String(error) });
  fill(container, h("p", { class: "notice notice-error", role: "alert", text }));
}

export function siteTitle(...parts) {
  document.title = [...parts.filter(Boolean), t("site.name")].join(" — ");
}
