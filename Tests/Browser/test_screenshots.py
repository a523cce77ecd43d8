"""README screenshots from the demo programme; runs only with TANDEM_SCREENSHOTS=docs/screenshots."""
import os

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


def test_fellows_directory(browser, server, screenshot):
    browser.get(f"{server.base}/fellows?cohort=2017")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".fellow")))
    screenshot(browser, "fellows")
