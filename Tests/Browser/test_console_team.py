"""The Team view (admins only): accounts, invitations, programme and per-event roles, disable/enable;
API tokens shown once; the audit log with its filters and paging (in Chinese)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from admin_support import log_in, open_view
from conftest import Api, wait


def account_by_email(api, email):
    return next(a for a in api.ok("GET", "/api/v1/accounts")["items"] if a["email"] == email)


def test_inviting_and_managing_an_account(browser, server, api):
    start = (datetime.now(timezone.utc) + timedelta(days=40)).replace(hour=8, minute=0, second=0, microsecond=0)
    slug = api.create_event(starts=start)["slug"]
    email = f"hui-{uuid.uuid4().hex[:6]}@example.org"
    log_in(browser, server)
    open_view(browser, server, "team")
    assert browser.find_element(By.ID, "nav-team").is_displayed()
    browser.find_element(By.ID, "invite-email").send_keys(email)
    browser.find_element(By.ID, "invite-name").send_keys("Zhang Hui")
    Select(browser.find_element(By.ID, "invite-role")).select_by_value("member")
    browser.find_element(By.ID, "invite-submit").click()
    wait(browser).until(lambda d: f"Invitation sent to {email}" in d.find_element(By.ID, "team-status").text)
    account = account_by_email(api, email)
    assert account["passwordSet"] is False and account["role"] == "member"
    row = browser.find_element(By.CSS_SELECTOR, f'#accounts-table tr[data-account-id="{account["id"]}"]')
    assert "password not set yet" in row.text
    wait(browser).until(lambda d: any("/admin/set-password#" in text and email.split("@")[0] in text or "/admin/set-password#" in text for text in server.mail_texts()))

    # A role for one event, then a programme role, by keyboard and click.
    aid = account["id"]
    Select(browser.find_element(By.ID, f"account-{aid}-event")).select_by_value(slug)
    Select(browser.find_element(By.ID, f"account-{aid}-event-role")).select_by_value("checkin")
    browser.find_element(By.ID, f"account-{aid}-grant").click()
    wait(browser).until(lambda d: f"is check-in desk for {slug}" in d.find_element(By.ID, "team-status").text)
    assert account_by_email(api, email)["events"] == [{"event": slug, "role": "checkin"}]
    assert browser.switch_to.active_element.get_attribute("id") == f"account-{aid}-grant"
    browser.find_element(By.ID, f"account-{aid}-revoke-{slug}").click()
    wait(browser).until(lambda d: "no longer has a role" in d.find_element(By.ID, "team-status").text)
    assert account_by_email(api, email)["events"] == []

    Select(browser.find_element(By.ID, f"account-{aid}-role")).select_by_value("organiser")
    browser.find_element(By.ID, f"account-{aid}-save-role").click()
    wait(browser).until(lambda d: "is now organiser" in d.find_element(By.ID, "team-status").text)
    assert account_by_email(api, email)["role"] == "organiser"

    browser.find_element(By.ID, f"account-{aid}-disable").click()
    wait(browser).until(lambda d: "is disabled" in d.find_element(By.ID, "team-status").text)
    assert account_by_email(api, email)["disabled"] is True
    assert browser.switch_to.active_element.get_attribute("id") == f"account-{aid}-enable"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: "enabled again" in d.find_element(By.ID, "team-status").text)
    assert account_by_email(api, email)["disabled"] is False


def test_an_api_token_is_shown_once_and_can_be_revoked(browser, server, api):
    name = f"sync {uuid.uuid4().hex[:6]}"
    log_in(browser, server)
    open_view(browser, server, "team")
    browser.find_element(By.ID, "token-name").send_keys(name)
    days = browser.find_element(By.ID, "token-days")
    days.send_keys(Keys.CONTROL, "a")
    days.send_keys("30", Keys.ENTER)
    secret = wait(browser).until(lambda d: d.find_element(By.ID, "token-value"))
    token = secret.text
    assert token.startswith("tdm_")
    assert "you will not see it again" in browser.find_element(By.ID, "token-secret").text
    assert browser.switch_to.active_element.get_attribute("id") == "token-secret-title"
    browser.find_element(By.ID, "token-copy").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "token-copied").text != "")
    # It works as a bearer token.
    status, _, me = api.request("GET", "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}, auth=False)
    assert status == 200, me
    browser.find_element(By.ID, "token-done").click()
    assert not browser.find_elements(By.ID, "token-value")
    assert token not in browser.find_element(By.TAG_NAME, "body").text

    listed = next(t for t in api.ok("GET", "/api/v1/auth/tokens")["items"] if t["name"] == name)
    browser.find_element(By.CSS_SELECTOR, f'#tokens-table [data-action="revoke"][data-token-id="{listed["id"]}"]').click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] [data-action='confirm']")).click()
    wait(browser).until(lambda d: f"{name} is revoked" in d.find_element(By.ID, "tokens-status").text)
    assert "revokedAt" in next(t for t in api.ok("GET", "/api/v1/auth/tokens")["items"] if t["name"] == name)
    status, _, _ = api.request("GET", "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}, auth=False)
    assert status == 401


def test_audit_log_filters_and_pages_in_chinese(browser, server, api):
    email = f"audit-{uuid.uuid4().hex[:6]}@example.org"
    password = "an organiser password, long"
    api.ok("POST", "/api/v1/accounts", {"email": email, "name": "Audit test", "password": password, "role": "organiser"})
    other = Api(server)
    other.token = other.ok("POST", "/api/v1/auth/login", {"email": email, "password": password}, auth=False)["token"]
    for i in range(52):
        other.ok("POST", "/api/v1/speakers", {"name": f"Audit speaker {uuid.uuid4().hex[:6]} {i}"})

    log_in(browser, server)
    open_view(browser, server, "team")
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "audit-title").text == "审计日志")
    browser.find_element(By.ID, "audit-actor").send_keys(email)
    browser.find_element(By.ID, "audit-action").send_keys("speaker.", Keys.ENTER)
    wait(browser).until(lambda d: "已显示 50 条记录" in d.find_element(By.ID, "audit-status").text)
    rows = browser.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
    assert all(email in r.text for r in rows)
    more = browser.find_element(By.ID, "audit-more")
    assert more.text == "更早的记录"
    more.click()
    wait(browser).until(lambda d: "已显示 52 条记录" in d.find_element(By.ID, "audit-status").text)
    assert not browser.find_element(By.ID, "audit-more").is_displayed()

    # Not an admin: the Team view is not offered.
    browser.find_element(By.ID, "logout").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "login-view").is_displayed())
    browser.find_element(By.ID, "login-email").clear()
    browser.find_element(By.ID, "login-email").send_keys(email)
    browser.find_element(By.ID, "login-password").send_keys(password, Keys.ENTER)
    wait(browser).until(lambda d: d.find_element(By.ID, "app-view").is_displayed())
    assert not browser.find_element(By.ID, "nav-team").is_displayed()
