"""The Import view: a pretalx schedule.json previewed (new event, sessions new / moved / renamed, rooms,
speakers, clashes) and then applied, the clashes kept on request — in English and in Chinese."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from selenium.webdriver.common.by import By

from admin_support import log_in, open_view
from conftest import wait


def talk(guid, title, room, start, person, duration="00:45"):
    return {"guid": guid, "date": f"2027-03-10T{start}:00+01:00", "duration": duration, "room": room,
            "title": title, "type": "Talk", "language": "en", "persons": [{"name": person, "public_name": person}]}


def schedule_file(tmp_path, name, slug, talks):
    rooms = {}
    for entry in talks:
        rooms.setdefault(entry["room"], []).append(entry)
    document = {"schedule": {"version": "1", "conference": {
        "acronym": slug.replace("-", "_"), "title": "Import test", "start": "2027-03-10", "end": "2027-03-10",
        "time_zone_name": "Europe/Berlin", "rooms": [{"name": r} for r in rooms],
        "days": [{"index": 1, "date": "2027-03-10", "rooms": rooms}]}}}
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def at(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_a_pretalx_schedule_is_previewed_then_applied_and_updated(browser, server, api, tmp_path):
    slug = f"imp-{uuid.uuid4().hex[:8]}"
    mei = f"Mei Chen {slug}"
    guids = [str(uuid.uuid4()) for _ in range(3)]
    first = schedule_file(tmp_path, "first.json", slug, [
        talk(guids[0], "Keynote", "Hall", "10:00", mei),
        talk(guids[1], "Rivers", "Studio", "10:00", "Jonas Berg"),
        talk(guids[2], "Youth work", "Hall", "11:00", "Ana Ruiz")])
    log_in(browser, server)
    open_view(browser, server, "import")
    browser.find_element(By.ID, "imp-file").send_keys(str(first))
    # A new event needs its venue: the server says so next to the fields; the file stays chosen.
    wait(browser).until(lambda d: d.find_element(By.ID, "import-message").text != "")
    browser.find_element(By.ID, "imp-venue-name").send_keys("Kongresshalle")
    browser.find_element(By.ID, "imp-venue-city").send_keys("Hamburg")
    browser.find_element(By.ID, "imp-venue-country").send_keys("de")
    browser.find_element(By.ID, "imp-preview").click()
    summary = wait(browser).until(lambda d: d.find_element(By.ID, "import-summary"))
    assert "3 new, 0 moved" in summary.text
    assert f"Creates the event {slug}" in browser.find_element(By.ID, "import-event").text
    assert "Hall" in browser.find_element(By.ID, "import-rooms").text and mei in browser.find_element(By.ID, "import-speakers").text
    assert "Keynote (Wed, 10 Mar 2027, 10:00–10:45, Hall)" in browser.find_element(By.ID, "import-new").text
    assert browser.switch_to.active_element.get_attribute("id") == "import-preview-title"
    assert api.request("GET", f"/api/v1/events/{slug}")[0] == 404  # nothing written yet
    browser.find_element(By.ID, "imp-apply").click()
    wait(browser).until(lambda d: f"Imported into {slug}: 3 new" in d.find_element(By.ID, "import-status").text)
    event = api.ok("GET", f"/api/v1/events/{slug}")
    assert event["status"] == "draft" and len(event["sessions"]) == 3 and event["venue"]["city"] == "Hamburg"

    # An updated export: the keynote moves an hour later, "Rivers" is renamed.
    second = schedule_file(tmp_path, "second.json", slug, [
        talk(guids[0], "Keynote", "Hall", "12:00", mei),
        talk(guids[1], "Rivers and lakes", "Studio", "10:00", "Jonas Berg"),
        talk(guids[2], "Youth work", "Hall", "11:00", "Ana Ruiz")])
    browser.find_element(By.ID, "imp-file").send_keys(str(second))
    wait(browser).until(lambda d: "1 moved, 1 renamed" in d.find_element(By.ID, "import-summary").text)
    assert f"Updates the existing event {slug}" in browser.find_element(By.ID, "import-event").text
    assert "Keynote: Wed, 10 Mar 2027, 10:00–10:45 → Wed, 10 Mar 2027, 12:00–12:45" in browser.find_element(By.ID, "import-moved").text
    assert "Rivers → Rivers and lakes" in browser.find_element(By.ID, "import-renamed").text
    assert "1 unchanged" in browser.find_element(By.ID, "import-summary").text
    browser.find_element(By.ID, "imp-apply").click()
    # The first import's "Imported into …: 3 new" is still there until this one is answered.
    wait(browser).until(lambda d: f"Imported into {slug}: 0 new" in d.find_element(By.ID, "import-status").text)
    sessions = {s["title"]["en"]: s for s in api.ok("GET", f"/api/v1/events/{slug}")["sessions"]}
    assert at(sessions["Keynote"]["startsAt"]) == datetime(2027, 3, 10, 11, 0, tzinfo=timezone.utc)
    assert "Rivers and lakes" in sessions
    # The new event is in the console's event list.
    browser.find_element(By.ID, "import-open").click()
    wait(browser, 20).until(lambda d: d.find_element(By.ID, "event-select").get_attribute("value") == slug)


def test_clashes_block_until_imported_anyway_in_chinese(browser, server, api, tmp_path):
    slug = f"clash-{uuid.uuid4().hex[:8]}"
    path = schedule_file(tmp_path, "clash.json", slug, [
        talk(str(uuid.uuid4()), "Keynote", "Hall", "10:00", "Mei Chen"),
        talk(str(uuid.uuid4()), "Studio session", "Studio", "10:00", "Mei Chen")])
    log_in(browser, server)
    open_view(browser, server, "import")
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#programme-view h1").text == "导入日程")
    browser.find_element(By.ID, "imp-venue-name").send_keys("Kongresshalle")
    browser.find_element(By.ID, "imp-venue-city").send_keys("Hamburg")
    browser.find_element(By.ID, "imp-venue-country").send_keys("DE")
    browser.find_element(By.ID, "imp-file").send_keys(str(path))
    conflicts = wait(browser).until(lambda d: d.find_element(By.ID, "import-conflicts"))
    assert "按现状导入会被拒绝" in conflicts.text and "Mei Chen" in conflicts.text
    apply = browser.find_element(By.ID, "imp-apply")
    assert apply.get_attribute("disabled") is not None
    browser.find_element(By.ID, "imp-allow-conflicts").click()
    assert apply.get_attribute("disabled") is None
    apply.click()
    wait(browser).until(lambda d: f"已导入 {slug}" in d.find_element(By.ID, "import-status").text)
    assert len(api.ok("GET", f"/api/v1/events/{slug}")["sessions"]) == 2
