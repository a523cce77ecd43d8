"""The event's "Rooms and exports" tab: add, rename, set seats, reorder with move up/down, remove (a room
with sessions is refused and its sessions listed), and the export links."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from admin_support import log_in
from conftest import wait


def open_settings(driver, server, slug):
    driver.get(f"{server.base}/admin/#event={slug}&tab=settings")
    wait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rooms-list tr[data-room-id]"))


def room_names(api, slug):
    return [r["name"] for r in sorted(api.ok("GET", f"/api/v1/events/{slug}/rooms")["items"], key=lambda r: (r["position"], r["id"]))]


def row_action(driver, room_id, action):
    return driver.find_element(By.CSS_SELECTOR, f'#rooms-list tr[data-room-id="{room_id}"] [data-action="{action}"]')


def test_rooms_are_added_renamed_reordered_and_removed(browser, server, api):
    start = (datetime.now(timezone.utc) + timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
    slug = api.create_event(starts=start)["slug"]
    hall = api.create_room(slug, "Hall")
    side = api.create_room(slug, "Side room")
    api.create_session(slug, hall["id"], start + timedelta(hours=1), 45, {"en": "Keynote", "zh": "主旨演讲"})
    log_in(browser, server)
    open_settings(browser, server, slug)

    name = browser.find_element(By.ID, "room-new-name")
    name.send_keys("Studio")
    browser.find_element(By.ID, "room-new-capacity").send_keys("30", Keys.ENTER)
    wait(browser).until(lambda d: "Studio is added" in d.find_element(By.ID, "rooms-status").text)
    assert browser.switch_to.active_element.get_attribute("id") == "room-new-name"
    assert room_names(api, slug) == ["Hall", "Side room", "Studio"]
    studio = next(r for r in api.ok("GET", f"/api/v1/events/{slug}/rooms")["items"] if r["name"] == "Studio")
    assert studio["capacity"] == 30

    # Rename and resize in place (Enter saves).
    field = browser.find_element(By.ID, f"room-{side['id']}-name")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Saal B")
    capacity = browser.find_element(By.ID, f"room-{side['id']}-capacity")
    capacity.send_keys("80", Keys.ENTER)
    wait(browser).until(lambda d: "Saal B is saved" in d.find_element(By.ID, "rooms-status").text)
    saved = next(r for r in api.ok("GET", f"/api/v1/events/{slug}/rooms")["items"] if r["id"] == side["id"])
    assert saved["name"] == "Saal B" and saved["capacity"] == 80

    # Move Studio up twice with the keyboard: focus stays on its button.
    row_action(browser, studio["id"], "up").click()
    wait(browser).until(lambda d: room_names(api, slug) == ["Hall", "Studio", "Saal B"])
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("data-room-id") == str(studio["id"]))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: room_names(api, slug) == ["Studio", "Hall", "Saal B"])
    wait(browser).until(lambda d: "place 1" in d.find_element(By.ID, "rooms-status").text)
    first_row = browser.find_elements(By.CSS_SELECTOR, "#rooms-list tbody tr")[0]
    assert first_row.get_attribute("data-room-id") == str(studio["id"])

    # The hall has a session: the server refuses and the console names it with its venue time.
    row_action(browser, hall["id"], "remove").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] [data-action='confirm']")).click()
    listed = wait(browser).until(lambda d: d.find_element(By.ID, "room-blocking-sessions"))
    venue_start = (start + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert "Keynote" in listed.text and venue_start in listed.text
    assert "Hall" in room_names(api, slug)

    # The studio has none: it goes.
    row_action(browser, studio["id"], "remove").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] [data-action='confirm']")).click()
    wait(browser).until(lambda d: "Studio is removed" in d.find_element(By.ID, "rooms-status").text)
    assert room_names(api, slug) == ["Hall", "Saal B"]

    # Export links for this event.
    links = {a.get_attribute("data-export"): a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#exports-list a")}
    assert set(links) == {"schedule.ics", "schedule.xml", "schedule.json", "registrations.csv"}
    assert links["schedule.ics"].endswith(f"/api/v1/events/{slug}/schedule.ics")


def test_rooms_in_chinese_and_the_refusal_explained(browser, server, api):
    start = (datetime.now(timezone.utc) + timedelta(days=12)).replace(hour=8, minute=0, second=0, microsecond=0)
    slug = api.create_event(starts=start)["slug"]
    hall = api.create_room(slug, "Hall")
    api.create_session(slug, hall["id"], start + timedelta(hours=2), 45, {"en": "Panel", "zh": "圆桌"})
    log_in(browser, server)
    open_settings(browser, server, slug)
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "rooms-title").text == "会场")
    assert browser.find_element(By.ID, "tab-settings").text == "会场与导出"
    row_action(browser, hall["id"], "remove").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] [data-action='confirm']")).click()
    wait(browser).until(lambda d: "仍有 1 个环节" in d.find_element(By.ID, "rooms-status").text)
    browser.find_element(By.ID, "room-new-name").send_keys("小会议室", Keys.ENTER)
    wait(browser).until(lambda d: "已在末尾添加 小会议室" in d.find_element(By.ID, "rooms-status").text)
    assert room_names(api, slug) == ["Hall", "小会议室"]
