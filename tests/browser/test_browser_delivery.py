"""A shopper whose cart would split chooses `Ship everything together` at checkout in
Chromium: one order holds the cup in stock for them and waits for the teapot; staff see
the choice on the order page, and a receipt of teapots completes the order."""
import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.test_journeys import screenshot

pytestmark = pytest.mark.browser


def add_to_cart(page: Page, sku: str, button: str) -> None:
    page.goto(f"/products/{sku}")
    page.get_by_label("Quantity", exact=True).fill("1")
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/cart$"))


def test_shopper_chooses_ship_everything_together_and_staff_see_the_order_wait_whole(
        page, new_page, shop, stored_orders, sign_in_as):
    shop.product("CUP-1", name="Cup", on_hand=1, price="30.00")
    shop.product("TEA-1", name="Teapot", on_hand=0, price="20.00", arrival=date(2031, 3, 15))
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=True,
                  offer_ship_together=True)

    add_to_cart(page, "CUP-1", "Add to Cart")
    add_to_cart(page, "TEA-1", "Backorder")
    expect(page.locator("#promise-together")).to_contain_text(
        "Ships together when everything is in stock, about 15 Mar 2031")

    page.get_by_role("button", name="Checkout", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Sam Shopper")
    page.get_by_label("Email", exact=True).fill("sam@example.com")
    page.get_by_label("Address", exact=True).fill("1 Main St")
    page.get_by_label("Payment method", exact=True).select_option("Bank deposit")
    delivery = page.get_by_label("Delivery", exact=True)
    expect(delivery).to_have_value("Ship what is in stock now")  # the split by default
    expect(page.locator("#promise")).to_have_text(
        "1 item ships now; the rest (1) waits on backorder until stock arrives.")
    expect(page.locator("#promise-together")).to_be_hidden()
    delivery.select_option("Ship everything together")
    # The summary follows the choice.
    expect(page.locator("#promise")).to_be_hidden()
    expect(page.locator("#promise-together")).to_have_text(
        "Ships together when everything is in stock, about 15 Mar 2031: nothing ships now "
        "(1 is reserved for you from stock meanwhile).")
    screenshot(page, "checkout-delivery")
    page.get_by_role("button", name="Place order", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Thank you: order N1001 is placed")
    expect(page.locator("#promise")).to_have_text(
        "Nothing ships now: all 2 items ship together when the rest arrives "
        "(1 is already reserved for you from stock).")
    expect(page.get_by_text("Delivery: Ship everything together.")).to_contain_text(
        "about 15 Mar 2031")
    screenshot(page, "order-status-together")
    assert [(o["reference"], o["status"], o["lines"]) for o in stored_orders()] == [
        ("N1001", "New", {"CUP-1": (1, 1), "TEA-1": (1, 0)})]

    staff = new_page()
    sign_in_as(Role.STAFF, on=staff)
    staff.goto("/admin/orders/N1001")
    expect(staff.locator("#delivery")).to_have_text("Delivery: Ship everything together")
    staff.goto("/admin/products/TEA-1")
    staff.get_by_label("Quantity", exact=True).fill("1")
    staff.get_by_label("Reference", exact=True).fill("PO-1")
    staff.get_by_role("button", name="Receive stock", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text(
        "Order N1001 has all its stock: it ships everything together")
    assert stored_orders()[0]["lines"] == {"CUP-1": (1, 1), "TEA-1": (1, 1)}
