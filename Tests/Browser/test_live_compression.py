"""The live feed's permessage-deflate (RFC 7692) with a real browser: Chromium offers it, Tandem
accepts it, and the compressed snapshot reads back as the same JSON the uncompressed feed sends."""


def test_chromium_negotiates_permessage_deflate_and_reads_the_snapshot(browser, server, live_event, api):
    browser.get(f"{server.base}/events/{live_event['slug']}")
    opened = browser.execute_async_script("""
        const [slug, done] = [arguments[0], arguments[arguments.length - 1]];
        const open = () => new Promise((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/api/v1/events/${slug}/live`);
          ws.onmessage = (e) => { resolve({extensions: ws.extensions, message: JSON.parse(e.data)}); ws.close(); };
          ws.onerror = () => resolve({error: true});
        });
        (async () => { const all = []; for (let i = 0; i < 3; i++) all.push(await open()); done(all); })();
    """, live_event["slug"])
    schedule = api.ok("GET", f"/api/v1/events/{live_event['slug']}/schedule")
    for result in opened:
        assert result.get("extensions") == "permessage-deflate; server_no_context_takeover", result
        message = result["message"]
        assert message["type"] == "snapshot" and message["seq"] == schedule["scheduleVersion"]
        assert sorted(s["id"] for s in message["data"]["sessions"]) == sorted(s["id"] for s in schedule["sessions"])
