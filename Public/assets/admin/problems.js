// problems.js — plain-language explanations of the server's problem+json answers.
// Exports:
//   explain(error, {zone, rooms}) → Node[] to put into an alert region (never innerHTML).
//   conflictList(conflicts, {zone, rooms}) → <ul> naming each clash with its time in the venue zone.
//   showMessage(container, kind "ok"|"error"|"warn", ...children) → fills a message container.
import { h, fill } from "../js/dom.js";
import { t, getLang } from "../js/i18n.js";
import { formatTime } from "../js/time.js";

export function conflictList(conflicts, { zone = "UTC", rooms = [] } = {}) {
  const lang = getLang();
  return h("ul", { class: "conflicts" }, (conflicts || []).map((c) => {
    const when = `${formatTime(c.startsAt, zone, lang)}–${formatTime(c.endsAt, zone, lang)}`;
    const room = rooms.find((r) => r.id === c.roomId);
    const text = c.reason === "speaker"
      ? t("conflict.speaker", { title: c.title, when })
      : t("conflict.room", { room: room ? room.name : t("conflict.thisRoom"), title: c.title, when });
    return h("li", { text });
  }));
}

export function explain(error, context = {}) {
  const status = error && typeof error.status === "number" ? error.status : -1;
  const problem = (error && error.problem) || {};
  switch (status) {
    case 0: return [t("error.network")];
    case 401: return [t("error.unauthorized")];
    case 403: return [problem.code === "csrf-token-invalid" ? t("error.csrf") : t("error.forbidden")];
    case 404: return [t("error.notFoundAdmin")];
    case 409:
      if (problem.code === "schedule-conflict") return [h("p", { text: t("error.conflict") }), conflictList(problem.conflicts, context)];
      return [problem.detail || problem.title || t("error.conflictOther")];
    case 412: return [t("error.stale", { version: problem.currentVersion ?? "?" })];
    case 422: case 400: {
      const items = (error.errors || []).map((e) => h("li", { text: `${fieldName(e.field)}: ${e.message}` }));
      return [h("p", { text: t("error.invalid") }), items.length ? h("ul", items) : h("p", { text: problem.detail || "" })];
    }
    case 429: return [t("error.rateLimited", { seconds: error.retryAfter ?? 60 })];
    default: return [t("error.generic", { detail: (error && error.message) || String(error) })];
  }
}

function fieldName(field) {
  const key = `field.${String(field || "").replace(/\[\d+\]$/, "").split(".")[0]}`;
  const label = t(key);
  return label === key ? field : label;
}

export function showMessage(container, kind, ...children) {
  container.className = `form-message message-${kind}`;
  fill(container, ...children);
}
