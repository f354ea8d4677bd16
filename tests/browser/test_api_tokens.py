"""API tokens on the account page, in a real browser: made (htmx, and as a plain form without
JavaScript), shown once, used on the API, revoked after a confirmation page. Every page is
checked with axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD


def _make_token(page: Page, name: str) -> str:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Write: look up entries, and add").check()
    page.get_by_label("A year").check()
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_label("Token", exact=True)
    expect(secret).to_be_visible()
    return secret.input_value()


def test_make_use_and_revoke_a_token(page: Page, live_server: str, make_user) -> None:
    user = make_user(email="wanjiru@example.org")
    ui_login(page, live_server, user.email, PASSWORD)
    page.goto("/account")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    check_a11y(page)

    secret = _make_token(page, "City dashboard")  # htmx: the section is swapped in place
    assert secret.startswith("wsr_")
    expect(page.locator("#tokens").get_by_text("it is shown only this once")).to_be_visible()
    expect(page.locator(".token-list")).to_contain_text("City dashboard")
    check_a11y(page)
    screenshot(page, "account-token.png")

    used = page.request.get("/api/v1/stakeholders", headers={"Authorization": f"Bearer {secret}"})
    assert used.status == 200

    page.reload()  # shown once: never again
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    assert secret not in page.content()

    page.get_by_role("link", name="Revoke City dashboard").click()
    expect(page.get_by_role("heading", name="Revoke the token “City dashboard”?")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Revoke “City dashboard”").click()
    expect(page.get_by_text("it no longer opens the API")).to_be_visible()
    expect(page.locator(".token-list")).to_contain_text("Revoked")
    check_a11y(page)
    refused = page.request.get(
        "/api/v1/stakeholders", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401


def test_make_a_token_without_javascript(page_nojs: Page, live_server: str, make_user) -> None:
    user = make_user(email="otieno@example.org")
    ui_login(page_nojs, live_server, user.email, PASSWORD)
    page_nojs.goto("/account")
    page_nojs.get_by_role("button", name="Make token").click()  # no name: said at the field
    expect(page_nojs.locator(".error-summary")).to_contain_text("Give the token a name")
    secret = _make_token(page_nojs, "Nightly export")
    assert secret.startswith("wsr_")
