"""Helpers for the organiser page's browser tests (test_admin*.py)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, wait

__all__ = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "log_in", "open_editor", "block", "block_room", "drag_block_to", "resize_block",
           "session_from_api", "wait_for_text", "choose", "click_block"]


def log_in(driver, server, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
    """Opens /admin/ and logs in through the form (the session cookie is set by the server)."""
    driver.get(f"{server.base}/admin/")
    wait(driver, 20).until(lambda d: d.find_element(By.ID, "login-view").is_displayed() or d.find_element(By.ID, "app-view").is_displayed())
    if driver.find_element(By.ID, "app-view").is_displayed():
        return
    driver.find_element(By.ID, "login-email").send_keys(email)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, 20).until(lambda d: d.find_element(By.ID, "app-view").is_displayed())


def open_editor(driver, server, slug, day_of: str | None = None, zone="Europe/Berlin"):
    """Shows the schedule editor of `slug` (on the venue day of `day_of`) once its live feed is connected."""
    driver.get(f"{server.base}/admin/#event={slug}&tab=schedule")
    wait(driver, 20).until(lambda d: d.find_element(By.ID, "event-select").get_attribute("value") == slug
                           and d.find_elements(By.CSS_SELECTOR, "#live-note[data-status='live']"))
    if day_of:
        day = datetime.fromisoformat(day_of).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")
        select = Select(driver.find_element(By.ID, "day-select"))
        if select.first_selected_option.get_attribute("value") != day:
            select.select_by_value(day)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sched .block"))


def block(driver, session_id):
    return driver.find_element(By.CSS_SELECTOR, f'#sched .block[data-session-id="{session_id}"]')


def block_room(driver, session_id):
    found = driver.find_elements(By.CSS_SELECTOR, f'#sched .block[data-session-id="{session_id}"]')
    return int(found[0].get_attribute("data-room-id")) if found else None


def drag_block_to(driver, session_id, room_id, start: datetime, reference: dict, steps=8):
    """Drags a session block with real pointer input so that it starts at `start` in room `room_id`.

    `reference` is a session shown in the grid whose start time anchors the vertical scale
    (rows are 5 minutes; their height is the grid's --slot)."""
    driver.execute_script("document.getElementById('sched').scrollIntoView({block: 'start'})")
    geometry = driver.execute_script("""
        const [id, roomId, refId] = arguments;
        const rect = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height}; };
        const sched = document.getElementById('sched');
        return {
          source: rect(sched.querySelector(`.block[data-session-id="${id}"]`)),
          reference: rect(sched.querySelector(`.block[data-session-id="${refId}"]`)),
          lane: rect(sched.querySelector(`.lane[data-room-id="${roomId}"]`)),
          slot: parseFloat(getComputedStyle(sched).gridAutoRows),
        };""", session_id, room_id, reference["id"])
    source, ref, lane, slot = geometry["source"], geometry["reference"], geometry["lane"], geometry["slot"]
    minutes = (start - datetime.fromisoformat(reference["startsAt"])).total_seconds() / 60
    x0, y0 = source["left"] + source["width"] / 2, source["top"] + 4
    x1, y1 = lane["left"] + lane["width"] / 2, ref["top"] + minutes / 5 * slot + 4
    _drag(driver, (x0, y0), (x1, y1), steps)


def resize_block(driver, session_id, minutes: int, steps=6):
    """Drags the bottom edge (the resize handle) of a session block by `minutes` (a multiple of 5)."""
    driver.execute_script("document.getElementById('sched').scrollIntoView({block: 'start'})")
    geometry = driver.execute_script("""
        const sched = document.getElementById('sched');
        const r = sched.querySelector(`.block[data-session-id="${arguments[0]}"] .resize-handle`).getBoundingClientRect();
        return {x: r.left + r.width / 2, y: r.top + r.height / 2, slot: parseFloat(getComputedStyle(sched).gridAutoRows)};""", session_id)
    x, y = geometry["x"], geometry["y"]
    _drag(driver, (x, y), (x, y + minutes / 5 * geometry["slot"]), steps)


def _drag(driver, start, end, steps):
    """Real pointer input: press at `start`, move in `steps` to `end`, release."""
    (x0, y0), (x1, y1) = start, end
    actions = ActionBuilder(driver)
    pointer = actions.pointer_action
    pointer.move_to_location(round(x0), round(y0))
    pointer.pointer_down()
    for i in range(1, steps + 1):
        pointer.move_to_location(round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps))
    pointer.pointer_up()
    actions.perform()


def session_from_api(api, slug, session_id):
    return api.ok("GET", f"/api/v1/events/{slug}/sessions/{session_id}")


def wait_for_text(driver, element_id, text, timeout=10):
    """Waits until the element's text contains `text` (case-insensitive); returns the element."""
    def check(d):
        el = d.find_element(By.ID, element_id)
        return el if text.lower() in el.text.lower() else None
    return wait(driver, timeout).until(check)


def _retrying(action, attempts=3):
    """Live updates re-render the grid; an element found just before may be replaced, so look it up again."""
    for attempt in range(attempts):
        try:
            return action()
        except StaleElementReferenceException:
            if attempt == attempts - 1:
                raise


def choose(driver, select_id, value):
    """Picks an option of a <select> like a user does."""
    _retrying(lambda: Select(driver.find_element(By.ID, select_id)).select_by_value(str(value)))


def click_block(driver, session_id):
    _retrying(lambda: block(driver, session_id).click())


def make_admin_event(api):
    """A published event around now (Europe/Berlin): a hall and a studio, sessions on a 5-minute grid
    (the same shape as test_admin.py's `admin_event`)."""
    from datetime import timedelta
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime.now(berlin).replace(second=0, microsecond=0)
    now = now - timedelta(minutes=now.minute % 5)
    first = now + timedelta(minutes=30) if now.hour < 19 else (now + timedelta(days=1)).replace(hour=9, minute=0)
    event = api.create_event(starts=now - timedelta(hours=1), hours=(first - now).total_seconds() / 3600 + 8)
    slug = event["slug"]
    hall = api.create_room(slug, "Hall")
    studio = api.create_room(slug, "Studio")
    sessions = {
        "opening": api.create_session(slug, hall["id"], first, 45, {"en": "Opening", "zh": "开幕"}, kind="plenary"),
        "studio_talk": api.create_session(slug, studio["id"], first, 45, {"en": "Studio talk", "zh": "工作室演讲"}),
    }
    return {"slug": slug, "event": event, "rooms": {"hall": hall, "studio": studio}, "sessions": sessions}


def open_view(driver, server, view):
    """Shows a programme-level view of the console (#view=events|speakers|team|import) once it has loaded."""
    driver.get(f"{server.base}/admin/#view={view}")
    wait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#programme-view[data-view='{view}'][data-ready='true']"))
