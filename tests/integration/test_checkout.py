"""Checkout through app.services.checkout.place_order, read back from the database."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.errors import InsufficientStock
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import StockMovement
from app.services.catalog import ProductData, update_product
from app.services.checkout import EmptyCart, UnknownProduct
from app.services.inventory import receive_stock
from app.services.orders import mark_as_new

from tests.support.rows import snapshot
from tests.support.services import (assert_stock_invariants, figures, fresh, ledger, lines, order,
                                    place, references, save)


@pytest.fixture
def splitting(shop):
    """Backorders allowed at checkout, and split off into their own order."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True)


def prices(reference: str) -> tuple[list[Decimal], Decimal]:
    placed = order(reference)
    return [line.unit_price for line in placed.lines], placed.total


def test_checkout_commits_stock_for_units_in_stock(ctx, shop):
    shop.product("TEA-1", on_hand=5, price="12.50")

    placed = place({"TEA-1": 3})

    assert placed.backorder is None
    placed_order = order("N1001")
    assert (placed_order.status, placed_order.total, placed_order.amount_paid) == \
        (OrderStatus.NEW, Decimal("37.50"), Decimal("0.00"))
    assert [(line.sku, line.name, line.unit_price, line.quantity, line.allocated)
            for line in placed_order.lines] == [("TEA-1", "Product TEA-1", Decimal("12.50"), 3, 3)]
    assert figures("TEA-1") == (5, 3, 0)
    assert ledger("TEA-1") == [("opening stock", 5, 0, 0), ("checkout", 0, 3, 0)]
    fresh()
    assert db.session.scalars(select(StockMovement.order_id)
                              .where(StockMovement.reason == "checkout")).all() == [placed_order.id]
    assert_stock_invariants()


def test_order_lines_keep_the_price_of_the_product_row_at_checkout(ctx, shop):
    shop.product("TEA-1", on_hand=5, price="12.50")
    place({"TEA-1": 1})
    update_product("TEA-1", ProductData(sku="TEA-1", name="Product TEA-1", description="",
                                       price=Decimal("15.00"), on_hand=5,
                                       backorder_policy=Policy.STORE, arrival_date=None,
                                       backorder_limit=None), user=None)

    place({"TEA-1": 2})

    assert prices("N1001") == ([Decimal("12.50")], Decimal("12.50"))
    assert prices("N1002") == ([Decimal("15.00")], Decimal("30.00"))


@pytest.mark.parametrize("policy, store_allows", [
    (Policy.STORE, True),
    (Policy.ALWAYS, False),
])
def test_checkout_beyond_stock_leaves_units_waiting_when_backorders_are_allowed(
        ctx, shop, policy, store_allows):
    shop.settings(out_of_stock_checkout=store_allows)
    shop.product("TEA-1", on_hand=2, policy=policy)

    placed = place({"TEA-1": 5})

    assert placed.backorder is None
    assert references() == ["N1001"]
    assert order("N1001").status is OrderStatus.NEW
    assert lines("N1001") == [("TEA-1", 5, 2)]
    assert figures("TEA-1") == (2, 2, 3)
    assert ledger("TEA-1")[-1] == ("checkout", 0, 2, 3)
    assert_stock_invariants()


@pytest.mark.parametrize("on_hand, limit, already_waiting, requested, message", [
    (1, 2, 0, 4, "Only 3 of TEA-1 left"),
    (0, 3, 2, 2, "Only 1 of TEA-1 left"),
    (0, 2, 2, 1, "TEA-1 is out of stock"),
])
def test_checkout_over_the_backorder_limit_is_refused_and_saves_nothing(
        ctx, shop, on_hand, limit, already_waiting, requested, message):
    shop.product("TEA-1", on_hand=on_hand, policy=Policy.ALWAYS, limit=limit)
    shop.product("CUP-1", on_hand=5)
    if already_waiting:
        place({"TEA-1": already_waiting})
    before = snapshot()

    with pytest.raises(InsufficientStock, match=f"^{message}$"):
        place({"CUP-1": 1, "TEA-1": requested})

    assert snapshot() == before
    assert_stock_invariants()


def test_checkout_may_fill_the_backorder_limit_exactly(ctx, shop):
    shop.product("TEA-1", on_hand=1, policy=Policy.ALWAYS, limit=2)

    place({"TEA-1": 3})

    assert figures("TEA-1") == (1, 1, 2)
    assert_stock_invariants()


@pytest.mark.parametrize("on_hand, policy, store_allows, message", [
    (2, Policy.STORE, False, "Only 2 of TEA-1 left"),
    (0, Policy.STORE, False, "TEA-1 is out of stock"),
    (2, Policy.NEVER, True, "Only 2 of TEA-1 left"),
])
def test_checkout_beyond_stock_with_backorders_off_is_refused_and_saves_nothing(
        ctx, shop, on_hand, policy, store_allows, message):
    shop.settings(out_of_stock_checkout=store_allows, create_backorder=True)
    shop.product("TEA-1", on_hand=on_hand, policy=policy)
    shop.product("CUP-1", on_hand=5)
    before = snapshot()

    # CUP-1 comes first and commits its stock before TEA-1 is refused: that must roll back.
    with pytest.raises(InsufficientStock, match=f"^{message}$"):
        place({"CUP-1": 1, "TEA-1": 3})

    assert snapshot() == before
    assert figures("CUP-1") == (5, 0, 0)
    assert_stock_invariants()


def test_checkout_of_an_unknown_sku_is_refused_and_saves_nothing(ctx, shop):
    shop.product("CUP-1", on_hand=5)
    before = snapshot()

    with pytest.raises(UnknownProduct, match="NOPE-1 is no longer sold"):
        place({"CUP-1": 1, "NOPE-1": 1})

    assert snapshot() == before


def test_checkout_of_an_empty_cart_is_refused(ctx):
    with pytest.raises(EmptyCart):
        place({})
    assert references() == []


def test_checkout_splits_what_cannot_ship_into_a_linked_backorder(ctx, shop, splitting):
    shop.product("CUP-1", on_hand=5, price="8.00")
    shop.product("POT-1", on_hand=1, price="30.00")

    placed = place({"CUP-1": 2, "POT-1": 3})

    assert (placed.order.reference, placed.backorder.reference) == ("N1001", "N1002")
    parent, backorder = order("N1001"), order("N1002")
    assert (parent.status, parent.total) == (OrderStatus.NEW, Decimal("46.00"))
    assert lines("N1001") == [("CUP-1", 2, 2), ("POT-1", 1, 1)]
    assert (backorder.status, backorder.total) == (OrderStatus.NEW_BACKORDER, Decimal("60.00"))
    assert lines("N1002") == [("POT-1", 2, 0)]
    parent, backorder = order("N1001"), order("N1002")
    assert backorder.parent_id == parent.id
    assert [b.reference for b in parent.backorders] == ["N1002"]
    assert backorder.placed_at == parent.placed_at
    assert (figures("CUP-1"), figures("POT-1")) == ((5, 2, 0), (1, 1, 2))
    assert_stock_invariants()


def test_checkout_with_everything_in_stock_does_not_split(ctx, shop, splitting):
    shop.settings(disable_partial_backorder=True)
    shop.product("CUP-1", on_hand=5)

    placed = place({"CUP-1": 2})

    assert placed.backorder is None
    assert references() == ["N1001"]
    assert order("N1001").status is OrderStatus.NEW


def test_disable_partial_backorder_makes_the_whole_order_the_backorder(ctx, shop, splitting):
    shop.settings(disable_partial_backorder=True)
    shop.product("CUP-1", on_hand=5, price="8.00")
    shop.product("POT-1", on_hand=1, price="30.00")

    placed = place({"CUP-1": 2, "POT-1": 3})

    assert placed.backorder.reference == placed.order.reference == "N1001"
    assert references() == ["N1001"]
    assert order("N1001").status is OrderStatus.NEW_BACKORDER
    assert lines("N1001") == [("CUP-1", 2, 2), ("POT-1", 3, 1)]
    assert_stock_invariants()


def test_disable_partial_backorder_with_keep_empty_parent_moves_every_line(ctx, shop, splitting):
    shop.settings(disable_partial_backorder=True, keep_empty_parent=True)
    shop.product("CUP-1", on_hand=5, price="8.00")
    shop.product("POT-1", on_hand=1, price="30.00")

    placed = place({"CUP-1": 2, "POT-1": 3})

    assert (placed.order.reference, placed.backorder.reference) == ("N1001", "N1002")
    assert (order("N1001").status, order("N1001").total, lines("N1001")) == \
        (OrderStatus.NEW, Decimal("0.00"), [])
    assert (order("N1002").status, order("N1002").total) == \
        (OrderStatus.NEW_BACKORDER, Decimal("106.00"))
    # Units move with their allocation: the stock committed at checkout stays theirs.
    assert lines("N1002") == [("CUP-1", 2, 2), ("POT-1", 3, 1)]
    assert (figures("CUP-1"), figures("POT-1")) == ((5, 2, 0), (1, 1, 2))
    assert_stock_invariants()


def test_order_with_everything_out_of_stock_becomes_the_backorder_itself(ctx, shop, splitting):
    shop.product("POT-1", on_hand=0, price="30.00")

    placed = place({"POT-1": 2})

    assert placed.backorder.reference == placed.order.reference == "N1001"
    assert references() == ["N1001"]
    assert (order("N1001").status, order("N1001").total) == \
        (OrderStatus.NEW_BACKORDER, Decimal("60.00"))
    assert lines("N1001") == [("POT-1", 2, 0)]
    assert_stock_invariants()


def test_keep_empty_parent_leaves_an_empty_parent_and_a_backorder(ctx, shop, splitting):
    shop.settings(keep_empty_parent=True)
    shop.product("POT-1", on_hand=0, price="30.00")

    placed = place({"POT-1": 2})

    assert (placed.order.reference, placed.backorder.reference) == ("N1001", "N1002")
    assert (order("N1001").status, order("N1001").total, lines("N1001")) == \
        (OrderStatus.NEW, Decimal("0.00"), [])
    assert (order("N1002").status, order("N1002").total, order("N1002").parent_id) == \
        (OrderStatus.NEW_BACKORDER, Decimal("60.00"), order("N1001").id)
    assert lines("N1002") == [("POT-1", 2, 0)]
    assert_stock_invariants()


def test_backorder_suffix_numbers_backorders_after_their_parent(ctx, shop, splitting):
    shop.settings(backorder_suffix=True)
    shop.product("CUP-1", on_hand=1)
    shop.product("POT-1", on_hand=0)

    placed = place({"CUP-1": 1, "POT-1": 1})
    # The shopper asks for one more cup, which waits: the family's second backorder.
    save("N1001", qty={"CUP-1": 2}, bko={"CUP-1": 1})
    next_order = place({"POT-1": 1})

    assert (placed.order.reference, placed.backorder.reference) == ("N1001", "N1001-1")
    assert next_order.order.reference == "N1002"
    assert references() == ["N1001", "N1001-1", "N1001-2", "N1002"]
    assert order("N1001-2").parent_id == order("N1001").id
    assert lines("N1001-2") == [("CUP-1", 1, 0)]
    assert_stock_invariants()


def test_a_backorder_split_again_counts_on_from_its_first_orders_number(ctx, shop, splitting):
    shop.settings(backorder_suffix=True)
    shop.product("CUP-1", on_hand=5)
    shop.product("POT-1", on_hand=0)
    place({"CUP-1": 1, "POT-1": 2})
    receive_stock("POT-1", 2, "PO-1", user=None)
    backorder = order("N1001-1")
    mark_as_new(backorder.id, backorder.version, user=None)

    save("N1001-1", qty={"POT-1": 3}, bko={"POT-1": 1})

    assert references() == ["N1001", "N1001-1", "N1001-2"]
    assert order("N1001-2").parent_id == order("N1001-1").id
    assert (lines("N1001-1"), lines("N1001-2")) == ([("POT-1", 2, 2)], [("POT-1", 1, 0)])
    assert_stock_invariants()


def test_without_backorder_suffix_a_backorder_takes_the_next_number(ctx, shop, splitting):
    shop.product("CUP-1", on_hand=5)
    shop.product("POT-1", on_hand=0)

    placed = place({"CUP-1": 1, "POT-1": 1})
    next_order = place({"CUP-1": 1})

    assert (placed.order.reference, placed.backorder.reference) == ("N1001", "N1002")
    assert next_order.order.reference == "N1003"
    assert (order("N1002").number, order("N1002").suffix) == (1002, None)


@pytest.mark.parametrize("suffix, backorder_reference", [(True, "W1001-1"), (False, "W1002")])
def test_order_prefix_numbers_orders_and_backorders(ctx, shop, splitting, suffix,
                                                     backorder_reference):
    shop.settings(order_prefix="W", backorder_suffix=suffix)
    shop.product("CUP-1", on_hand=5)
    shop.product("POT-1", on_hand=0)

    placed = place({"CUP-1": 1, "POT-1": 1})

    assert (placed.order.reference, placed.backorder.reference) == ("W1001", backorder_reference)
    assert {order(ref).prefix for ref in references()} == {"W"}
