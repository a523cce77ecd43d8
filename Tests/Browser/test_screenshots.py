"""README screenshots from the demo programme; runs only with TANDEM_SCREENSHOTS=docs/screenshots."""
import os
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import wait

pytestmark = pytest.mark.skipif(not os.environ.get("TANDEM_SCREENSHOTS"), reason="set TANDEM_SCREENSHOTS=docs/screenshots")


def test_attendee_event_page(browser, server, screenshot):
    browser.get(f"{server.base}/events/twinning-kickoff-2027")
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#agenda-days .session")))
    browser.execute_script("document.getElementById('agenda').scrollIntoView()")
    screenshot(browser, "attendee-event")
    browser.execute_script("document.getElementById('register').scrollIntoView()")
    screenshot(browser, "attendee-register")


def test_agenda_screen(screen_browser, server, screenshot):
    # The first morning of the 2017 Hamburg workshop, frozen at 10:00 venue time.
    screen_browser.get(f"{server.base}/screen/cbw-hamburg-2017?at=2017-06-15T10:00:00%2B02:00")
    wait(screen_browser, 15).until(lambda d: d.find_element(By.ID, "live-status").get_attribute("data-state") == "live")
    wait(screen_browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".room-card .slot-now")))
    screen_browser.execute_script("document.querySelectorAll('.flash').forEach(e => e.classList.remove('flash'))")
    screenshot(screen_browser, "screen")


def test_agenda_screen_offline(screen_browser, server, screenshot):
    """The screen at lunch after the server went away: the last agenda, the clock, "offline since"
    (≤ 200 KB: the lunch hour's emptier rooms keep the PNG under the README's limit)."""
    screen_browser.get(f"{server.base}/screen/cbw-hamburg-2017?at=2017-06-15T12:45:00%2B02:00")
    wait(screen_browser, 15).until(lambda d: d.find_element(By.ID, "live-status").get_attribute("data-state") == "live")
    wait(screen_browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".room-card .slot-now")))
    server.stop()
    try:
        wait(screen_browser, 15).until(lambda d: d.find_element(By.ID, "live-status").get_attribute("data-offline-since"))
        screen_browser.execute_script("document.querySelectorAll('.flash').forEach(e => e.classList.remove('flash'))")
        screenshot(screen_browser, "screen-offline")
    finally:
        server.start()


def test_fellows_directory(browser, server, screenshot):
    browser.get(f"{server.base}/fellows?cohort=2017")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".fellow")))
    screenshot(browser, "fellows")


def test_organiser_console(browser, server, screenshot):
    """The console's programme views on the demo programme, as the README's walkthrough shows them."""
    from selenium.webdriver.common.keys import Keys

    from admin_support import log_in, open_view

    log_in(browser, server)
    open_view(browser, server, "events")
    screenshot(browser, "console-events")
    browser.find_element(By.ID, "event-new").click()
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("id") == "ev-slug")
    screenshot(browser, "console-event-form")
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)

    browser.get(f"{server.base}/admin/#event=cbw-hamburg-2017&tab=settings")
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rooms-list tr[data-room-id]"))
    screenshot(browser, "console-rooms")

    open_view(browser, server, "speakers")
    screenshot(browser, "console-speakers")
    open_view(browser, server, "team")
    screenshot(browser, "console-team")

    open_view(browser, server, "import")
    fixture = os.path.join(os.path.dirname(__file__), "..", "TandemServerTests", "Fixtures", "pretalx-schedule.json")
    browser.find_element(By.ID, "imp-file").send_keys(os.path.abspath(fixture))
    wait(browser).until(lambda d: d.find_element(By.ID, "import-message").text != "" or d.find_elements(By.ID, "import-summary"))
    if not browser.find_elements(By.ID, "import-summary"):
        browser.find_element(By.ID, "imp-venue-name").send_keys("Kongresshalle")
        browser.find_element(By.ID, "imp-venue-city").send_keys("Hamburg")
        browser.find_element(By.ID, "imp-venue-country").send_keys("de")
        browser.find_element(By.ID, "imp-preview").click()
    wait(browser).until(lambda d: d.find_elements(By.ID, "import-summary"))
    browser.execute_script("document.getElementById('import-preview-title').scrollIntoView()")
    screenshot(browser, "console-import")


def test_door_on_a_phone(request, server, api, screenshot):
    """The door on a phone-sized screen, after a check-in."""
    import uuid
    from datetime import timedelta

    from selenium.webdriver.common.keys import Keys

    from admin_support import log_in
    from conftest import chromium, now_utc

    event = api.create_event(starts=now_utc() - timedelta(hours=1), hours=8, capacity=40,
                             title={"en": "Open day of the fellows", "zh": "学员开放日"})
    slug = event["slug"]
    codes = []
    for name in ("Li Wei", "Anna Weber", "Chen Jing"):
        registration = api.register(slug, name, f"door-{uuid.uuid4().hex[:6]}@example.org")
        codes.append(api.ok("GET", f"/api/v1/registrations/{registration['token']}")["checkInCode"])
    api.ok("POST", f"/api/v1/events/{slug}/checkins", {"code": codes[1]})
    for driver in chromium(request, 420, 860, ()):
        log_in(driver, server)
        driver.get(f"{server.base}/admin/door/{slug}")
        wait(driver, 20).until(lambda d: d.find_element(By.ID, "door-count-number").text)
        driver.find_element(By.ID, "door-code").send_keys(codes[0], Keys.ENTER)
        wait(driver).until(lambda d: d.find_element(By.ID, "door-result").get_attribute("data-outcome") == "checked-in")
        screenshot(driver, "console-door")


def test_my_agenda(browser, server, api, screenshot):
    """My agenda with two starred sessions, a booked workshop and the notice of a move."""
    import uuid
    from datetime import timedelta

    from conftest import iso, now_utc

    start = (now_utc() + timedelta(days=30)).replace(hour=7, minute=0)
    event = api.create_event(starts=start, hours=9, capacity=40, title={"en": "Twinning days 2027", "zh": "2027年结对交流日"})
    slug = event["slug"]
    room_a, room_b = api.create_room(slug, "Room A"), api.create_room(slug, "Room B")
    opening = api.create_session(slug, room_a["id"], start, 30, {"en": "Welcome and introductions", "zh": "欢迎与介绍"}, kind="plenary")
    cultures = api.create_session(slug, room_a["id"], start + timedelta(minutes=45), 75,
                                  {"en": "Working across cultures", "zh": "跨文化合作"}, kind="workshop", capacity=20)
    api.create_session(slug, room_b["id"], start + timedelta(minutes=45), 75, {"en": "Planning your exchange", "zh": "规划您的交流"},
                       kind="workshop", capacity=12)
    panel = api.create_session(slug, room_a["id"], start + timedelta(hours=3), 60,
                               {"en": "Alumni panel: what we wish we had known", "zh": "校友座谈：我们希望早知道的事"}, kind="panel")
    token = api.register(slug, "Li Wei", f"shot-{uuid.uuid4().hex[:6]}@example.org", [cultures["id"]])["token"]
    browser.get(f"{server.base}/events/{slug}")
    browser.execute_script("localStorage.setItem(`tandem.registration.${arguments[0]}`, arguments[1]);"
                           "localStorage.setItem(`tandem.stars.${arguments[0]}`, JSON.stringify(arguments[2]))",
                           slug, token, [opening["id"], panel["id"]])
    browser.refresh()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, '#my-agenda-list [data-booked="true"]'))
    moved = start + timedelta(hours=2, minutes=15)
    api.update_session(slug, cultures["id"], {"roomId": room_b["id"], "startsAt": iso(moved), "endsAt": iso(moved + timedelta(minutes=75))})
    wait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#agenda-notices .change-notice"))
    browser.execute_script("document.querySelectorAll('.flash').forEach(e => e.classList.remove('flash'));"
                           "document.getElementById('agenda-notices').scrollIntoView()")
    screenshot(browser, "my-agenda")


def test_certificate_of_attendance(browser, server, api, screenshot):
    """The certificate as printed (print media emulated), for the README."""
    from test_certificate import make_ended_event
    data = make_ended_event(api, title={"en": "Capacity-building workshop: Fundraising and volunteers", "zh": "能力建设工作坊：筹款与志愿者"},
                            name="Li Wei 李伟")
    for name in ("Anna Schmidt", "Wang Fang 王芳"):
        account = api.ok("POST", "/api/v1/accounts", {"email": f"{uuid.uuid4().hex[:8]}@example.org", "name": name,
                                                      "password": "a long enough password", "role": "member"})
        api.ok("PUT", f"/api/v1/accounts/{account['id']}/events/{data['slug']}", {"role": "organiser"})
    # About A4's proportions, so the whole sheet is in the picture.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 840, "height": 1190, "deviceScaleFactor": 1, "mobile": False})
    browser.get(f"{server.base}/registrations/{data['li']['token']}/certificate")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.certificate")))
    wait(browser).until(lambda d: d.execute_script("const i = document.querySelector('img.cert-qr'); return i.complete && i.naturalWidth > 0"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    screenshot(browser, "certificate")


def test_console_webhooks(browser, server, api, screenshot):
    """The webhooks section of "Rooms and exports": an endpoint that received a change, its deliveries."""
    from admin_support import log_in
    from test_console_webhooks import Receiver

    receiver = Receiver()
    try:
        slug = "cbw-hamburg-2017"
        endpoint = api.ok("POST", f"/api/v1/events/{slug}/webhooks",
                          {"url": receiver.url, "types": ["announcement.created", "session.updated"], "secret": "whsec_screenshot_0042"})
        api.ok("POST", f"/api/v1/events/{slug}/announcements", {"text": {"en": "Room B runs 15 minutes late", "zh": "B厅推迟十五分钟"}})
        wait(browser, 20).until(lambda d: receiver.received)
        log_in(browser, server)
        browser.get(f"{server.base}/admin/#event={slug}&tab=settings")
        wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#webhooks-list tr[data-webhook-id]"))
        browser.find_element(By.CSS_SELECTOR, f'#webhooks-list [data-action="deliveries"][data-webhook-id="{endpoint["id"]}"]').click()
        wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#webhook-deliveries-table tr[data-ok='true']"))
        browser.execute_script("document.getElementById('webhooks-title').scrollIntoView()")
        screenshot(browser, "console-webhooks")
    finally:
        receiver.close()
