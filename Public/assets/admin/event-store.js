// event-store.js — one event as the organiser sees it: the shared live reducer (../js/schedule.js)
// fed by the REST detail and the live feed, so other organisers' edits, registrations (seats) and
// speaker changes show up without a reload. No reducer of its own.
// Exports:
//   openEventStore(slug, {onChange(change), onLiveStatus(status)}) → Promise<store>
//     store.state: {slug, event, zone, rooms: [...by position], sessions: Map(id → session), announcements: Map(id → a)}
//     store.upsertSession(session, source) / store.upsertSessions([...], source) / store.upsertAnnouncement(a, source)
//     store.reload() (GET the detail again, e.g. after rooms changed) / store.close()
//     change: {kind: "reset"|"sessions"|"seats"|"rooms"|"announcements"|"event", ids?: [...], source: "live"|"local"}
import { connectLive } from "../js/live.js";
import { Schedule } from "../js/schedule.js";
import { request, eventPath } from "./client.js";

export async function openEventStore(slug, { onChange = () => {}, onLiveStatus = () => {} } = {}) {
  const { data } = await request(eventPath(slug));
  const schedule = new Schedule();
  const state = { slug, event: null, zone: "UTC", rooms: [], sessions: schedule.sessions, announcements: schedule.announcements };
  const sync = () => {
    state.event = schedule.event;
    state.zone = (schedule.event && schedule.event.timezone) || "UTC";
    state.rooms = schedule.sortedRooms();
    state.sessions = schedule.sessions;
    state.announcements = schedule.announcements;
  };
  schedule.load(data);
  sync();

  const store = {
    state,
    upsertSession(session, source = "local") {
      if (schedule.put(session)) onChange({ kind: "sessions", ids: [session.id], source });
    },
    upsertSessions(sessions, source = "local") {
      const ids = sessions.filter((s) => schedule.put(s)).map((s) => s.id);
      if (ids.length) onChange({ kind: "sessions", ids, source });
    },
    upsertAnnouncement(a, source = "local") {
      schedule.announcements.set(a.id, a);
      onChange({ kind: "announcements", ids: [a.id], source });
    },
    async reload() {
      const { data: fresh } = await request(eventPath(slug));
      schedule.load(fresh);
      sync();
      onChange({ kind: "reset", source: "local" });
    },
    close() { live.close(); },
  };

  const handle = (message) => {
    if (!message.data) return;
    const result = schedule.apply(message);
    sync();
    const ids = [...result.changed];
    if (message.type === "snapshot") onChange({ kind: "reset", source: "live" });
    else if (result.rooms) onChange({ kind: "rooms", ids, source: "live" });
    else if (result.structural) onChange({ kind: "sessions", ids, source: "live" });
    else if (result.seats) onChange({ kind: "seats", ids, source: "live" });
    if (message.type === "snapshot") return;
    if (result.event) onChange({ kind: "event", source: "live" });
    if (result.announcements) onChange({ kind: "announcements", ids: [message.data.id], source: "live" });
  };

  // Without `since`: the first message is a snapshot, which also covers what changed while loading.
  const live = connectLive(slug, { onMessage: handle, onStatus: onLiveStatus });
  return store;
}
