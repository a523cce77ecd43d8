"""The organiser console and the attendee pages share one API client and one live reducer: what the
attendee pages learn live (seats, speakers) shows in the open schedule editor too."""
from __future__ import annotations

import uuid

from selenium.webdriver.common.by import By

import pytest

from admin_support import log_in, make_admin_event, open_editor, open_view
from conftest import wait


@pytest.fixture
def admin_event(api):
    return make_admin_event(api)


def test_registrations_and_speaker_renames_appear_live_in_the_open_editor(browser, server, api, admin_event):
    slug = admin_event["slug"]
    opening = admin_event["sessions"]["opening"]
    speaker = api.ok("POST", "/api/v1/speakers", {"name": f"Mei Chen {uuid.uuid4().hex[:4]}", "nameZh": "陈梅"})
    api.update_session(slug, opening["id"], {"speakerIds": [speaker["id"]], "capacity": 5})
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=opening["startsAt"])

    def block_text(d):
        found = d.find_elements(By.CSS_SELECTOR, f'#sched .block[data-session-id="{opening["id"]}"]')
        return found[0].text if found else ""

    wait(browser).until(lambda d: speaker["name"] in block_text(d) and "0/5 seats" in block_text(d))
    seats = browser.find_element(By.ID, "event-seats").text
    assert "0 of 50" in seats, seats

    # An attendee registers for the workshop: seats.changed reaches the editor without a reload.
    api.register(slug, "Ana Ruiz", f"ana-{uuid.uuid4().hex[:6]}@example.org", session_ids=[opening["id"]])
    wait(browser).until(lambda d: "1/5 seats" in block_text(d))
    wait(browser).until(lambda d: "1 of 50" in d.find_element(By.ID, "event-seats").text)

    # Someone renames the speaker (PATCH /api/v1/speakers/{id}): speaker.updated renames it in the grid.
    api.ok("PATCH", f"/api/v1/speakers/{speaker['id']}", {"name": "Mei Chen-Berg"})
    wait(browser).until(lambda d: "Mei Chen-Berg" in block_text(d))
    assert api.ok("GET", f"/api/v1/events/{slug}/sessions/{opening['id']}")["speakers"][0]["name"] == "Mei Chen-Berg"

    # The same live state in the Chinese interface: the speaker's Chinese name, seats in Chinese.
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: "陈梅" in block_text(d) and "名额 1/5" in block_text(d))
    assert "已占 1/50" in browser.find_element(By.ID, "event-seats").text
    api.register(slug, "Li Wei", f"li-{uuid.uuid4().hex[:6]}@example.org", session_ids=[opening["id"]])
    wait(browser).until(lambda d: "名额 2/5" in block_text(d))
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def test_every_console_view_loads_without_console_errors_or_csp_violations(browser, server, api, admin_event):
    log_in(browser, server)
    for view in ("events", "speakers", "import", "team"):
        open_view(browser, server, view)
        browser.find_element(By.ID, "lang-switch").click()
        wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans")
        browser.find_element(By.ID, "lang-switch").click()
        wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    browser.get(f"{server.base}/admin/#event={admin_event['slug']}&tab=settings")
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rooms-list tr[data-room-id]"))
    assert browser.execute_script("return window.__cspViolations") == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]
    assert errors == [], errors
    # Keyboard: the console's navigation is made of links in the tab order, the current one marked.
    current = browser.find_element(By.CSS_SELECTOR, "#console-nav [aria-current='page']")
    assert current.get_attribute("id") == "nav-event"
