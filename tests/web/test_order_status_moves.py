"""Status moves from the order page: the allowed moves, Mark as New, Pick only when fully
allocated, Dispatched ships the stock, Cancelled releases it to the next waiting order."""
import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from tests.web.order_page import open_order, press, save, status_options, timeline
from tests.web.pages import Page

S = OrderStatus


def test_new_and_on_hold_move_both_ways(staff_client, orders):
    reference = orders.placed(S.NEW)
    assert save(staff_client, reference, Status="On Hold").status_code == 302
    assert orders.get(reference)["status"] is S.ON_HOLD
    page = open_order(staff_client, reference)
    assert "Status changed from New to On Hold" in timeline(page)
    assert save(staff_client, reference, page, Status="New").status_code == 302
    assert orders.get(reference)["status"] is S.NEW


def test_a_new_backorder_is_approved(staff_client, orders):
    reference = orders.placed(S.NEW_BACKORDER)
    assert save(staff_client, reference, Status="Backorder Approved").status_code == 302
    assert orders.get(reference)["status"] is S.BACKORDER_APPROVED


@pytest.mark.parametrize("status", [S.NEW_BACKORDER, S.BACKORDER_APPROVED])
def test_mark_as_new_releases_a_ready_backorder(staff_client, orders, status):
    reference = orders.placed(status)
    sku = orders.get(reference)["lines"][0][0]
    orders.receive(sku, 2)
    page = open_order(staff_client, reference)
    assert "Ready" in page.root.find("h1").text
    response = press(staff_client, page, "Mark as New")
    assert response.status_code == 302
    assert orders.get(reference)["status"] is S.NEW
    assert f"Status changed from {status} to New" in timeline(open_order(staff_client, reference))


def test_mark_as_new_refuses_a_backorder_still_waiting(staff_client, orders, snapshot):
    reference = orders.placed(S.NEW_BACKORDER)
    page = open_order(staff_client, reference)
    assert "Ready" not in page.root.find("h1").text
    assert "Mark as New" not in page.button_texts()  # not offered: posted all the same
    before = snapshot()
    response = staff_client.submit(f"/admin/orders/{reference}/mark-as-new",
                                   {"version": page.form_data("Save")["version"]})
    assert response.status_code == 409
    assert "This backorder is still waiting for stock" in Page(response).text
    assert snapshot() == before


def test_new_to_pick_is_refused_unless_fully_allocated(staff_client, two_lines, orders, snapshot):
    assert "Pick" in status_options(open_order(staff_client, two_lines))
    before = snapshot()
    response = save(staff_client, two_lines, Status="Pick")
    assert response.status_code == 409
    assert "An order moves to Pick only when every line is fully allocated" in \
        Page(response).errors("Status")
    assert snapshot() == before


def test_pick_pack_dispatch_ships_the_stock(staff_client, orders, figures):
    reference = orders.placed(S.NEW)
    sku = orders.get(reference)["lines"][0][0]
    assert figures(sku) == (5, 2, 0)
    confirm = {"Dispatched": {"Dispatch with $20.00 still due": "y"}}  # nothing is paid
    for status in ("Pick", "Pack", "Dispatched"):
        assert save(staff_client, reference, Status=status,
                    **confirm.get(status, {})).status_code == 302
        assert orders.get(reference)["status"] == status
    assert figures(sku) == (3, 0, 0)
    page = open_order(staff_client, reference)
    assert "Status changed from Pack to Dispatched" in timeline(page)
    assert status_options(page) == ["Dispatched"]


@pytest.mark.parametrize("status", [S.NEW, S.ON_HOLD, S.NEW_BACKORDER, S.BACKORDER_APPROVED,
                                    S.PICK, S.PACK])
def test_cancelling_releases_committed_units(staff_client, orders, figures, status):
    reference = orders.placed(status)
    sku = orders.get(reference)["lines"][0][0]
    on_hand = figures(sku)[0]
    assert sum(figures(sku)[1:]) == 2  # committed or waiting
    assert save(staff_client, reference, Status="Cancelled").status_code == 302
    assert orders.get(reference)["status"] is S.CANCELLED
    assert figures(sku) == (on_hand, 0, 0)
    assert status_options(open_order(staff_client, reference)) == ["Cancelled"]


def test_cancelled_units_go_to_the_next_waiting_order(staff_client, shop, orders):
    shop.product("C-1", on_hand=2, policy=Policy.ALWAYS)
    first, _ = shop.order({"C-1": 2})
    waiting, _ = shop.order({"C-1": 2})
    assert save(staff_client, first, Status="Cancelled").status_code == 302
    assert orders.get(waiting)["lines"] == [("C-1", 2, 2)]


@pytest.mark.parametrize("current, target", [
    (S.NEW, S.PACK), (S.NEW, S.DISPATCHED), (S.NEW, S.NEW_BACKORDER),
    (S.ON_HOLD, S.PICK), (S.NEW_BACKORDER, S.PICK), (S.BACKORDER_APPROVED, S.NEW_BACKORDER),
    (S.PICK, S.NEW), (S.PACK, S.PICK), (S.DISPATCHED, S.CANCELLED), (S.DISPATCHED, S.NEW),
    (S.CANCELLED, S.NEW),
])
def test_illegal_moves_are_refused_with_a_message(staff_client, orders, snapshot, current, target):
    reference = orders.placed(current)
    page = open_order(staff_client, reference)
    assert target.value not in status_options(page)
    before = snapshot()
    data = page.form_data("Save")
    data["status"] = target.value
    response = staff_client.submit(f"/admin/orders/{reference}", data)
    assert response.status_code in (400, 409)
    assert Page(response).errors("Status")
    assert snapshot() == before
