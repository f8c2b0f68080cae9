"""One order's journey from the settings to dispatch.

An admin turns the backorder switches on, a shopper orders more than there is, staff split,
receive, release and ship, and the shopper sees it all dispatched. With SCREENSHOTS_DIR set
(`make screenshots`), the journey also saves the key pages at desktop and phone width.
"""
import os
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from app.domain.buttons import Policy
from app.models import Role
from app.pictures.demo import drawing
from tests.support.pictures import add_pictures

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SHIP_STEPS = ["Pick", "Pack", "Dispatched"]


def screenshot(page: Page, name: str) -> None:
    """With SCREENSHOTS_DIR set, save the whole page as <name>-desktop.png and <name>-phone.png."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True,
                        animations="disabled", caret="hide")
    page.set_viewport_size(DESKTOP)


def stock_the_shop(shop) -> None:
    shop.product("CUP-1", name="Cup", price="12.50", on_hand=2)
    shop.product("TEA-1", name="Teapot", price="39.00", on_hand=0,
                 arrival=date.today() + timedelta(days=21))
    shop.product("SAU-1", name="Saucer", price="6.00", on_hand=40)
    shop.product("KET-1", name="Kettle", price="54.00", on_hand=0, policy=Policy.NEVER)
    # Pictures drawn as the demo shop's are; the saucer has none (the placeholder).
    add_pictures(shop.app, "CUP-1", drawing("cups", (60, 110, 150)))
    add_pictures(shop.app, "TEA-1", drawing("teapot", (70, 78, 90)),
                 drawing("teapot", (176, 58, 46)))
    add_pictures(shop.app, "KET-1", drawing("kettle", (190, 190, 196)))


def turn_on(page: Page, tab: str, *settings: str) -> None:
    """Open a settings tab, tick these settings and save."""
    page.goto("/admin/settings")
    page.get_by_role("link", name=tab, exact=True).click()
    for label in settings:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save Changes", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"{tab} settings saved")
    for label in settings:
        expect(page.get_by_label(label, exact=True)).to_be_checked()


def buy(page: Page, sku: str, quantity: int, button: str) -> None:
    page.goto(f"/products/{sku}")
    page.get_by_label("Quantity", exact=True).fill(str(quantity))
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/cart$"))


def cart_row(page: Page, name: str) -> list[str]:
    """A cart line's Ships now and On backorder cells."""
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    return row.get_by_role("cell").all_inner_texts()[3:5]


def order_cards(page: Page) -> dict[str, dict[str, list[str]]]:
    """Each order on the status page: its heading, and per item its Qty and In stock for you."""
    return {" ".join(card.get_by_role("heading").inner_text().split()):
            {cells[0]: cells[1:3] for cells in
             (row.get_by_role("cell").all_inner_texts() for row in card.locator("tbody tr").all())}
            for card in page.get_by_role("region").all()}


def set_status(page: Page, reference: str, status: str) -> None:
    """On the order's page: choose the status and Save (the page comes back with it)."""
    page.get_by_label("Status", exact=True).select_option(status)
    unpaid = page.get_by_label(re.compile(r"^Dispatch with \$[\d,.]+ still due$"))
    if status == "Dispatched" and unpaid.count():
        unpaid.check()  # nobody paid in this journey: staff confirm dispatching anyway
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"Order {reference} saved")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {reference} {status}")


def test_an_order_and_its_backorders_go_from_checkout_to_dispatch(
        page, new_page, shop, sign_in_as, stored_orders):
    stock_the_shop(shop)

    # 1. The admin turns on backorders: split at checkout, release on arrival, sell out of stock.
    sign_in_as(Role.ADMIN)
    turn_on(page, "Sales Orders & Invoices", "Create backorder when backorder items",
            "Release backorders automatically when stock arrives")
    screenshot(page, "settings-tab")
    turn_on(page, "Web Store", "Enable Out Of Stock Checkout", "Show expected arrival date")

    # 2. A shopper orders 3 cups (2 in stock) and a teapot (none), and checks out.
    shopper = new_page()
    shopper.goto("/")
    expect(shopper.get_by_role("button", name="Backorder", exact=True)).to_have_count(1)
    expect(shopper.get_by_role("button", name="Out Of Stock", exact=True)).to_be_disabled()
    screenshot(shopper, "catalogue")
    buy(shopper, "CUP-1", 3, "Add to Cart")
    shopper.goto("/products/TEA-1")
    screenshot(shopper, "product-backorder")
    buy(shopper, "TEA-1", 1, "Backorder")
    assert cart_row(shopper, "Cup") == ["2", "1 on backorder"]
    assert cart_row(shopper, "Teapot")[0] == "0"
    assert cart_row(shopper, "Teapot")[1].startswith("1 on backorder expected ")
    screenshot(shopper, "cart")
    shopper.get_by_role("button", name="Checkout", exact=True).click()
    shopper.get_by_label("Email", exact=True).fill("sam@")
    shopper.get_by_role("button", name="Place order", exact=True).click()
    for label, error in (("Name", "Enter your name"), ("Email", "Enter a valid email address"),
                         ("Address", "Enter the delivery address")):
        expect(shopper.get_by_label(label, exact=True)).to_have_accessible_description(error)
    screenshot(shopper, "checkout-errors")
    shopper.get_by_label("Name", exact=True).fill("Sam Shopper")
    shopper.get_by_label("Email", exact=True).fill("sam@example.com")
    shopper.get_by_label("Address", exact=True).fill("1 Main St\nSpringfield")
    shopper.get_by_label("Payment method", exact=True).select_option("Bank deposit")
    screenshot(shopper, "checkout")
    shopper.get_by_role("button", name="Place order", exact=True).click()
    expect(shopper).to_have_url(re.compile(r"/orders/[^/]+$"))  # placed: now read the database

    order, backorder = stored_orders()
    expect(shopper.get_by_role("status")).to_have_text(
        f"Thank you: order {order['reference']} is placed")
    status_page = shopper.url
    assert status_page.endswith(f"/orders/{order['token']}")
    assert order_cards(shopper) == {
        f"Order {order['reference']} New": {"Cup": ["2", "2"]},
        f"Backorder {backorder['reference']} New Backorder": {"Cup": ["1", "0"],
                                                              "Teapot": ["1", "0"]},
    }
    screenshot(shopper, "order-status")

    # 3. Staff put one of the order's cups on backorder too, receive stock and ship it all.
    staff = new_page()
    sign_in_as(Role.STAFF, on=staff)
    staff.goto(f"/admin/orders/{order['reference']}")
    staff.get_by_label("BKO for CUP-1", exact=True).fill("1")
    screenshot(staff, "staff-order-bko")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text(f"Order {order['reference']} saved")
    waited = stored_orders()[2]
    expect(staff.get_by_role("status")).to_contain_text(f"Backorder {waited['reference']} created")
    assert [(o["status"], o["parent"], o["lines"]) for o in stored_orders()] == [
        ("New", None, {"CUP-1": (1, 1)}),
        ("New Backorder", order["reference"], {"CUP-1": (1, 0), "TEA-1": (1, 0)}),
        ("New Backorder", order["reference"], {"CUP-1": (1, 1)}),
    ]
    staff.goto(f"/admin/orders?status={quote('New Backorder')}")
    orders_table = staff.get_by_role("table", name="Orders")
    for reference in (backorder["reference"], waited["reference"]):
        expect(orders_table.get_by_role("cell", name=reference, exact=True)).to_be_visible()
    expect(orders_table.get_by_role("cell", name=order["reference"], exact=True)).to_have_count(0)
    screenshot(staff, "orders-new-backorder")
    staff.goto("/admin/reports/backorders")
    screenshot(staff, "backorder-report")
    staff.goto("/admin")
    screenshot(staff, "dashboard")

    for sku in ("CUP-1", "TEA-1"):
        staff.goto(f"/admin/products/{sku}")
        staff.get_by_label("Quantity", exact=True).fill("1")
        staff.get_by_label("Reference", exact=True).fill("PO-7")
        staff.get_by_role("button", name="Receive stock", exact=True).click()
        expect(staff.get_by_role("status")).to_contain_text(f"Received 1 x {sku}")
    # The checkout's backorder now has all its stock: the setting released it.
    expect(staff.get_by_role("status")).to_contain_text(
        f"Backorder {backorder['reference']} has all its stock and is released to New")
    # The backorder the staff split off was fully allocated from the start: staff release it.
    staff.goto(f"/admin/orders/{waited['reference']}")
    staff.get_by_role("button", name="Mark as New", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text(
        f"{waited['reference']} is New: it can be picked")

    for reference in (order["reference"], backorder["reference"], waited["reference"]):
        staff.goto(f"/admin/orders/{reference}")
        for status in SHIP_STEPS:
            set_status(staff, reference, status)

    # 4. The shopper's status page shows every order dispatched.
    shopper.goto(status_page)
    assert order_cards(shopper) == {
        f"Order {order['reference']} Dispatched": {"Cup": ["1", "1"]},
        f"Backorder {backorder['reference']} Dispatched": {"Cup": ["1", "1"],
                                                           "Teapot": ["1", "1"]},
        f"Backorder {waited['reference']} Dispatched": {"Cup": ["1", "1"]},
    }
    assert {o["status"] for o in stored_orders()} == {"Dispatched"}
