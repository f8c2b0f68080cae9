"""The cart's promise is what checkout then does: the placed orders promise the same."""
import itertools

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.extensions import db
from app.models import Order
from app.services.promises import cart_promise, placed_promise
from app.services.settings import get_settings

from tests.support.services import fresh, place, product

SWITCHES = ("create_backorder", "disable_partial_backorder", "keep_empty_parent")
CARTS = {
    "one-short": {"CUP-1": 3},
    "one-in-stock-one-not": {"CUP-1": 1, "TEA-1": 2},
    "none-in-stock": {"TEA-1": 2},
    "all-in-stock": {"CUP-1": 2, "POT-1": 1},
    "the-last-unit-and-more": {"POT-1": 2, "CUP-1": 2},
}


@pytest.mark.parametrize("switches", list(itertools.product([False, True], repeat=3)),
                         ids=lambda s: "-".join(n for n, on in zip(SWITCHES, s) if on) or "off")
@pytest.mark.parametrize("cart", CARTS.values(), ids=list(CARTS))
def test_what_the_cart_promises_is_what_the_placed_orders_hold(ctx, shop, switches, cart):
    shop.settings(out_of_stock_checkout=True, **dict(zip(SWITCHES, switches)))
    shop.product("CUP-1", on_hand=2)
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)
    shop.product("POT-1", on_hand=1)

    fresh()
    promised = cart_promise([(product(sku), qty) for sku, qty in sorted(cart.items())],
                            get_settings())
    place(cart)

    fresh()
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    kept = placed_promise(orders)
    by_sku = {line.sku: line for line in kept.lines}
    assert [(line.sku, line.ship_now, line.reserved, line.on_backorder)
            for line in promised.lines] == \
        [(line.sku, by_sku[line.sku].ship_now, by_sku[line.sku].reserved,
          by_sku[line.sku].on_backorder) for line in promised.lines]
    assert kept.delivery is promised.delivery
    assert kept.summary == promised.summary
