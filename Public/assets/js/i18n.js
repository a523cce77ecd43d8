// i18n.js — English/Chinese UI strings, the remembered language choice, translated content.
// Stable exports:
//   getLang() → "en" | "zh" (from localStorage "tandem.lang", else the browser's language)
//   setLang(lang) → stores it, sets <html lang>, re-translates [data-i18n] elements, notifies listeners
//   onLangChange(fn) → registers fn(lang) (call once per page; returns an unsubscribe function)
//   t(key, vars?) → UI string in the current language, "{name}" placeholders filled from vars
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
    "site.name": "Tandem",
    "skip": "Skip to content",
    "site.tagline": "Workshops and open events of the EU–China NGO Twinning programme",
    "nav.events": "Events",
    "nav.fellows": "Fellows",
    "lang.switch": "中文",
    "lang.switchLabel": "切换到中文",
    "loading": "Loading…",
    "error.load": "This could not be loaded: {detail}",
    "error.network": "The server cannot be reached. Please try again.",
    "error.notFound": "Not found.",
    "home.upcoming": "Upcoming events",
    "home.past": "Past events",
    "home.none": "No upcoming events at the moment.",
    "seats.left": "{n} seats left",
    "seats.oneLeft": "1 seat left",
    "seats.full": "Full — join the waitlist",
    "seats.waitlisted": "{n} on the waitlist",
    "seats.open": "Open to all",
    "seats.workshopLeft": "{n} of {capacity} seats left",
    "seats.workshopFull": "Full — waitlist ({n} waiting)",
    "event.kind.workshop": "Workshop",
    "event.kind.open-event": "Open event",
    "event.kind.side-event": "Side event",
    "event.kind.conference": "Conference",
    "event.cancelled": "This event has been cancelled.",
    "event.agenda": "Agenda",
    "event.speakers": "Speakers",
    "event.register": "Register",
    "event.addToCalendar": "Add to calendar",
    "event.venue": "Venue",
    "event.announcements": "Announcements",
    "event.noSessions": "The agenda will be published soon.",
    "event.sideEventOf": "Side event of",
    "event.registrationClosed": "Registration is closed.",
    "event.registrationOpens": "Registration opens {when}.",
    "event.registrationCloses": "Registration closes {when}.",
    "event.noscript": "The live agenda needs JavaScript. You can still register without it: add /register to this page's address (for example /events/twinning-kickoff-2027/register).",
    "session.cancelled": "Cancelled",
    "session.kind.talk": "Talk",
    "session.kind.workshop": "Workshop",
    "session.kind.panel": "Panel",
    "session.kind.plenary": "Plenary",
    "session.kind.break": "Break",
    "session.kind.other": "Session",
    "session.language": "Language: {lang}",
    "session.room": "Room",
    "time.venue": "Venue time",
    "time.local": "My time",
    "time.zoneSwitch": "Show times in",
    "time.shownIn": "Times shown in {zone}",
    "form.name": "Full name",
    "form.email": "E-mail",
    "form.organisation": "Organisation (optional)",
    "form.country": "Country (optional, two-letter code such as DE or CN)",
    "form.language": "Language for e-mails",
    "form.workshops": "Workshops (optional; each has its own seats)",
    "form.noWorkshops": "This event has no workshops that need a sign-up.",
    "form.consent": "I agree that the organisers process my data for this event.",
    "form.submit": "Register",
    "form.submitting": "Sending…",
    "form.errorSummary": "Please correct the marked fields.",
    "form.duplicate": "This e-mail address is already registered for this event. Use the link in your confirmation e-mail to change or cancel it.",
    "form.closed": "Registration is not open for this event.",
    "confirm.title": "You are registered",
    "confirm.titleWaitlist": "You are on the waitlist",
    "confirm.confirmed": "Your seat is confirmed.",
    "confirm.waitlisted": "The event is full. You are number {n} on the waitlist; we will e-mail you when a seat frees up.",
    "confirm.link": "Your private link to change or cancel your registration (also sent by e-mail):",
    "confirm.sessions": "Your workshops",
    "confirm.checkEmailTitle": "Check your e-mail",
    "confirm.checkEmail": "We have sent an e-mail to the address you gave. Open the link in it to confirm your registration: your place is held for {minutes} minutes, then it goes to the next person.",
    "confirm.checkEmailSpam": "Nothing arrived? Look in your spam folder, or register again in a few minutes.",
    "reg.pendingNote": "Your registration is not confirmed yet: your place is held until {time}.",
    "reg.confirmNow": "Confirm my registration",
    "reg.statusPending": "Held, waiting for your confirmation",
    "status.confirmed": "Confirmed",
    "status.waitlisted": "Waitlist",
    "status.waitlistedN": "Waitlist, number {n}",
    "status.pending": "Pending (until you get an event seat)",
    "status.cancelled": "Cancelled",
    "reg.title": "Your registration",
    "reg.status": "Status",
    "reg.name": "Name",
    "reg.email": "E-mail",
    "reg.event": "Event",
    "reg.change": "Change workshops",
    "reg.save": "Save workshops",
    "reg.saved": "Your workshops have been saved.",
    "reg.cancel": "Cancel my registration",
    "reg.cancelConfirm": "Cancel your registration? Your seat goes to the next person on the waitlist. This cannot be undone.",
    "reg.cancelYes": "Yes, cancel",
    "reg.cancelNo": "Keep my registration",
    "reg.cancelledNote": "Your registration is cancelled. You can register again on the event page.",
    "reg.notFound": "This link is not valid. Please check the link in your confirmation e-mail.",
    "reg.calendar": "Add my sessions to calendar",
    "reg.viewEvent": "Event page and agenda",
    "reg.checkInCode": "Check-in code",
    "reg.checkInHint": "Show it at the door. It only checks you in; keep this page's link to yourself.",
    "reg.checkInQR": "QR code of your check-in code {code}, to scan at the door",
    "screen.now": "Now",
    "screen.next": "Next",
    "screen.nothingNow": "—",
    "screen.nothingNext": "No more sessions today",
    "screen.live": "Live",
    "screen.reconnecting": "Reconnecting…",
    "screen.offline": "Offline — showing the last known agenda",
    "screen.connecting": "Connecting…",
    "screen.moved": "moved to {room}",
    "fellows.title": "Fellows",
    "fellows.intro": "Fellows of the EU–China NGO Twinning programme, by cohort.",
    "fellows.cohort": "Cohort",
    "fellows.country": "Country",
    "fellows.search": "Search names, organisations, topics",
    "fellows.all": "All",
    "fellows.count": "{n} fellows",
    "fellows.countOne": "1 fellow",
    "fellows.none": "No fellow matches these filters.",
    "fellows.cohortYear": "Cohort {year}",
    "fellows.partner": "Partner organisation",
    "fellows.organisation": "Organisation",
    "fellows.topics": "Exchange topics",
    "fellows.sessions": "Speaks at",
    "fellows.reset": "Clear filters",
  },
  zh: {
    "site.name": "Tandem",
    "skip": "跳到正文",
    "site.tagline": "中欧NGO结对交流项目的工作坊与公开活动",
    "nav.events": "活动",
    "nav.fellows": "学员",
    "lang.switch": "English",
    "lang.switchLabel": "Switch to English",
    "loading": "加载中…",
    "error.load": "无法加载：{detail}",
    "error.network": "无法连接服务器，请稍后再试。",
    "error.notFound": "未找到。",
    "home.upcoming": "即将举行的活动",
    "home.past": "往期活动",
    "home.none": "目前没有即将举行的活动。",
    "seats.left": "剩余 {n} 个名额",
    "seats.oneLeft": "剩余 1 个名额",
    "seats.full": "名额已满——可加入候补名单",
    "seats.waitlisted": "候补 {n} 人",
    "seats.open": "公开参加",
    "seats.workshopLeft": "{capacity} 个名额中剩余 {n} 个",
    "seats.workshopFull": "已满——候补（{n} 人等待）",
    "event.kind.workshop": "工作坊",
    "event.kind.open-event": "公开活动",
    "event.kind.side-event": "边会",
    "event.kind.conference": "会议",
    "event.cancelled": "本活动已取消。",
    "event.agenda": "日程",
    "event.speakers": "发言人",
    "event.register": "报名",
    "event.addToCalendar": "添加到日历",
    "event.venue": "地点",
    "event.announcements": "通知",
    "event.noSessions": "日程即将公布。",
    "event.sideEventOf": "所属会议：",
    "event.registrationClosed": "报名已截止。",
    "event.registrationOpens": "报名开始时间：{when}。",
    "event.registrationCloses": "报名截止时间：{when}。",
    "event.noscript": "实时日程需要启用JavaScript。不使用JavaScript也可以报名：在本页地址后加上 /register（例如 /events/twinning-kickoff-2027/register）。",
    "session.cancelled": "已取消",
    "session.kind.talk": "演讲",
    "session.kind.workshop": "工作坊",
    "session.kind.panel": "圆桌讨论",
    "session.kind.plenary": "全体会议",
    "session.kind.break": "休息",
    "session.kind.other": "环节",
    "session.language": "语言：{lang}",
    "session.room": "会议室",
    "time.venue": "活动当地时间",
    "time.local": "我的时间",
    "time.zoneSwitch": "时间显示为",
    "time.shownIn": "时间为 {zone}",
    "form.name": "姓名",
    "form.email": "电子邮箱",
    "form.organisation": "机构（选填）",
    "form.country": "国家（选填，两位字母代码，如 DE 或 CN）",
    "form.language": "邮件语言",
    "form.workshops": "工作坊（选填，各有名额限制）",
    "form.noWorkshops": "本活动没有需要单独报名的工作坊。",
    "form.consent": "我同意主办方为本活动处理我的个人信息。",
    "form.submit": "报名",
    "form.submitting": "正在提交…",
    "form.errorSummary": "请更正标出的内容。",
    "form.duplicate": "该邮箱已报名本活动。请使用确认邮件中的链接修改或取消报名。",
    "form.closed": "本活动目前不接受报名。",
    "confirm.title": "报名成功",
    "confirm.titleWaitlist": "您已进入候补名单",
    "confirm.confirmed": "您的名额已确认。",
    "confirm.waitlisted": "活动名额已满。您在候补名单中排第 {n} 位；有名额时我们会发邮件通知您。",
    "confirm.link": "修改或取消报名的专属链接（也已通过邮件发送）：",
    "confirm.sessions": "您选择的工作坊",
    "confirm.checkEmailTitle": "请查收电子邮件",
    "confirm.checkEmail": "我们已向您填写的地址发送了一封邮件。请打开邮件中的链接确认报名：您的名额将保留 {minutes} 分钟，逾期将让给下一位。",
    "confirm.checkEmailSpam": "没有收到？请查看垃圾邮件文件夹，或几分钟后重新报名。",
    "reg.pendingNote": "您的报名尚未确认：名额保留至 {time}。",
    "reg.confirmNow": "确认报名",
    "reg.statusPending": "名额保留中，等待您确认",
    "status.confirmed": "已确认",
    "status.waitlisted": "候补",
    "status.waitlistedN": "候补第 {n} 位",
    "status.pending": "待定（获得活动名额后生效）",
    "status.cancelled": "已取消",
    "reg.title": "我的报名",
    "reg.status": "状态",
    "reg.name": "姓名",
    "reg.email": "电子邮箱",
    "reg.event": "活动",
    "reg.change": "更改工作坊",
    "reg.save": "保存工作坊",
    "reg.saved": "您的工作坊选择已保存。",
    "reg.cancel": "取消报名",
    "reg.cancelConfirm": "确定取消报名吗？您的名额将转给候补名单中的下一位。此操作无法撤销。",
    "reg.cancelYes": "确定取消",
    "reg.cancelNo": "保留报名",
    "reg.cancelledNote": "您的报名已取消。您可以在活动页面重新报名。",
    "reg.notFound": "此链接无效，请检查确认邮件中的链接。",
    "reg.calendar": "将我的日程添加到日历",
    "reg.viewEvent": "活动页面与日程",
    "reg.checkInCode": "签到码",
    "reg.checkInHint": "入场时出示。它仅用于签到；请勿转发本页面的链接。",
    "reg.checkInQR": "签到码 {code} 的二维码，供入场时扫描",
    "screen.now": "正在进行",
    "screen.next": "下一场",
    "screen.nothingNow": "—",
    "screen.nothingNext": "今天没有更多环节",
    "screen.live": "实时",
    "screen.reconnecting": "正在重新连接…",
    "screen.offline": "离线——显示最近的日程",
    "screen.connecting": "正在连接…",
    "screen.moved": "改至 {room}",
    "fellows.title": "学员",
    "fellows.intro": "中欧NGO结对交流项目的学员，按届别排列。",
    "fellows.cohort": "届别",
    "fellows.country": "国家",
    "fellows.search": "搜索姓名、机构、主题",
    "fellows.all": "全部",
    "fellows.count": "{n} 位学员",
    "fellows.countOne": "1 位学员",
    "fellows.none": "没有符合筛选条件的学员。",
    "fellows.cohortYear": "{year} 届",
    "fellows.partner": "伙伴机构",
    "fellows.organisation": "机构",
    "fellows.topics": "交流主题",
    "fellows.sessions": "发言场次",
    "fellows.reset": "清除筛选",
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
  let text = strings[current][key] ?? strings.en[key] ?? key;
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
