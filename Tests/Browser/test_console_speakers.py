"""Speakers and fellows: the programme's profiles with search, create and edit, the CSV import with its
preview, and assigning speakers in the session form with the type-ahead (keyboard only), in Chinese too."""
from __future__ import annotations

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from admin_support import click_block, log_in, make_admin_event, open_editor, open_view, session_from_api
from conftest import wait


@pytest.fixture
def admin_event(api):
    return make_admin_event(api)


def visible_rows(driver):
    return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#speakers-table tbody tr")]


def test_creating_searching_and_editing_speakers(browser, server, api):
    tag = uuid.uuid4().hex[:5]
    api.ok("POST", "/api/v1/speakers", {"name": f"Jonas Berg {tag}", "organisation": "Naturfreunde Hamburg", "country": "DE"})
    log_in(browser, server)
    open_view(browser, server, "speakers")
    browser.find_element(By.ID, "speaker-new").click()
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("id") == "sp-name")
    browser.switch_to.active_element.send_keys(f"Li Wei {tag}")
    browser.find_element(By.ID, "sp-name-zh").send_keys(f"李伟{tag}")
    browser.find_element(By.ID, "sp-org").send_keys("Green Hands")
    browser.find_element(By.ID, "sp-country").send_keys("C1")
    browser.find_element(By.ID, "sp-bio-en").send_keys("Runs river clean-ups.")
    browser.find_element(By.ID, "sp-topics").send_keys("waste; rivers")
    browser.find_element(By.ID, "sp-cohort").send_keys("2017")
    browser.find_element(By.ID, "sp-partner").send_keys("Naturfreunde Hamburg")
    browser.find_element(By.ID, "speaker-save").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "sp-country-error").is_displayed())
    assert browser.switch_to.active_element.get_attribute("id") == "sp-country"
    assert browser.find_element(By.ID, "sp-name-zh").get_attribute("value") == f"李伟{tag}"
    country = browser.find_element(By.ID, "sp-country")
    country.send_keys(Keys.BACKSPACE, Keys.BACKSPACE, "cn", Keys.ENTER)
    wait(browser).until(lambda d: f"Created Li Wei {tag}" in d.find_element(By.ID, "speakers-status").text)
    created = next(s for s in api.ok("GET", "/api/v1/speakers")["items"] if s["name"] == f"Li Wei {tag}")
    assert created["nameZh"] == f"李伟{tag}" and created["country"] == "CN" and created["topics"] == ["waste", "rivers"]
    assert created["fellowship"]["cohort"] == 2017 and created["fellowship"]["partnerOrganisation"] == "Naturfreunde Hamburg"

    # Search: by Chinese name, by organisation, by country name.
    search = browser.find_element(By.ID, "speaker-search")
    search.send_keys(f"李伟{tag}")
    wait(browser).until(lambda d: len(visible_rows(d)) == 1 and f"Li Wei {tag}" in visible_rows(d)[0])
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(f"naturfreunde {tag}")
    wait(browser).until(lambda d: any(f"Jonas Berg {tag}" in r for r in visible_rows(d)))
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(f"germany {tag}")
    wait(browser).until(lambda d: len(visible_rows(d)) == 1 and f"Jonas Berg {tag}" in visible_rows(d)[0])

    # Edit: the fellowship goes, the organisation changes.
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(f"李伟{tag}")
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#speakers-table button[data-speaker-id="{created["id"]}"]')).click()
    cohort = wait(browser).until(lambda d: d.find_element(By.ID, "sp-cohort"))
    assert cohort.get_attribute("value") == "2017"
    cohort.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    org = browser.find_element(By.ID, "sp-org")
    org.send_keys(Keys.CONTROL, "a")
    org.send_keys("Blue Rivers", Keys.ENTER)
    wait(browser).until(lambda d: f"Saved Li Wei {tag}" in d.find_element(By.ID, "speakers-status").text)
    edited = api.ok("GET", f"/api/v1/speakers/{created['id']}")
    assert edited["organisation"] == "Blue Rivers" and edited["fellow"] is False


def test_csv_import_is_previewed_then_applied(browser, server, api, tmp_path):
    tag = uuid.uuid4().hex[:5]
    api.ok("POST", "/api/v1/speakers", {"name": f"Mei Chen {tag}", "organisation": "Old org", "country": "CN"})
    header = "name,name_zh,organisation,country,cohort,partner_organisation,topics,bio_en,bio_zh\n"
    broken = tmp_path / "broken.csv"
    broken.write_text(header + f"Mei Chen {tag},陈梅,New org,CN,,,,,\nAna Ruiz {tag},,Cidadania,BR,twenty,,,,\n", encoding="utf-8")
    good = tmp_path / "fellows.csv"
    good.write_text(header + f"Mei Chen {tag},陈梅,New org,CN,,,,,\nAna Ruiz {tag},,Cidadania,BR,2018,Stiftung Nord,health; youth,,\n", encoding="utf-8")
    log_in(browser, server)
    open_view(browser, server, "speakers")

    browser.find_element(By.ID, "speaker-csv").send_keys(str(broken))
    errors = wait(browser).until(lambda d: d.find_element(By.ID, "speaker-import-errors"))
    assert "Row 3" in errors.text
    assert browser.find_element(By.ID, "speaker-import-apply").get_attribute("disabled") is not None
    assert browser.switch_to.active_element.get_attribute("id") == "speaker-preview-title"

    browser.find_element(By.ID, "speaker-csv").send_keys(str(good))
    wait(browser).until(lambda d: d.find_elements(By.ID, "speaker-import-created") and "good" not in d.find_element(By.ID, "speaker-import-summary").text
                        and not d.find_elements(By.ID, "speaker-import-errors"))
    assert f"Ana Ruiz {tag}" in browser.find_element(By.ID, "speaker-import-created").text
    updated = browser.find_element(By.ID, "speaker-import-updated").text
    assert f"Mei Chen {tag}" in updated and "Chinese name" in updated and "organisation" in updated
    # Nothing is written by the preview.
    assert not any(s["name"] == f"Ana Ruiz {tag}" for s in api.ok("GET", "/api/v1/speakers")["items"])
    browser.find_element(By.ID, "speaker-import-apply").click()
    wait(browser).until(lambda d: "Imported: 1 new, 1 changed" in d.find_element(By.ID, "speakers-status").text)
    names = {s["name"]: s for s in api.ok("GET", "/api/v1/speakers")["items"]}
    assert names[f"Ana Ruiz {tag}"]["fellowship"]["cohort"] == 2018
    assert names[f"Mei Chen {tag}"]["organisation"] == "New org" and names[f"Mei Chen {tag}"]["nameZh"] == "陈梅"


def test_assigning_speakers_with_the_type_ahead_in_chinese(browser, server, api, admin_event):
    slug = admin_event["slug"]
    opening = admin_event["sessions"]["opening"]
    studio = admin_event["sessions"]["studio_talk"]
    tag = uuid.uuid4().hex[:5]
    mei = api.ok("POST", "/api/v1/speakers", {"name": f"Mei Chen {tag}", "nameZh": f"陈梅{tag}"})
    api.ok("POST", "/api/v1/speakers", {"name": f"Meike Brandt {tag}"})
    api.update_session(slug, studio["id"], {"speakerIds": [mei["id"]]})  # speaks in the studio at the same time
    log_in(browser, server)
    open_editor(browser, server, slug, day_of=opening["startsAt"])
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "tab-schedule").text == "日程")
    click_block(browser, opening["id"])
    wait(browser).until(lambda d: d.find_element(By.ID, "f-title-en").get_attribute("value") == "Opening")

    box = browser.find_element(By.ID, "f-speakers")
    assert box.get_attribute("role") == "combobox"
    box.send_keys(f"陈梅{tag}")
    wait(browser).until(lambda d: d.find_element(By.ID, "f-speakers").get_attribute("aria-expanded") == "true"
                        and d.find_elements(By.CSS_SELECTOR, "#f-speakers-list [role=option][data-index]"))
    options = browser.find_elements(By.CSS_SELECTOR, "#f-speakers-list [role=option][data-index]")
    assert len(options) == 1 and f"Mei Chen {tag}" in options[0].text
    assert box.get_attribute("aria-activedescendant") == f"f-speakers-option-{mei['id']}"
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: f"Mei Chen {tag}" in d.find_element(By.ID, "f-speaker-chips").text)
    assert box.get_attribute("aria-expanded") == "false"
    # The existing clash warning names the shared speaker before anything is sent (in Chinese).
    warning = wait(browser).until(lambda d: d.find_element(By.ID, "f-warning") if "共同发言人" in d.find_element(By.ID, "f-warning").text else None)
    assert "工作室演讲" in warning.text

    # Escape closes the list without picking; arrows move the active option.
    box.send_keys(f"{tag}")
    wait(browser).until(lambda d: d.find_element(By.ID, "f-speakers").get_attribute("aria-expanded") == "true")
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys(Keys.ARROW_DOWN)
    wait(browser).until(lambda d: d.find_element(By.ID, "f-speakers").get_attribute("aria-activedescendant"))
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: f"Meike Brandt {tag}" in d.find_element(By.ID, "f-speaker-chips").text)

    browser.find_element(By.ID, "f-save").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "f-save-anyway").is_displayed())
    browser.find_element(By.ID, "f-dont-save").click()
    # Not saved: the form is back to the session as it is.
    wait(browser).until(lambda d: d.find_element(By.ID, "f-speaker-chips").text == "")
    assert session_from_api(api, slug, opening["id"])["speakerIds"] == []

    # Meike only: no clash, Enter in the form saves.
    box.send_keys("Meike")
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#f-speakers-list [role=option][data-index]"))
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: f"Meike Brandt {tag}" in d.find_element(By.ID, "f-speaker-chips").text)
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: "已保存" in d.find_element(By.ID, "f-message").text)
    saved = session_from_api(api, slug, opening["id"])
    assert [sp["name"] for sp in saved["speakers"]] == [f"Meike Brandt {tag}"]
    wait(browser).until(lambda d: f"Meike Brandt {tag}" in d.find_element(By.CSS_SELECTOR, f'#sched .block[data-session-id="{opening["id"]}"]').text)
