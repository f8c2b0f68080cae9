"""The staff order page and its Order Line Details pane: what it shows, which fields may be
edited in which status, and the Qty and BKO a Save refuses (see docs/rules.md, Split)."""
import pytest

from app.domain.orders import OrderStatus
from tests.support import bad_input as bad
from tests.web.order_page import (BACKORDERS_OFF, NOT_SPLITTABLE, line_rows, open_order, related,
                                  save, timeline, totals)
from tests.web.pages import Page

S = OrderStatus


def test_order_page_shows_customer_status_totals_and_timeline(staff_client, two_lines, orders):
    orders.pay(two_lines, "15.00")
    page = open_order(staff_client, two_lines)
    assert f"Order {two_lines} New" in page.root.find("h1").text
    customer = page.root.find("section", aria_labelledby="customer-title").text
    assert "Sam Shopper" in customer and "shopper@example.com" in customer \
        and "1 Main St" in customer and "Bank deposit" in customer
    assert totals(page) == {"Total": "$40.00", "Paid": "$15.00", "Payment required": "$25.00"}
    assert "None." in related(page)
    assert "Order placed by Sam Shopper" in timeline(page)
    assert "Payment of $15.00 by Cash recorded" in timeline(page)
    assert page.value("Status") == "New"


def test_order_line_details_pane_shows_each_line(staff_client, two_lines):
    page = open_order(staff_client, two_lines)
    pane = page.root.find("section", aria_labelledby="lines-title")
    assert pane.find("h2").text == "Order Line Details"
    assert [th.text for th in pane.find_all("th")] == [
        "SKU", "Name", "Qty", "BKO", "Allocated", "Unit price", "Subtotal"]
    assert line_rows(page) == [
        ["A-1", "Kettle", "3", "0", "1", "$10.00", "$30.00"],
        ["B-1", "Cup", "2", "0", "2", "$5.00", "$10.00"],
    ]
    for sku in ("A-1", "B-1"):
        assert page.control(f"Qty for {sku}").tag == "input"
        assert page.control(f"BKO for {sku}").tag == "input"


def test_order_page_offers_the_designed_buttons(staff_client, two_lines, shop, orders):
    shop.settings(create_backorder=True)
    buttons = open_order(staff_client, two_lines).button_texts()
    for text in ("Backorder Out of Stock Products", "Save", "Record payment"):
        assert text in buttons
    backorder = orders.placed(S.NEW_BACKORDER)
    orders.receive(orders.get(backorder)["lines"][0][0], 2)  # offered once it is ready
    assert "Mark as New" in open_order(staff_client, backorder).button_texts()
    assert "Mark as New" not in buttons


EDITABLE = [(status, on) for status in S for on in (True, False)]


@pytest.mark.parametrize("status, create_backorder", EDITABLE)
def test_bko_is_editable_only_when_new_or_on_hold_with_create_backorder_on(
        staff_client, shop, orders, status, create_backorder):
    reference = orders.placed(status)
    shop.settings(create_backorder=create_backorder)
    page = open_order(staff_client, reference)
    sku = orders.get(reference)["lines"][0][0]
    editable = status in (S.NEW, S.ON_HOLD) and create_backorder
    assert ("readonly" not in page.control(f"BKO for {sku}").attrs) == editable
    assert ("Backorder Out of Stock Products" in page.button_texts()) == editable
    assert ("readonly" not in page.control(f"Qty for {sku}").attrs) == \
        (status in (S.NEW, S.ON_HOLD))


REFUSED_BKO = [(status, True, NOT_SPLITTABLE) for status in S
               if status not in (S.NEW, S.ON_HOLD)] + [
    (S.NEW, False, BACKORDERS_OFF), (S.ON_HOLD, False, BACKORDERS_OFF)]


@pytest.mark.parametrize("status, create_backorder, message", REFUSED_BKO)
def test_a_posted_bko_is_refused_where_bko_is_read_only(staff_client, shop, orders, snapshot,
                                                         status, create_backorder, message):
    reference = orders.placed(status)
    shop.settings(create_backorder=create_backorder)
    sku = orders.get(reference)["lines"][0][0]
    page = open_order(staff_client, reference)
    before = snapshot()
    response = save(staff_client, reference, page, **{f"BKO for {sku}": 1})
    assert response.status_code in (400, 409)
    refused = Page(response)
    assert message in refused.all_errors()
    if message == NOT_SPLITTABLE:
        assert message in refused.errors(f"BKO for {sku}")
    assert snapshot() == before


@pytest.mark.parametrize("status, create_backorder, message", [
    (S.PICK, True, NOT_SPLITTABLE), (S.NEW_BACKORDER, True, NOT_SPLITTABLE),
    (S.NEW, False, "Create backorder when backorder items"),
])
def test_backorder_out_of_stock_products_is_refused_where_bko_is_read_only(
        staff_client, shop, orders, snapshot, status, create_backorder, message):
    reference = orders.placed(status)
    shop.settings(create_backorder=create_backorder)
    data = {**open_order(staff_client, reference).form_data("Save"), "action": "fill-bko"}
    before = snapshot()
    response = staff_client.submit(f"/admin/orders/{reference}", data)
    assert response.status_code in (400, 409)
    assert any(message in error for error in Page(response).all_errors())
    assert snapshot() == before


@pytest.mark.parametrize("bko, message", [
    ("4", "BKO cannot be more than the Qty (3)"),
    *[(row.value, row.message) for row in bad.BKO],
])
def test_bko_above_qty_negative_or_fractional_is_refused(staff_client, shop, two_lines, snapshot,
                                                         bko, message):
    shop.settings(create_backorder=True)
    before = snapshot()
    response = save(staff_client, two_lines, **{"BKO for A-1": bko})
    assert response.status_code == 400
    assert message in Page(response).errors("BKO for A-1")
    assert snapshot() == before


def test_bko_above_a_changed_qty_is_refused(staff_client, shop, two_lines, snapshot):
    shop.settings(create_backorder=True)
    before = snapshot()
    response = save(staff_client, two_lines, **{"Qty for A-1": 2, "BKO for A-1": 3})
    assert "BKO cannot be more than the Qty (2)" in Page(response).errors("BKO for A-1")
    assert snapshot() == before


def test_staff_change_a_qty_on_a_new_order(staff_client, shop, orders, two_lines, figures):
    assert save(staff_client, two_lines, **{"Qty for B-1": 1}).status_code == 302
    assert orders.get(two_lines)["lines"] == [("A-1", 3, 1), ("B-1", 1, 1)]
    assert figures("B-1") == (5, 1, 0)
    assert "Qty for B-1 changed from 2 to 1" in timeline(open_order(staff_client, two_lines))
    assert totals(open_order(staff_client, two_lines))["Total"] == "$35.00"
