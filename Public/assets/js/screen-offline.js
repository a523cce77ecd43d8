// screen-offline.js — what lets a venue screen start without the network: the service worker
// (/screen-sw.js keeps the page and its assets) and the last agenda kept in localStorage.
// Stable exports:
//   assetVersion() → this release's asset version ("v" + 12 hex digits, from this module's URL) or null
//   registerScreenWorker(onKept) → registers /screen-sw.js for /screen/ and asks it to keep this page
//     and the assets it loaded in this release's cache; onKept(version) once they are all in it.
//     Does nothing where service workers are unavailable (an insecure origin, an old browser).
//   createSnapshotStore(slug, room) → {read(), save(schedule, seq), touch(at)}:
//     read() → {seq, detail, liveAt} or null: the last agenda of this event (and room filter),
//       `detail` shaped as a live snapshot's data (Schedule.load takes it), `liveAt` the last time
//       (ms) the screen knew it was connected;
//     save(schedule, seq) stores the schedule as of `seq`; touch(at) records `at` as the last live moment.
//   Storage errors (quota, private mode) are swallowed: the screen then simply starts empty offline.
const STORAGE_PREFIX = "tandem.screen.";

export function assetVersion() {
  const match = /\/assets\/(v[0-9a-f]{12})\//.exec(import.meta.url);
  return match ? match[1] : null;
}

export function registerScreenWorker(onKept = () => {}) {
  const version = assetVersion();
  if (!version || !("serviceWorker" in navigator) || !window.isSecureContext) return;
  const container = navigator.serviceWorker;
  const urls = () => [location.href, ...performance.getEntriesByType("resource").map((e) => e.name)]
    .filter((u) => u.startsWith(`${location.origin}/assets/${version}/`) || u === location.href);
  container.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "kept" && data.version === version) onKept(version);
  });
  container.register("/screen-sw.js", { scope: "/screen/" })
    .then(() => container.ready)
    .then((registration) => registration.active.postMessage({ type: "keep", version, urls: urls() }))
    .catch(() => { /* no offline start for this screen; it still works online */ });
}

export function createSnapshotStore(slug, room) {
  const key = `${STORAGE_PREFIX}${slug}${room === null || room === undefined || room === "" ? "" : `?room=${room}`}`;
  const liveKey = `${key}#liveAt`; // apart, so the minute's "still live" is a tiny write
  const get = (k) => { try { return JSON.parse(localStorage.getItem(k) || "null"); } catch { return null; } };
  const set = (k, value) => { try { localStorage.setItem(k, JSON.stringify(value)); } catch { /* quota or private mode */ } };

  return {
    read() {
      const stored = get(key);
      if (!stored || typeof stored.seq !== "number" || !stored.detail || typeof stored.detail !== "object") return null;
      const liveAt = get(liveKey);
      return { seq: stored.seq, detail: stored.detail, liveAt: typeof liveAt === "number" ? liveAt : null };
    },
    save(schedule, seq) {
      if (!schedule.event || typeof seq !== "number") return;
      set(key, {
        seq,
        savedAt: Date.now(),
        detail: {
          ...schedule.event,
          rooms: [...schedule.rooms.values()],
          sessions: [...schedule.sessions.values()],
          announcements: [...schedule.announcements.values()],
        },
      });
    },
    touch(at) { set(liveKey, at); },
  };
}
