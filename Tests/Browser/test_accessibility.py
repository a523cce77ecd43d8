"""Accessibility: axe-core on every attendee and organiser page and view, in English and in Chinese.
A violation of impact `serious` or `critical` fails the test, listed rule by rule with the elements
at fault.

axe-core comes from PyPI's selenium-axe-python (axe-core 4.9). Not axe-selenium-python: on Python
3.11 its newest release is 2.1.6, whose axe-core 3.1.1 (2018) flags valid markup (`autocomplete="off"`
on a search field, `autocomplete="username"` on an e-mail field, a retired radio-group rule).
TANDEM_AXE_SCRIPT=path/to/axe.min.js runs another axe-core build instead.

To cover a new page or view, add it to VIEWS below: a name, its address, a CSS selector that exists
once it has rendered, and whether it needs an organiser's log-in (and, if it takes a user's action to
show, an `act` that does it)."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from selenium_axe_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from admin_support import log_in
from conftest import now_utc, wait


def _type_code(who: str):
    def act(driver, data):
        field = driver.find_element(By.ID, "door-code")
        field.send_keys(data["codes"][who], Keys.ENTER)
        wait(driver).until(lambda d: d.find_element(By.ID, "door-result").get_attribute("data-outcome"))
    return act


def _offline_check_in(driver, data):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    _type_code("anna")(driver, data)
    wait(driver).until(lambda d: d.find_element(By.ID, "door-unsent").is_displayed() and d.find_element(By.ID, "door-offline").is_displayed())


def _short_password(driver, data):
    driver.find_element(By.ID, "setpw-password").send_keys("too short")
    driver.find_element(By.ID, "setpw-confirm").send_keys("too short", Keys.ENTER)
    wait(driver).until(lambda d: d.find_element(By.ID, "setpw-password-error").text)


def _click_and_wait(button: str, shown: str):
    """Clicks the button with id `button`, then waits until `shown` (a CSS selector) is displayed."""
    def act(driver, data):
        driver.find_element(By.ID, button).click()
        wait(driver).until(lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, shown)))
    return act


def _row_action(action: str, shown: str):
    """Clicks `action` in the events table's row of the test event, then waits for `shown`."""
    def act(driver, data):
        wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#events-table tr[data-slug="{data["slug"]}"] [data-action="{action}"]')).click()
        wait(driver).until(lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, shown)))
    return act


def _import_preview(driver, data):
    fixture = os.path.join(os.path.dirname(__file__), "..", "TandemServerTests", "Fixtures", "pretalx-schedule.json")
    driver.find_element(By.ID, "imp-file").send_keys(os.path.abspath(fixture))
    wait(driver).until(lambda d: d.find_element(By.ID, "import-message").text != "" or d.find_elements(By.ID, "import-summary"))
    if not driver.find_elements(By.ID, "import-summary"):
        driver.find_element(By.ID, "imp-venue-name").send_keys("Kongresshalle")
        driver.find_element(By.ID, "imp-venue-city").send_keys("Hamburg")
        driver.find_element(By.ID, "imp-venue-country").send_keys("de")
        driver.find_element(By.ID, "imp-preview").click()
    wait(driver).until(lambda d: d.find_elements(By.ID, "import-summary"))


def _console(view: str) -> str:
    return f"#programme-view[data-view='{view}'][data-ready='true']"

@dataclass(frozen=True)
class View:
    name: str
    path: str  # {slug} (the event) and {token} (a registration's self-service token) are filled in
    ready: str  # a CSS selector that matches once the view has rendered
    login: bool = False  # log in on /admin/ first
    act: Callable | None = None  # act(driver, data): what a user does to show the state to check


# Every page and view; add new ones here.
VIEWS = [
    View("home", "/", "#events .event-card"),
    View("event", "/events/{slug}", "#agenda-days .session"),
    View("registration", "/registrations/{token}", "#check-in-code"),
    View("screen", "/screen/{slug}", ".room-card"),
    View("fellows", "/fellows", ".fellow"),
    View("admin-login", "/admin/", "#login-view:not([hidden]) #login-email"),
    View("admin-schedule", "/admin/#event={slug}&tab=schedule", "#panel-schedule:not([hidden]) #sched .block", login=True),
    View("admin-announcements", "/admin/#event={slug}&tab=announcements", "#panel-announcements:not([hidden]) #announcement-list .ann-text", login=True),
    View("admin-registrations", "/admin/#event={slug}&tab=registrations", "#panel-registrations:not([hidden]) #reg-rows tr", login=True),
    View("admin-checkin", "/admin/#event={slug}&tab=checkin", "#panel-checkin:not([hidden]) #checkin-door-link", login=True),
    View("admin-rooms-exports", "/admin/#event={slug}&tab=settings", "#rooms-list tr[data-room-id]", login=True),
    View("console-events", "/admin/#view=events", _console("events") + " #events-table", login=True),
    View("console-event-form", "/admin/#view=events", _console("events") + " #events-table", login=True,
         act=_click_and_wait("event-new", "#ev-slug")),
    View("console-event-duplicate", "/admin/#view=events", _console("events") + " #events-table", login=True,
         act=_row_action("duplicate", "#dup-submit")),
    View("console-event-cancel", "/admin/#view=events", _console("events") + " #events-table", login=True,
         act=_row_action("cancel", "dialog[open] [data-action='confirm']")),
    View("console-speakers", "/admin/#view=speakers", _console("speakers"), login=True),
    View("console-speaker-form", "/admin/#view=speakers", _console("speakers"), login=True,
         act=_click_and_wait("speaker-new", "#sp-name-zh")),
    View("console-team", "/admin/#view=team", _console("team"), login=True),
    View("console-import", "/admin/#view=import", _console("import"), login=True),
    View("console-import-preview", "/admin/#view=import", _console("import"), login=True, act=_import_preview),
    View("door-login", "/admin/door/{slug}", "#door-login:not([hidden]) #door-email"),
    View("door", "/admin/door/{slug}", "#door-count-number:not(:empty)", login=True),
    View("door-checked-in", "/admin/door/{slug}", "#door-count-number:not(:empty)", login=True, act=_type_code("li")),
    View("door-refused", "/admin/door/{slug}", "#door-count-number:not(:empty)", login=True, act=_type_code("wang")),
    View("door-offline", "/admin/door/{slug}", "#door-count-number:not(:empty)", login=True, act=_offline_check_in),
    # Certificates of attendance: this event is still on, so "not yet" and "not genuine" are the
    # states here; test_certificate.py runs axe on the certificates themselves after an event's end.
    View("certificate-not-yet", "/registrations/{token}/certificate", "#certificate-refusal"),
    View("certificate-check", "/certificates/1-AAAA-AAAA-AAAA-AAAA", "#verdict"),
    View("admin-certificates", "/admin/certificates/{slug}", "#certificates-problem", login=True),
    View("set-password", "/admin/set-password#an-invitation-token", "#setpw-form:not([hidden])"),
    View("set-password-error", "/admin/set-password#an-invitation-token", "#setpw-form:not([hidden])", act=_short_password),
]
LANGUAGES = ["en", "zh"]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def data(api):
    """An event happening now with rooms, sessions, a fellow speaking, an announcement and three
    registrations (two confirmed, one on the waitlist)."""
    start = now_utc() - timedelta(hours=1)
    event = api.create_event(starts=start, hours=8, capacity=2, title={"en": "Accessible event", "zh": "无障碍活动"})
    slug = event["slug"]
    hall, studio = api.create_room(slug, "Hall"), api.create_room(slug, "Studio")
    fellow = api.ok("POST", "/api/v1/speakers", {
        "name": f"Zhou Min {uuid.uuid4().hex[:4]}", "organisation": "Green Future", "country": "CN", "topics": ["water"],
        "bio": {"en": "A fellow.", "zh": "一位学员。"}, "fellowship": {"cohort": 2026, "partnerOrganisation": "Blue Planet e.V."}})
    now = now_utc()
    api.create_session(slug, hall["id"], now - timedelta(minutes=30), 90, {"en": "Opening", "zh": "开幕"}, kind="plenary",
                       speakerIds=[fellow["id"]])
    workshop = api.create_session(slug, studio["id"], now + timedelta(minutes=60), 60, {"en": "Fundraising", "zh": "筹款"},
                                  kind="workshop", capacity=5)
    api.ok("POST", f"/api/v1/events/{slug}/announcements", {"text": {"en": "Lunch at 12:30", "zh": "午餐 12:30"}, "severity": "warning"})
    people = {}
    for key, name in (("li", "Li Wei"), ("anna", "Anna Weber"), ("wang", "Wang Fang")):
        registration = api.register(slug, name, f"a11y-{key}-{uuid.uuid4().hex[:6]}@example.org", [workshop["id"]])
        people[key] = {"token": registration["token"], **api.ok("GET", f"/api/v1/registrations/{registration['token']}")}
    return {"slug": slug, "token": people["li"]["token"], "codes": {k: p["checkInCode"] for k, p in people.items()}}


def violations_report(view: str, lang: str, url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {view} ({lang}), {url}:"]
    for v in violations:
        lines.append(f"\n- {v['id']} [{v['impact']}]: {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            for line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"       {line.strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_no_serious_accessibility_violations(browser, server, data, view, lang):
    if view.login:
        log_in(browser, server)
    url = server.base + view.path.format(slug=data["slug"], token=data["token"])
    browser.get(url)
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, view.ready))
    wanted = "zh-Hans" if lang == "zh" else "en"
    if browser.find_element(By.TAG_NAME, "html").get_attribute("lang") != wanted:
        browser.find_element(By.ID, "lang-switch").click()
        wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == wanted)
    if view.act:
        view.act(browser, data)
    axe = Axe(browser, os.environ["TANDEM_AXE_SCRIPT"]) if os.environ.get("TANDEM_AXE_SCRIPT") else Axe(browser)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not serious, violations_report(view.name, lang, url, serious)
