"""What a cart promises (app.domain.checkout.promise): units that ship now, that are
reserved and wait with the rest, and that wait on backorder."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.checkout import (CartItem, Delivery, DeliveryChoice, Shipment, chosen_delivery,
                                 offers_delivery_choice, promise, promise_of_orders, shipment,
                                 take)
from app.domain.orders import Line, SplitRules
from app.domain.stock import Take

SPLIT = SplitRules(create_backorder=True, disable_partial=False, keep_empty_parent=False)
KEEP_PARENT = SplitRules(create_backorder=True, disable_partial=False, keep_empty_parent=True)
WHOLE = SplitRules(create_backorder=True, disable_partial=True, keep_empty_parent=False)
WHOLE_KEEP_PARENT = SplitRules(create_backorder=True, disable_partial=True, keep_empty_parent=True)
NO_BACKORDERS = SplitRules(create_backorder=False, disable_partial=False, keep_empty_parent=False)
ALL_RULES = [SPLIT, KEEP_PARENT, WHOLE, WHOLE_KEEP_PARENT, NO_BACKORDERS]


def item(quantity: int, available: int, room: int | None = None, sku: str = "CUP-1") -> CartItem:
    return CartItem(sku=sku, quantity=quantity, available=available, backorder_room=room)


def figures(cart_promise) -> list[tuple[int, int, int]]:
    """Per line: (ship now, reserved, on backorder)."""
    return [(line.ship_now, line.reserved, line.on_backorder) for line in cart_promise.lines]


# One line: (quantity, available, backorder room, rules) -> (ship now, reserved, on backorder).
ONE_LINE = [
    # 0 available: every unit waits for stock, whatever the rules.
    pytest.param(3, 0, None, SPLIT, (0, 0, 3), Delivery.TOGETHER, id="none-available-split"),
    pytest.param(3, 0, None, WHOLE, (0, 0, 3), Delivery.TOGETHER, id="none-available-whole"),
    pytest.param(3, 0, None, NO_BACKORDERS, (0, 0, 3), Delivery.TOGETHER,
                 id="none-available-no-backorders"),
    pytest.param(3, -2, None, SPLIT, (0, 0, 3), Delivery.TOGETHER, id="oversold-counts-as-none"),
    # The last unit: 1 available of 3 wanted.
    pytest.param(3, 1, None, SPLIT, (1, 0, 2), Delivery.SPLIT, id="last-unit-split"),
    pytest.param(3, 1, None, KEEP_PARENT, (1, 0, 2), Delivery.SPLIT, id="last-unit-keep-parent"),
    pytest.param(3, 1, None, WHOLE, (0, 1, 2), Delivery.TOGETHER, id="last-unit-whole"),
    pytest.param(3, 1, None, WHOLE_KEEP_PARENT, (0, 1, 2), Delivery.TOGETHER,
                 id="last-unit-whole-keep-parent"),
    pytest.param(3, 1, None, NO_BACKORDERS, (0, 1, 2), Delivery.TOGETHER,
                 id="last-unit-no-backorders"),
    pytest.param(1, 1, 0, NO_BACKORDERS, (1, 0, 0), Delivery.ALL_NOW, id="the-last-unit-itself"),
    # Exactly enough: everything ships now, under every rule.
    pytest.param(3, 3, 0, SPLIT, (3, 0, 0), Delivery.ALL_NOW, id="exactly-enough-split"),
    pytest.param(3, 3, 0, WHOLE, (3, 0, 0), Delivery.ALL_NOW, id="exactly-enough-whole"),
    pytest.param(3, 3, 0, NO_BACKORDERS, (3, 0, 0), Delivery.ALL_NOW,
                 id="exactly-enough-no-backorders"),
    pytest.param(3, 4, 0, SPLIT, (3, 0, 0), Delivery.ALL_NOW, id="more-than-enough"),
    # One short.
    pytest.param(3, 2, None, SPLIT, (2, 0, 1), Delivery.SPLIT, id="one-short-split"),
    pytest.param(3, 2, None, WHOLE, (0, 2, 1), Delivery.TOGETHER, id="one-short-whole"),
    pytest.param(3, 2, None, NO_BACKORDERS, (0, 2, 1), Delivery.TOGETHER,
                 id="one-short-no-backorders"),
    # The backorder limit: exactly the room left is fine.
    pytest.param(5, 3, 2, SPLIT, (3, 0, 2), Delivery.SPLIT, id="backorder-room-exactly-used"),
]


@pytest.mark.parametrize("quantity, available, room, rules, expected, delivery", ONE_LINE)
def test_a_cart_line_promises_what_checkout_will_do(quantity, available, room, rules, expected,
                                                    delivery):
    cart = promise([item(quantity, available, room)], rules)
    assert figures(cart) == [expected]
    assert cart.delivery is delivery
    assert cart.problems == []


@pytest.mark.parametrize("quantity, available, room, message, expected", [
    (3, 2, 0, "Only 2 of CUP-1 left", (2, 0, 1)),      # backorders not allowed, one short
    (6, 3, 2, "Only 5 of CUP-1 left", (3, 0, 3)),      # backorder limit reached by one unit
    (1, 0, 0, "CUP-1 is out of stock", (0, 0, 1)),     # nothing available, no room
    (2, -1, 0, "CUP-1 is out of stock", (0, 0, 2)),    # oversold: nothing available
])
def test_a_line_checkout_would_refuse_says_why_and_what_stock_could_do(quantity, available,
                                                                       room, message, expected):
    cart = promise([item(quantity, available, room)], SPLIT)
    assert cart.problems == [message]
    assert [line.problem for line in cart.lines] == [message]
    assert figures(cart) == [expected]


def test_disable_partial_backorder_holds_every_line_even_those_fully_in_stock():
    """2 of 3 cups in stock and a teapot in stock: nothing ships until the third cup arrives."""
    cart = promise([item(3, 2, sku="CUP-1"), item(1, 5, sku="POT-1")], WHOLE_KEEP_PARENT)
    assert figures(cart) == [(0, 2, 1), (0, 1, 0)]
    assert (cart.delivery, cart.ship_now, cart.reserved, cart.on_backorder) == \
        (Delivery.TOGETHER, 0, 3, 1)


def test_a_split_ships_the_lines_in_stock_and_backorders_the_rest():
    cart = promise([item(3, 2, sku="CUP-1"), item(1, 5, sku="POT-1"), item(2, 0, sku="TEA-1")],
                   SPLIT)
    assert figures(cart) == [(2, 0, 1), (1, 0, 0), (0, 0, 2)]
    assert cart.delivery is Delivery.SPLIT
    assert cart.line("TEA-1").waiting == 2


def test_without_backorders_one_line_short_holds_the_whole_order():
    cart = promise([item(1, 5, sku="POT-1"), item(2, 0, sku="TEA-1")], NO_BACKORDERS)
    assert figures(cart) == [(0, 1, 0), (0, 0, 2)]
    assert cart.delivery is Delivery.TOGETHER


def test_an_empty_cart_promises_nothing():
    cart = promise([], SPLIT)
    assert (cart.lines, cart.units, cart.delivery) == ((), 0, Delivery.ALL_NOW)
    assert not cart.waits


@pytest.mark.parametrize("wanted, rules, totals, waits", [
    ([item(3, 3, sku="A"), item(2, 2, sku="B")], SPLIT, (5, 5, 0, 0), False),
    ([item(3, 2, sku="A"), item(2, 0, sku="B")], SPLIT, (5, 2, 0, 3), True),
    ([item(3, 2, sku="A"), item(2, 0, sku="B")], WHOLE, (5, 0, 2, 3), True),
])
def test_the_cart_totals_add_up_its_lines(wanted, rules, totals, waits):
    cart = promise(wanted, rules)
    assert (cart.units, cart.ship_now, cart.reserved, cart.on_backorder) == totals
    assert cart.waits is waits


@pytest.mark.parametrize("lines, expected", [
    ([], Shipment(0, 0)),
    ([(3, 3)], Shipment(3, 3)),
    ([(3, 2), (1, 1)], Shipment(4, 3)),
    ([(2, 0)], Shipment(2, 0)),
])
def test_an_order_ships_once_every_unit_is_allocated(lines, expected):
    found = shipment(lines)
    assert found == expected
    assert found.ready == (expected.units > 0 and expected.allocated == expected.units)
    assert found.waiting == expected.units - expected.allocated


# No deadline: on a busy machine (or under `make mutate`) one example may take longer than
# Hypothesis's 200 ms, and a test's time is not what it checks.
@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(-3, 25)), min_size=1, max_size=5),
       st.sampled_from(ALL_RULES), st.booleans())
def test_every_unit_is_promised_once(wanted, rules, together):
    items = [item(quantity, available, sku=f"SKU-{i}")
             for i, (quantity, available) in enumerate(wanted)]
    cart = promise(items, rules, together=together)
    for line, (quantity, available) in zip(cart.lines, wanted, strict=True):
        assert min(line.ship_now, line.reserved, line.on_backorder) >= 0
        assert line.ship_now + line.reserved + line.on_backorder == quantity
        # Units from stock either ship now or are reserved; never more than is available.
        assert line.ship_now + line.reserved == min(quantity, max(available, 0))
    # An order ships whole, or in two parts under the split rules: never a part of a part.
    if cart.delivery is Delivery.TOGETHER:
        assert cart.ship_now == 0
    # Shipping everything together never splits: nothing ships while any unit waits.
    if together:
        assert cart.delivery is not Delivery.SPLIT


@pytest.mark.parametrize("wanted, rules, summary", [
    ([item(3, 3)], SPLIT, "Everything ships now."),
    ([item(3, 2)], SPLIT, "2 items ship now; the rest (1) waits on backorder until stock arrives."),
    ([item(3, 1)], SPLIT, "1 item ships now; the rest (2) wait on backorder until stock arrives."),
    ([item(3, 2)], WHOLE_KEEP_PARENT,
     "Nothing ships now: all 3 items ship together when the rest arrives "
     "(2 are already reserved for you from stock)."),
    ([item(3, 2)], NO_BACKORDERS,
     "Nothing ships now: all 3 items ship together when the rest arrives "
     "(2 are already reserved for you from stock)."),
    ([item(2, 1)], WHOLE,
     "Nothing ships now: all 2 items ship together when the rest arrives "
     "(1 is already reserved for you from stock)."),
    ([item(2, 0)], SPLIT, "Nothing ships now: all 2 items ship when they arrive."),
    ([item(1, 0)], SPLIT, "Nothing ships now: the item ships when it arrives."),
], ids=["all-now", "split", "split-last-unit", "whole-keep-parent", "no-backorders",
        "whole-one-reserved",
        "none-in-stock", "one-item"])
def test_the_promise_reads_as_one_sentence(wanted, rules, summary):
    assert promise(wanted, rules).summary == summary


def order_line(product: int, quantity: int, allocated: int) -> Line:
    return Line(id=product, sku=f"SKU-{product}", quantity=quantity, allocated=allocated,
                unit_price=Decimal("10.00"))


@pytest.mark.parametrize("orders, expected, delivery", [
    # A split at checkout: the parent ships now, the backorder waits.
    ([[order_line(1, 2, 2)], [order_line(1, 1, 0)]], [(2, 0, 1)], Delivery.SPLIT),
    # An empty parent kept, every unit on the backorder with 2 reserved.
    ([[], [order_line(1, 3, 2)]], [(0, 2, 1)], Delivery.TOGETHER),
    # No backorder: one order, one unit short.
    ([[order_line(1, 3, 2), order_line(2, 1, 1)]], [(0, 2, 1), (0, 1, 0)], Delivery.TOGETHER),
    # Stock arrived for every unit.
    ([[order_line(1, 3, 3)]], [(3, 0, 0)], Delivery.ALL_NOW),
], ids=["split", "empty-parent", "no-backorder", "all-allocated"])
def test_placed_orders_promise_what_their_allocation_allows(orders, expected, delivery):
    placed = promise_of_orders(orders)
    assert figures(placed) == expected
    assert placed.delivery is delivery


@pytest.mark.parametrize("cart_item, could_take, problem", [
    (item(5, 3, room=1), Take(allocated=3, waiting=2), "Only 4 of CUP-1 left"),
    (item(2, 0, room=0), Take(allocated=0, waiting=2), "CUP-1 is out of stock"),
    (item(2, -3, room=0), Take(allocated=0, waiting=2), "CUP-1 is out of stock"),
], ids=["beyond-the-backorder-room", "none-left", "oversold"])
def test_a_line_checkout_would_refuse_shows_what_stock_could_take_and_the_rest_waiting(
        cart_item, could_take, problem):
    """What the cart shows beside the refusal: never a unit from stock that is not there."""
    assert take(cart_item) == (could_take, problem)


def test_units_reserved_for_a_product_in_an_order_and_in_its_backorder_add_up():
    """Neither ships yet: 2 reserved in the order and 1 in its backorder are 3 reserved."""
    placed = promise_of_orders([[order_line(1, 3, 2)], [order_line(1, 2, 1)]])
    assert figures(placed) == [(0, 3, 2)]
    assert placed.delivery is Delivery.TOGETHER


# `Ship everything together`: the cart never splits, whatever the split rules say.
@pytest.mark.parametrize("wanted, rules, expected, delivery", [
    pytest.param([item(3, 1)], SPLIT, [(0, 1, 2)], Delivery.TOGETHER, id="last-unit"),
    pytest.param([item(3, 2)], KEEP_PARENT, [(0, 2, 1)], Delivery.TOGETHER, id="one-short"),
    pytest.param([item(2, 2, sku="A"), item(1, 0, sku="B")], SPLIT, [(0, 2, 0), (0, 0, 1)],
                 Delivery.TOGETHER, id="a-line-in-stock-waits-with-one-out-of-stock"),
    pytest.param([item(3, 0)], SPLIT, [(0, 0, 3)], Delivery.TOGETHER, id="none-available"),
    pytest.param([item(3, 3)], SPLIT, [(3, 0, 0)], Delivery.ALL_NOW, id="all-in-stock-ships"),
    pytest.param([item(3, 2)], NO_BACKORDERS, [(0, 2, 1)], Delivery.TOGETHER,
                 id="no-backorders-as-before"),
])
def test_shipping_everything_together_reserves_the_stock_and_splits_nothing(wanted, rules,
                                                                            expected, delivery):
    together = promise(wanted, rules, together=True)
    assert (figures(together), together.delivery) == (expected, delivery)


def test_shipping_everything_together_reads_as_the_whole_order_waiting():
    assert promise([item(2, 2, sku="A"), item(1, 0, sku="B")], SPLIT, together=True).summary == \
        ("Nothing ships now: all 3 items ship together when the rest arrives "
         "(2 are already reserved for you from stock).")


# Whether checkout asks `Delivery`: (setting on, cart, rules) -> asked.
@pytest.mark.parametrize("allowed, wanted, rules, offered", [
    pytest.param(True, [item(3, 1)], SPLIT, True, id="split-last-unit"),
    pytest.param(True, [item(2, 2, sku="A"), item(1, 0, sku="B")], SPLIT, True,
                 id="split-across-lines"),
    pytest.param(True, [item(3, 2)], KEEP_PARENT, True, id="split-keep-parent"),
    pytest.param(False, [item(3, 1)], SPLIT, False, id="setting-off"),
    pytest.param(True, [item(3, 3)], SPLIT, False, id="all-in-stock"),
    pytest.param(True, [item(1, 1)], SPLIT, False, id="the-last-unit-in-stock"),
    pytest.param(True, [item(3, 0)], SPLIT, False, id="all-waiting"),
    pytest.param(True, [item(3, 0)], KEEP_PARENT, False, id="all-waiting-keep-parent"),
    pytest.param(True, [item(3, 1)], WHOLE, False, id="disable-partial-ships-whole-anyway"),
    pytest.param(True, [item(3, 1)], NO_BACKORDERS, False, id="no-split-ships-whole-anyway"),
])
def test_delivery_is_asked_only_when_the_cart_would_split_and_the_shop_allows_it(
        allowed, wanted, rules, offered):
    assert offers_delivery_choice(allowed, promise(wanted, rules)) is offered


@pytest.mark.parametrize("asked, offered, recorded", [
    (DeliveryChoice.TOGETHER, True, DeliveryChoice.TOGETHER),
    (DeliveryChoice.SHIP_NOW, True, DeliveryChoice.SHIP_NOW),
    (None, True, DeliveryChoice.SHIP_NOW),  # the default: the split, as without the choice
    (DeliveryChoice.TOGETHER, False, None),  # nothing to split: the answer changes nothing
    (DeliveryChoice.SHIP_NOW, False, None),
    (None, False, None),
])
def test_an_order_records_the_delivery_asked_only_when_it_was_offered(asked, offered,
                                                                      recorded):
    assert chosen_delivery(asked, offered) is recorded
