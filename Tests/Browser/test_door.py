"""The door page /admin/door/{slug}: log-in on the page, typed codes and their answers, the counter,
Chinese, check-ins kept while offline and sent afterwards, the camera path (with a stand-in for
BarcodeDetector on Chromium's fake camera) and the page without BarcodeDetector."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from admin_support import ADMIN_EMAIL, ADMIN_PASSWORD, log_in
from conftest import chromium, now_utc, wait

BERLIN = ZoneInfo("Europe/Berlin")
NO_BARCODE_DETECTOR = "delete window.BarcodeDetector;"
# Reads whatever the test puts in window.__qr, as Chromium on Android reads the camera's frames.
FAKE_BARCODE_DETECTOR = """
window.__qr = "";
window.__detections = 0;
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  constructor(options) { this.formats = options.formats; }
  async detect(source) {
    window.__detections += 1;
    return window.__qr && source.videoWidth > 0 ? [{ rawValue: window.__qr, format: "qr_code" }] : [];
  }
};
"""


@pytest.fixture
def door_event(api):
    """An event happening now with two seats: Li Wei and Zhang Min are confirmed, Wang Fang waits."""
    event = api.create_event(starts=now_utc() - timedelta(hours=1), hours=8, capacity=2)
    slug = event["slug"]
    people = {}
    for key, name in (("li", "Li Wei"), ("zhang", "Zhang Min"), ("wang", "Wang Fang")):
        registration = api.register(slug, name, f"{key}-{uuid.uuid4().hex[:6]}@example.org")
        people[key] = api.ok("GET", f"/api/v1/registrations/{registration['token']}")
    assert people["wang"]["status"] == "waitlisted"
    return {"slug": slug, "event": event, "codes": {key: p["checkInCode"] for key, p in people.items()},
            "ids": {key: p["id"] for key, p in people.items()}}


@pytest.fixture
def door_browser(request):
    """A phone-sized Chromium without BarcodeDetector (as on a desktop, or an old phone)."""
    for driver in chromium(request, 420, 860):
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_BARCODE_DETECTOR})
        yield driver


def open_door(driver, server, slug, counted=True):
    """Opens the door (logged in) and waits for it, and for its counter unless `counted` is False."""
    driver.get(f"{server.base}/admin/door/{slug}")
    wait(driver, 20).until(lambda d: d.find_element(By.ID, "door-app").is_displayed()
                           and (not counted or d.find_element(By.ID, "door-count-number").text))


def enter(driver, code):
    field = driver.find_element(By.ID, "door-code")
    field.clear()
    field.send_keys(code, Keys.ENTER)


def answer(driver, outcome, timeout=10):
    """Waits for the answer box to show `outcome`; returns its text."""
    def shown(d):
        box = d.find_element(By.ID, "door-result")
        return box.text if box.get_attribute("data-outcome") == outcome and box.text else None
    return wait(driver, timeout).until(shown)


def counter(driver):
    return driver.find_element(By.ID, "door-count-number").text


def venue_clock(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(BERLIN).strftime("%H:%M")


def test_logging_in_on_the_door_and_checking_in_by_typed_code(door_browser, server, api, door_event):
    driver, slug, codes = door_browser, door_event["slug"], door_event["codes"]
    driver.get(f"{server.base}/admin/door/{slug}")
    wait(driver).until(lambda d: d.find_element(By.ID, "door-login").is_displayed())
    driver.find_element(By.ID, "door-email").send_keys(ADMIN_EMAIL)
    driver.find_element(By.ID, "door-password").send_keys(ADMIN_PASSWORD, Keys.ENTER)
    wait(driver).until(lambda d: d.find_element(By.ID, "door-app").is_displayed())
    assert door_event["event"]["title"]["en"] in driver.find_element(By.ID, "door-title").text
    wait(driver).until(lambda d: counter(d) == "0 / 2")
    assert "cannot read QR codes" in driver.find_element(By.ID, "door-camera-note").text
    assert driver.switch_to.active_element.get_attribute("id") == "door-code"

    # Lower case and without dashes, as a hurried volunteer types it.
    enter(driver, codes["li"].replace("-", "").lower())
    text = answer(driver, "checked-in")
    assert "Checked in — Li Wei" in text and "✓" in text
    assert "door-ok" in driver.find_element(By.ID, "door-result").get_attribute("class")
    wait(driver).until(lambda d: counter(d) == "1 / 2")
    field = driver.switch_to.active_element
    assert field.get_attribute("id") == "door-code" and field.get_attribute("value") == ""

    enter(driver, codes["li"])
    checked_in_at = api.ok("GET", f"/api/v1/events/{slug}/registrations/{door_event['ids']['li']}")["checkedInAt"]
    text = answer(driver, "already-checked-in")
    assert f"Already checked in at {venue_clock(checked_in_at)} — Li Wei" in text

    enter(driver, codes["wang"])
    text = answer(driver, "waitlisted")
    assert "On the waitlist — not checked in — Wang Fang" in text and "✗" in text

    enter(driver, "7-AAAA-BBBB")
    text = answer(driver, "unknown-code")
    assert "Unknown code" in text and "7-AAAA-BBBB" in text
    # A mistyped code stays in the field, ready to be corrected.
    assert driver.switch_to.active_element.get_attribute("value") == "7-AAAA-BBBB"
    assert counter(driver) == "1 / 2"
    assert driver.execute_script("return window.__cspViolations") == []


def test_the_door_in_chinese(door_browser, server, door_event):
    driver, slug = door_browser, door_event["slug"]
    log_in(driver, server)
    open_door(driver, server, slug)
    driver.find_element(By.ID, "lang-switch").click()
    wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans")
    assert driver.find_element(By.CSS_SELECTOR, "label[for=door-code]").text == "签到码"
    assert "已签到 / 已确认" in driver.find_element(By.ID, "door-count").text
    enter(driver, door_event["codes"]["zhang"])
    assert "签到成功 — Zhang Min" in answer(driver, "checked-in")
    enter(driver, door_event["codes"]["wang"])
    assert "在候补名单上——未签到" in answer(driver, "waitlisted")
    # The answer on screen follows the language switch, and a reload keeps the language.
    driver.find_element(By.ID, "lang-switch").click()
    wait(driver).until(lambda d: "On the waitlist" in d.find_element(By.ID, "door-result").text)
    driver.find_element(By.ID, "lang-switch").click()
    open_door(driver, server, slug)
    assert driver.find_element(By.ID, "door-submit").text == "签到"


def test_the_counter_follows_the_other_devices_at_the_door(door_browser, server, api, door_event):
    driver, slug = door_browser, door_event["slug"]
    log_in(driver, server)
    open_door(driver, server, slug)
    wait(driver).until(lambda d: counter(d) == "0 / 2")
    api.ok("POST", f"/api/v1/events/{slug}/checkins", {"code": door_event["codes"]["zhang"]})  # another phone
    wait(driver, 12).until(lambda d: counter(d) == "1 / 2")


def test_check_ins_made_offline_are_kept_and_sent_when_the_network_is_back(door_browser, server, api, door_event):
    driver, slug, codes = door_browser, door_event["slug"], door_event["codes"]
    log_in(driver, server)
    open_door(driver, server, slug)
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    try:
        enter(driver, codes["li"])
        assert "Saved — will be sent when the network is back" in answer(driver, "queued")
        enter(driver, codes["wang"])
        answer(driver, "queued")
        wait(driver).until(lambda d: d.find_element(By.ID, "door-unsent").text == "2 check-ins not sent yet")
        assert driver.find_element(By.ID, "door-offline").is_displayed()
        assert "Offline" in driver.find_element(By.ID, "door-offline").text
        assert api.ok("GET", f"/api/v1/events/{slug}/checkins/summary")["checkedIn"] == 0
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})

    wait(driver, 15).until(lambda d: not d.find_element(By.ID, "door-unsent").is_displayed())
    assert not driver.find_element(By.ID, "door-offline").is_displayed()
    later = driver.find_element(By.ID, "door-later").text
    assert "Checked in — Li Wei" in later and "On the waitlist — not checked in — Wang Fang" in later
    assert api.ok("GET", f"/api/v1/events/{slug}/registrations/{door_event['ids']['li']}").get("checkedInAt")
    wait(driver, 12).until(lambda d: counter(d) == "1 / 2")


def test_unsent_check_ins_survive_a_reload(door_browser, server, api, door_event):
    driver, slug = door_browser, door_event["slug"]
    log_in(driver, server)
    open_door(driver, server, slug)
    driver.execute_cdp_cmd("Network.enable", {})
    # The page loads, the check-in routes fail (and the counter with them).
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/checkins*"]})
    try:
        enter(driver, door_event["codes"]["zhang"])
        answer(driver, "queued")
        open_door(driver, server, slug, counted=False)
        wait(driver).until(lambda d: d.find_element(By.ID, "door-unsent").text == "1 check-in not sent yet")
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    wait(driver, 15).until(lambda d: not d.find_element(By.ID, "door-unsent").is_displayed())
    assert "Checked in — Zhang Min" in driver.find_element(By.ID, "door-later").text
    assert api.ok("GET", f"/api/v1/events/{slug}/checkins/summary")["checkedIn"] == 1


def test_the_check_in_tab_links_to_the_door(door_browser, server, door_event):
    driver, slug = door_browser, door_event["slug"]
    log_in(driver, server)
    driver.get(f"{server.base}/admin/#event={slug}&tab=checkin")
    link = wait(driver, 20).until(lambda d: d.find_element(By.ID, "checkin-door-link") if d.find_element(By.ID, "checkin-door-link").is_displayed() else None)
    assert link.get_attribute("href") == f"{server.base}/admin/door/{slug}"
    link.click()
    wait(driver, 20).until(lambda d: d.find_element(By.ID, "door-app").is_displayed())  # the session carries over
    assert not driver.find_element(By.ID, "door-login").is_displayed()


@pytest.fixture
def camera_browser(request):
    """Chromium's fake camera (a test pattern) and a stand-in BarcodeDetector that 'reads' window.__qr."""
    for driver in chromium(request, 420, 860, ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")):
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_BARCODE_DETECTOR})
        yield driver


def test_a_scanned_code_checks_in_once_while_it_stays_in_front_of_the_camera(camera_browser, server, api, door_event):
    driver, slug = camera_browser, door_event["slug"]
    log_in(driver, server)
    open_door(driver, server, slug)
    wait(driver).until(lambda d: "Camera on" in d.find_element(By.ID, "door-camera-note").text)
    assert driver.find_element(By.ID, "door-video").is_displayed()
    driver.execute_script("window.__qr = arguments[0]", door_event["codes"]["li"])
    assert "Checked in — Li Wei" in answer(driver, "checked-in")
    # Ten more frames with the same code: still one check-in, no "already checked in".
    seen = driver.execute_script("return window.__detections")
    wait(driver).until(lambda d: d.execute_script("return window.__detections") >= seen + 10)
    assert driver.find_element(By.ID, "door-result").get_attribute("data-outcome") == "checked-in"
    driver.execute_script("window.__qr = arguments[0]", door_event["codes"]["wang"])
    assert "Wang Fang" in answer(driver, "waitlisted")
    assert api.ok("GET", f"/api/v1/events/{slug}/checkins/summary")["checkedIn"] == 1
