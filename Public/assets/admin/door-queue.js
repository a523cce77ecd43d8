// door-queue.js — the door's check-ins that could not be sent (the network or the server was away).
// They live in localStorage, so a reload or a flat battery loses none, and are sent again in order
// when the network is back. Sending twice is harmless: the server answers a repeated check-in with
// `already-checked-in`. Every change re-reads the stored list first, so two tabs of the same door
// do not overwrite each other's codes.
// Exports: createQueue(key, send, {onChange(count), onSent(code, answer)}) →
//   {add(code), size(), flush()}; send(code) resolves to {retry: true} to keep the code, or to the
//   answer to report (the code is then removed).

export function createQueue(key, send, { onChange = () => {}, onSent = () => {} } = {}) {
  let flushing = false;

  function read() {
    try {
      const items = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(items) ? items.filter((item) => item && typeof item.code === "string") : [];
    } catch { return []; }
  }

  function write(items) {
    try {
      if (items.length) localStorage.setItem(key, JSON.stringify(items));
      else localStorage.removeItem(key);
    } catch { /* storage full or private mode: the list still lives in this page until reload */ }
    onChange(items.length);
  }

  function add(code) {
    const items = read();
    if (!items.some((item) => item.code === code)) items.push({ code, at: new Date().toISOString() });
    write(items);
  }

  function remove(code) { write(read().filter((item) => item.code !== code)); }

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      for (let items = read(); items.length; items = read()) {
        const { code } = items[0];
        const answer = await send(code);
        if (!answer || answer.retry) break;
        remove(code);
        onSent(code, answer);
      }
    } finally {
      flushing = false;
    }
  }

  window.addEventListener("storage", (event) => { if (event.key === key) onChange(read().length); });
  return { add, size: () => read().length, flush };
}
