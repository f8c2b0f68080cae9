"""The buy button (docs/rules.md, The buy button), as one table over every case."""
import pytest

from app.domain.buttons import (BuyButton, Policy, StockView, backorder_room, backorders_allowed,
                                buy_button, most_a_cart_may_take)

IN_STOCK, LAST_ONE, NONE_LEFT, OVERSOLD = 3, 1, 0, -2
STORE, ALWAYS, NEVER = Policy.STORE, Policy.ALWAYS, Policy.NEVER
ON, OFF = True, False
# Backorder limit and units already waiting: no limit; 6 units of room left; limit reached.
NO_LIMIT, ROOM, REACHED = (None, 5), (10, 4), (10, 10)
CART, BKO, OOS = "Add to Cart", "Backorder", "Out Of Stock"
ANY = None  # most_a_cart_may_take: no limit

# available, policy, store setting, limit -> button, backorders allowed, room, most a cart may take
TABLE = [
    (IN_STOCK, STORE, ON, NO_LIMIT, CART, True, ANY, ANY),
    (IN_STOCK, STORE, ON, ROOM, CART, True, 6, 9),
    (IN_STOCK, STORE, ON, REACHED, CART, False, 0, 3),
    (IN_STOCK, STORE, OFF, NO_LIMIT, CART, False, 0, 3),
    (IN_STOCK, STORE, OFF, ROOM, CART, False, 0, 3),
    (IN_STOCK, STORE, OFF, REACHED, CART, False, 0, 3),
    (IN_STOCK, ALWAYS, ON, NO_LIMIT, CART, True, ANY, ANY),
    (IN_STOCK, ALWAYS, ON, ROOM, CART, True, 6, 9),
    (IN_STOCK, ALWAYS, ON, REACHED, CART, False, 0, 3),
    (IN_STOCK, ALWAYS, OFF, NO_LIMIT, CART, True, ANY, ANY),
    (IN_STOCK, ALWAYS, OFF, ROOM, CART, True, 6, 9),
    (IN_STOCK, ALWAYS, OFF, REACHED, CART, False, 0, 3),
    (IN_STOCK, NEVER, ON, NO_LIMIT, CART, False, 0, 3),
    (IN_STOCK, NEVER, ON, ROOM, CART, False, 0, 3),
    (IN_STOCK, NEVER, ON, REACHED, CART, False, 0, 3),
    (IN_STOCK, NEVER, OFF, NO_LIMIT, CART, False, 0, 3),
    (IN_STOCK, NEVER, OFF, ROOM, CART, False, 0, 3),
    (IN_STOCK, NEVER, OFF, REACHED, CART, False, 0, 3),

    # The last unit in stock still sells from stock.
    (LAST_ONE, STORE, ON, NO_LIMIT, CART, True, ANY, ANY),
    (LAST_ONE, STORE, ON, ROOM, CART, True, 6, 7),
    (LAST_ONE, STORE, ON, REACHED, CART, False, 0, 1),
    (LAST_ONE, STORE, OFF, NO_LIMIT, CART, False, 0, 1),
    (LAST_ONE, STORE, OFF, ROOM, CART, False, 0, 1),
    (LAST_ONE, STORE, OFF, REACHED, CART, False, 0, 1),
    (LAST_ONE, ALWAYS, ON, NO_LIMIT, CART, True, ANY, ANY),
    (LAST_ONE, ALWAYS, ON, ROOM, CART, True, 6, 7),
    (LAST_ONE, ALWAYS, ON, REACHED, CART, False, 0, 1),
    (LAST_ONE, ALWAYS, OFF, NO_LIMIT, CART, True, ANY, ANY),
    (LAST_ONE, ALWAYS, OFF, ROOM, CART, True, 6, 7),
    (LAST_ONE, ALWAYS, OFF, REACHED, CART, False, 0, 1),
    (LAST_ONE, NEVER, ON, NO_LIMIT, CART, False, 0, 1),
    (LAST_ONE, NEVER, ON, ROOM, CART, False, 0, 1),
    (LAST_ONE, NEVER, ON, REACHED, CART, False, 0, 1),
    (LAST_ONE, NEVER, OFF, NO_LIMIT, CART, False, 0, 1),
    (LAST_ONE, NEVER, OFF, ROOM, CART, False, 0, 1),
    (LAST_ONE, NEVER, OFF, REACHED, CART, False, 0, 1),

    (NONE_LEFT, STORE, ON, NO_LIMIT, BKO, True, ANY, ANY),
    (NONE_LEFT, STORE, ON, ROOM, BKO, True, 6, 6),
    (NONE_LEFT, STORE, ON, REACHED, OOS, False, 0, 0),
    (NONE_LEFT, STORE, OFF, NO_LIMIT, OOS, False, 0, 0),
    (NONE_LEFT, STORE, OFF, ROOM, OOS, False, 0, 0),
    (NONE_LEFT, STORE, OFF, REACHED, OOS, False, 0, 0),
    (NONE_LEFT, ALWAYS, ON, NO_LIMIT, BKO, True, ANY, ANY),
    (NONE_LEFT, ALWAYS, ON, ROOM, BKO, True, 6, 6),
    (NONE_LEFT, ALWAYS, ON, REACHED, OOS, False, 0, 0),
    (NONE_LEFT, ALWAYS, OFF, NO_LIMIT, BKO, True, ANY, ANY),
    (NONE_LEFT, ALWAYS, OFF, ROOM, BKO, True, 6, 6),
    (NONE_LEFT, ALWAYS, OFF, REACHED, OOS, False, 0, 0),
    (NONE_LEFT, NEVER, ON, NO_LIMIT, OOS, False, 0, 0),
    (NONE_LEFT, NEVER, ON, ROOM, OOS, False, 0, 0),
    (NONE_LEFT, NEVER, ON, REACHED, OOS, False, 0, 0),
    (NONE_LEFT, NEVER, OFF, NO_LIMIT, OOS, False, 0, 0),
    (NONE_LEFT, NEVER, OFF, ROOM, OOS, False, 0, 0),
    (NONE_LEFT, NEVER, OFF, REACHED, OOS, False, 0, 0),

    (OVERSOLD, STORE, ON, NO_LIMIT, BKO, True, ANY, ANY),
    (OVERSOLD, STORE, ON, ROOM, BKO, True, 6, 6),
    (OVERSOLD, STORE, ON, REACHED, OOS, False, 0, 0),
    (OVERSOLD, STORE, OFF, NO_LIMIT, OOS, False, 0, 0),
    (OVERSOLD, STORE, OFF, ROOM, OOS, False, 0, 0),
    (OVERSOLD, STORE, OFF, REACHED, OOS, False, 0, 0),
    (OVERSOLD, ALWAYS, ON, NO_LIMIT, BKO, True, ANY, ANY),
    (OVERSOLD, ALWAYS, ON, ROOM, BKO, True, 6, 6),
    (OVERSOLD, ALWAYS, ON, REACHED, OOS, False, 0, 0),
    (OVERSOLD, ALWAYS, OFF, NO_LIMIT, BKO, True, ANY, ANY),
    (OVERSOLD, ALWAYS, OFF, ROOM, BKO, True, 6, 6),
    (OVERSOLD, ALWAYS, OFF, REACHED, OOS, False, 0, 0),
    (OVERSOLD, NEVER, ON, NO_LIMIT, OOS, False, 0, 0),
    (OVERSOLD, NEVER, ON, ROOM, OOS, False, 0, 0),
    (OVERSOLD, NEVER, ON, REACHED, OOS, False, 0, 0),
    (OVERSOLD, NEVER, OFF, NO_LIMIT, OOS, False, 0, 0),
    (OVERSOLD, NEVER, OFF, ROOM, OOS, False, 0, 0),
    (OVERSOLD, NEVER, OFF, REACHED, OOS, False, 0, 0),
]


def row_id(row) -> str:
    available, policy, store, (limit, waiting), button, *_ = row
    return (f"available={available}-{policy.name}-store={'on' if store else 'off'}"
            f"-limit={limit}/waiting={waiting}-{button}")


def test_the_table_covers_every_combination():
    cases = {(available, policy, store, limit) for available, policy, store, limit, *_ in TABLE}
    assert len(cases) == len(TABLE) == 4 * 3 * 2 * 3


@pytest.mark.parametrize(("available", "policy", "store", "limit", "button", "allowed", "room",
                          "most"), TABLE, ids=[row_id(row) for row in TABLE])
def test_buy_button_follows_stock_policy_setting_and_limit(available, policy, store, limit,
                                                           button, allowed, room, most):
    backorder_limit, waiting = limit
    stock = StockView(available=available, policy=policy, waiting=waiting,
                      backorder_limit=backorder_limit)
    assert buy_button(stock, store) == button
    assert backorders_allowed(stock, store) is allowed
    assert backorder_room(stock, store) == room
    assert most_a_cart_may_take(stock, store) == most


def test_more_units_waiting_than_the_limit_leave_no_room():
    """A limit lowered below what already waits: Out Of Stock, not a negative room."""
    stock = StockView(available=0, policy=Policy.ALWAYS, waiting=12, backorder_limit=10)
    assert backorder_room(stock, store_allows=True) == 0
    assert buy_button(stock, store_allows=True) == "Out Of Stock"
    assert most_a_cart_may_take(stock, store_allows=True) == 0


def test_a_limit_of_zero_allows_no_backorders():
    stock = StockView(available=0, policy=Policy.ALWAYS, waiting=0, backorder_limit=0)
    assert buy_button(stock, store_allows=True) == "Out Of Stock"


@pytest.mark.parametrize(("button", "label", "enabled"), [
    (BuyButton.ADD_TO_CART, "Add to Cart", True),
    (BuyButton.BACKORDER, "Backorder", True),
    (BuyButton.OUT_OF_STOCK, "Out Of Stock", False),
])
def test_buttons_carry_the_labels_shoppers_see_and_only_out_of_stock_is_disabled(
        button, label, enabled):
    assert str(button) == label
    assert button.enabled is enabled


@pytest.mark.parametrize("policy_label", ["Use store setting", "Always allow", "Never allow"])
def test_policies_carry_the_labels_of_the_product_form(policy_label):
    assert Policy(policy_label).value == policy_label
