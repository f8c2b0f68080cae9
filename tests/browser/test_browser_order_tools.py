"""What staff reach for on the order pages, in Chromium: customer details, removing a line,
dispatching with money due, a stale form, the packing slip's Print button, the CSV export
and finding an order by the customer's name."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.models import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def two_lines(shop) -> str:
    """N1001: 3 x A-1 (1 in stock, $10) and 2 x B-1 (in stock, $5)."""
    shop.product("A-1", on_hand=1, price="10.00", policy=Policy.ALWAYS, name="Kettle")
    shop.product("B-1", on_hand=5, price="5.00", name="Cup")
    reference, backorder = shop.order({"A-1": 3, "B-1": 2})
    assert backorder is None
    return reference


@pytest.fixture
def placed(shop):
    """placed(status): a one-line order (2 x $10.00, unpaid) moved to `status` by the services."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Order
    from app.services.orders import change_status

    def placing(status: OrderStatus) -> str:
        waiting = status is OrderStatus.NEW_BACKORDER
        shop.product("ST-1", on_hand=0 if waiting else 5, policy=Policy.ALWAYS)
        shop.settings(create_backorder=waiting)
        reference, _ = shop.order({"ST-1": 2})
        steps = {OrderStatus.PACK: [OrderStatus.PICK, OrderStatus.PACK]}.get(status, [])
        for step in steps:
            def move(step=step):
                order = db.session.scalar(select(Order).where(Order.reference == reference))
                change_status(order.id, order.version, step, None)
            shop.read(move)
        return reference

    return placing


def test_staff_correct_the_customers_details_on_an_order(page, shop, sign_in_as, two_lines):
    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{two_lines}")
    page.get_by_text("Edit customer details").click()
    page.get_by_label("Name", exact=True).fill("Sam Jones")
    page.get_by_label("Email", exact=True).fill("sam.jones@example.com")
    page.get_by_role("button", name="Save customer details", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Customer details changed: Name, Email")
    customer = page.get_by_role("region", name="Customer")
    expect(customer).to_contain_text("Sam Jones")
    expect(customer).to_contain_text("sam.jones@example.com")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "Customer details changed: Name, Email")


def test_staff_remove_a_line_with_qty_0_and_the_total_follows(page, sign_in_as, two_lines):
    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{two_lines}")
    totals = page.get_by_role("region", name="Totals")
    expect(totals).to_contain_text("$40.00")
    page.get_by_label("Qty for A-1", exact=True).fill("0")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"Order {two_lines} saved")
    expect(page.get_by_label("Qty for A-1", exact=True)).to_have_count(0)
    expect(totals).to_contain_text("$10.00")

    page.get_by_label("Qty for B-1", exact=True).fill("0")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Qty for B-1", exact=True)).to_have_accessible_description(
        "Qty for B-1 cannot be 0: it is the order's last line, cancel the order instead")


def test_dispatching_with_money_due_asks_staff_to_confirm(page, placed, sign_in_as):
    reference = placed(OrderStatus.PACK)
    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{reference}")
    page.get_by_label("Status", exact=True).select_option("Dispatched")
    page.get_by_role("button", name="Save", exact=True).click()
    confirm = page.get_by_label("Dispatch with $20.00 still due", exact=True)
    expect(confirm).to_have_accessible_description(re.compile(
        r"\$20\.00 is still due on this order: tick 'Dispatch with \$20\.00 still due'"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {reference} Pack")
    confirm.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {reference} Dispatched")


def test_a_stale_form_says_so_at_the_top_and_reloads_the_order(page, new_page, sign_in_as,
                                                               two_lines):
    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{two_lines}")
    other = new_page()
    sign_in_as(Role.ADMIN, on=other)
    other.goto(f"/admin/orders/{two_lines}")
    other.get_by_label("Status", exact=True).select_option("On Hold")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.get_by_role("status")).to_have_text(f"Order {two_lines} saved")

    page.get_by_label("Status", exact=True).select_option("Cancelled")
    page.get_by_role("button", name="Save", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This order changed since you opened it")
    alert.get_by_role("link", name="Reload the order").click()
    expect(page.get_by_label("Status", exact=True)).to_have_value("On Hold")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_a_waiting_backorder_offers_no_mark_as_new(page, placed, sign_in_as):
    reference = placed(OrderStatus.NEW_BACKORDER)
    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{reference}")
    expect(page.get_by_role("button", name="Mark as New")).to_have_count(0)
    expect(page.get_by_role("region", name="Release")).to_contain_text("Still waiting for stock")
    expect(page.get_by_label("Status", exact=True).locator("option")).to_have_text(
        ["New Backorder", "Backorder Approved", "Cancelled"])


def test_the_packing_slip_prints_from_its_button(page, sign_in_as, two_lines):
    sign_in_as(Role.STAFF)
    page.goto(f"/admin/orders/{two_lines}")
    page.get_by_role("link", name="Packing slip", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Packing slip")
    expect(page.get_by_role("table", name="Items to pack")).to_contain_text("Kettle")
    # Stand in for the print dialog, which a headless browser does not show.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print", exact=True).click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name=f"Back to order {two_lines}")).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name=f"Back to order {two_lines}").click()
    page.get_by_role("link", name="Invoice", exact=True).click()
    expect(page.get_by_role("table", name="Totals")).to_contain_text("$40.00")


def test_staff_find_an_order_by_name_and_export_the_list(page, shop, sign_in_as):
    from app.services.checkout import Customer, place_order
    shop.product("P-1", on_hand=10)

    def place(name: str, email: str) -> str:
        return shop.read(lambda: place_order(
            {"P-1": 1}, Customer(name=name, email=email, address="1 Main St",
                                 payment_method="Bank deposit")).order.reference)

    bob = place("Bob Brown", "bob@example.com")
    place("Ann Smith", "ann@example.org")
    sign_in_as(Role.STAFF)
    page.goto("/admin/orders")
    page.get_by_label("Search by order id, customer, email or SKU").fill("bob")
    page.get_by_role("button", name="Search", exact=True).click()
    rows = page.get_by_role("table", name="Orders").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(bob)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV", exact=True).click()
    text = open(download.value.path(), encoding="utf-8").read()
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [(row["Order"], row["Customer"]) for row in exported] == [(bob, "Bob Brown")]
