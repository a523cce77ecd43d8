"""Registering on the event page, workshop waitlists, errors next to fields, self-service cancel, double opt-in,
the check-in code's QR code."""
import json
import re
import shutil
import subprocess
import tempfile
import uuid
from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import now_utc, wait


def email() -> str:
    return f"bt-{uuid.uuid4().hex[:8]}@example.org"


def fill_form(browser, name, address, workshop_ids=(), consent=True, country=None):
    browser.find_element(By.ID, "reg-name").send_keys(name)
    browser.find_element(By.ID, "reg-email").send_keys(address)
    if country:
        browser.find_element(By.ID, "reg-country").send_keys(country)
    for session_id in workshop_ids:
        box = browser.find_element(By.ID, f"workshop-{session_id}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    if consent:
        consent_box = browser.find_element(By.ID, "reg-consent")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", consent_box)
        consent_box.click()
    browser.find_element(By.ID, "register-submit").click()


def open_event(browser, server, slug):
    browser.get(f"{server.base}/events/{slug}")
    wait(browser).until(EC.visibility_of_element_located((By.ID, "register-form")))


def test_register_for_event_and_workshop_shows_confirmation(browser, server, api, future_event):
    slug = future_event["slug"]
    workshop = future_event["sessions"]["ws_big"]
    open_event(browser, server, slug)
    fill_form(browser, "李伟 Li Wei", email(), [workshop["id"]], country="cn")

    box = wait(browser).until(EC.visibility_of_element_located((By.ID, "confirmation")))
    assert box.get_attribute("data-status") == "confirmed"
    assert "You are registered" in box.text
    choice = box.find_element(By.CSS_SELECTOR, f'[data-session-id="{workshop["id"]}"]')
    assert choice.get_attribute("data-status") == "confirmed"
    assert "Big workshop" in choice.text
    link = box.find_element(By.ID, "self-service-link")
    token = link.get_attribute("href").rsplit("/", 1)[1]
    own = api.ok("GET", f"/api/v1/registrations/{token}", auth=False)
    assert own["name"] == "李伟 Li Wei" and own["status"] == "confirmed" and own["country"] == "CN"
    assert not browser.find_element(By.ID, "register-form").is_displayed()
    # Both "add to calendar" links lead to iCalendar files.
    for calendar in box.find_elements(By.CSS_SELECTOR, 'a[href$=".ics"]'):
        path = calendar.get_attribute("href").split(server.base, 1)[1]
        status, headers, body = api.request("GET", path, auth=False)
        assert status == 200 and b"BEGIN:VCALENDAR" in body, (path, status)


def test_full_workshop_puts_you_on_its_waitlist(browser, server, api, future_event):
    slug = future_event["slug"]
    small = future_event["sessions"]["ws_small"]  # capacity 1
    api.register(slug, "First Person", email(), [small["id"]])
    open_event(browser, server, slug)
    seats = browser.find_element(By.CSS_SELECTOR, f'[data-workshop-seats="{small["id"]}"]')
    assert "Full" in seats.text

    fill_form(browser, "Second Person", email(), [small["id"]])
    box = wait(browser).until(EC.visibility_of_element_located((By.ID, "confirmation")))
    assert box.get_attribute("data-status") == "confirmed"  # the event itself has seats
    choice = box.find_element(By.CSS_SELECTOR, f'[data-session-id="{small["id"]}"]')
    assert choice.get_attribute("data-status") == "waitlisted"
    assert "Waitlist, number 1" in choice.text


def test_full_event_puts_you_on_the_event_waitlist(browser, server, api):
    from conftest import now_utc
    from datetime import timedelta
    event = api.create_event(starts=now_utc() + timedelta(days=20), hours=4, capacity=1)
    api.register(event["slug"], "Only Seat", email())
    open_event(browser, server, event["slug"])
    assert "Full" in browser.find_element(By.ID, "event-seats").text
    fill_form(browser, "Waiting Person", email())
    box = wait(browser).until(EC.visibility_of_element_located((By.ID, "confirmation")))
    assert box.get_attribute("data-status") == "waitlisted"
    assert "number 1 on the waitlist" in box.text


def test_validation_errors_appear_next_to_their_fields(browser, server, future_event):
    open_event(browser, server, future_event["slug"])
    fill_form(browser, "Someone", "not-an-address", consent=False)
    email_error = wait(browser).until(EC.visibility_of_element_located((By.ID, "error-email")))
    consent_error = browser.find_element(By.ID, "error-consent")
    assert email_error.text and consent_error.is_displayed() and consent_error.text
    assert browser.find_element(By.ID, "reg-email").get_attribute("aria-invalid") == "true"
    assert not browser.find_element(By.ID, "error-name").is_displayed()
    assert browser.find_element(By.ID, "form-summary").is_displayed()
    assert not browser.find_element(By.ID, "confirmation").is_displayed()


def test_duplicate_registration_is_explained(browser, server, api, future_event):
    address = email()
    api.register(future_event["slug"], "Already There", address)
    open_event(browser, server, future_event["slug"])
    fill_form(browser, "Already There", address)
    summary = wait(browser).until(EC.visibility_of_element_located((By.ID, "form-summary")))
    assert "already registered" in summary.text


def test_cancel_through_the_self_service_page(browser, server, api, future_event):
    slug = future_event["slug"]
    small = future_event["sessions"]["ws_small"]
    first = api.register(slug, "Seat Holder", email(), [small["id"]])
    second = api.register(slug, "Next In Line", email(), [small["id"]])
    assert second["sessions"][0]["status"] == "waitlisted"

    browser.get(f"{server.base}/registrations/{first['token']}")
    status = wait(browser).until(EC.visibility_of_element_located((By.ID, "registration-status")))
    assert status.get_attribute("data-status") == "confirmed"
    # The page shows the check-in code for the door, which is not the page's own token.
    code = browser.find_element(By.ID, "check-in-code").text
    assert code == api.ok("GET", f"/api/v1/registrations/{first['token']}", auth=False)["checkInCode"]
    assert first["token"] not in code
    browser.find_element(By.ID, "cancel-open").click()
    dialog = wait(browser).until(EC.visibility_of_element_located((By.ID, "cancel-dialog")))
    dialog.find_element(By.ID, "cancel-yes").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "registration-status").get_attribute("data-status") == "cancelled")
    assert api.ok("GET", f"/api/v1/registrations/{first['token']}", auth=False)["status"] == "cancelled"
    promoted = api.ok("GET", f"/api/v1/registrations/{second['token']}", auth=False)
    assert promoted["sessions"][0]["status"] == "confirmed"
    assert not browser.find_element(By.ID, "cancel").is_displayed()
    assert not browser.find_elements(By.ID, "check-in-code"), "a cancelled registration has no check-in code"
    assert not browser.find_elements(By.ID, "check-in-qr"), "nor its QR code"


def test_change_workshops_on_the_self_service_page(browser, server, api, future_event):
    slug = future_event["slug"]
    big = future_event["sessions"]["ws_big"]
    mine = api.register(slug, "Changer", email())
    browser.get(f"{server.base}/registrations/{mine['token']}")
    box = wait(browser).until(EC.element_to_be_clickable((By.ID, f"workshop-{big['id']}")))
    box.click()
    browser.find_element(By.ID, "change-submit").click()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "change-result")))
    own = api.ok("GET", f"/api/v1/registrations/{mine['token']}", auth=False)
    assert [c["sessionId"] for c in own["sessions"]] == [big["id"]]
    assert browser.find_element(By.CSS_SELECTOR, f'#choices [data-session-id="{big["id"]}"]').get_attribute("data-status") == "confirmed"


def verified_event(api):
    """A published event in a month, `verified` (double opt-in), with one workshop."""
    start = (now_utc() + timedelta(days=30)).replace(hour=7, minute=0)
    event = api.create_event(starts=start, hours=9, capacity=20, registrationMode="verified", holdMinutes=45)
    room = api.create_room(event["slug"], "Saal 1")
    api.create_session(event["slug"], room["id"], start + timedelta(hours=1), 60, {"en": "Workshop", "zh": "工作坊"}, kind="workshop", capacity=5)
    return event


def test_verified_event_asks_to_check_your_email_in_english_and_chinese(browser, server, api):
    event = verified_event(api)
    open_event(browser, server, event["slug"])
    fill_form(browser, "Li Wei", email())
    box = wait(browser).until(EC.visibility_of_element_located((By.ID, "confirmation")))
    assert box.get_attribute("data-status") == "check-email"
    assert "Check your e-mail" in box.text and "45 minutes" in box.text
    # No private link on the page: only the e-mail carries it.
    assert not box.find_elements(By.ID, "self-service-link")
    assert not browser.find_element(By.ID, "register-form").is_displayed()
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: "请查收电子邮件" in d.find_element(By.ID, "confirmation").text)
    assert "45 分钟" in browser.find_element(By.ID, "confirmation").text
    held = api.ok("GET", f"/api/v1/events/{event['slug']}/registrations")["items"]
    assert [r["status"] for r in held] == ["pending"]


def test_verified_event_answers_a_known_address_the_same_way_in_chinese(browser, server, api):
    event = verified_event(api)
    address = email()
    api.request("POST", f"/api/v1/events/{event['slug']}/registrations",
                {"name": "Already There", "email": address, "consent": True}, auth=False)
    browser.get(f"{server.base}/events/{event['slug']}")
    browser.execute_script("localStorage.setItem('tandem.lang', 'zh')")
    open_event(browser, server, event["slug"])
    fill_form(browser, "Already There", address)
    box = wait(browser).until(EC.visibility_of_element_located((By.ID, "confirmation")))
    assert box.get_attribute("data-status") == "check-email" and "请查收电子邮件" in box.text
    assert not browser.find_element(By.ID, "form-summary").is_displayed()
    assert len(api.ok("GET", f"/api/v1/events/{event['slug']}/registrations")["items"]) == 1


def test_the_emailed_link_confirms_a_held_place_in_chinese(browser, server, api):
    event = verified_event(api)
    address = email()
    api.request("POST", f"/api/v1/events/{event['slug']}/registrations",
                {"name": "张伟", "email": address, "language": "zh", "consent": True}, auth=False)
    pattern = re.compile(r"/registrations/([A-Za-z0-9_-]{20,})/confirm")
    links = []
    wait(browser).until(lambda _: links.extend(m.group(1) for text in server.mail_texts() if "张伟" in text
                                               for m in [pattern.search(text)] if m) or links)
    token = links[0]
    # The self-service page (in Chinese) says the place is only held, and offers the confirmation.
    browser.get(f"{server.base}/events/{event['slug']}")
    browser.execute_script("localStorage.setItem('tandem.lang', 'zh')")
    browser.get(f"{server.base}/registrations/{token}")
    note = wait(browser).until(EC.visibility_of_element_located((By.ID, "pending-note")))
    assert "尚未确认" in note.text
    assert not browser.find_elements(By.ID, "check-in-qr"), "a held place has no check-in code yet"
    note.find_element(By.CSS_SELECTOR, "a.button").click()
    button = wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "main.confirm-page section[lang=zh] button")))
    assert "确认报名" in button.text
    button.click()
    status = wait(browser).until(EC.visibility_of_element_located((By.ID, "registration-status")))
    wait(browser).until(lambda d: d.find_element(By.ID, "registration-status").get_attribute("data-status") == "confirmed")
    assert browser.current_url.endswith(f"/registrations/{token}")
    assert not browser.find_elements(By.ID, "pending-note") or not browser.find_element(By.ID, "pending-note").is_displayed()
    assert status.is_displayed()
    image = wait(browser).until(EC.visibility_of_element_located((By.ID, "check-in-qr")))
    assert "二维码" in image.get_attribute("alt")


def zbar_decode(png: bytes) -> str:
    """What zbarimg reads in a PNG (a phone camera's view of the image as drawn)."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg was not found: install zbar-tools (apt-get install -y zbar-tools) to run this test"
    with tempfile.NamedTemporaryFile(suffix=".png") as file:
        file.write(png)
        file.flush()
        result = subprocess.run([zbarimg, "--raw", "-q", "--nodbus", file.name], capture_output=True)
    assert result.returncode == 0, f"zbarimg found no code (status {result.returncode}): {result.stderr!r}"
    return result.stdout.decode().rstrip("\n")


def test_the_check_in_code_has_a_qr_code_that_scans_from_the_page(browser, server, api, future_event):
    mine = api.register(future_event["slug"], "Scan Me", email())
    browser.get(f"{server.base}/registrations/{mine['token']}")
    image = wait(browser).until(EC.visibility_of_element_located((By.ID, "check-in-qr")))
    wait(browser).until(lambda _: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    code = browser.find_element(By.ID, "check-in-code").text
    assert code == api.ok("GET", f"/api/v1/registrations/{mine['token']}", auth=False)["checkInCode"]
    assert image.size == {"width": 200, "height": 200}, image.size
    assert image.get_attribute("alt") == f"QR code of your check-in code {code}, to scan at the door"
    # Read off the screen, as a door volunteer's phone would.
    assert zbar_decode(image.screenshot_as_png) == code

    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda _: browser.find_element(By.ID, "check-in-qr").get_attribute("alt") == f"签到码 {code} 的二维码，供入场时扫描")
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/check-in.svg')).length")
    assert fetched == 1, "re-rendering in the other language keeps the image instead of fetching it again"
    browser.find_element(By.ID, "lang-switch").click()

    # The page's first load with its QR code stays within the budget the other pages keep (test_quality.py).
    sizes = browser.execute_script("""
        const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
        return entries.map(e => [e.name, e.decodedBodySize || 0]);""")
    assert 0 < sum(size for _, size in sizes) <= 150 * 1024, json.dumps(sizes, indent=1)
    assert browser.execute_script("return window.__cspViolations") == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
