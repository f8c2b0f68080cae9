"""Staff split an order's out-of-stock units into a backorder."""
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from app.models import Role

pytestmark = pytest.mark.browser


def test_staff_backorder_out_of_stock_products_and_find_the_backorder_under_new_backorder(
        page, shop, sign_in_as, stored_orders):
    shop.product("CUP-1", name="Cup", on_hand=5)
    shop.product("TEA-1", name="Teapot", on_hand=0)
    shop.settings(out_of_stock_checkout=True)
    reference, backorder = shop.order({"CUP-1": 1, "TEA-1": 2})
    assert backorder is None
    shop.settings(create_backorder=True)

    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{reference}")
    expect(page.get_by_label("Qty for TEA-1", exact=True)).to_have_value("2")
    expect(page.get_by_label("BKO for TEA-1", exact=True)).to_have_value("0")
    page.get_by_role("button", name="Backorder Out of Stock Products", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("BKO holds each line's unallocated units")
    expect(page.get_by_label("BKO for TEA-1", exact=True)).to_have_value("2")
    expect(page.get_by_label("BKO for CUP-1", exact=True)).to_have_value("0")
    page.get_by_label("Status", exact=True).select_option("On Hold")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Order {reference} saved")

    order, child = stored_orders()
    assert (order["status"], order["lines"]) == ("On Hold", {"CUP-1": (1, 1)})
    assert (child["status"], child["parent"], child["lines"]) == (
        "New Backorder", reference, {"TEA-1": (2, 0)})
    expect(page.get_by_role("status")).to_contain_text(f"Backorder {child['reference']} created")

    page.goto(f"/admin/orders?status={quote('New Backorder')}")
    orders_table = page.get_by_role("table", name="Orders")
    expect(orders_table.get_by_role("cell", name=child["reference"], exact=True)).to_be_visible()
    expect(orders_table.get_by_role("cell", name=reference, exact=True)).to_have_count(0)

    page.goto(f"/admin/orders/{reference}")
    expect(page.get_by_label("Status", exact=True)).to_have_value("On Hold")
    expect(page.get_by_label("Qty for TEA-1", exact=True)).to_have_count(0)
    related = page.get_by_role("region", name="Related orders")
    related.get_by_role("link", name=child["reference"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Order {child['reference']} New Backorder")
    expect(page.get_by_label("Qty for TEA-1", exact=True)).to_have_value("2")
