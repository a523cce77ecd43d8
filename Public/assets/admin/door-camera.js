// door-camera.js — reads QR codes with the back camera where the browser has BarcodeDetector
// (Chromium on Android). Nothing else is loaded for it: without the API, the door is a typed field.
// Exports: startScanner(video, onCode, {interval, quietMs}) → Promise<{ok: true, stop()} |
//   {ok: false, reason: "unsupported" | "insecure" | "denied" | "none"}>.
// A code is reported once; the same code again only after it was out of sight for quietMs.

export async function startScanner(video, onCode, { interval = 200, quietMs = 3000 } = {}) {
  if (typeof window.BarcodeDetector !== "function") return { ok: false, reason: "unsupported" };
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return { ok: false, reason: "insecure" };
  let detector;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return { ok: false, reason: "unsupported" };
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch {
    return { ok: false, reason: "unsupported" };
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    return { ok: false, reason: error && (error.name === "NotAllowedError" || error.name === "SecurityError") ? "denied" : "none" };
  }
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try { await video.play(); } catch { /* a muted inline video plays without a gesture; if not, frames still arrive */ }

  let last = "";
  let lastSeen = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || document.hidden || video.readyState < 2) return;
    busy = true;
    try {
      const found = await detector.detect(video);
      const value = found.length ? String(found[0].rawValue || "").trim() : "";
      const now = Date.now();
      if (value && (value !== last || now - lastSeen > quietMs)) onCode(value);
      if (value) { last = value; lastSeen = now; }
    } catch { /* a frame that cannot be read: try the next one */ }
    finally { busy = false; }
  }, interval);

  return {
    ok: true,
    stop() {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
