"""Splitting an order from its page: `Backorder Out of Stock Products` fills BKO, Save takes
BKO out of each line into a linked backorder, and units keep their allocation."""
from app.domain.orders import OrderStatus
from tests.web.order_page import (line_rows, open_order, press, related, save, timeline,
                                  totals)
from tests.web.pages import Page

S = OrderStatus


def test_backorder_out_of_stock_products_fills_bko_and_saves_nothing(staff_client, shop, orders,
                                                                     two_lines, snapshot):
    shop.settings(create_backorder=True)
    page = open_order(staff_client, two_lines)
    button = page.button("Backorder Out of Stock Products")
    assert (button.attrs.get("name"), button.attrs.get("value")) == ("action", "fill-bko")
    before = snapshot()
    response = press(staff_client, page, "Backorder Out of Stock Products",
                     **{"BKO for B-1": 1})
    assert response.status_code == 200
    filled = Page(response)
    assert filled.value("BKO for A-1") == "2"
    assert filled.value("BKO for B-1") == "0"
    assert snapshot() == before

    saved = press(staff_client, filled, "Save")
    assert saved.status_code == 302
    assert orders.get(two_lines)["lines"] == [("A-1", 1, 1), ("B-1", 2, 2)]


def test_save_splits_the_bko_into_a_linked_backorder(staff_client, shop, orders, two_lines,
                                                     figures):
    shop.settings(create_backorder=True)
    response = save(staff_client, two_lines, **{"BKO for A-1": 2})
    assert response.status_code == 302
    parent = orders.get(two_lines)
    (backorder_ref,) = parent["backorders"]
    backorder = orders.get(backorder_ref)
    assert parent["lines"] == [("A-1", 1, 1), ("B-1", 2, 2)]
    assert backorder["lines"] == [("A-1", 2, 0)]
    assert backorder["status"] is S.NEW_BACKORDER
    assert backorder["parent"] == two_lines
    assert figures("A-1") == (1, 1, 2)  # units moved, nothing re-committed

    parent_page = open_order(staff_client, two_lines)
    assert f"Backorder {backorder_ref} created" in parent_page.flashes()
    assert f"Backorder {backorder_ref} New Backorder" in related(parent_page)
    assert f"Backorder {backorder_ref} created with 2 x A-1" in timeline(parent_page)
    assert totals(parent_page)["Total"] == "$20.00"
    assert line_rows(parent_page)[0][:5] == ["A-1", "Kettle", "1", "0", "1"]

    child_page = open_order(staff_client, backorder_ref)
    assert f"Backorder of {two_lines} New" in related(child_page)
    assert f"Split from {two_lines} with 2 x A-1" in timeline(child_page)
    assert totals(child_page)["Total"] == "$20.00"
    assert line_rows(child_page) == [["A-1", "Kettle", "2", "0", "0", "$10.00", "$20.00"]]


def test_save_splits_an_on_hold_order_too(staff_client, shop, orders, two_lines):
    orders.move(two_lines, S.ON_HOLD)
    shop.settings(create_backorder=True)
    assert save(staff_client, two_lines, **{"BKO for B-1": 1}).status_code == 302
    (backorder,) = orders.get(two_lines)["backorders"]
    assert orders.get(backorder)["lines"] == [("B-1", 1, 1)]  # its stock moved with it
    assert orders.get(two_lines)["status"] is S.ON_HOLD


def test_save_changes_a_qty_and_splits_in_one_go(staff_client, shop, orders, two_lines):
    shop.settings(create_backorder=True)
    response = save(staff_client, two_lines, **{"Qty for A-1": 2, "BKO for B-1": 1})
    assert response.status_code == 302
    (backorder,) = orders.get(two_lines)["backorders"]
    assert orders.get(two_lines)["lines"] == [("A-1", 2, 1), ("B-1", 1, 1)]
    assert orders.get(backorder)["lines"] == [("B-1", 1, 1)]
