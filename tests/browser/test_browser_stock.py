"""Receiving stock releases a waiting backorder to New."""
import pytest
from playwright.sync_api import Page, expect

from app.models import Role

pytestmark = pytest.mark.browser


def figure(page: Page, term: str):
    """The value next to `term` in the product page's Stock figures."""
    return page.locator("dl.figures").locator(f"dt:text-is('{term}') + dd")


def test_received_stock_releases_the_waiting_backorder_for_staff_and_shopper(
        page, shop, sign_in_as, stored_orders):
    shop.product("CUP-1", name="Cup", on_hand=5)
    shop.product("TEA-1", name="Teapot", on_hand=0)
    shop.settings(out_of_stock_checkout=True, create_backorder=True, auto_release=True)
    reference, backorder = shop.order({"CUP-1": 1, "TEA-1": 2})
    assert backorder is not None

    sign_in_as(Role.STAFF)
    page.goto("/admin/products/TEA-1")
    expect(figure(page, "Waiting on backorder")).to_have_text("2")
    page.get_by_label("Quantity", exact=True).fill("2")
    page.get_by_label("Reference", exact=True).fill("PO-7")
    page.get_by_role("button", name="Receive stock", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Backorder {backorder} has all its stock and is released to New")
    expect(figure(page, "On hand")).to_have_text("2")
    expect(figure(page, "Committed")).to_have_text("2")
    expect(figure(page, "Available")).to_have_text("0")
    expect(figure(page, "Waiting on backorder")).to_have_text("0")

    page.goto(f"/admin/orders/{backorder}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {backorder} New")
    expect(page.get_by_label("Status", exact=True)).to_have_value("New")

    order = next(o for o in stored_orders() if o["reference"] == reference)
    page.goto(f"/orders/{order['token']}")
    card = page.get_by_role("region", name=f"Backorder {backorder}")
    expect(card.get_by_role("heading")).to_have_text(f"Backorder {backorder} New")
    expect(card.get_by_role("row", name="Teapot")).to_contain_text("Ready")


def test_staff_adjust_stock_through_the_change_field(page, shop, sign_in_as):
    """`Change` must label the Adjust stock field, not Receive stock's `Quantity` (same id)."""
    shop.product("CUP-1", name="Cup", on_hand=5)
    sign_in_as(Role.STAFF)
    page.goto("/admin/products/CUP-1")
    page.get_by_label("Change", exact=True).fill("-1")
    page.get_by_label("Reason", exact=True).fill("Broken in the warehouse")
    page.get_by_role("button", name="Adjust stock", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Stock of CUP-1 adjusted by -1")
    expect(figure(page, "On hand")).to_have_text("4")
