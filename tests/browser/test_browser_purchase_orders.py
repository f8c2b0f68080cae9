"""A purchase order's journey: staff order the waiting units from a supplier, the shopper
sees the PO's date, the date slips, the shopper cancels what still waits, the rest arrives
against the PO and ships. With SCREENSHOTS_DIR set, the key pages are saved too."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.domain.buttons import Policy
from app.extensions import db
from app.models import OutboxEmail, Role

from tests.browser.test_journeys import screenshot, set_status

pytestmark = pytest.mark.browser

FIRST_DATE = date.today() + timedelta(days=10)
LATER_DATE = date.today() + timedelta(days=24)


def day(value: date) -> str:
    return f"{value:%d %b %Y}"


def expected_cells(page: Page) -> list[str]:
    """The Expected column of every item on the shopper's status page."""
    return page.locator("td[data-label='Expected']").all_inner_texts()


def emails_to(shop, address: str) -> list[tuple[str, str]]:
    return shop.read(lambda: [(e.subject, e.body) for e in db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.to == address).order_by(OutboxEmail.id))])


def test_staff_order_waiting_units_and_the_shopper_follows_the_promise_to_dispatch(
        page, new_page, shop, sign_in_as, stored_orders):
    shop.settings(out_of_stock_checkout=True, show_arrival_date=True,
                  ask_delay_confirmation=True)
    shop.product("TEA-1", name="Teapot", price="39.00", on_hand=1, policy=Policy.ALWAYS)
    shop.order({"TEA-1": 3}, email="sam@example.com")  # 1 in stock, 2 waiting
    shop.order({"TEA-1": 2}, email="kim@example.com")  # 2 waiting
    first, second = stored_orders()

    # 1. Staff add the supplier, buy the teapot from it, and order the 4 waiting units.
    staff = page
    sign_in_as(Role.STAFF)
    staff.goto("/admin/suppliers/new")
    staff.get_by_label("Name", exact=True).fill("Tea Co")
    staff.get_by_label("Email", exact=True).fill("orders@teaco.example")
    staff.get_by_label("Lead time (days)", exact=True).fill("14")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text("Tea Co saved")
    staff.goto("/admin/products/TEA-1")
    staff.get_by_label("Supplier", exact=True).select_option(label="Tea Co")
    staff.get_by_label("Supplier SKU", exact=True).fill("TC-TEAPOT")
    staff.get_by_label("Cost price", exact=True).fill("15.00")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text("TEA-1 saved")

    staff.goto("/admin/purchase-orders/new")
    staff.get_by_label("Supplier", exact=True).select_option(label="Tea Co")
    staff.get_by_label("Expected date", exact=True).fill(FIRST_DATE.isoformat())
    staff.get_by_role("button", name="Create purchase order", exact=True).click()
    expect(staff).to_have_url(re.compile(r"/admin/purchase-orders/PO1001$"))
    staff.get_by_label("SKU", exact=True).fill("TEA-1")
    staff.get_by_label("Quantity", exact=True).fill("4")
    staff.get_by_label("Unit cost", exact=True).fill("15.00")
    staff.get_by_role("button", name="Add line", exact=True).click()
    expect(staff.get_by_label("Qty for TEA-1", exact=True)).to_have_value("4")
    staff.get_by_role("button", name="Mark as ordered", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("PO1001 is ordered")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Purchase order PO1001 Ordered")
    assert emails_to(shop, "orders@teaco.example")[0][0] == "Purchase order PO1001"
    screenshot(staff, "purchase-order")

    # 2. The shopper's status page promises the PO's date.
    shopper = new_page()
    shopper.goto(f"/orders/{first['token']}")
    assert expected_cells(shopper) == [day(FIRST_DATE)]
    expect(shopper.get_by_role("button", name="Keep waiting")).to_have_count(0)

    # 3. The supplier is late: staff move the date; each shopper is emailed, once.
    staff.get_by_label("Expected date", exact=True).fill(LATER_DATE.isoformat())
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text("PO1001 saved")
    (subject, body), = [e for e in emails_to(shop, "sam@example.com") if "delayed" in e[0]]
    assert f"We expected them {day(FIRST_DATE)}; we now expect them {day(LATER_DATE)}" in body
    link = re.search(r"http://\S+/orders/\S+", body).group(0)
    assert link.endswith(f"/orders/{first['token']}")

    # 4. Sam would rather not wait: the waiting teapots come off; the one in stock stays.
    shopper.goto(f"/orders/{first['token']}")
    assert expected_cells(shopper) == [day(LATER_DATE)]
    expect(shopper.get_by_role("button", name="Keep waiting", exact=True)).to_be_visible()
    screenshot(shopper, "order-status-delayed")
    shopper.get_by_role("button", name="Cancel waiting items", exact=True).click()
    expect(shopper.get_by_role("status")).to_have_text("The items still waiting are cancelled")
    expect(shopper.get_by_role("button", name="Keep waiting")).to_have_count(0)
    assert expected_cells(shopper) == ["Ready"]
    assert stored_orders()[0]["lines"] == {"TEA-1": (1, 1)}
    staff.goto(f"/admin/orders/{first['reference']}")
    expect(staff.get_by_text("Shopper chose to cancel the waiting items")).to_be_visible()

    # 5. Two teapots arrive against the PO; the rest will not come. Kim's order has its stock.
    staff.goto("/admin/purchase-orders/PO1001")
    staff.get_by_label("Receive for TEA-1", exact=True).fill("2")
    staff.get_by_label("Reference", exact=True).fill("DEL-881")
    staff.get_by_label(re.compile("^Close short")).check()
    staff.get_by_role("button", name="Receive", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("Received on PO1001")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Purchase order PO1001 Received")
    assert [o["lines"] for o in stored_orders()] == [{"TEA-1": (1, 1)}, {"TEA-1": (2, 2)}]

    # 6. Both orders ship.
    for order in (first, second):
        staff.goto(f"/admin/orders/{order['reference']}")
        for status in ("Pick", "Pack", "Dispatched"):
            set_status(staff, order["reference"], status)
    assert {o["status"] for o in stored_orders()} == {"Dispatched"}
    staff.goto("/admin/purchase-orders?status=Received")
    expect(staff.get_by_role("link", name="PO1001", exact=True)).to_be_visible()
    screenshot(staff, "purchase-orders")


def test_an_admin_turns_on_approval_and_ordering_the_units_approves_the_backorder(
        page, new_page, shop, sign_in_as):
    from tests.support.purchasing import bought_product, po, supplier
    shop.settings(out_of_stock_checkout=True, show_arrival_date=True, create_backorder=True)
    tea = shop.read(supplier)
    shop.read(lambda: bought_product("TEA-1", tea))
    _, backorder = shop.order({"TEA-1": 2}, email="sam@example.com")
    shop.read(lambda: po(tea, FIRST_DATE, {"TEA-1": 5}, ordered=False))

    # 1. An admin turns the setting on, on the Sales Orders & Invoices tab.
    admin = page
    sign_in_as(Role.ADMIN)
    admin.goto("/admin/settings/sales-orders")
    admin.get_by_label("Approve backorders covered by a purchase order", exact=True).check()
    admin.get_by_role("button", name="Save Changes", exact=True).click()
    expect(admin.get_by_role("status")).to_have_text("Sales Orders & Invoices settings saved")

    # 2. A shopper sees no date from a Draft; Mark as ordered brings it.
    shopper = new_page()
    shopper.goto("/products/TEA-1")
    expect(shopper.get_by_text("expected about")).to_have_count(0)
    admin.goto("/admin/purchase-orders/PO1001")
    admin.get_by_role("button", name="Mark as ordered", exact=True).click()
    expect(admin.get_by_role("status")).to_contain_text("PO1001 is ordered")
    shopper.goto("/products/TEA-1")
    expect(shopper.get_by_text(f"Backorder: expected about {day(FIRST_DATE)}")).to_be_visible()
    expect(shopper.get_by_role("button", name="Backorder", exact=True)).to_be_enabled()
    screenshot(shopper, "product-expected-about")

    # 3. The backorder the PO covers is approved, and its timeline says by which PO.
    admin.goto(f"/admin/orders/{backorder}")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Backorder Approved")
    expect(admin.get_by_text("Backorder Approved: covered by PO1001")).to_be_visible()

    # 4. Fewer units than wait: it goes back to New Backorder.
    admin.goto("/admin/purchase-orders/PO1001")
    admin.get_by_label("Qty for TEA-1", exact=True).fill("1")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_role("status")).to_have_text("PO1001 saved")
    admin.goto(f"/admin/orders/{backorder}")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("New Backorder")
    expect(admin.get_by_text("New Backorder: the purchase orders no longer cover every "
                             "waiting unit")).to_be_visible()
    shopper.goto("/products/TEA-1")
    expect(shopper.get_by_text("expected about")).to_have_count(0)
