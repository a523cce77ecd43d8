"""Certificates of attendance (issue 19, part 4): the attendee opens the certificate from the private
link after the event, in English and in Chinese (the certificate shows both languages, the switch
changes the page around it); printed (print media emulated through the DevTools protocol) it is one
A4 sheet without the site's navigation; its verification URL says "genuine", a changed code does not;
the organiser opens every certificate from the registrations list; axe-core finds no serious
accessibility problem on any of the pages."""
from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium_axe_python import Axe

from admin_support import log_in
from conftest import iso, now_utc, wait
from test_accessibility import FAILING_IMPACTS, violations_report

ZONE = "Asia/Shanghai"
HOSTILE_NAME = 'Li Wei <img src=x onerror="window.pwned=1">'


def make_ended_event(api, title=None, name=HOSTILE_NAME):
    """An event in Shanghai that ended a minute ago, with two workshops (1.5 h and 2 h); Li Wei held a
    seat in both and was checked in, Anna Weber registered for the first but did not come."""
    start = (now_utc() - timedelta(hours=5)).replace(minute=0)
    event = api.create_event(starts=start, hours=6, tz=ZONE,
                             title=title or {"en": "Capacity-building workshop", "zh": "能力建设工作坊"})
    slug = event["slug"]
    room = api.create_room(slug, "Studio")
    first = api.create_session(slug, room["id"], start + timedelta(minutes=30), 90, {"en": "Fundraising for NGOs", "zh": "非政府组织筹款"},
                               kind="workshop", capacity=10)
    second = api.create_session(slug, room["id"], start + timedelta(minutes=150), 120, {"en": "Working across cultures", "zh": "跨文化合作"},
                                kind="workshop", capacity=10)
    li = api.register(slug, name, f"cert-li-{uuid.uuid4().hex[:6]}@example.org", [first["id"], second["id"]])
    anna = api.register(slug, "Anna Weber", f"cert-anna-{uuid.uuid4().hex[:6]}@example.org", [first["id"]])
    code = api.ok("GET", f"/api/v1/registrations/{li['token']}")["checkInCode"]
    api.ok("POST", f"/api/v1/events/{slug}/checkins", {"code": code})
    api.ok("PATCH", f"/api/v1/events/{slug}", {"endsAt": iso(now_utc() - timedelta(minutes=1))})
    return {"slug": slug, "li": li, "anna": anna, "sessions": [first, second], "start": start}


@pytest.fixture
def ended(api):
    return make_ended_event(api)


def set_lang(driver, lang):
    wanted = "zh-Hans" if lang == "zh" else "en"
    if driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != wanted:
        driver.find_element(By.ID, "lang-switch").click()
        wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == wanted)


def venue_slot(session) -> str:
    """`2026-12-07 14:00–15:30` in the venue's zone, as the certificate prints a workshop's time."""
    from datetime import datetime
    start = datetime.fromisoformat(session["startsAt"]).astimezone(ZoneInfo(ZONE))
    end = datetime.fromisoformat(session["endsAt"]).astimezone(ZoneInfo(ZONE))
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def displayed(driver, selector) -> bool:
    return any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, selector))


def check_axe(driver, name, lang):
    axe = Axe(driver, os.environ["TANDEM_AXE_SCRIPT"]) if os.environ.get("TANDEM_AXE_SCRIPT") else Axe(driver)
    axe.inject()
    serious = [v for v in axe.run()["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not serious, violations_report(name, lang, driver.current_url, serious)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_attendee_certificate_prints_and_verifies(browser, server, ended, lang):
    token = ended["li"]["token"]
    browser.get(f"{server.base}/registrations/{token}")
    set_lang(browser, lang)
    link = wait(browser).until(lambda d: d.find_element(By.ID, "certificate-link"))
    assert link.text == ("My certificate of attendance" if lang == "en" else "我的参会证明")
    link.click()
    certificate = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "article.certificate"))
    assert browser.find_element(By.TAG_NAME, "h1").text == ("Certificate of attendance" if lang == "en" else "参会证明")

    # Both languages on the certificate whatever the page's; the name exactly as typed, never markup.
    heading = certificate.find_element(By.CSS_SELECTOR, ".cert-heading").text
    assert "Certificate of attendance" in heading and "参会证明" in heading
    assert certificate.find_element(By.CSS_SELECTOR, ".cert-name").text == HOSTILE_NAME
    assert not certificate.find_elements(By.CSS_SELECTOR, ".cert-name img") and not browser.execute_script("return window.pwned")
    statements = [p.text for p in certificate.find_elements(By.CSS_SELECTOR, ".cert-statement")]
    assert "Capacity-building workshop" in statements[0] and "Elbforum" in statements[0]
    assert "能力建设工作坊" in statements[1] and "参加了" in statements[1]
    rows = certificate.find_elements(By.CSS_SELECTOR, ".cert-workshops tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, ".cert-when").text for r in rows] == [venue_slot(s) for s in ended["sessions"]]
    assert [r.find_element(By.CSS_SELECTOR, ".cert-hours").text for r in rows] == ["1.5", "2"]
    assert "跨文化合作" in rows[1].text and "Working across cultures" in rows[1].text
    assert certificate.find_element(By.CSS_SELECTOR, ".cert-total").text == "3.5"
    assert ZONE in certificate.find_element(By.CSS_SELECTOR, ".cert-workshops thead").text
    qr = certificate.find_element(By.CSS_SELECTOR, "img.cert-qr")
    wait(browser).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr))
    url = certificate.find_element(By.CSS_SELECTOR, ".cert-url").get_attribute("href")
    code = certificate.find_element(By.CSS_SELECTOR, ".cert-code").text
    assert url == f"{server.base}/certificates/{code}" and token not in url
    check_axe(browser, "certificate", lang)

    # Printed: the certificate alone, on A4, without the site's header, footer and buttons.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not displayed(browser, ".site-header") and not displayed(browser, ".site-footer")
        assert not displayed(browser, "#actions") and not displayed(browser, "h1")
        assert displayed(browser, "article.certificate")
        # The sheet as printed, not the screen's with its shadow.
        assert browser.execute_script("return getComputedStyle(arguments[0]).boxShadow", certificate) == "none"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # The verification URL, as anyone opens it.
    browser.get(url)
    verdict = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#verdict[data-genuine]"))
    assert verdict.get_attribute("data-genuine") == "true"
    assert verdict.text == ("Genuine: this certificate of attendance was issued by Tandem." if lang == "en" else "真实有效：此参会证明由Tandem签发。")
    assert browser.find_element(By.ID, "verified-name").text == HOSTILE_NAME
    assert browser.find_element(By.ID, "verified-hours").text == ("3.5 h" if lang == "en" else "3.5 小时")
    assert browser.find_element(By.ID, "verified-event").text == ("Capacity-building workshop" if lang == "en" else "能力建设工作坊")
    check_axe(browser, "certificate-check", lang)

    # The QR code on the certificate reads back as the verification URL.
    browser.get(f"{server.base}/api/v1/certificates/{code}/qr.svg")
    image = wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "svg"))
    with tempfile.NamedTemporaryFile(suffix=".png") as png:
        png.write(image.screenshot_as_png)
        png.flush()
        assert subprocess.run(["zbarimg", "--quiet", "--raw", png.name], capture_output=True, text=True, check=True).stdout.strip() == url

    # One character changed: not a Tandem certificate.
    forged = code[:-1] + ("Y" if code[-1] != "Y" else "Z")
    browser.get(f"{server.base}/certificates/{forged}")
    verdict = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#verdict[data-genuine]"))
    assert verdict.get_attribute("data-genuine") == "false"
    assert verdict.text.startswith("Not a Tandem certificate" if lang == "en" else "不是Tandem证书")
    check_axe(browser, "certificate-check-forged", lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_certificate_without_check_in_or_before_the_end(browser, server, api, ended, lang):
    browser.get(f"{server.base}/registrations/{ended['anna']['token']}/certificate")
    set_lang(browser, lang)
    refusal = wait(browser).until(lambda d: d.find_element(By.ID, "certificate-refusal"))
    assert refusal.get_attribute("data-reason") == "certificate-not-checked-in"
    assert refusal.text == ("There is no certificate of attendance for this registration: you were not checked in at the event."
                            if lang == "en" else "此报名没有参会证明：您在活动现场未签到。")
    assert not browser.find_elements(By.CSS_SELECTOR, "article.certificate") and not displayed(browser, "#actions")
    check_axe(browser, "certificate-refused", lang)

    # An event still on: not yet (and no link on the registration page).
    start = now_utc() - timedelta(hours=1)
    slug = api.create_event(starts=start, hours=4)["slug"]
    token = api.register(slug, "Zhou Min", f"cert-zhou-{uuid.uuid4().hex[:6]}@example.org")["token"]
    api.ok("POST", f"/api/v1/events/{slug}/checkins", {"code": api.ok("GET", f"/api/v1/registrations/{token}")["checkInCode"]})
    browser.get(f"{server.base}/registrations/{token}/certificate")
    refusal = wait(browser).until(lambda d: d.find_element(By.ID, "certificate-refusal"))
    assert refusal.get_attribute("data-reason") == "certificate-not-yet"
    assert refusal.text == ("Your certificate of attendance will be here once the event is over." if lang == "en" else "活动结束后，您可以在这里查看参会证明。")
    browser.get(f"{server.base}/registrations/{token}")
    wait(browser).until(lambda d: d.find_element(By.ID, "check-in-code"))
    assert not browser.find_elements(By.ID, "certificate-link")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_organiser_prints_every_certificate_from_the_registrations_list(browser, server, api, ended, lang):
    slug = ended["slug"]
    log_in(browser, server)
    browser.get(f"{server.base}/admin/#event={slug}&tab=registrations")
    set_lang(browser, lang)
    row = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, f'#reg-rows tr[data-registration-id="{ended["li"]["id"]}"]'))
    single = row.find_element(By.CSS_SELECTOR, '[data-action="certificate"]').get_attribute("href")
    assert single.endswith(f"/admin/certificates/{slug}?registration={ended['li']['id']}")
    anna = browser.find_element(By.CSS_SELECTOR, f'#reg-rows tr[data-registration-id="{ended["anna"]["id"]}"]')
    assert not anna.find_elements(By.CSS_SELECTOR, '[data-action="certificate"]'), "no certificate for an attendee not checked in"
    every = browser.find_element(By.ID, "reg-certificates")
    assert every.text == ("All certificates" if lang == "en" else "全部参会证明")

    browser.get(every.get_attribute("href"))
    wait(browser).until(lambda d: d.find_element(By.ID, "certificates-count"))
    certificates = browser.find_elements(By.CSS_SELECTOR, "article.certificate")
    assert [c.get_attribute("data-registration-id") for c in certificates] == [str(ended["li"]["id"])]
    assert certificates[0].find_element(By.CSS_SELECTOR, ".cert-name").text == HOSTILE_NAME
    check_axe(browser, "admin-certificates", lang)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not displayed(browser, ".site-header") and not displayed(browser, "#status")
        breaks = browser.execute_script("const s = getComputedStyle(arguments[0]); return [s.breakInside, s.pageBreakAfter]", certificates[0])
        assert breaks[0] == "avoid"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    browser.get(single)
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "article.certificate"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.certificate")) == 1


def test_certificates_page_refuses_without_a_session(browser, server, ended):
    browser.get(f"{server.base}/admin/certificates/{ended['slug']}")
    problem = wait(browser).until(lambda d: d.find_element(By.ID, "certificates-problem"))
    assert problem.text.startswith("Log in to the organiser console first")
    assert not browser.find_elements(By.CSS_SELECTOR, "article.certificate")
