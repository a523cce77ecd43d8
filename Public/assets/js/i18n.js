// i18n.js — English/Chinese UI strings, the remembered language choice, translated content.
// Holds the strings every page shares (language switch, kinds, network error); the attendee pages'
// own strings are in site-strings.js, the organiser's in admin/strings.js (each added with addStrings).
// Stable exports:
//   getLang() → "en" | "zh" (from localStorage "tandem.lang", else the browser's language)
//   setLang(lang) → stores it, sets <html lang>, re-translates [data-i18n] elements, notifies listeners
//   onLangChange(fn) → registers fn(lang) (call once per page; returns an unsubscribe function)
//   t(key, vars?) → UI string in the current language, "{name}" placeholders filled from vars
//   tIn(lang, key, vars?) → the same in a given language (a bilingual certificate shows both)
//   addStrings({en: {...}, zh: {...}}) → merges more UI strings (e.g. the admin's)
//   pick(translated) → {text, lang}: the current language's text, falling back to "en" (then any)
//   setTranslated(el, translated) → sets el's text and its lang attribute from pick()
//   translatePage(root = document) → fills [data-i18n] (textContent), [data-i18n-placeholder],
//       [data-i18n-aria-label], [data-i18n-title] and sets their lang attributes
//   mountLangSwitch(button) → wires a <button> that toggles EN/中文 (label shows the other language)
//   displayCountry(code) → country name in the current language (Intl.DisplayNames), or the code
const STORAGE_KEY = "tandem.lang";
const LANGS = ["en", "zh"];

const strings = {
  en: {
    "skip": "Skip to content",
    "lang.switch": "中文",
    "lang.switchLabel": "切换到中文",
    "error.load": "This could not be loaded: {detail}",
    "error.network": "The server cannot be reached. Please try again.",
    "error.notFound": "Not found.",
    "event.kind.workshop": "Workshop",
    "event.kind.open-event": "Open event",
    "event.kind.side-event": "Side event",
    "event.kind.conference": "Conference",
    "session.cancelled": "Cancelled",
    "session.kind.talk": "Talk",
    "session.kind.workshop": "Workshop",
    "session.kind.panel": "Panel",
    "session.kind.plenary": "Plenary",
    "session.kind.break": "Break",
    "session.kind.other": "Session",
  },
  zh: {
    "skip": "跳到正文",
    "lang.switch": "English",
    "lang.switchLabel": "Switch to English",
    "error.load": "无法加载：{detail}",
    "error.network": "无法连接服务器，请稍后再试。",
    "error.notFound": "未找到。",
    "event.kind.workshop": "工作坊",
    "event.kind.open-event": "公开活动",
    "event.kind.side-event": "边会",
    "event.kind.conference": "会议",
    "session.cancelled": "已取消",
    "session.kind.talk": "演讲",
    "session.kind.workshop": "工作坊",
    "session.kind.panel": "圆桌讨论",
    "session.kind.plenary": "全体会议",
    "session.kind.break": "休息",
    "session.kind.other": "环节",
  },
};

const listeners = new Set();
let current = initialLang();

function initialLang() {
  let stored = null;
  try { stored = localStorage.getItem(STORAGE_KEY); } catch { /* private mode */ }
  if (LANGS.includes(stored)) return stored;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function getLang() { return current; }

export function setLang(lang) {
  if (!LANGS.includes(lang)) return;
  current = lang;
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* private mode */ }
  document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
  translatePage();
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function addStrings(more) {
  for (const lang of LANGS) Object.assign(strings[lang], (more && more[lang]) || {});
}

export function t(key, vars) {
  return tIn(current, key, vars);
}

export function tIn(lang, key, vars) {
  let text = (strings[lang] || strings.en)[key] ?? strings.en[key] ?? key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}

function langAttr(lang) { return lang === "zh" ? "zh-Hans" : lang; }

export function pick(translated) {
  if (translated === null || translated === undefined) return { text: "", lang: langAttr(current) };
  if (typeof translated === "string") return { text: translated, lang: "" };
  if (translated[current]) return { text: translated[current], lang: langAttr(current) };
  if (translated.en) return { text: translated.en, lang: "en" };
  const first = Object.keys(translated)[0];
  return first ? { text: translated[first], lang: langAttr(first) } : { text: "", lang: "" };
}

export function setTranslated(el, translated) {
  const { text, lang } = pick(translated);
  if (el.textContent !== text) el.textContent = text;
  if (lang) el.lang = lang; else el.removeAttribute("lang");
  return el;
}

export function translatePage(root = document) {
  const lang = langAttr(current);
  for (const el of root.querySelectorAll("[data-i18n]")) { el.textContent = t(el.dataset.i18n); el.lang = lang; }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) { el.placeholder = t(el.dataset.i18nPlaceholder); el.lang = lang; }
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

export function mountLangSwitch(button) {
  if (!button) return;
  const render = () => {
    button.textContent = t("lang.switch");
    button.lang = current === "zh" ? "en" : "zh-Hans";
    button.setAttribute("aria-label", t("lang.switchLabel"));
    button.dataset.lang = current;
  };
  button.addEventListener("click", () => setLang(current === "zh" ? "en" : "zh"));
  onLangChange(render);
  render();
}

const countryNames = new Map();
export function displayCountry(code) {
  if (!code) return "";
  let names = countryNames.get(current);
  if (!names) {
    try { names = new Intl.DisplayNames([current === "zh" ? "zh-Hans" : "en"], { type: "region" }); } catch { names = null; }
    countryNames.set(current, names);
  }
  try { return (names && names.of(code)) || code; } catch { return code; }
}

// Apply the remembered language as early as possible (modules run after parsing, before paint of async data).
document.documentElement.lang = langAttr(current);
