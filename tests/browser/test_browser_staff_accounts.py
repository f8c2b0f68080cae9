"""An Admin adds a staff account, the new person sets a password through the one-time link
and signs in; the Admin deactivates the account and that person's open page is signed out."""
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.models import Role
from tests.browser.test_journeys import screenshot
from tests.support import services

pytestmark = pytest.mark.browser

NEW_PASSWORD = "the new person's password"


def test_admin_adds_an_account_that_signs_in_and_then_deactivates_it(page, new_page, shop,
                                                                      sign_in_as):
    sign_in_as(Role.ADMIN)
    page.goto("/admin/settings")
    page.get_by_role("link", name="Staff accounts", exact=True).click()
    expect(page.get_by_role("heading", name="Staff accounts", exact=True)).to_be_visible()

    page.get_by_label("Email", exact=True).fill("Kim@Example.com")
    page.get_by_label("Role", exact=True).select_option(label="Staff")
    page.get_by_role("button", name="Add account", exact=True).click()
    expect(page.get_by_text("Added kim@example.com as Staff")).to_be_visible()
    link = page.get_by_label("Set-password link", exact=True).input_value()
    screenshot(page, "staff-account-added")
    assert shop.read(lambda: services.outbox()[0].to) == "kim@example.com"

    # Kim, in a browser of her own, follows the link (its path: SHOP_URL is not this server).
    kim = new_page()
    kim.goto(urlsplit(link).path)
    kim.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    kim.get_by_label("Type it again", exact=True).fill(NEW_PASSWORD)
    kim.get_by_role("button", name="Set password", exact=True).click()
    expect(kim.get_by_text("Your password is set: sign in with it")).to_be_visible()
    kim.get_by_label("Email", exact=True).fill("kim@example.com")
    kim.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    kim.get_by_role("button", name="Sign in", exact=True).click()
    expect(kim.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    kim.goto("/admin/orders")
    expect(kim.get_by_role("heading", name="Orders")).to_be_visible()

    page.reload()
    accounts = page.get_by_role("table", name="Staff accounts", exact=True)
    row = accounts.get_by_role("row").filter(has_text="kim@example.com")
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Deactivate", exact=True).click()
    expect(page.get_by_text("Deactivated kim@example.com: signed out")).to_be_visible()
    row = accounts.get_by_role("row").filter(has_text="kim@example.com")
    expect(row).to_contain_text("Deactivated")
    expect(row.get_by_role("button", name="Reactivate", exact=True)).to_be_visible()
    screenshot(page, "staff-accounts")
    expect(page.get_by_role("table", name="Changes to accounts, newest first")
           .get_by_role("row").nth(1)).to_contain_text("Deactivated")

    # Kim's open page: the next thing she does finds her signed out.
    kim.reload()
    expect(kim.get_by_role("heading", name="Staff sign in")).to_be_visible()
    kim.get_by_label("Email", exact=True).fill("kim@example.com")
    kim.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    kim.get_by_role("button", name="Sign in", exact=True).click()
    expect(kim.get_by_text("That email and password do not match")).to_be_visible()
