// schedule.js — the one live reducer: an event's state kept up to date from REST data and live
// messages, used by the attendee pages and (through admin/event-store.js) the organiser's editor.
// Stable exports:
//   class Schedule
//     .event (EventResponse fields), .rooms Map(id → room), .sessions Map(id → session),
//     .announcements Map(id → announcement), .seq (last applied seq)
//     .load(detail)  — from GET /api/v1/events/{slug} or a live `snapshot`'s data
//     .apply(message) → {changed: Set(sessionId), structural: bool, seats: bool, event: bool,
//                        announcements: bool, rooms: bool}
//     .put(session) → bool — a session from a REST answer (our own save); false when the copy held is as new
//     .sortedRooms() → rooms by position, then id
//     .sortedSessions(filter?) → sessions by start time, then room position
//   room filter: new Schedule({room: id}) drops sessions that leave that room (screens with ?room=).
export class Schedule {
  constructor({ room = null } = {}) {
    this.room = room === null || room === undefined || room === "" ? null : Number(room);
    this.event = null;
    this.rooms = new Map();
    this.sessions = new Map();
    this.announcements = new Map();
    this.seq = null;
  }

  load(detail) {
    const { rooms = [], sessions = [], announcements = [], ...event } = detail;
    this.event = event;
    this.rooms = new Map(rooms.map((r) => [r.id, r]));
    this.sessions = new Map();
    for (const s of sessions) if (this.keeps(s)) this.sessions.set(s.id, s);
    this.announcements = new Map(announcements.map((a) => [a.id, a]));
    if (typeof event.scheduleVersion === "number") this.seq = event.scheduleVersion;
  }

  keeps(session) { return this.room === null || session.roomId === this.room; }

  /** Keeps the newer of two copies: the live echo of a save already applied (same version) changes nothing. */
  put(session) {
    const known = this.sessions.get(session.id);
    if (known && typeof known.version === "number" && typeof session.version === "number" && session.version <= known.version) return false;
    if (this.keeps(session)) this.sessions.set(session.id, session);
    else this.sessions.delete(session.id);
    return true;
  }

  upsertSession(session, result) {
    if (!this.put(session)) return;
    result.changed.add(session.id);
  }

  apply(message) {
    const result = { changed: new Set(), structural: false, seats: false, event: false, announcements: false, rooms: false };
    const { type, data } = message;
    if (typeof message.seq === "number") this.seq = message.seq;
    switch (type) {
      case "snapshot":
        this.load(data);
        Object.assign(result, { structural: true, seats: true, event: true, announcements: true, rooms: true });
        break;
      case "session.created":
      case "session.updated":
      case "session.cancelled":
        this.upsertSession(data, result);
        result.structural = true;
        break;
      case "session.deleted":
        this.sessions.delete(data.id);
        result.changed.add(data.id);
        result.structural = true;
        break;
      case "schedule.delayed":
        for (const s of data.sessions || []) this.upsertSession(s, result);
        result.structural = true;
        break;
      case "room.created":
      case "room.updated":
        this.rooms.set(data.id, data);
        result.rooms = result.structural = true;
        break;
      case "room.deleted":
        this.rooms.delete(data.id);
        result.rooms = result.structural = true;
        break;
      case "announcement.created":
        this.announcements.set(data.id, data);
        result.announcements = true;
        break;
      case "announcement.expired":
        this.announcements.delete(data.id);
        result.announcements = true;
        break;
      case "seats.changed":
        if (this.event && data.event) this.event.seats = data.event;
        for (const { sessionId, seats } of data.sessions || []) {
          const s = this.sessions.get(sessionId);
          if (s) { s.seats = seats; result.changed.add(sessionId); }
        }
        result.seats = true;
        break;
      case "event.created":
      case "event.updated":
        this.event = { ...(this.event || {}), ...data };
        result.event = true;
        break;
      case "speaker.created":
      case "speaker.updated":
        for (const s of this.sessions.values()) {
          const i = (s.speakers || []).findIndex((sp) => sp.id === data.id);
          if (i >= 0) { s.speakers[i] = data; result.changed.add(s.id); }
        }
        result.structural = result.changed.size > 0;
        break;
      default:
        break;
    }
    return result;
  }

  sortedRooms() {
    return [...this.rooms.values()].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
  }

  sortedSessions(filter = () => true) {
    const position = (id) => (this.rooms.get(id) ? this.rooms.get(id).position ?? 0 : 1e9);
    return [...this.sessions.values()].filter(filter).sort((a, b) =>
      Date.parse(a.startsAt) - Date.parse(b.startsAt) || position(a.roomId) - position(b.roomId) || a.id - b.id);
  }
}

/// Seat wording shared by pages: {text, full} for a `seats` object (null capacity = unlimited).
export function seatsText(seats, t) {
  if (!seats || seats.capacity === null || seats.capacity === undefined) return { text: t("seats.open"), full: false };
  const left = seats.available ?? Math.max(0, seats.capacity - seats.confirmed);
  if (left <= 0) return { text: t("seats.full"), full: true };
  return { text: left === 1 ? t("seats.oneLeft") : t("seats.left", { n: left }), full: false };
}
