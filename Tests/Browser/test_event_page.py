"""The event page: language and time-zone switches, escaping, live changes in place."""
from datetime import timedelta

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import iso, now_utc, wait


def open_event(browser, server, slug):
    browser.get(f"{server.base}/events/{slug}")
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#agenda-days .session")))


def test_language_switch_to_chinese_is_remembered(browser, server, future_event):
    slug = future_event["slug"]
    plenary = future_event["sessions"]["plenary"]["id"]
    open_event(browser, server, slug)
    assert browser.find_element(By.ID, "agenda-heading").text == "Agenda"
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "agenda-heading").text == "日程")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    title = browser.find_element(By.ID, f"session-title-{plenary}")
    assert title.text == "欢迎" and title.get_attribute("lang") == "zh-Hans"
    assert browser.find_element(By.ID, "event-title").text.startswith("浏览器测试")
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="reg-name"]').text == "姓名"

    browser.refresh()
    open_event(browser, server, slug)
    assert browser.find_element(By.ID, "agenda-heading").text == "日程"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "agenda-heading").text == "Agenda")


def test_english_fallback_when_a_text_has_no_chinese(browser, server, api, future_event):
    slug = future_event["slug"]
    session = api.create_session(slug, future_event["rooms"]["room"]["id"], future_event["start"] + timedelta(hours=7), 30, {"en": "Only in English"})
    browser.get(f"{server.base}/events/{slug}")
    browser.execute_script("localStorage.setItem('tandem.lang', 'zh')")
    open_event(browser, server, slug)
    wait(browser).until(lambda d: d.find_element(By.ID, "agenda-heading").text == "日程")
    title = browser.find_element(By.ID, f"session-title-{session['id']}")
    assert title.text == "Only in English" and title.get_attribute("lang") == "en"


def test_time_zone_switch_between_venue_and_viewer(browser, server, api):
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Shanghai"})
    start = (now_utc() + timedelta(days=40)).replace(hour=7, minute=30)  # 09:30 in Berlin (summer) or 08:30 (winter)
    event = api.create_event(starts=start, hours=4)
    room = api.create_room(event["slug"], "Saal")
    session = api.create_session(event["slug"], room["id"], start, 45, {"en": "Zone check"})
    open_event(browser, server, event["slug"])

    times = lambda: browser.find_element(By.CSS_SELECTOR, f"#session-{session['id']} .session-time time").text
    venue_time = times()
    assert "Europe/Berlin" in browser.find_element(By.ID, "zone-note").text
    browser.find_element(By.CSS_SELECTOR, 'input[data-zone-mode="local"]').click()
    wait(browser).until(lambda d: "Asia/Shanghai" in d.find_element(By.ID, "zone-note").text)
    local_time = times()
    assert local_time == "15:30", (venue_time, local_time)
    assert venue_time in ("09:30", "08:30")
    browser.refresh()
    open_event(browser, server, event["slug"])
    assert times() == "15:30"
    browser.find_element(By.CSS_SELECTOR, 'input[data-zone-mode="venue"]').click()
    wait(browser).until(lambda d: times() == venue_time)


def test_markup_in_titles_shows_as_text(browser, server, api, future_event):
    slug = future_event["slug"]
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    session = api.create_session(slug, future_event["rooms"]["room"]["id"], future_event["start"] + timedelta(hours=8), 30,
                                 {"en": evil, "zh": evil}, speakerIds=[])
    open_event(browser, server, slug)
    title = browser.find_element(By.ID, f"session-title-{session['id']}")
    assert title.text == evil
    assert title.find_elements(By.CSS_SELECTOR, "script, img") == []
    try:
        browser.switch_to.alert
        raise AssertionError("an alert opened: markup was executed")
    except NoAlertPresentException:
        pass


def test_live_change_updates_the_agenda_in_place(browser, server, api, future_event):
    slug = future_event["slug"]
    plenary = future_event["sessions"]["plenary"]
    open_event(browser, server, slug)
    browser.execute_script("window.__notReloaded = true")
    assert browser.find_element(By.CSS_SELECTOR, f"#session-{plenary['id']} .session-time time").text
    api.update_session(slug, plenary["id"], {"title": {"en": "Welcome, moved", "zh": "欢迎（已调整）"},
                                             "startsAt": iso(future_event["start"] + timedelta(minutes=15)),
                                             "endsAt": iso(future_event["start"] + timedelta(minutes=75))})
    wait(browser, 3).until(lambda d: d.find_element(By.ID, f"session-title-{plenary['id']}").text == "Welcome, moved")
    assert "flash" in browser.find_element(By.ID, f"session-{plenary['id']}").get_attribute("class")
    api.update_session(slug, plenary["id"], {"status": "cancelled"})
    wait(browser, 3).until(lambda d: d.find_element(By.ID, f"session-{plenary['id']}").get_attribute("data-status") == "cancelled")
    assert "Cancelled" in browser.find_element(By.ID, f"session-{plenary['id']}").text
    assert browser.execute_script("return window.__notReloaded === true")


def test_seat_counts_tick_live(browser, server, api, future_event):
    slug = future_event["slug"]
    big = future_event["sessions"]["ws_big"]
    open_event(browser, server, slug)
    seats = lambda: browser.find_element(By.ID, "event-seats").text
    assert seats() == "20 seats left"
    api.register(slug, "Ticker", "ticker-" + slug + "@example.org", [big["id"]])
    wait(browser, 3).until(lambda d: seats() == "19 seats left")
    wait(browser, 3).until(lambda d: d.find_element(By.CSS_SELECTOR, f'[data-workshop-seats="{big["id"]}"]').text.startswith("9 of 10"))
