"""Receiving stock: waiting orders are served oldest first, backorders become ready."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.domain.errors import InsufficientStock, StockAdjustmentRefused
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, OrderEvent
from app.services.inventory import UnknownSku, adjust_stock, receive_stock

from tests.support.rows import snapshot
from tests.support.services import (assert_stock_invariants, figures, fresh, ledger, lines, move,
                                    order, outbox, place, product, save)


@pytest.fixture
def backorders(shop):
    shop.settings(out_of_stock_checkout=True)


@pytest.fixture
def splitting(shop):
    shop.settings(out_of_stock_checkout=True, create_backorder=True)


def events(reference: str, kind: str) -> list[str]:
    fresh()
    return list(db.session.scalars(
        select(OrderEvent.message).join(Order).where(Order.reference == reference,
                                                     OrderEvent.kind == kind)
        .order_by(OrderEvent.id)))


def set_placed_at(reference: str, moment) -> None:
    db.session.execute(update(Order).where(Order.reference == reference).values(placed_at=moment))
    db.session.commit()


def test_a_receipt_short_of_what_waits_serves_the_oldest_orders_first(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=0)
    refs = [place({"TEA-1": units}).order.reference for units in (2, 3, 2)]

    ready = receive_stock("TEA-1", 4, "PO-1", user=None)

    assert ready == []
    assert [lines(ref) for ref in refs] == [[("TEA-1", 2, 2)], [("TEA-1", 3, 2)],
                                            [("TEA-1", 2, 0)]]
    assert figures("TEA-1") == (4, 4, 3)
    assert ledger("TEA-1")[-3:] == [("receipt", 4, 0, 0), ("allocate", 0, 2, -2),
                                    ("allocate", 0, 2, -2)]
    assert events(refs[0], "allocated") == ["2 x TEA-1 allocated (PO-1)"]
    assert events(refs[1], "allocated") == ["2 x TEA-1 allocated (PO-1)"]
    assert events(refs[2], "allocated") == []
    assert_stock_invariants()


def test_a_receipt_serves_the_order_placed_first_not_the_lowest_id(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=0)
    first, second = (place({"TEA-1": 2}).order.reference for _ in range(2))
    set_placed_at(second, order(first).placed_at - timedelta(hours=1))

    receive_stock("TEA-1", 2, "PO-1", user=None)

    assert (lines(first), lines(second)) == ([("TEA-1", 2, 0)], [("TEA-1", 2, 2)])
    assert_stock_invariants()


def test_orders_placed_at_the_same_moment_are_served_by_line_id(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=0)
    first, second, third = (place({"TEA-1": 1}).order.reference for _ in range(3))
    for ref in (first, second, third):
        set_placed_at(ref, order(second).placed_at)

    receive_stock("TEA-1", 2, "PO-1", user=None)

    assert [lines(ref)[0][2] for ref in (first, second, third)] == [1, 1, 0]
    assert_stock_invariants()


def test_a_backorder_keeps_its_parents_place_in_the_queue(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=0)
    shop.product("CUP-1", on_hand=5)
    parent = place({"CUP-1": 1, "TEA-1": 2}).order.reference
    later = place({"TEA-1": 2}).order.reference
    shop.settings(create_backorder=True)
    save(parent, bko={"TEA-1": 2})   # the backorder's line id is above the later order's

    receive_stock("TEA-1", 2, "PO-1", user=None)

    backorder = order(parent).backorders[0].reference
    assert (lines(backorder), lines(later)) == ([("TEA-1", 2, 2)], [("TEA-1", 2, 0)])
    assert_stock_invariants()


def test_a_receipt_skips_cancelled_orders(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=0)
    cancelled, waiting = (place({"TEA-1": 2}).order.reference for _ in range(2))
    move(cancelled, OrderStatus.CANCELLED)

    receive_stock("TEA-1", 2, "PO-1", user=None)

    assert (lines(cancelled), lines(waiting)) == ([("TEA-1", 2, 0)], [("TEA-1", 2, 2)])
    assert figures("TEA-1") == (2, 2, 0)
    assert_stock_invariants()


def test_units_received_for_waiting_orders_are_never_available_to_new_shoppers(ctx, shop,
                                                                               backorders):
    shop.product("TEA-1", on_hand=0)
    place({"TEA-1": 3})
    shop.settings(out_of_stock_checkout=False)

    receive_stock("TEA-1", 2, "PO-1", user=None)

    assert product("TEA-1").available == 0
    with pytest.raises(InsufficientStock, match="TEA-1 is out of stock"):
        place({"TEA-1": 1})
    assert_stock_invariants()


@pytest.mark.parametrize("auto_release, status", [
    (False, OrderStatus.NEW_BACKORDER),
    (True, OrderStatus.NEW),
])
def test_a_receipt_that_completes_a_backorder_returns_it_as_ready(ctx, shop, splitting,
                                                                   auto_release, status):
    shop.settings(auto_release=auto_release)
    shop.product("POT-1", on_hand=0)
    completed = place({"POT-1": 2}).order.reference   # the order itself is the backorder
    still_waiting = place({"POT-1": 3}).order.reference
    emails_before = len(outbox())

    ready = receive_stock("POT-1", 3, "PO-1", user=None)

    assert [backorder.reference for backorder in ready] == [completed]
    assert (order(completed).status, order(still_waiting).status) == \
        (status, OrderStatus.NEW_BACKORDER)
    assert (lines(completed), lines(still_waiting)) == ([("POT-1", 2, 2)], [("POT-1", 3, 1)])
    released = events(completed, "status")
    new_emails = outbox()[emails_before:]
    if auto_release:
        assert released == ["Released automatically: every item is in stock"]
        assert [(email.to, email.order.reference) for email in new_emails] == \
            [("shopper@example.com", completed)]
        assert completed in new_emails[0].subject
        assert f"every item of backorder {completed} is now in stock" in new_emails[0].body
    else:
        assert released == []
        assert new_emails == []
    assert_stock_invariants()


def test_a_backorder_still_waiting_for_another_product_is_not_ready(ctx, shop, splitting):
    shop.settings(auto_release=True)
    shop.product("POT-1", on_hand=0)
    shop.product("CUP-1", on_hand=0)
    waiting = place({"CUP-1": 1, "POT-1": 1}).order.reference

    assert receive_stock("POT-1", 1, "PO-1", user=None) == []

    assert order(waiting).status is OrderStatus.NEW_BACKORDER
    assert lines(waiting) == [("CUP-1", 1, 0), ("POT-1", 1, 1)]
    assert_stock_invariants()


@pytest.mark.parametrize("received", ["POT-1", "CUP-1"])
def test_a_backorder_a_split_left_fully_allocated_is_not_released_by_a_receipt(
        ctx, shop, splitting, received):
    """The shopper asked to wait: staff release it, not a receipt for someone else."""
    shop.settings(auto_release=True)
    shop.product("CUP-1", on_hand=2)
    shop.product("POT-1", on_hand=0)
    asked_to_wait = place({"CUP-1": 2}).order.reference
    save(asked_to_wait, bko={"CUP-1": 2})   # all of it, allocated: the order is the backorder
    other = place({"CUP-1": 1, "POT-1": 1}, email="other@example.com").order.reference

    receive_stock(received, 1, "PO-1", user=None)

    assert (received, 1, 1) in lines(other)

    assert order(asked_to_wait).status is OrderStatus.NEW_BACKORDER
    assert lines(asked_to_wait) == [("CUP-1", 2, 2)]
    assert events(asked_to_wait, "status") == []
    assert_stock_invariants()


def test_adjusting_on_hand_below_committed_is_refused_and_changes_nothing(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 3})
    before = snapshot()

    with pytest.raises(StockAdjustmentRefused,
                       match="On hand cannot go below the 3 units committed to orders"):
        adjust_stock("TEA-1", -3, "damaged", user=None)

    assert snapshot() == before
    adjust_stock("TEA-1", -2, "damaged", user=None)
    assert figures("TEA-1") == (3, 3, 0)
    assert ledger("TEA-1")[-1] == ("adjustment", -2, 0, 0)
    assert_stock_invariants()


def test_adjusting_on_hand_up_serves_waiting_orders_first(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=0)
    waiting = place({"TEA-1": 2}).order.reference

    adjust_stock("TEA-1", 3, "found in a count", user=None)

    assert lines(waiting) == [("TEA-1", 2, 2)]
    assert figures("TEA-1") == (3, 2, 0)
    assert_stock_invariants()


@pytest.mark.parametrize("sku, quantity, error, message", [
    ("TEA-1", 0, StockAdjustmentRefused, "Receive at least 1 unit"),
    ("TEA-1", -4, StockAdjustmentRefused, "Receive at least 1 unit"),
    ("NOPE-1", 4, UnknownSku, "There is no product NOPE-1"),
])
def test_a_receipt_of_nothing_or_of_an_unknown_sku_is_refused(ctx, shop, sku, quantity, error,
                                                              message):
    shop.product("TEA-1", on_hand=1)
    before = snapshot()

    with pytest.raises(error, match=message):
        receive_stock(sku, quantity, "PO-1", user=None)

    assert snapshot() == before
