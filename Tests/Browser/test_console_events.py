"""The console's Events view: create (every field, times in the venue's zone across a DST change, the
server's field errors next to the fields), edit, publish, cancel after a dialog that says who is told,
and duplicate as next year's round — in English and in Chinese."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from admin_support import log_in, open_view
from conftest import wait


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def type_into(driver, element_id, text):
    el = driver.find_element(By.ID, element_id)
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(Keys.DELETE)
    el.send_keys(text)
    return el


def row_button(driver, slug, action):
    return driver.find_element(By.CSS_SELECTOR, f'#events-table tr[data-slug="{slug}"] [data-action="{action}"]')


def test_creating_an_event_with_every_field_across_a_dst_change(browser, server, api):
    slug = f"cbw-{uuid.uuid4().hex[:6]}-2027"
    log_in(browser, server)
    open_view(browser, server, "events")
    browser.find_element(By.ID, "event-new").click()
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("id") == "ev-slug")
    # The zone picker starts with the programme's two zones.
    zones = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "ev-zone")).options]
    assert zones[:2] == ["Europe/Berlin", "Asia/Shanghai"] and "America/New_York" in zones
    type_into(browser, "ev-slug", slug)
    Select(browser.find_element(By.ID, "ev-kind")).select_by_value("conference")
    type_into(browser, "ev-title-en", "Capacity-building week")
    type_into(browser, "ev-title-zh", "能力建设周")
    type_into(browser, "ev-desc-en", "Five days of workshops.")
    # 28 March 2027: clocks go forward in Berlin at 02:00, so 09:00 is UTC+2 but the 27th is UTC+1.
    type_into(browser, "ev-start-day", "2027-03-28")
    type_into(browser, "ev-start-time", "09:00")
    type_into(browser, "ev-end-day", "2027-03-29")
    type_into(browser, "ev-end-time", "17:30")
    type_into(browser, "ev-venue-name", "Elbforum")
    type_into(browser, "ev-venue-address", "Am Kai 1")
    type_into(browser, "ev-venue-city", "Hamburg")
    type_into(browser, "ev-venue-country", "D1")
    type_into(browser, "ev-capacity", "40")
    Select(browser.find_element(By.ID, "ev-mode")).select_by_value("instant")
    type_into(browser, "ev-hold", "45")
    type_into(browser, "ev-closes-day", "2027-03-27")
    type_into(browser, "ev-closes-time", "18:00")
    browser.find_element(By.ID, "event-save").click()
    # The server refuses the country: its message is next to the field, the input is kept.
    wait(browser).until(lambda d: d.find_element(By.ID, "ev-venue-country-error").is_displayed())
    assert browser.find_element(By.ID, "ev-venue-country").get_attribute("aria-invalid") == "true"
    assert browser.switch_to.active_element.get_attribute("id") == "ev-venue-country"
    assert browser.find_element(By.ID, "ev-title-zh").get_attribute("value") == "能力建设周"
    type_into(browser, "ev-venue-country", "de")
    browser.find_element(By.ID, "event-save").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#events-table tr[data-slug="{slug}"]'))
    assert "Created" in browser.find_element(By.ID, "events-status").text
    row = browser.find_element(By.CSS_SELECTOR, f'#events-table tr[data-slug="{slug}"]')
    assert "draft" in row.text and "09:00" in row.text and "17:30" in row.text

    event = api.ok("GET", f"/api/v1/events/{slug}")
    assert event["status"] == "draft" and event["kind"] == "conference"
    assert at(event["startsAt"]) == datetime(2027, 3, 28, 7, 0, tzinfo=timezone.utc)
    assert at(event["endsAt"]) == datetime(2027, 3, 29, 15, 30, tzinfo=timezone.utc)
    assert at(event["registrationClosesAt"]) == datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc)
    assert event["venue"] == {"name": "Elbforum", "address": "Am Kai 1", "city": "Hamburg", "country": "DE"}
    assert event["capacity"] == 40 and event["registrationMode"] == "instant" and event["holdMinutes"] == 45
    assert event["title"] == {"en": "Capacity-building week", "zh": "能力建设周"}
    assert event["description"]["en"] == "Five days of workshops."

    # Edit: the form shows the venue's times; a change of zone keeps the wall-clock times typed.
    row_button(browser, slug, "edit").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "ev-start-time").get_attribute("value") == "09:00")
    assert browser.find_element(By.ID, "ev-start-day").get_attribute("value") == "2027-03-28"
    Select(browser.find_element(By.ID, "ev-zone")).select_by_value("Asia/Shanghai")
    browser.find_element(By.ID, "event-save").click()
    wait(browser).until(lambda d: "Saved" in d.find_element(By.ID, "events-status").text)
    event = api.ok("GET", f"/api/v1/events/{slug}")
    assert event["timezone"] == "Asia/Shanghai"
    assert at(event["startsAt"]) == datetime(2027, 3, 28, 1, 0, tzinfo=timezone.utc)

    # Publish with one click.
    row_button(browser, slug, "publish").click()
    wait(browser).until(lambda d: "published" in d.find_element(By.ID, "events-status").text)
    assert api.ok("GET", f"/api/v1/events/{slug}")["status"] == "published"
    assert browser.execute_script("return window.__cspViolations") == []


def test_cancelling_says_who_is_told_and_escape_keeps_the_event(browser, server, api):
    start = (datetime.now(timezone.utc) + timedelta(days=20)).replace(hour=8, minute=0, second=0, microsecond=0)
    event = api.create_event(starts=start, capacity=1)
    slug = event["slug"]
    api.register(slug, "Li Wei", f"li-{uuid.uuid4().hex[:6]}@example.org")
    api.register(slug, "Ana Ruiz", f"ana-{uuid.uuid4().hex[:6]}@example.org")
    log_in(browser, server)
    open_view(browser, server, "events")
    button = row_button(browser, slug, "cancel")
    button.click()
    dialog = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open]"))
    assert "2 people (1 with a place, 1 on the waiting list)" in dialog.text
    assert browser.switch_to.active_element.get_attribute("data-action") == "dismiss"
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))
    assert browser.switch_to.active_element.get_attribute("data-action") == "cancel"
    assert api.ok("GET", f"/api/v1/events/{slug}")["status"] == "published"

    row_button(browser, slug, "cancel").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] [data-action='confirm']")).click()
    wait(browser).until(lambda d: "cancelled" in d.find_element(By.ID, "events-status").text)
    assert api.ok("GET", f"/api/v1/events/{slug}")["status"] == "cancelled"


def test_duplicating_as_next_years_round_in_chinese(browser, server, api):
    base = f"forum-{uuid.uuid4().hex[:6]}"
    event = api.create_event(starts=datetime(2027, 6, 15, 7, 0, tzinfo=timezone.utc), hours=9, slug=f"{base}-2027",
                             title={"en": "NGO forum 2027", "zh": "2027 年非政府组织论坛"})
    room = api.create_room(event["slug"], "Saal 1")
    api.create_session(event["slug"], room["id"], datetime(2027, 6, 15, 7, 30, tzinfo=timezone.utc), 60, "Welcome")
    log_in(browser, server)
    open_view(browser, server, "events")
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#programme-view h1").text == "活动")
    row_button(browser, event["slug"], "duplicate").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open]"))
    assert "下一届" in browser.find_element(By.CSS_SELECTOR, "dialog[open] h2").text
    assert browser.find_element(By.ID, "dup-slug").get_attribute("value") == f"{base}-2028"
    assert browser.find_element(By.ID, "dup-day").get_attribute("value") == "2028-06-15"
    assert browser.find_element(By.ID, "dup-time").get_attribute("value") == "09:00"
    assert browser.find_element(By.ID, "dup-title-zh").get_attribute("value") == "2028 年非政府组织论坛"
    browser.find_element(By.ID, "dup-submit").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#events-table tr[data-slug="{base}-2028"]'))
    assert "已创建草稿" in browser.find_element(By.ID, "events-status").text
    copy = api.ok("GET", f"/api/v1/events/{base}-2028")
    assert copy["status"] == "draft" and copy["title"]["en"] == "NGO forum 2028"
    assert at(copy["startsAt"]) == datetime(2028, 6, 15, 7, 0, tzinfo=timezone.utc)
    assert [r["name"] for r in copy["rooms"]] == ["Saal 1"] and len(copy["sessions"]) == 1
