"""The organiser page at /admin/: cookie log-in, the schedule editor (drag, keyboard, live, 412, conflicts),
running late, check-in, and CSRF protection of cookie-authenticated writes."""
from __future__ import annotations

import json
import subprocess
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from admin_support import (ADMIN_EMAIL, ADMIN_PASSWORD, block, make_admin_event, block_room, choose, click_block, drag_block_to, log_in, open_editor,
                           resize_block, session_from_api, wait_for_text)
from conftest import chromium, wait

BERLIN = ZoneInfo("Europe/Berlin")


def venue_clock(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(BERLIN).strftime("%H:%M")


def test_organiser_logs_in_with_the_session_cookie(browser, server, admin_event):
    log_in(browser, server)
    cookies = {c["name"]: c for c in browser.get_cookies()}
    assert cookies["tandem_session"]["httpOnly"] is True
    assert cookies["tandem_csrf"]["httpOnly"] is False
    # The bearer token from the log-in answer is not kept anywhere the page's scripts could leak it.
    stored = browser.execute_script(
        "return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "token" not in stored.lower()
    options = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "event-select")).options]
    assert admin_event["slug"] in options

    open_editor(browser, server, admin_event["slug"])
    # Shown as text, never run. Read again if a live change re-drew the grid in between.
    hostile_id = admin_event["sessions"]["hostile"]["id"]
    wait(browser).until(lambda d: _text_of(lambda: block(d, hostile_id)).count("<script>alert(1)</script>") == 1)
    assert browser.execute_script("return window.__cspViolations") == []
    assert "Europe/Berlin" in browser.find_element(By.ID, "zone-note").text

    # A reload keeps the session (cookie), and log-out ends it.
    browser.refresh()
    wait(browser).until(lambda d: d.find_element(By.ID, "app-view").is_displayed())
    browser.find_element(By.ID, "logout").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "login-view").is_displayed())
    status = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/api/v1/auth/me').then(r => done(r.status));""")
    assert status == 401


def test_the_editor_opens_on_the_next_day_with_sessions(browser, server, api):
    """On the evening of day 1 with nothing left today, the editor shows day 2; once today has a
    session, it shows today. (Found when the suite ran after 19:00 Berlin: the editor showed an
    empty today.)"""
    today = datetime.now(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
    slug = api.create_event(starts=today, hours=48)["slug"]
    hall = api.create_room(slug, "Hall")
    tomorrow = api.create_session(slug, hall["id"], today + timedelta(days=1, hours=10), 45, "Day two keynote")
    log_in(browser, server)
    browser.get(f"{server.base}/admin/#event={slug}&tab=schedule")
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#sched .block[data-session-id="{tomorrow["id"]}"]'))
    assert Select(browser.find_element(By.ID, "day-select")).first_selected_option.get_attribute("value") == \
        (today + timedelta(days=1)).strftime("%Y-%m-%d")

    here = api.create_session(slug, hall["id"], today + timedelta(hours=12), 45, "Day one lunch talk")
    browser.refresh()
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#sched .block[data-session-id="{here["id"]}"]'))
    assert Select(browser.find_element(By.ID, "day-select")).first_selected_option.get_attribute("value") == today.strftime("%Y-%m-%d")


def test_wrong_password_is_explained(browser, server):
    browser.get(f"{server.base}/admin/")
    wait(browser).until(lambda d: d.find_element(By.ID, "login-view").is_displayed())
    browser.find_element(By.ID, "login-email").send_keys(ADMIN_EMAIL)
    browser.find_element(By.ID, "login-password").send_keys("not the password at all")
    browser.find_element(By.ID, "login-submit").click()
    wait_for_text(browser, "login-error", "wrong")


def test_login_throttling_says_how_long_to_wait(browser, server):
    # The test server runs without rate limits, so the page gets the server's 429 answer from a stand-in fetch.
    browser.get(f"{server.base}/admin/")
    wait(browser).until(lambda d: d.find_element(By.ID, "login-view").is_displayed())
    browser.execute_script("""
        const real = window.fetch;
        window.fetch = (url, init) => String(url).endsWith('/auth/login')
          ? Promise.resolve(new Response(JSON.stringify({type: 'urn:tandem:problem:rate-limited', title: 'Too many requests', status: 429, code: 'rate-limited'}),
              {status: 429, headers: {'Content-Type': 'application/problem+json', 'Retry-After': '42'}}))
          : real(url, init);""")
    browser.find_element(By.ID, "login-email").send_keys(ADMIN_EMAIL)
    browser.find_element(By.ID, "login-password").send_keys("guess", Keys.ENTER)
    message = wait_for_text(browser, "login-error", "wait 42 seconds")
    assert message.get_attribute("role") == "alert"
    assert not browser.find_element(By.ID, "login-submit").is_enabled()


def test_dragging_a_session_to_another_room_shows_up_live_in_a_second_browser(browser, second_browser, server, api, admin_event):
    slug = admin_event["slug"]
    opening = admin_event["sessions"]["opening"]
    studio = admin_event["rooms"]["studio"]
    other = second_browser
    log_in(other, server)
    open_editor(other, server, slug, day_of=opening["startsAt"])
    other.execute_script("window.__notReloaded = true")

    log_in(browser, server)
    open_editor(browser, server, slug, day_of=opening["startsAt"])
    target_start = datetime.fromisoformat(opening["startsAt"]) + timedelta(minutes=120)
    drag_block_to(browser, opening["id"], studio["id"], target_start, reference=admin_event["sessions"]["studio_talk"])

    wait(browser).until(lambda d: "Saved" in d.find_element(By.ID, "f-message").text)
    moved = session_from_api(api, slug, opening["id"])
    assert moved["roomId"] == studio["id"]
    assert datetime.fromisoformat(moved["startsAt"]) == target_start
    assert moved["durationMinutes"] == opening["durationMinutes"]

    # The other organiser's grid follows without a reload.
    wait(other, 10).until(lambda d: block_room(d, opening["id"]) == studio["id"])
    assert venue_clock(moved["startsAt"]) in block(other, opening["id"]).text
    assert other.execute_script("return window.__notReloaded === true")


def test_dragging_the_bottom_edge_changes_only_the_end(browser, server, api, admin_event):
    slug = admin_event["slug"]
    talk = admin_event["sessions"]["studio_talk"]
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=talk["startsAt"])
    resize_block(browser, talk["id"], 30)
    wait_for_text(browser, "f-message", "Saved")
    resized = session_from_api(api, slug, talk["id"])
    assert resized["startsAt"] == talk["startsAt"]
    assert resized["durationMinutes"] == talk["durationMinutes"] + 30
    assert resized["roomId"] == talk["roomId"]


def test_a_stale_edit_is_refused_and_explained(browser, server, api, admin_event):
    slug = admin_event["slug"]
    session = admin_event["sessions"]["opening"]
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=session["startsAt"])
    click_block(browser, session["id"])
    wait(browser).until(lambda d: d.find_element(By.ID, "f-title-en").get_attribute("value") == "Opening")
    start = browser.find_element(By.ID, "f-start")
    start.send_keys(Keys.CONTROL, "a")
    start.send_keys(venue_clock((datetime.fromisoformat(session["startsAt"]) + timedelta(minutes=5)).isoformat()))

    # Meanwhile someone else renames the session.
    api.update_session(slug, session["id"], {"title": {"en": "Opening, renamed by a colleague"}})

    browser.find_element(By.ID, "f-save").click()
    message = wait_for_text(browser, "f-message", "someone else changed this session")
    assert "Reload this session" in message.text
    unchanged = session_from_api(api, slug, session["id"])
    assert unchanged["startsAt"] == session["startsAt"]  # nothing was overwritten

    browser.find_element(By.ID, "f-reload").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "f-title-en").get_attribute("value") == "Opening, renamed by a colleague")
    assert "Reloaded" in browser.find_element(By.ID, "f-message").text


def test_an_address_change_wins_over_an_event_that_finished_opening_meanwhile(browser, server, api, admin_event):
    """Going to #event=A while event B is still opening: when B finishes it writes #event=B over the
    address (replaceState, no event), before the queued hashchange for A is handled. A must open."""
    other = api.create_event(starts=datetime.now(BERLIN) - timedelta(hours=1))["slug"]
    log_in(browser, server)
    browser.get(f"{server.base}/admin/#event={other}&tab=schedule")
    wait(browser, 20).until(lambda d: d.find_element(By.ID, "event-select").get_attribute("value") == other
                            and d.find_elements(By.CSS_SELECTOR, "#live-note[data-status='live']"))
    # The same order of events, made deterministic: the address changes to A (hashchange queued),
    # then is rewritten to B before the handler runs.
    browser.execute_script("location.hash = arguments[0]; history.replaceState(null, '', arguments[1]);",
                           f"#event={admin_event['slug']}&tab=schedule", f"#event={other}&tab=schedule")
    wait(browser, 20).until(lambda d: d.find_element(By.ID, "event-select").get_attribute("value") == admin_event["slug"]
                            and d.find_elements(By.CSS_SELECTOR, "#sched .block"))
    assert browser.execute_script("return location.hash") == f"#event={admin_event['slug']}&tab=schedule"


def test_keyboard_and_form_move_with_a_conflict_warning_first(browser, server, api, admin_event):
    slug = admin_event["slug"]
    talk = admin_event["sessions"]["studio_talk"]
    opening = admin_event["sessions"]["opening"]
    hall = admin_event["rooms"]["hall"]
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=talk["startsAt"])

    # Tab to the session and press Enter: the form opens with focus on its heading.
    target = block(browser, talk["id"])
    browser.execute_script("arguments[0].focus()", target)
    target.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("id") == "form-title")
    assert browser.find_element(By.ID, "f-title-en").get_attribute("value") == "Studio talk"

    # Into the hall at the opening's time: warned before anything is sent.
    choose(browser, "f-room", str(hall["id"]))
    wait_for_text(browser, "f-warning", "overlap")
    assert "Opening" in browser.find_element(By.ID, "f-warning").text
    browser.find_element(By.ID, "f-end").send_keys(Keys.ENTER)
    wait(browser).until(lambda d: d.find_element(By.ID, "f-dont-save").is_displayed())
    browser.find_element(By.ID, "f-dont-save").click()
    assert session_from_api(api, slug, talk["id"])["roomId"] == talk["roomId"]

    # A free slot in the hall, typed in venue time; Enter saves.
    new_start = datetime.fromisoformat(opening["endsAt"]) + timedelta(minutes=5)
    choose(browser, "f-room", str(hall["id"]))
    start = browser.find_element(By.ID, "f-start")
    start.send_keys(Keys.CONTROL, "a")
    start.send_keys(venue_clock(new_start.isoformat()))
    end = browser.find_element(By.ID, "f-end")
    end.send_keys(Keys.CONTROL, "a")
    end.send_keys(venue_clock((new_start + timedelta(minutes=30)).isoformat()))
    end.send_keys(Keys.ENTER)
    wait_for_text(browser, "f-message", "Saved")
    moved = session_from_api(api, slug, talk["id"])
    assert moved["roomId"] == hall["id"]
    assert datetime.fromisoformat(moved["startsAt"]) == new_start
    assert moved["durationMinutes"] == 30
    wait(browser).until(lambda d: block_room(d, talk["id"]) == hall["id"])


def test_a_schedule_conflict_from_the_server_is_listed(browser, server, api, admin_event):
    slug = admin_event["slug"]
    talk = admin_event["sessions"]["studio_talk"]
    hall = admin_event["rooms"]["hall"]
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=talk["startsAt"])
    click_block(browser, talk["id"])
    choose(browser, "f-room", str(hall["id"]))
    browser.find_element(By.ID, "f-save").click()
    browser.find_element(By.ID, "f-save-anyway").click()
    message = wait_for_text(browser, "f-message", "Not saved")
    assert "Opening" in message.text


def test_running_late_shifts_the_rooms_later_sessions(browser, server, api, admin_event):
    slug = admin_event["slug"]
    hall = admin_event["rooms"]["hall"]
    opening = admin_event["sessions"]["opening"]
    studio_talk = admin_event["sessions"]["studio_talk"]
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=opening["startsAt"])
    browser.find_element(By.CSS_SELECTOR, f'.late-button[data-room-id="{hall["id"]}"]').click()
    minutes = browser.switch_to.active_element
    assert minutes.get_attribute("id") == "late-minutes"
    assert minutes.get_attribute("value") == "15"
    browser.find_element(By.ID, "late-submit").click()
    wait_for_text(browser, "late-message", "15 minutes later")

    shifted = session_from_api(api, slug, opening["id"])
    assert datetime.fromisoformat(shifted["startsAt"]) == datetime.fromisoformat(opening["startsAt"]) + timedelta(minutes=15)
    assert session_from_api(api, slug, studio_talk["id"])["startsAt"] == studio_talk["startsAt"]  # another room
    wait(browser).until(lambda d: venue_clock(shifted["startsAt"]) in block(d, opening["id"]).text)


def test_check_in_by_code(browser, server, api, admin_event):
    slug = admin_event["slug"]
    registration = api.register(slug, "Li Wei", "li.wei@example.org")
    code = api.ok("GET", f"/api/v1/registrations/{registration['token']}")["checkInCode"]
    log_in(browser, server)
    browser.get(f"{server.base}/admin/#event={slug}&tab=checkin")
    field = wait(browser).until(lambda d: d.find_element(By.ID, "checkin-token") if d.find_element(By.ID, "checkin-token").is_displayed() else None)
    # The attendee's private link is not a check-in code: it changes and cancels the registration.
    field.send_keys(f"{server.base}/registrations/{registration['token']}", Keys.ENTER)
    wait_for_text(browser, "checkin-result", "No registration with this check-in code")
    field = browser.find_element(By.ID, "checkin-token")
    field.clear()
    field.send_keys(code.lower(), Keys.ENTER)  # typed in lower case
    wait_for_text(browser, "checkin-result", "Li Wei is checked in")
    field = browser.find_element(By.ID, "checkin-token")
    assert field.get_attribute("value") == ""
    field.send_keys(code, Keys.ENTER)
    wait_for_text(browser, "checkin-result", "already checked in at")


def test_registrations_table_searches_and_links_the_csv(browser, server, api, admin_event):
    slug = admin_event["slug"]
    api.register(slug, "Anna Schmidt", "anna@example.org", organisation="Umweltforum")
    api.register(slug, "Zhang Min", "zhang.min@example.org")
    log_in(browser, server)
    browser.get(f"{server.base}/admin/#event={slug}&tab=registrations")
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#reg-rows tr[data-registration-id]")) >= 2)
    browser.find_element(By.ID, "reg-q").send_keys("umwelt", Keys.ENTER)
    row_names = "return [...document.querySelectorAll('#reg-rows tr th')].map(th => th.textContent)"
    wait(browser).until(lambda d: d.execute_script(row_names) == ["Anna Schmidt"])
    csv = browser.find_element(By.ID, "reg-csv").get_attribute("href")
    assert csv.endswith(f"/api/v1/events/{slug}/registrations.csv")
    text = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.text()).then(done);""", csv)
    assert "Anna Schmidt" in text


def test_publishing_an_announcement(browser, server, api, admin_event):
    slug = admin_event["slug"]
    log_in(browser, server)
    browser.get(f"{server.base}/admin/#event={slug}&tab=announcements")
    text = wait(browser).until(lambda d: d.find_element(By.ID, "ann-en") if d.find_element(By.ID, "ann-en").is_displayed() else None)
    text.send_keys("Coffee is served in the foyer")
    browser.find_element(By.ID, "ann-zh").send_keys("咖啡在门厅供应")
    choose(browser, "ann-severity", "warning")
    browser.find_element(By.ID, "ann-submit").click()
    wait_for_text(browser, "ann-message", "Published")
    wait_for_text(browser, "announcement-list", "Coffee is served in the foyer")
    items = api.ok("GET", f"/api/v1/events/{slug}/announcements")["items"]
    assert [(a["text"], a["severity"]) for a in items] == [({"en": "Coffee is served in the foyer", "zh": "咖啡在门厅供应"}, "warning")]


def test_a_check_in_account_cannot_edit_the_schedule(browser, server, api, admin_event):
    slug = admin_event["slug"]
    email = f"door-{slug}@example.org"
    api.ok("POST", "/api/v1/accounts", {"email": email, "name": "Door volunteer", "password": "a door password, long", "role": "checkin"})
    log_in(browser, server, email=email, password="a door password, long")
    browser.get(f"{server.base}/admin/#event={slug}")
    wait(browser).until(lambda d: d.find_element(By.ID, "panel-checkin").is_displayed())
    browser.find_element(By.ID, "tab-schedule").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sched .block"))
    assert browser.find_elements(By.CSS_SELECTOR, ".late-button, .resize-handle, #new-session") == []
    assert "cannot" in browser.find_element(By.ID, "editor-help").text.lower() or "not change" in browser.find_element(By.ID, "editor-help").text
    # Should a write be attempted anyway, the server's 403 is explained in plain words.
    status = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import(document.querySelector('script[type=module]').src.replace('admin.js', 'client.js'))
          .then(async ({request}) => { try { await request(arguments[0], {method: 'POST', body: {roomId: null, from: new Date().toISOString(), minutes: 5}}); done('ok'); }
                                       catch (e) { const p = await import(document.querySelector('script[type=module]').src.replace('admin.js', 'problems.js'));
                                                   done([e.status, p.explain(e).join(' ')]); } });""", f"/api/v1/events/{slug}/delays")
    assert status == [403, "Your role does not allow this."]


def test_a_cookie_write_without_the_csrf_header_is_refused(browser, server, admin_event):
    slug = admin_event["slug"]
    session = admin_event["sessions"]["hostile"]
    log_in(browser, server)
    script = """
        const [url, withHeader, done] = arguments;
        const headers = {'Content-Type': 'application/json'};
        if (withHeader) headers['X-CSRF-Token'] = decodeURIComponent(document.cookie.match(/tandem_csrf=([^;]+)/)[1]);
        fetch(url, {method: 'PATCH', credentials: 'same-origin', headers, body: JSON.stringify({title: {en: 'Renamed'}})})
          .then(async r => done([r.status, await r.text()]));"""
    url = f"/api/v1/events/{slug}/sessions/{session['id']}"
    status, body = browser.execute_async_script(script, url, False)
    assert status == 403, body
    assert "csrf-token-invalid" in body
    status, body = browser.execute_async_script(script, url, True)
    assert status == 200, body


def test_editor_in_chinese_and_screenshot(wide_browser, server, admin_event, screenshot):
    driver = wide_browser
    log_in(driver, server)
    opening = admin_event["sessions"]["opening"]
    open_editor(driver, server, admin_event["slug"], day_of=opening["startsAt"])
    click_block(driver, opening["id"])
    wait(driver).until(lambda d: d.find_element(By.ID, "f-title-en").get_attribute("value") == "Opening")
    screenshot(driver, "admin-editor")
    driver.find_element(By.ID, "lang-switch").click()
    wait(driver).until(lambda d: d.find_element(By.ID, "tab-schedule").text == "日程")
    assert driver.find_element(By.ID, "f-save").text == "保存修改"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    assert driver.execute_script("return window.__cspViolations") == []
    driver.find_element(By.ID, "lang-switch").click()
    wait(driver).until(lambda d: d.find_element(By.ID, "tab-schedule").text == "Schedule")


@pytest.fixture
def second_browser(request):
    """Another organiser's Chromium (its own cookies), with the same screenshot-on-failure as `browser`."""
    yield from chromium(request, 1280, 900)


@pytest.fixture
def wide_browser(request):
    """Chromium at 1440×900, the size of the README screenshot."""
    yield from chromium(request, 1440, 900)


@pytest.fixture
def admin_event(api):
    """`make_admin_event`'s event, with a session whose title is a script (it must show as text)."""
    made = make_admin_event(api)
    first = datetime.fromisoformat(made["sessions"]["opening"]["startsAt"])
    made["sessions"]["hostile"] = api.create_session(made["slug"], made["rooms"]["hall"]["id"], first + timedelta(minutes=90), 30,
                                                     {"en": "<script>alert(1)</script>"})
    return made


def test_editor_loads_light_and_without_console_errors(browser, server, admin_event):
    log_in(browser, server)
    open_editor(browser, server, admin_event["slug"], day_of=admin_event["sessions"]["opening"]["startsAt"])
    browser.find_element(By.ID, "lang-switch").click()
    browser.find_element(By.ID, "lang-switch").click()
    for tab in ("announcements", "registrations", "checkin", "schedule"):
        browser.find_element(By.ID, f"tab-{tab}").click()
    assert browser.execute_script("return window.__cspViolations") == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]
    assert errors == [], errors
    sizes = browser.execute_script("""
        return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
          .filter(e => !e.name.includes('/api/')).map(e => e.decodedBodySize || 0);""")
    assert sum(sizes) <= 150 * 1024


def test_sessions_imported_with_their_conflicts_are_marked_and_explained(browser, server, tmp_path):
    """`tandem import --allow-conflicts` keeps pretalx's clashes; the editor marks both sessions and says why."""
    slug = f"clash-{uuid.uuid4().hex[:8]}"
    def talk(title, room, start, person):
        return {"guid": str(uuid.uuid4()), "date": f"2027-03-10T{start}:00+01:00", "duration": "00:45", "room": room,
                "title": title, "type": "Talk", "language": "en", "persons": [{"name": person, "public_name": person}]}
    rooms = {"Hall": [talk("Keynote", "Hall", "10:00", "Mei Chen"), talk("Overrun", "Hall", "10:30", "Jonas Berg")],
             "Studio": [talk("Studio session", "Studio", "10:00", "Mei Chen"), talk("Quiet talk", "Studio", "12:00", "Ana Ruiz")]}
    schedule = {"schedule": {"version": "1", "conference": {
        "acronym": slug.replace("-", "_"), "title": "Clash test", "start": "2027-03-10", "end": "2027-03-10",
        "time_zone_name": "Europe/Berlin", "rooms": [{"name": "Hall"}, {"name": "Studio"}],
        "days": [{"index": 1, "date": "2027-03-10", "rooms": rooms}]}}}
    file = tmp_path / "schedule.json"
    file.write_text(json.dumps(schedule))
    command = [str(server.binary), "import", str(file), "--database", str(server.database),
               "--venue", "Hall", "--city", "Hamburg", "--country", "DE"]
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode != 0 and "--allow-conflicts" in refused.stderr, refused.stderr
    imported = subprocess.run(command + ["--allow-conflicts"], capture_output=True, text=True)
    assert imported.returncode == 0 and "Imported with 2 conflicts" in imported.stdout, imported.stderr + imported.stdout
    server.restart()  # the server's snapshots learn of writes from another process when it starts

    log_in(browser, server)
    open_editor(browser, server, slug, day_of="2027-03-10T12:00:00+01:00")
    titles = {b.find_element(By.CSS_SELECTOR, ".block-title").text: b for b in browser.find_elements(By.CSS_SELECTOR, "#sched .block")}
    assert {title for title, b in titles.items() if "clash" in b.get_attribute("class").split()} == {"Keynote", "Overrun", "Studio session"}
    assert "overlaps another session" in titles["Keynote"].text
    assert "clash" not in titles["Quiet talk"].get_attribute("class").split()

    # Opening one lists what it overlaps with, in venue time, before anything is changed.
    click_block(browser, int(titles["Keynote"].get_attribute("data-session-id")))
    warning = wait_for_text(browser, "f-warning", "overlaps with")
    assert "Overrun" in warning.text and "Studio session" in warning.text and "10:30" in warning.text
    click_block(browser, int(titles["Quiet talk"].get_attribute("data-session-id")))
    wait(browser).until(lambda d: d.find_element(By.ID, "f-warning").text == "")


def _text_of(find) -> str:
    """The text of the element `find` returns, or "" while a re-render replaces it."""
    try:
        return find().text
    except (StaleElementReferenceException, NoSuchElementException):
        return ""
