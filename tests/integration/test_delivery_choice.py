"""`Delivery` at checkout (place_order): ship what is in stock now (the split), or ship
everything together (no split: the units in stock are committed to the order, which waits
whole and is complete once a receipt brings the rest)."""
from decimal import Decimal

import pytest

from app.domain.buttons import Policy
from app.domain.checkout import DeliveryChoice
from app.domain.errors import IllegalTransition
from app.domain.orders import OrderStatus
from app.services.checkout import Customer, place_order
from app.services.inventory import receive_stock
from app.services.promises import placed_promise

from tests.support.services import (assert_stock_invariants, figures, lines, move, order,
                                    references, save)

TOGETHER, SHIP_NOW = DeliveryChoice.TOGETHER, DeliveryChoice.SHIP_NOW


def place(items, delivery, email="shopper@example.com"):
    return place_order(items, Customer(name="Sam Shopper", email=email, address="1 Main St",
                                       payment_method="Bank deposit"), delivery=delivery)


@pytest.fixture
def offered(shop):
    """Backorders split off at checkout, and shoppers may choose to ship together."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True, offer_ship_together=True)
    shop.product("TEA-1", on_hand=2, price="30.00")
    shop.product("POT-1", on_hand=0, price="20.00")


def events(reference):
    return [event.message for event in order(reference).events]


def test_ship_everything_together_places_one_order_holding_the_stock_it_could_take(ctx, offered):
    placed = place({"TEA-1": 2, "POT-1": 1}, TOGETHER)

    assert placed.backorder is None
    assert references() == ["N1001"]
    placed_order = order("N1001")
    assert (placed_order.status, placed_order.delivery, placed_order.total,
            placed_order.payment_required) == \
        (OrderStatus.NEW, TOGETHER, Decimal("80.00"), Decimal("80.00"))
    assert lines("N1001") == [("POT-1", 1, 0), ("TEA-1", 2, 2)]
    # The two teas are committed to this order: no one else can buy them.
    assert figures("TEA-1") == (2, 2, 0)
    assert figures("POT-1") == (0, 0, 1)
    assert "Delivery: Ship everything together" in events("N1001")
    assert placed_promise([order("N1001")]).ship_now == 0
    assert_stock_invariants()


def test_ship_what_is_in_stock_now_splits_as_without_the_choice(ctx, offered):
    placed = place({"TEA-1": 2, "POT-1": 1}, SHIP_NOW)

    assert (placed.order.reference, placed.backorder.reference) == ("N1001", "N1002")
    assert lines("N1001") == [("TEA-1", 2, 2)]
    assert lines("N1002") == [("POT-1", 1, 0)]
    assert order("N1001").delivery is SHIP_NOW
    assert "Delivery: Ship what is in stock now" in events("N1001")
    assert_stock_invariants()


def test_no_answer_where_the_choice_is_offered_is_the_split(ctx, offered):
    placed = place({"TEA-1": 1, "POT-1": 1}, None)
    assert placed.backorder is not None
    assert order("N1001").delivery is SHIP_NOW


@pytest.mark.parametrize("setting, cart", [
    pytest.param(False, {"TEA-1": 1, "POT-1": 1}, id="setting-off"),
    pytest.param(True, {"TEA-1": 2}, id="all-in-stock"),
    pytest.param(True, {"POT-1": 2}, id="all-waiting"),
])
def test_where_the_choice_is_not_offered_an_answer_changes_nothing(ctx, shop, offered, setting,
                                                                   cart):
    shop.settings(offer_ship_together=setting)
    asked = place(cart, TOGETHER)
    assert order(asked.order.reference).delivery is None
    assert not any(event.startswith("Delivery:") for event in events(asked.order.reference))
    if setting is False:  # the split happened as if nothing was asked
        assert asked.backorder is not None
    assert_stock_invariants()


def test_a_receipt_completes_the_order_shipping_together_and_it_can_then_ship(ctx, offered):
    place({"TEA-1": 2, "POT-1": 1}, TOGETHER)

    ready = receive_stock("POT-1", 1, "PO-7", user=None)

    assert [o.reference for o in ready] == ["N1001"]
    assert lines("N1001") == [("POT-1", 1, 1), ("TEA-1", 2, 2)]
    assert order("N1001").status is OrderStatus.NEW  # not released: it was New all along
    assert "Every item is in stock: ready to ship together" in events("N1001")
    move("N1001", OrderStatus.PICK, OrderStatus.PACK)
    assert figures("TEA-1") == (2, 2, 0)
    assert_stock_invariants()


def test_an_order_shipping_together_cannot_go_to_pick_while_a_unit_waits(ctx, offered):
    place({"TEA-1": 2, "POT-1": 1}, TOGETHER)
    with pytest.raises(IllegalTransition, match="every line is fully allocated"):
        move("N1001", OrderStatus.PICK)


def test_a_receipt_short_of_the_rest_leaves_the_order_waiting_whole(ctx, offered):
    place({"TEA-1": 2, "POT-1": 2}, TOGETHER)
    assert receive_stock("POT-1", 1, "PO-7", user=None) == []
    assert lines("N1001") == [("POT-1", 2, 1), ("TEA-1", 2, 2)]
    assert not any("ready to ship together" in message for message in events("N1001"))


def test_fifo_serves_an_older_waiting_order_before_a_newer_one_shipping_together(ctx, shop,
                                                                                offered):
    older = place({"POT-1": 1}, None, email="first@example.com")  # all waiting: a backorder
    together = place({"TEA-1": 1, "POT-1": 1}, TOGETHER, email="second@example.com")

    ready = receive_stock("POT-1", 1, "PO-7", user=None)

    assert [o.reference for o in ready] == [older.order.reference]
    assert lines(older.order.reference) == [("POT-1", 1, 1)]
    assert lines(together.order.reference) == [("POT-1", 1, 0), ("TEA-1", 1, 1)]
    receive_stock("POT-1", 1, "PO-8", user=None)
    assert lines(together.order.reference) == [("POT-1", 1, 1), ("TEA-1", 1, 1)]
    assert_stock_invariants()


def test_the_stock_held_for_an_order_shipping_together_is_not_sold_again(ctx, offered):
    place({"TEA-1": 2, "POT-1": 1}, TOGETHER)
    later = place({"TEA-1": 1}, None, email="later@example.com")
    # The teas were committed: the later shopper's tea waits (backorders are allowed).
    assert lines(later.order.reference) == [("TEA-1", 1, 0)]
    assert figures("TEA-1") == (2, 2, 1)
    assert_stock_invariants()


def test_staff_can_still_split_an_order_shipping_together_with_bko(ctx, offered):
    place({"TEA-1": 2, "POT-1": 1}, TOGETHER)

    save("N1001", bko={"POT-1": 1})

    assert references() == ["N1001", "N1002"]
    assert lines("N1001") == [("TEA-1", 2, 2)]
    assert lines("N1002") == [("POT-1", 1, 0)]
    assert order("N1002").status is OrderStatus.NEW_BACKORDER
    move("N1001", OrderStatus.PICK)  # the teas now ship on their own, as staff chose
    assert_stock_invariants()


def test_cancelling_an_order_shipping_together_frees_its_stock(ctx, shop, offered):
    place({"TEA-1": 2, "POT-1": 1}, TOGETHER)
    move("N1001", OrderStatus.CANCELLED)
    assert figures("TEA-1") == (2, 0, 0)
    assert figures("POT-1") == (0, 0, 0)
    assert_stock_invariants()


def test_a_bank_deposit_order_shipping_together_owes_the_whole_order(ctx, offered):
    place({"TEA-1": 1, "POT-1": 1}, TOGETHER)
    assert order("N1001").payment_required == Decimal("50.00")


def test_with_always_allowed_products_and_keep_empty_parent_the_choice_still_works(ctx, shop):
    shop.settings(create_backorder=True, keep_empty_parent=True, offer_ship_together=True)
    shop.product("CUP-1", on_hand=1, policy=Policy.ALWAYS)
    placed = place({"CUP-1": 3}, TOGETHER)
    assert placed.backorder is None
    assert lines(placed.order.reference) == [("CUP-1", 3, 1)]
    assert_stock_invariants()
