"""What the storefront says about stock: "In stock", "Only N left", or none left; and
the promise the page cache relies on: the same shown stock, the same button."""
import itertools

import pytest

from app.domain.buttons import (LOW_STOCK, Policy, StockView, buy_button, shown_stock,
                                units_left)


@pytest.mark.parametrize("available, shown", [
    (LOW_STOCK + 30, None),
    (LOW_STOCK + 1, None),  # the last count that says only "In stock"
    (LOW_STOCK, LOW_STOCK),
    (1, 1),
    (0, 0),
    (-2, 0),  # oversold by a stock adjustment: none left, never a negative count
])
def test_the_storefront_counts_units_only_when_few_are_left(available, shown):
    assert units_left(available) == shown


@pytest.mark.parametrize("waiting, limit, room_left", [
    (0, None, True), (9, 10, True), (10, 10, False), (12, 10, False), (0, 0, False)])
def test_the_room_on_backorder_shows_only_as_reached_or_not(waiting, limit, room_left):
    stock = StockView(available=0, policy=Policy.ALWAYS, waiting=waiting, backorder_limit=limit)
    assert shown_stock(stock)[2] is room_left


def test_products_that_show_the_same_stock_show_the_same_button():
    """Every product up to twelve units past LOW_STOCK, grouped by what the page shows."""
    seen = {}
    for available, policy, waiting, limit, store_allows in itertools.product(
            range(-3, LOW_STOCK + 13), Policy, range(13), (None, *range(13)), (True, False)):
        stock = StockView(available, policy, waiting, limit)
        shows = (shown_stock(stock), store_allows)
        # The button, and whether the arrival date may show (only when none are left).
        outcome = (buy_button(stock, store_allows), available > 0)
        assert seen.setdefault(shows, outcome) == outcome, stock
