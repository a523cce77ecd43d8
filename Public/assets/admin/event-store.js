// event-store.js — one event's rooms, sessions and announcements as the organiser sees them,
// loaded once and then kept current by the live feed (so other organisers' edits show up without a reload).
// Exports:
//   openEventStore(slug, {onChange(change), onLiveStatus(status)}) → Promise<store>
//     store.state: {slug, event, zone, rooms: [...], sessions: Map(id → session), announcements: Map(id → a)}
//     store.upsertSession(session, source) / store.upsertSessions([...], source) / store.close()
//     change: {kind: "reset"|"sessions"|"rooms"|"announcements"|"event", ids?: [...], source: "live"|"local", removed?: bool}
import { connectLive } from "../js/live.js";
import { request, eventPath } from "./client.js";

export async function openEventStore(slug, { onChange = () => {}, onLiveStatus = () => {} } = {}) {
  const { data } = await request(eventPath(slug));
  const state = { slug, event: null, zone: "UTC", rooms: [], sessions: new Map(), announcements: new Map() };

  const reset = (detail) => {
    const { rooms = [], sessions = [], announcements = [], ...event } = detail;
    state.event = event;
    state.zone = event.timezone || "UTC";
    state.rooms = [...rooms].sort((a, b) => a.position - b.position || a.id - b.id);
    state.sessions = new Map(sessions.map((s) => [s.id, clean(s)]));
    state.announcements = new Map(announcements.map((a) => [a.id, a]));
  };
  reset(data);

  /** Keeps the newer of two copies; the live echo of our own save (same version) changes nothing. */
  const put = (session) => {
    const known = state.sessions.get(session.id);
    if (known && typeof known.version === "number" && session.version <= known.version) return false;
    state.sessions.set(session.id, clean(session));
    return true;
  };

  const store = {
    state,
    upsertSession(session, source = "local") {
      if (put(session)) onChange({ kind: "sessions", ids: [session.id], source });
    },
    upsertSessions(sessions, source = "local") {
      const ids = sessions.filter(put).map((s) => s.id);
      if (ids.length) onChange({ kind: "sessions", ids, source });
    },
    upsertAnnouncement(a, source = "local") {
      state.announcements.set(a.id, a);
      onChange({ kind: "announcements", ids: [a.id], source });
    },
    close() { live.close(); },
  };

  const handle = (message) => {
    const { type, data: body } = message;
    if (!body) return;
    switch (type) {
      case "snapshot": reset(body); onChange({ kind: "reset", source: "live" }); break;
      case "session.created": case "session.updated": case "session.cancelled":
        store.upsertSession(body, "live"); break;
      case "session.deleted":
        state.sessions.delete(body.id);
        onChange({ kind: "sessions", ids: [body.id], source: "live", removed: true }); break;
      case "schedule.delayed":
        store.upsertSessions(body.sessions || [], "live"); break;
      case "room.created": case "room.updated": {
        state.rooms = [...state.rooms.filter((r) => r.id !== body.id), body].sort((a, b) => a.position - b.position || a.id - b.id);
        onChange({ kind: "rooms", ids: [body.id], source: "live" }); break;
      }
      case "room.deleted":
        state.rooms = state.rooms.filter((r) => r.id !== body.id);
        onChange({ kind: "rooms", ids: [body.id], source: "live" }); break;
      case "announcement.created":
        store.upsertAnnouncement(body, "live"); break;
      case "announcement.expired":
        state.announcements.delete(body.id);
        onChange({ kind: "announcements", ids: [body.id], source: "live" }); break;
      case "event.updated": {
        state.event = { ...state.event, ...body };
        state.zone = state.event.timezone || state.zone;
        onChange({ kind: "event", source: "live" }); break;
      }
      default: break;
    }
  };

  const live = connectLive(slug, { onMessage: handle, onStatus: onLiveStatus });
  return store;
}

function clean(session) {
  const { previousRoomId, ...rest } = session;
  return rest;
}
