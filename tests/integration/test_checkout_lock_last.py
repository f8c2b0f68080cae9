"""Checkout writes its order from the stock read without a lock, then locks the stock and
checks it: when the stock moved in between (another checkout took the last units), what
it wrote is rolled back and the order is placed as the locked stock says."""

import pytest
from sqlalchemy import func, select

from app.domain.buttons import Policy
from app.extensions import db
from app.models import Order, OutboxEmail
from app.services import checkout
from tests.support.services import (assert_stock_invariants, figures, fresh, ledger, lines,
                                    place)


@pytest.fixture
def stale_first_read(monkeypatch):
    """The checkout's first decision reads each product with one unit more available than
    it has, as a checkout does whose read came just before another took the last unit."""
    real, calls = checkout._decide, []

    def stale(wanted, settings, asked):
        calls.append(asked)
        if len(calls) == 1:
            wanted = [(checkout.StockBefore.of(product, committed=1), quantity)
                      for product, quantity in wanted]
        return real(wanted, settings, asked)

    monkeypatch.setattr(checkout, "_decide", stale)
    return calls


def only_what_the_order_placed_wrote() -> None:
    """One order, one email: nothing of the rolled-back try is left."""
    fresh()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 1
    assert_stock_invariants()


def test_a_guess_that_lost_the_last_unit_is_rolled_back_and_placed_as_it_stands(
        ctx, shop, stale_first_read):
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)

    placed = place({"TEA-1": 1})  # guessed 1 available: the lock finds none, so it waits

    assert len(stale_first_read) >= 3  # the stale guess, then a fresh one and its check
    assert lines(placed.order.reference) == [("TEA-1", 1, 0)]
    assert figures("TEA-1") == (0, 0, 1)
    assert ledger("TEA-1") == [("checkout", 0, 0, 1)]
    fresh()
    assert "1 waiting for stock" in db.session.scalars(select(OutboxEmail.body)).one()
    only_what_the_order_placed_wrote()


def test_several_products_a_lost_guess_writes_nothing_beyond_on_hand(ctx, shop,
                                                                      stale_first_read):
    shop.product("TEA-1", on_hand=1, policy=Policy.ALWAYS)
    shop.product("TEA-2", on_hand=0, policy=Policy.ALWAYS)

    placed = place({"TEA-1": 2, "TEA-2": 1})  # guessed 2 and 1 available

    assert len(stale_first_read) >= 3
    assert lines(placed.order.reference) == [("TEA-1", 2, 1), ("TEA-2", 1, 0)]
    assert figures("TEA-1") == (1, 1, 1)
    assert figures("TEA-2") == (0, 0, 1)
    only_what_the_order_placed_wrote()
