// screen-sw.js — the venue screen's service worker (registered by assets/js/screen-offline.js with
// scope /screen/), so a screen that restarts while the network is down still opens: the page and
// its assets come from Cache Storage, the agenda from localStorage.
// - One cache per front-end release, "tandem-screen-<asset version>". Each screen page, once it
//   runs, asks the worker to keep it and the assets it loaded (message {type: "keep", version,
//   urls}); when the cache of that release holds all of them, the caches of every other release
//   are deleted: the next online start after an upgrade replaces the old app.
//   (One worker for every release, at a fixed URL: a release never waits for an old worker to let go.)
// - `/screen/…` pages: network first, so a page is revalidated whenever the server answers; the
//   kept copy when the network fails, answers 5xx (a proxy whose upstream is down) or is slower
//   than PAGE_TIMEOUT_MS.
// - `/assets/<version>/…`: cache first (the names carry the content hash: a kept copy is never stale).
// - Nothing else: no API answer, no organiser page (outside the scope, and never fetched here).
const PREFIX = "tandem-screen-";
const PAGE_TIMEOUT_MS = 4000;
const MAX_URLS = 64;

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

function isScreenPage(url) { return url.origin === self.location.origin && url.pathname.startsWith("/screen/"); }
function isAssetOf(url, version) { return url.origin === self.location.origin && url.pathname.startsWith(`/assets/${version}/`); }

async function kept(request) {
  return (await caches.match(request)) || (await caches.match(request, { ignoreSearch: true }));
}

async function pageFromNetworkOrCache(request) {
  const network = fetch(request);
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), PAGE_TIMEOUT_MS); });
  try {
    const response = await Promise.race([network, timeout]);
    if (response && response.status < 500) return response;
    return (await kept(request)) || response || (await network);
  } catch (error) {
    const copy = await kept(request);
    if (copy) return copy;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function assetFromCacheOrNetwork(request) {
  return (await caches.match(request)) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (request.mode === "navigate" && isScreenPage(url)) event.respondWith(pageFromNetworkOrCache(request));
  else if (url.origin === self.location.origin && /^\/assets\/v[0-9a-f]{12}\//.test(url.pathname)) event.respondWith(assetFromCacheOrNetwork(request));
});

/// Keeps a screen page of release `version` and the assets it loaded, then drops other releases.
async function keep(version, urls) {
  const wanted = [...new Set(urls)].slice(0, MAX_URLS).map((u) => new URL(u, self.location.href))
    .filter((url) => isScreenPage(url) || isAssetOf(url, version));
  const name = PREFIX + version;
  const cache = await caches.open(name);
  await Promise.all(wanted.map(async (url) => {
    if (!isScreenPage(url) && await cache.match(url.href)) return;
    const response = await fetch(url.href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url.pathname}: ${response.status}`);
    await cache.put(url.href, response);
  }));
  for (const other of await caches.keys()) {
    if (other.startsWith(PREFIX) && other !== name) await caches.delete(other);
  }
  return wanted.length;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls) || !/^v[0-9a-f]{12}$/.test(data.version || "")) return;
  const version = data.version;
  const reply = (message) => { if (event.source) event.source.postMessage({ ...message, version }); };
  event.waitUntil(keep(version, data.urls.filter((u) => typeof u === "string"))
    .then((count) => reply({ type: "kept", count }), (error) => reply({ type: "keep-failed", error: String(error) })));
});
