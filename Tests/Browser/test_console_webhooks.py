"""The webhooks section of the event's "Rooms and exports" tab: add an endpoint (URL, a change type,
a secret) with the keyboard, see it listed as active with its secret shown once, make a change and
see its delivery (a real HTTP receiver in this test gets it, signed), pause it, and the section in
Chinese."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from admin_support import log_in
from conftest import wait


class Receiver:
    """A webhook receiver on a free loopback port: records each POST, answers 204."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_webhook_is_added_listed_delivers_and_pauses(browser, server, api):
    receiver = Receiver()
    try:
        start = (datetime.now(timezone.utc) + timedelta(days=12)).replace(hour=8, minute=0, second=0, microsecond=0)
        slug = api.create_event(starts=start)["slug"]
        api.create_room(slug, "Hall")
        log_in(browser, server)
        browser.get(f"{server.base}/admin/#event={slug}&tab=settings")
        wait(browser, 20).until(lambda d: d.find_elements(By.ID, "webhooks-none"))

        # Add with the keyboard: URL, one change type, a secret, Enter.
        browser.find_element(By.ID, "webhook-new-url").send_keys(receiver.url)
        box = browser.find_element(By.ID, "webhook-type-announcement-created")
        box.send_keys(Keys.SPACE)
        assert box.is_selected()
        secret = "browser-test-secret-0042"
        browser.find_element(By.ID, "webhook-new-secret").send_keys(secret, Keys.ENTER)
        wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#webhooks-list tr[data-webhook-id][data-state='active']"))
        assert browser.find_element(By.ID, "webhook-secret-once").text == secret
        row = browser.find_element(By.CSS_SELECTOR, "#webhooks-list tr[data-webhook-id]")
        assert receiver.url in row.text and "announcement.created" in row.text and "…0042" in row.text
        assert browser.switch_to.active_element.get_attribute("data-action") == "pause"
        [endpoint] = api.ok("GET", f"/api/v1/events/{slug}/webhooks")["items"]
        assert endpoint["types"] == ["announcement.created"] and "secret" not in endpoint

        # A change reaches the receiver, signed; the delivery is listed.
        api.ok("POST", f"/api/v1/events/{slug}/announcements", {"text": {"en": "Coffee is served"}})
        wait(browser, 20).until(lambda d: receiver.received)
        headers, body = receiver.received[0]
        assert json.loads(body)["type"] == "announcement.created"
        parts = dict(p.split("=", 1) for p in headers["Tandem-Signature"].split(","))
        assert hmac.compare_digest(parts["v1"], hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest())
        browser.find_element(By.CSS_SELECTOR, f'#webhooks-list [data-action="deliveries"][data-webhook-id="{endpoint["id"]}"]').send_keys(Keys.ENTER)
        wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#webhook-deliveries-table tr[data-ok='true']"))
        assert browser.switch_to.active_element.get_attribute("id") == "webhook-deliveries-title"
        delivered = browser.find_element(By.CSS_SELECTOR, "#webhook-deliveries-table tr[data-ok='true']")
        assert "announcement.created" in delivered.text and "204" in delivered.text

        # Pause: the state says so, and resume is offered (and focused).
        browser.find_element(By.CSS_SELECTOR, '#webhooks-list [data-action="pause"]').send_keys(Keys.ENTER)
        wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#webhooks-list tr[data-state='paused']"))
        wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("data-action") == "resume")
        assert api.ok("GET", f"/api/v1/events/{slug}/webhooks/{endpoint['id']}")["active"] is False

        # In Chinese.
        browser.find_element(By.ID, "lang-switch").click()
        wait(browser).until(lambda d: d.find_element(By.ID, "webhooks-title").text == "Webhook")
        assert "变更类型" in browser.find_element(By.ID, "webhook-add").text
    finally:
        receiver.close()
