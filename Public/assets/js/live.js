// live.js — the live feed of one event over WebSocket, with resume (`since`) and back-off.
// Stable exports:
//   connectLive(slug, {room, since, onMessage, onStatus, maxDelay}) → {close(), reconnectNow(), get lastSeq()}
//     onMessage(message) gets every parsed {seq, type, at, data} in order (the first one is a snapshot,
//       or the replay of what was missed since `since`).
//     onStatus(status, info) with status "connecting" | "live" | "reconnecting" | "offline";
//       "offline" after 2 failed attempts in a row (the page should keep its last state and clock).
//   Reconnects on its own with `since=<last seq>` and exponential back-off (0.5 s … maxDelay, jittered),
//   honouring the server's close reason `{"resume":{"since":N}}` (codes 1001 and 4008).
//   Uses at most one socket and one timer at a time, so a screen can run for weeks.
export function connectLive(slug, { room = null, since = null, onMessage = () => {}, onStatus = () => {}, maxDelay = 8000 } = {}) {
  let lastSeq = since;
  let socket = null;
  let timer = null;
  let failures = 0;
  let closed = false;
  let status = null;

  const setStatus = (next, info) => {
    if (next === status) return;
    status = next;
    onStatus(next, info);
  };

  const url = () => {
    const params = new URLSearchParams();
    if (lastSeq !== null && lastSeq !== undefined) params.set("since", String(lastSeq));
    if (room !== null && room !== undefined && room !== "") params.set("room", String(room));
    const query = params.toString();
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/api/v1/events/${encodeURIComponent(slug)}/live${query ? `?${query}` : ""}`;
  };

  const open = () => {
    timer = null;
    if (closed) return;
    setStatus(failures === 0 && status === null ? "connecting" : failures >= 2 ? "offline" : "reconnecting");
    let ws;
    try { ws = new WebSocket(url()); } catch { schedule(); return; }
    socket = ws;
    let received = false;
    ws.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (!received) { received = true; failures = 0; setStatus("live"); }
      if (typeof message.seq === "number") {
        // A snapshot restarts the sequence; anything else at or below what we have is a duplicate.
        if (message.type !== "snapshot" && lastSeq !== null && message.seq <= lastSeq) return;
        lastSeq = message.seq;
      }
      onMessage(message);
    };
    ws.onopen = () => { failures = 0; if (!received) setStatus("live"); };
    ws.onclose = (event) => {
      ws.onmessage = ws.onopen = ws.onclose = ws.onerror = null;
      if (socket === ws) socket = null;
      if (closed) return;
      try {
        const hint = JSON.parse(event.reason || "{}");
        if (hint && hint.resume && typeof hint.resume.since === "number" && lastSeq === null) lastSeq = hint.resume.since;
      } catch { /* no hint */ }
      if (!received) failures += 1;
      schedule();
    };
    ws.onerror = () => { /* onclose follows */ };
  };

  const schedule = () => {
    if (closed || timer !== null) return;
    setStatus(failures >= 2 ? "offline" : "reconnecting");
    const base = Math.min(maxDelay, 500 * 2 ** Math.min(failures, 10));
    const delay = failures === 0 ? 250 : base / 2 + Math.random() * base / 2;
    timer = setTimeout(open, delay);
  };

  const onOnline = () => reconnectNow();

  const reconnectNow = () => {
    if (closed || socket) return;
    if (timer !== null) { clearTimeout(timer); timer = null; }
    open();
  };

  window.addEventListener("online", onOnline);
  open();

  return {
    close() {
      closed = true;
      window.removeEventListener("online", onOnline);
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (socket) { socket.onclose = null; socket.close(1000); socket = null; }
    },
    reconnectNow,
    get lastSeq() { return lastSeq; },
  };
}
