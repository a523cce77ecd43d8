"""My agenda on the event page: stars kept in the browser, booked workshops of a remembered
registration, change notices in the attendee's language (several changes combined into one), browser
notifications only when the attendee allowed them, and the attendee's own calendar link."""
from __future__ import annotations

import os
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium_axe_python import Axe

from conftest import iso, now_utc, wait

VENUE = ZoneInfo("Europe/Berlin")
# COMBINE_MS in my-agenda.js: a notice appears this long after the first change it holds.
COMBINE = 3


def venue_time(moment) -> str:
    return moment.astimezone(VENUE).strftime("%H:%M")


@pytest.fixture
def agenda_event(api):
    """A published, instant-registration event in a month: Room A and Room B, a plenary, a workshop
    with its own seats, a talk and a late talk."""
    start = (now_utc() + timedelta(days=30)).replace(hour=7, minute=0)
    event = api.create_event(starts=start, hours=9, capacity=30, title={"en": "Twinning days", "zh": "结对交流日"})
    slug = event["slug"]
    room_a, room_b = api.create_room(slug, "Room A"), api.create_room(slug, "Room B")
    sessions = {
        "opening": api.create_session(slug, room_a["id"], start, 30, {"en": "Opening", "zh": "开幕"}, kind="plenary"),
        "cultures": api.create_session(slug, room_a["id"], start + timedelta(minutes=30), 60,
                                       {"en": "Working across cultures", "zh": "跨文化合作"}, kind="workshop", capacity=10),
        "planning": api.create_session(slug, room_b["id"], start + timedelta(hours=2), 60,
                                       {"en": "Planning your exchange", "zh": "规划您的交流"}),
        "late": api.create_session(slug, room_b["id"], start + timedelta(hours=6), 60, {"en": "Fundraising", "zh": "筹款"}),
    }
    return {"slug": slug, "start": start, "rooms": {"a": room_a, "b": room_b}, "sessions": sessions}


def open_event(browser, server, slug, lang="en"):
    browser.get(f"{server.base}/events/{slug}")
    wanted = "zh" if lang == "zh" else "en"
    if browser.execute_script("return localStorage.getItem('tandem.lang')") != wanted:
        browser.execute_script("localStorage.setItem('tandem.lang', arguments[0])", wanted)
        browser.refresh()
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#agenda-days .session .star-toggle")))
    wait(browser).until(EC.visibility_of_element_located((By.ID, "my-agenda")))


def star(browser, session_id):
    return browser.find_element(By.CSS_SELECTOR, f'#session-{session_id} [data-star="{session_id}"]')


def my_agenda_ids(browser) -> list[int]:
    return [int(e.get_attribute("data-session-id")) for e in browser.find_elements(By.CSS_SELECTOR, "#my-agenda-list .my-agenda-item")]


def notices(browser):
    return browser.find_elements(By.CSS_SELECTOR, "#agenda-notices .change-notice")


def notice_lines(browser) -> list[list[str]]:
    return [[li.text for li in n.find_elements(By.TAG_NAME, "li")] for n in notices(browser)]


def test_stars_are_kept_across_a_reload_and_my_agenda_lists_them_in_start_order(browser, server, agenda_event):
    slug, s = agenda_event["slug"], agenda_event["sessions"]
    open_event(browser, server, slug)
    assert browser.find_element(By.ID, "my-agenda-empty").is_displayed()
    button = star(browser, s["planning"]["id"])
    assert button.tag_name == "button" and button.get_attribute("aria-pressed") == "false"
    assert button.get_attribute("aria-label") == "Keep “Planning your exchange” in my agenda"
    button.click()
    # The keyboard works as well: focus the star and press Space.
    browser.execute_script("arguments[0].focus()", star(browser, s["opening"]["id"]))
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    wait(browser).until(lambda d: star(d, s["opening"]["id"]).get_attribute("aria-pressed") == "true")
    assert star(browser, s["planning"]["id"]).get_attribute("aria-pressed") == "true"

    browser.refresh()
    open_event(browser, server, slug)
    assert star(browser, s["planning"]["id"]).get_attribute("aria-pressed") == "true"
    assert star(browser, s["opening"]["id"]).get_attribute("aria-pressed") == "true"
    assert star(browser, s["late"]["id"]).get_attribute("aria-pressed") == "false"
    assert my_agenda_ids(browser) == [s["opening"]["id"], s["planning"]["id"]]
    first = browser.find_element(By.ID, f"my-session-{s['opening']['id']}")
    start = agenda_event["start"]
    assert first.find_element(By.CSS_SELECTOR, ".session-time").text.startswith(f"{venue_time(start)}–{venue_time(start + timedelta(minutes=30))}")
    assert "Opening" in first.text and "Room A" in first.text
    planning = browser.find_element(By.ID, f"my-session-{s['planning']['id']}")
    assert planning.get_attribute("data-starred") == "true" and planning.get_attribute("data-booked") == "false"

    # Unstarring from My agenda removes it there and in the agenda, and the focus stays in the section.
    planning.find_element(By.CSS_SELECTOR, ".star-toggle").click()
    wait(browser).until(lambda d: my_agenda_ids(d) == [s["opening"]["id"]])
    assert star(browser, s["planning"]["id"]).get_attribute("aria-pressed") == "false"
    assert browser.switch_to.active_element.get_attribute("id") == "my-agenda-heading"

    # In Chinese, the accessible name and the section follow.
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "my-agenda-heading").text == "我的日程")
    assert star(browser, s["opening"]["id"]).get_attribute("aria-label") == "将「开幕」加入我的日程"


def register_through_the_page(browser, workshop_id, name="Li Wei"):
    browser.find_element(By.ID, "reg-name").send_keys(name)
    browser.find_element(By.ID, "reg-email").send_keys(f"agenda-{uuid.uuid4().hex[:8]}@example.org")
    browser.find_element(By.ID, f"workshop-{workshop_id}").click()
    browser.find_element(By.ID, "reg-consent").click()
    browser.find_element(By.ID, "register-submit").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "confirmation").is_displayed())
    return browser.find_element(By.ID, "self-service-link").get_attribute("href").rsplit("/", 1)[1]


def test_a_workshop_booked_through_the_page_is_in_my_agenda_with_the_calendar_link(browser, server, api, agenda_event):
    slug, workshop = agenda_event["slug"], agenda_event["sessions"]["cultures"]
    open_event(browser, server, slug)
    token = register_through_the_page(browser, workshop["id"])
    item = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#my-session-{workshop["id"]}[data-booked="true"]'))
    assert "Booked: Confirmed" in item.text
    assert star(browser, workshop["id"]).get_attribute("aria-pressed") == "false"  # booked, not starred
    calendar = browser.find_element(By.ID, "my-calendar")
    assert calendar.get_attribute("href") == f"{server.base}/api/v1/registrations/{token}/schedule.ics"
    status, headers, body = api.request("GET", f"/api/v1/registrations/{token}/schedule.ics", auth=False)
    assert status == 200 and {k.lower(): v for k, v in headers.items()}["content-type"].startswith("text/calendar")
    assert b"Working across cultures" in body
    assert token not in browser.current_url
    assert "remembers your private registration link" in browser.find_element(By.ID, "my-remembered").text

    # Remembered in this browser: after a reload the workshop is still there, marked as booked.
    browser.refresh()
    open_event(browser, server, slug)
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#my-session-{workshop["id"]}[data-booked="true"]'))
    browser.find_element(By.ID, "my-forget").click()
    wait(browser).until(lambda d: d.find_elements(By.ID, "my-agenda-empty"))
    assert browser.find_elements(By.ID, "my-calendar") == []
    assert browser.find_element(By.ID, "my-agenda-status").text == "This browser no longer remembers your registration link."
    assert browser.execute_script(f"return localStorage.getItem('tandem.registration.{slug}')") is None


def test_a_waitlisted_workshop_turns_confirmed_when_a_seat_frees_up(browser, server, api, agenda_event):
    slug, room = agenda_event["slug"], agenda_event["rooms"]["a"]["id"]
    small = api.create_session(slug, room, agenda_event["start"] + timedelta(hours=7), 60, {"en": "Small circle", "zh": "小组讨论"},
                               kind="workshop", capacity=1)
    first = api.register(slug, "Wang Fang", f"agenda-{uuid.uuid4().hex[:8]}@example.org", [small["id"]])["token"]
    open_event(browser, server, slug)
    register_through_the_page(browser, small["id"])
    item = lambda d: d.find_element(By.CSS_SELECTOR, f'#my-session-{small["id"]}[data-booked="true"]')
    wait(browser).until(lambda d: "Booked: Waitlist, number 1" in item(d).text)
    api.ok("DELETE", f"/api/v1/registrations/{first}", auth=False)
    wait(browser, 10).until(lambda d: "Booked: Confirmed" in item(d).text)


def test_the_registration_page_remembers_its_token_for_the_event_page(browser, server, api, agenda_event):
    slug, workshop = agenda_event["slug"], agenda_event["sessions"]["cultures"]
    token = api.register(slug, "Anna Weber", f"agenda-{uuid.uuid4().hex[:8]}@example.org", [workshop["id"]])["token"]
    browser.get(f"{server.base}/registrations/{token}")
    wait(browser).until(lambda d: "remembers this private link" in d.find_element(By.ID, "remembered").text)
    open_event(browser, server, slug)
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#my-session-{workshop["id"]}[data-booked="true"]'))

    # Forgotten on the registration page: the event page no longer shows it.
    browser.get(f"{server.base}/registrations/{token}")
    wait(browser).until(lambda d: d.find_elements(By.ID, "my-forget")).__getitem__(0).click()
    wait(browser).until(lambda d: d.find_element(By.ID, "remembered").text == "This browser no longer remembers your registration link.")
    open_event(browser, server, slug)
    assert browser.find_elements(By.ID, "my-agenda-empty")


def test_a_cancelled_registration_is_forgotten_by_the_event_page(browser, server, api, agenda_event):
    slug, workshop = agenda_event["slug"], agenda_event["sessions"]["cultures"]
    token = api.register(slug, "Chen Jing", f"agenda-{uuid.uuid4().hex[:8]}@example.org", [workshop["id"]])["token"]
    open_event(browser, server, slug)
    browser.execute_script("localStorage.setItem(`tandem.registration.${arguments[0]}`, arguments[1])", slug, token)
    browser.refresh()
    open_event(browser, server, slug)
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#my-session-{workshop["id"]}[data-booked="true"]'))
    api.ok("DELETE", f"/api/v1/registrations/{token}", auth=False)
    browser.refresh()
    open_event(browser, server, slug)
    wait(browser).until(lambda d: d.execute_script(f"return localStorage.getItem('tandem.registration.{slug}')") is None)
    assert browser.find_elements(By.ID, "my-agenda-empty") and not browser.find_elements(By.ID, "my-remembered")


@pytest.mark.parametrize("lang, expected", [
    ("en", "Working across cultures moved to Room B, {new} (was Room A, {old})."),
    ("zh", "「跨文化合作」改至Room B，{new}（原为Room A，{old}）。"),
])
def test_a_starred_session_that_moves_is_announced_in_the_attendees_language(browser, server, api, agenda_event, lang, expected):
    slug, s, start = agenda_event["slug"], agenda_event["sessions"], agenda_event["start"]
    open_event(browser, server, slug, lang)
    star(browser, s["cultures"]["id"]).click()
    wait(browser).until(lambda d: my_agenda_ids(d) == [s["cultures"]["id"]])
    browser.execute_script("window.__notReloaded = true")
    new_start = start + timedelta(hours=3, minutes=15)
    api.update_session(slug, s["cultures"]["id"], {"roomId": agenda_event["rooms"]["b"]["id"], "startsAt": iso(new_start),
                                                   "endsAt": iso(new_start + timedelta(hours=1))})
    wait(browser, COMBINE + 7).until(lambda d: notices(d))
    text = expected.format(new=venue_time(new_start), old=venue_time(start + timedelta(minutes=30)))
    assert notice_lines(browser) == [[text]]
    notice = notices(browser)[0]
    assert notice.find_element(By.XPATH, "ancestor::*[@aria-live='polite']")
    # My agenda follows the change, and the notice can be dismissed.
    item = browser.find_element(By.ID, f"my-session-{s['cultures']['id']}")
    assert item.find_element(By.CSS_SELECTOR, ".session-time").text.startswith(venue_time(new_start)) and "Room B" in item.text
    notice.find_element(By.CSS_SELECTOR, ".change-notice-dismiss").click()
    wait(browser).until(lambda d: not notices(d))
    assert browser.execute_script("return window.__notReloaded === true")


def test_changes_in_quick_succession_make_one_notice(browser, server, api, agenda_event):
    slug, s, start = agenda_event["slug"], agenda_event["sessions"], agenda_event["start"]
    open_event(browser, server, slug)
    for key in ("cultures", "planning"):
        star(browser, s[key]["id"]).click()
    wait(browser).until(lambda d: len(my_agenda_ids(d)) == 2)
    room_b = agenda_event["rooms"]["b"]["id"]
    # The workshop changes room, then Room B runs 15 minutes late: both starred sessions shift.
    api.update_session(slug, s["cultures"]["id"], {"roomId": room_b})
    api.ok("POST", f"/api/v1/events/{slug}/delays", {"roomId": room_b, "from": iso(start), "minutes": 15})
    api.ok("POST", f"/api/v1/events/{slug}/announcements", {"text": {"en": "Not about my sessions"}})  # changes nothing of theirs
    wait(browser, COMBINE + 7).until(lambda d: notices(d))
    cultures, planning = start + timedelta(minutes=30), start + timedelta(hours=2)
    later = timedelta(minutes=15)
    expected = sorted([
        f"Working across cultures moved to Room B, {venue_time(cultures + later)} (was Room A, {venue_time(cultures)}).",
        f"Planning your exchange is delayed by 15 minutes: now {venue_time(planning + later)} (was {venue_time(planning)}).",
    ])
    assert [sorted(lines) for lines in notice_lines(browser)] == [expected]
    # Nothing else arrives after the combining window.
    browser.execute_script("return new Promise((done) => setTimeout(done, arguments[0]))", (COMBINE + 1) * 1000)
    assert len(notices(browser)) == 1


WRAP_NOTIFICATION = """
window.__notifications = [];
const Original = window.Notification;
window.Notification = class extends Original {
  constructor(title, options) { window.__notifications.push({title, body: options && options.body}); super(title, options); }
};
"""


def click(browser, element):
    """Clicks an element after scrolling it to the middle of the window (notices stick to the top)."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def grant_notifications(browser, server):
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": server.base, "permissions": ["notifications"]})


def test_a_browser_notification_only_when_the_attendee_allowed_it(browser, server, api, agenda_event):
    slug, s = agenda_event["slug"], agenda_event["sessions"]
    grant_notifications(browser, server)  # even with the browser's permission, the attendee decides
    open_event(browser, server, slug)
    assert browser.execute_script("return Notification.permission") == "granted"
    browser.execute_script(WRAP_NOTIFICATION)
    toggle = browser.find_element(By.ID, "notify-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    for key in ("opening", "late"):
        star(browser, s[key]["id"]).click()
    wait(browser).until(lambda d: len(my_agenda_ids(d)) == 2)

    api.update_session(slug, s["opening"]["id"], {"status": "cancelled"})
    wait(browser, COMBINE + 7).until(lambda d: notices(d))
    assert notice_lines(browser) == [[f"Opening is cancelled (Room A, {venue_time(agenda_event['start'])})."]]
    assert browser.execute_script("return window.__notifications") == []

    click(browser, toggle)
    wait(browser).until(lambda d: d.find_element(By.ID, "notify-toggle").get_attribute("aria-pressed") == "true")
    api.update_session(slug, s["late"]["id"], {"status": "cancelled"})
    wait(browser, COMBINE + 7).until(lambda d: len(notices(d)) == 2)
    made = browser.execute_script("return window.__notifications")
    late = venue_time(agenda_event["start"] + timedelta(hours=6))
    assert made == [{"title": "Changes to your agenda", "body": f"Fundraising is cancelled (Room B, {late})."}]

    # Switched off again: no more notifications.
    click(browser, browser.find_element(By.ID, "notify-toggle"))
    wait(browser).until(lambda d: d.find_element(By.ID, "notify-toggle").get_attribute("aria-pressed") == "false")
    api.update_session(slug, s["late"]["id"], {"status": "scheduled"})
    wait(browser, COMBINE + 7).until(lambda d: len(notices(d)) == 3)
    assert len(browser.execute_script("return window.__notifications")) == 1


def test_the_notification_button_never_asks_on_load(browser, server, agenda_event):
    open_event(browser, server, agenda_event["slug"])
    assert browser.execute_script("return Notification.permission") == "default"
    assert browser.find_element(By.ID, "notify-toggle").get_attribute("aria-pressed") == "false"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_my_agenda_with_a_booking_and_a_notice_has_no_serious_accessibility_violations(browser, server, api, agenda_event, lang):
    slug, s = agenda_event["slug"], agenda_event["sessions"]
    open_event(browser, server, slug, lang)
    star(browser, s["planning"]["id"]).click()
    register_through_the_page(browser, s["cultures"]["id"])
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, '#my-agenda-list [data-booked="true"]'))
    api.update_session(slug, s["planning"]["id"], {"roomId": agenda_event["rooms"]["a"]["id"]})
    wait(browser, COMBINE + 7).until(lambda d: notices(d))
    axe = Axe(browser, os.environ["TANDEM_AXE_SCRIPT"]) if os.environ.get("TANDEM_AXE_SCRIPT") else Axe(browser)
    axe.inject()
    results = axe.run()
    serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"] if v.get("impact") in {"serious", "critical"}]
    assert not serious, serious
