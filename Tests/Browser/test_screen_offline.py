"""A venue screen that restarts while the server (or the Wi-Fi) is down: the service worker serves the
page and its assets, localStorage the last agenda; the screen says since when it is offline, keeps its
clock, resumes with `since` when the server is back, and a new front-end release replaces the cache."""
from __future__ import annotations

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import urllib.parse
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium_axe_python import Axe

from conftest import REPO, Api, TandemServer, _make_driver, now_utc, wait

# Records the URL of every WebSocket the page opens (window.__sockets), to see the `since` it resumes from.
SOCKET_PROBE = """
window.__sockets = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (url, protocols) { window.__sockets.push(String(url)); return new NativeWebSocket(url, protocols); };
window.WebSocket.prototype = NativeWebSocket.prototype;
"""
ENGLISH_OFFLINE = "Offline since"
CHINESE_OFFLINE = "起离线"


def slot_title(driver, room_id, kind):
    return driver.find_element(By.CSS_SELECTOR, f'.room-card[data-room-id="{room_id}"] .slot-{kind} .slot-title').text


def sockets(driver):
    return driver.execute_script("return window.__sockets")


def status(driver):
    return driver.find_element(By.ID, "live-status").get_attribute("data-state")


@pytest.fixture
def screen_in_profile():
    """screen_in_profile(profile): a 1920×1080 screen browser that keeps its profile (service
    workers, caches, localStorage) in `profile`, as a venue PC's browser does across reboots.
    Quit it to "reboot"; whatever a failing test left open is quit afterwards."""
    started = []

    def start(profile: Path):
        driver = _make_driver(1920, 1080, [f"--user-data-dir={profile}"])
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SOCKET_PROBE})
        started.append(driver)
        return driver

    yield start
    for driver in started:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 — already quit
            pass


def open_online(driver, url):
    """Opens the screen with the server up and waits until it could start offline: live, and the
    service worker of this release holds the page and its assets, and the agenda is saved."""
    driver.get(url)
    wait(driver, 20).until(lambda d: status(d) == "live")
    wait(driver, 20).until(lambda d: d.execute_script(
        "return window.tandemScreen.offlineReady() !== null && navigator.serviceWorker.controller !== null"))
    parts = urllib.parse.urlsplit(url)
    room = urllib.parse.parse_qs(parts.query).get("room", [None])[0]
    key = f"tandem.screen.{parts.path.removeprefix('/screen/')}" + (f"?room={room}" if room else "")
    wait(driver, 10).until(lambda d: d.execute_script(
        "const s = JSON.parse(localStorage.getItem(arguments[0]) || 'null');"
        "return s !== null && s.seq === window.tandemScreen.lastSeq() && localStorage.getItem(arguments[0] + '#liveAt') !== null", key))
    return driver.execute_script("return window.tandemScreen.offlineReady()")


def cache_names(driver):
    return driver.execute_async_script("const done = arguments[0]; caches.keys().then(done, () => done(null))")


def make_event(api):
    start = now_utc() - timedelta(hours=2)
    event = api.create_event(starts=start, hours=12)
    slug = event["slug"]
    hall = api.create_room(slug, "Room A")
    now = now_utc()
    current = api.create_session(slug, hall["id"], now - timedelta(minutes=30), 60, {"en": "Opening plenary", "zh": "开幕全体会议"}, kind="plenary")
    following = api.create_session(slug, hall["id"], now + timedelta(minutes=40), 50, {"en": "Fundraising for NGOs", "zh": "非政府组织筹款"})
    return {"slug": slug, "room": hall["id"], "now": current, "next": following}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screen_restarts_offline_with_the_last_agenda_then_resumes(server, api, lang, tmp_path, screen_in_profile):
    event = make_event(api)
    slug, room = event["slug"], event["room"]
    # The Chinese screen is a room's screen (`?room=`): its agenda is kept under its own key.
    url = f"{server.base}/screen/{slug}?lang={lang}" + (f"&room={room}" if lang == "zh" else "")
    now_title = "Opening plenary" if lang == "en" else "开幕全体会议"
    profile = tmp_path / "profile"

    first = screen_in_profile(profile)
    open_online(first, url)
    assert slot_title(first, room, "now") == now_title
    seq = first.execute_script("return window.tandemScreen.lastSeq()")
    first.quit()

    server.stop()
    try:
        # The venue PC reboots while the server is unreachable.
        screen = screen_in_profile(profile)
        screen.get(url)
        wait(screen, 15).until(lambda d: slot_title(d, room, "now") == now_title)
        assert slot_title(screen, room, "next") == ("Fundraising for NGOs" if lang == "en" else "非政府组织筹款")
        wait(screen, 15).until(lambda d: status(d) == "offline")
        mark = screen.find_element(By.ID, "live-status")
        assert mark.get_attribute("role") == "status" and mark.is_displayed()
        assert (ENGLISH_OFFLINE if lang == "en" else CHINESE_OFFLINE) in mark.text
        assert mark.get_attribute("data-offline-since") != ""
        # The clock runs from local time.
        before = screen.execute_script("return window.tandemScreen.now()")
        wait(screen, 5).until(lambda d: d.execute_script("return window.tandemScreen.now()") > before)
        assert screen.find_element(By.ID, "clock").text != "--:--"
        # The offline screen passes axe-core as the live one does (test_accessibility.py).
        axe = Axe(screen, os.environ["TANDEM_AXE_SCRIPT"]) if os.environ.get("TANDEM_AXE_SCRIPT") else Axe(screen)
        axe.inject()
        serious = [v for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
        assert not serious, serious
        screen.execute_script("window.__notReloaded = true")
    finally:
        server.start()

    # Back online: the feed resumes from the saved seq (nothing missed, nothing replaced), the mark goes.
    wait(screen, 30).until(lambda d: status(d) == "live")
    assert screen.execute_script("return window.tandemScreen.lastSeq()") == seq
    assert all(f"since={seq}" in u for u in sockets(screen)), sockets(screen)
    assert screen.find_element(By.ID, "live-status").get_attribute("data-offline-since") == ""
    assert ENGLISH_OFFLINE not in screen.find_element(By.ID, "live-status").text
    assert CHINESE_OFFLINE not in screen.find_element(By.ID, "live-status").text

    api.update_session(slug, event["next"]["id"], {"title": {"en": "Changed after the outage", "zh": "停电后更改"}})
    changed = "Changed after the outage" if lang == "en" else "停电后更改"
    wait(screen, 5).until(lambda d: slot_title(d, room, "next") == changed)
    assert screen.execute_script("return window.tandemScreen.lastSeq()") > seq
    assert screen.execute_script("return window.__notReloaded === true")
    screen.quit()


def test_screen_resumes_after_missed_changes_and_the_worker_leaves_other_pages_alone(server, api, tmp_path, screen_in_profile):
    event = make_event(api)
    slug, room = event["slug"], event["room"]
    url = f"{server.base}/screen/{slug}"
    profile = tmp_path / "profile"
    first = screen_in_profile(profile)
    open_online(first, url)
    seq = first.execute_script("return window.tandemScreen.lastSeq()")
    first.quit()

    # Changes made while the screen is off are replayed from the saved seq on its next start.
    api.update_session(slug, event["now"]["id"], {"title": {"en": "Renamed while the screen was off"}})
    screen = screen_in_profile(profile)
    screen.get(url)
    wait(screen, 15).until(lambda d: slot_title(d, room, "now") == "Renamed while the screen was off")
    wait(screen, 15).until(lambda d: status(d) == "live")
    assert sockets(screen)[0].endswith(f"?since={seq}"), sockets(screen)
    assert screen.execute_script("return window.tandemScreen.lastSeq()") > seq

    # The worker controls screens only: the event page and the console are not its to serve.
    screen.get(f"{server.base}/events/{slug}")
    assert screen.execute_script("return navigator.serviceWorker.controller") is None
    screen.get(f"{server.base}/admin/")
    assert screen.execute_script("return navigator.serviceWorker.controller") is None
    # And it keeps no API answer, no organiser page: only this release's screen page and assets.
    keys = screen.execute_async_script("""
        const done = arguments[0];
        caches.keys().then(async (names) => {
          const urls = [];
          for (const name of names) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
          done(urls);
        });""")
    assert keys, keys
    assert all(p.startswith(f"/screen/{slug}") or p.startswith("/assets/v") for p in keys), keys
    screen.quit()


class BadGateway(BaseHTTPRequestHandler):
    """What nginx answers while Tandem behind it is down."""

    def do_GET(self):  # noqa: N802 — http.server's naming
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>502 Bad Gateway</h1>")

    def log_message(self, *args):
        pass


def test_screen_starts_from_its_copy_when_a_proxy_answers_502(server, api, tmp_path, screen_in_profile):
    event = make_event(api)
    url = f"{server.base}/screen/{event['slug']}"
    profile = tmp_path / "profile"
    first = screen_in_profile(profile)
    open_online(first, url)
    first.quit()

    server.stop()
    proxy = ThreadingHTTPServer(("127.0.0.1", server.port), BadGateway)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        screen = screen_in_profile(profile)
        screen.get(url)
        wait(screen, 15).until(lambda d: slot_title(d, event["room"], "now") == "Opening plenary")
        wait(screen, 15).until(lambda d: status(d) == "offline")
        assert ENGLISH_OFFLINE in screen.find_element(By.ID, "live-status").text
        screen.quit()
    finally:
        proxy.shutdown()
        proxy.server_close()
        server.start()


@pytest.fixture
def release_server():
    """A server of its own on a copy of Public/, so a test can ship a changed front end on restart."""
    binary = Path(os.environ.get("TANDEM_BINARY", REPO / ".build/debug/tandem"))
    if not binary.is_absolute():
        binary = REPO / binary
    with tempfile.TemporaryDirectory(prefix="tandem-release-") as workdir:
        public = Path(workdir) / "Public"
        shutil.copytree(REPO / "Public", public)
        instance = TandemServer(binary, Path(workdir), public=public)
        instance.start()
        yield instance
        instance.stop()


def test_a_new_release_replaces_the_cached_screen(release_server, tmp_path, screen_in_profile):
    api = Api(release_server)
    api.login()
    event = make_event(api)
    slug, room = event["slug"], event["room"]
    url = f"{release_server.base}/screen/{slug}"
    profile = tmp_path / "profile"

    first = screen_in_profile(profile)
    old = open_online(first, url)
    assert cache_names(first) == [f"tandem-screen-{old}"]
    first.quit()

    # A new release: the front end's assets change, the server restarts.
    release_server.stop()
    css = release_server.public / "assets/css/screen.css"
    css.write_text(css.read_text() + "\n/* the next release */\n")
    release_server.start()

    screen = screen_in_profile(profile)
    new = open_online(screen, url)
    assert new != old
    assert screen.find_element(By.CSS_SELECTOR, 'link[rel="stylesheet"]').get_attribute("href").endswith(f"/assets/{new}/css/screen.css")
    wait(screen, 10).until(lambda d: cache_names(d) == [f"tandem-screen-{new}"])
    screen.quit()

    # Offline, the screen now starts from the new release.
    release_server.stop()
    offline = screen_in_profile(profile)
    offline.get(url)
    wait(offline, 15).until(lambda d: slot_title(d, room, "now") == "Opening plenary")
    wait(offline, 15).until(lambda d: status(d) == "offline")
    assert offline.find_element(By.CSS_SELECTOR, 'link[rel="stylesheet"]').get_attribute("href").endswith(f"/assets/{new}/css/screen.css")
    offline.quit()
