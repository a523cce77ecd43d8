"""The fellows directory: by cohort, filters, links to their sessions."""
import uuid
from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import wait


def test_fellows_filter_by_cohort_country_and_text(browser, server, api, future_event):
    tag = uuid.uuid4().hex[:6]
    cohort = 2030 + int(tag, 16) % 60
    ids = {}
    for name, country, topic in [("Anna Weber", "DE", "urban gardening"), ("Wang Fang", "CN", "rural water"), ("Luc Martin", "FR", f"zz{tag} literacy")]:
        speaker = api.ok("POST", "/api/v1/speakers", {
            "name": f"{name} {tag}", "organisation": f"Org {name}", "country": country, "topics": [topic],
            "bio": {"en": f"{name} is a fellow."}, "fellowship": {"cohort": cohort, "partnerOrganisation": f"Partner of {name}"}})
        ids[name] = speaker["id"]
    slug = future_event["slug"]
    session = api.create_session(slug, future_event["rooms"]["room"]["id"], future_event["start"] + timedelta(hours=6), 30,
                                 {"en": "Fellows present"}, speakerIds=[ids["Wang Fang"]])

    browser.get(f"{server.base}/fellows")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".fellow")))
    Select(browser.find_element(By.ID, "filter-cohort")).select_by_value(str(cohort))
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".fellow")) == 3)
    assert browser.find_element(By.ID, f"cohort-{cohort}").text.endswith(str(cohort))

    Select(browser.find_element(By.ID, "filter-country")).select_by_value("CN")
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".fellow")) == 1)
    card = browser.find_element(By.ID, f"fellow-{ids['Wang Fang']}")
    assert "Partner of Wang Fang" in card.text and "rural water" in card.text
    link = card.find_element(By.CSS_SELECTOR, ".fellow-sessions a")
    assert link.get_attribute("href").endswith(f"/events/{slug}#session-{session['id']}")

    Select(browser.find_element(By.ID, "filter-country")).select_by_value("")
    browser.find_element(By.ID, "filter-text").send_keys(f"zz{tag}")
    wait(browser).until(lambda d: [e.get_attribute("id") for e in d.find_elements(By.CSS_SELECTOR, ".fellow")] == [f"fellow-{ids['Luc Martin']}"])
    assert "1 fellow" in browser.find_element(By.ID, "fellow-count").text

    browser.find_element(By.ID, "filter-text").clear()
    browser.find_element(By.ID, "filter-text").send_keys("nobody-matches-this")
    wait(browser).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".fellow"))

    link_target = f"{server.base}/events/{slug}#session-{session['id']}"
    browser.get(link_target)
    wait(browser).until(EC.visibility_of_element_located((By.ID, f"session-{session['id']}")))
