"""Staff at work on the product page and the settings tabs, in Chromium."""
import re

import pytest
from playwright.sync_api import Page, expect

from app.domain.buttons import Policy
from app.models import Role

pytestmark = pytest.mark.browser


def test_staff_receive_stock_and_follow_the_link_to_the_backorder_it_completed(
        page, shop, sign_in_as):
    shop.product("CUP-1", name="Cup", on_hand=5)
    shop.product("TEA-1", name="Teapot", on_hand=0, policy=Policy.ALWAYS)
    shop.settings(create_backorder=True)
    _, backorder = shop.order({"CUP-1": 1, "TEA-1": 2})
    assert backorder is not None

    sign_in_as(Role.STAFF)
    page.goto("/admin/products/TEA-1")
    page.get_by_label("Quantity", exact=True).fill("2")
    page.get_by_label("Reference", exact=True).fill("PO-7")
    page.get_by_role("button", name="Receive stock", exact=True).click()
    news = page.get_by_role("status")
    expect(news).to_contain_text(f"Backorder {backorder} has all its stock: mark it as New")

    news.get_by_role("link", name=backorder, exact=True).click()
    expect(page).to_have_url(re.compile(f"/admin/orders/{backorder}$"))
    page.get_by_role("button", name="Mark as New", exact=True).click()
    expect(page.get_by_label("Status", exact=True)).to_have_value("New")


def test_the_stock_ledger_names_each_order_and_each_adjustments_reason(page, shop, sign_in_as):
    shop.product("TEA-1", name="Teapot", on_hand=0, policy=Policy.ALWAYS)
    reference, _ = shop.order({"TEA-1": 1})
    sign_in_as(Role.STAFF)
    page.goto("/admin/products/TEA-1")
    page.get_by_label("Change", exact=True).fill("3")
    page.get_by_label("Reason", exact=True).fill("found in a count")
    page.get_by_role("button", name="Adjust stock", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Stock of TEA-1 adjusted by +3")

    ledger = page.get_by_role("table", name="Latest stock movements of TEA-1")
    expect(ledger.get_by_role("row", name=re.compile("^.*adjustment: found in a count"))) \
        .to_have_count(1)
    ledger.get_by_role("link", name=reference, exact=True).first.click()
    expect(page).to_have_url(re.compile(f"/admin/orders/{reference}$"))


def test_enter_in_the_address_bar_after_a_refused_receipt_shows_the_product(
        page, shop, sign_in_as):
    shop.product("TEA-1", name="Teapot", on_hand=1)
    sign_in_as(Role.STAFF)
    page.goto("/admin/products/TEA-1")
    page.get_by_label("Quantity", exact=True).fill("0")
    page.get_by_label("Reference", exact=True).fill("PO-7")
    page.get_by_role("button", name="Receive stock", exact=True).click()
    expect(page).to_have_url(re.compile("/admin/products/TEA-1/receive$"))
    expect(page.get_by_text("Enter a whole number from 1 to 1,000,000")).to_be_visible()

    page.goto(page.url)  # what Enter in the address bar does: a GET of the same address
    expect(page).to_have_url(re.compile("/admin/products/TEA-1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teapot")


SETTINGS = {
    "Sales Orders & Invoices": ["Create backorder when backorder items",
                                "Disable partial backorder",
                                "Keep original empty order if all items backordered",
                                "Release backorders automatically when stock arrives",
                                "Order ID prefix", "Enable Backorder Suffix"],
    "Web Store": ["Enable Out Of Stock Checkout", "Show expected arrival date"],
}


def help_below(page: Page, label: str):
    """The help a setting's aria-describedby points at."""
    ids = (page.get_by_label(label, exact=True).get_attribute("aria-describedby") or "").split()
    hints = [i for i in ids if i.endswith("-hint")]
    assert len(hints) == 1, f"{label}: aria-describedby={ids}"
    return page.locator(f"#{hints[0]}")


def test_the_help_of_each_setting_is_visible_under_it(page, sign_in_as):
    sign_in_as(Role.ADMIN)
    for tab, labels in SETTINGS.items():
        page.goto("/admin/settings")
        page.get_by_role("link", name=tab, exact=True).click()
        for label in labels:
            control = page.get_by_label(label, exact=True)
            help_text = help_below(page, label)
            expect(help_text).to_be_visible()
            expect(control).to_have_accessible_description(help_text.inner_text())
            below = help_text.bounding_box()["y"] >= control.bounding_box()["y"]
            assert below, f"the help of {label} is above it"
    expect(help_below(page, "Show expected arrival date")).to_contain_text("shoppers see no dates")
