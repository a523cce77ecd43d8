"""The invitation link /admin/set-password#TOKEN: an admin invites someone by API, the e-mail's link
sets the password once, the new account logs in with it, and the used link is refused."""
from __future__ import annotations

import re
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from admin_support import log_in
from conftest import wait


def invite(api, server, role="checkin") -> tuple[str, str]:
    """Invites a new account through the API; returns its e-mail and the link from the invitation e-mail."""
    email = f"invited-{uuid.uuid4().hex[:8]}@example.org"
    api.ok("POST", "/api/v1/accounts/invite", {"email": email, "name": "Chen Jing", "role": role})
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for text in server.mail_texts():
            if email in text and (match := re.search(r"https?://\S+/admin/set-password#[\w-]+", text)):
                return email, match.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no invitation e-mail for {email}")


def set_password(driver, password, again=None):
    for field_id, value in (("setpw-password", password), ("setpw-confirm", password if again is None else again)):
        field = driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.ID, "setpw-confirm").send_keys(Keys.ENTER)


def text_of(driver, element_id, part, timeout=10):
    return wait(driver, timeout).until(lambda d: part in d.find_element(By.ID, element_id).text)


def test_an_invited_organiser_sets_a_password_and_logs_in(browser, server, api):
    email, link = invite(api, server)
    token = link.split("#", 1)[1]
    browser.get(link)
    wait(browser).until(lambda d: d.find_element(By.ID, "setpw-form").is_displayed())
    # The token is taken out of the address bar at once, and no request but the API call carries it.
    assert "#" not in browser.current_url and token not in browser.current_url
    assert "12 characters" in browser.find_element(By.ID, "setpw-rules").text

    set_password(browser, "a long passphrase", again="another long passphrase")
    text_of(browser, "setpw-confirm-error", "The two passwords are not the same")
    set_password(browser, "short")
    text_of(browser, "setpw-password-error", "at least 12 characters")
    assert browser.find_element(By.ID, "setpw-password").get_attribute("aria-invalid") == "true"
    # The server's rules: a common password is refused with a field error (422).
    set_password(browser, "password1234")
    text_of(browser, "setpw-password-error", "one of the most common passwords")

    password = "kite harbour lantern 2027"
    set_password(browser, password)
    text_of(browser, "setpw-status", f"Your password is set. Log in with your e-mail address {email}")
    assert not browser.find_element(By.ID, "setpw-form").is_displayed()
    requested = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in requested if token in url], requested

    browser.find_element(By.CSS_SELECTOR, "#setpw-login a").click()
    wait(browser).until(lambda d: d.current_url.endswith("/admin/"))
    log_in(browser, server, email=email, password=password)
    assert "Chen Jing" in browser.find_element(By.ID, "who").text

    # The link works once.
    browser.delete_all_cookies()
    browser.get(link)
    wait(browser).until(lambda d: d.find_element(By.ID, "setpw-form").is_displayed())
    set_password(browser, "yet another long passphrase")
    text_of(browser, "setpw-status", "This link does not set a password any more")
    assert "Ask an admin to invite you again" in browser.find_element(By.ID, "setpw-status").text
    assert browser.find_element(By.CSS_SELECTOR, "#setpw-login a").is_displayed()


def test_a_link_without_its_token_explains_itself_in_both_languages(browser, server):
    browser.get(f"{server.base}/admin/set-password")
    text_of(browser, "setpw-status", "This address has no invitation code")
    assert not browser.find_element(By.ID, "setpw-form").is_displayed()
    browser.find_element(By.ID, "lang-switch").click()
    text_of(browser, "setpw-status", "此地址中没有邀请码")
    assert browser.find_element(By.ID, "setpw-title").text == "设置您的密码"
    browser.find_element(By.ID, "lang-switch").click()
    text_of(browser, "setpw-status", "This address has no invitation code")


def test_an_invalid_link_in_chinese(browser, server):
    browser.get(f"{server.base}/admin/set-password#not-a-real-invitation-token")
    wait(browser).until(lambda d: d.find_element(By.ID, "setpw-form").is_displayed())
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "setpw-submit").text == "设置密码")
    set_password(browser, "a perfectly fine passphrase")
    text_of(browser, "setpw-status", "请联系管理员重新邀请您")
