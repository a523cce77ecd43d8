"""Every page: weight of the first load, Content-Security-Policy without violations, no console errors."""
import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from admin_support import log_in
from conftest import wait

LIMIT = 150 * 1024

# page → (path, what shows once it has loaded)
PAGES = {
    "home": ("/", "#events .event-card"),
    "event": ("/events/{slug}", "#agenda-days .session"),
    "screen": ("/screen/{slug}", ".room-card"),
    "fellows": ("/fellows", "#fellow-count"),
    "admin": ("/admin/", "#login-form"),
    "door": ("/admin/door/{slug}", "#door-login:not([hidden])"),
    "door-logged-in": ("/admin/door/{slug}", "#door-count-number:not(:empty)"),
    "set-password": ("/admin/set-password#an-invitation-token", "#setpw-form:not([hidden])"),
}
LOGGED_IN = {"door-logged-in"}  # opened after logging in on /admin/


def page_url(server, live_event, page):
    return server.base + PAGES[page][0].format(slug=live_event["slug"])


def open_page(browser, server, live_event, page):
    if page in LOGGED_IN:
        log_in(browser, server)
    browser.get(page_url(server, live_event, page))
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, PAGES[page][1])))


@pytest.mark.parametrize("page", PAGES)
def test_first_load_weighs_at_most_150_kb(browser, server, live_event, page):
    open_page(browser, server, live_event, page)
    sizes = browser.execute_script("""
        const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
        return entries.map(e => [e.name, e.decodedBodySize || 0, e.transferSize || 0]);""")
    total = sum(size for _, size, _ in sizes)
    assert total > 0
    assert total <= LIMIT, json.dumps(sizes, indent=1)


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_the_content_security_policy(api, server, live_event, page):
    status, headers, _ = api.request("GET", PAGES[page][0].format(slug=live_event["slug"]), auth=False)
    assert status == 200
    csp = {k.lower(): v for k, v in headers.items()}.get("content-security-policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in csp, csp


@pytest.mark.parametrize("page", PAGES)
def test_no_csp_violations_or_console_errors(browser, server, live_event, page):
    open_page(browser, server, live_event, page)
    # Exercise the dynamic parts too: switch language, back again.
    browser.find_element(By.ID, "lang-switch").click()
    browser.find_element(By.ID, "lang-switch").click()
    violations = browser.execute_script("return window.__cspViolations")
    assert violations == [], violations
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]
    assert errors == [], errors
