"""What a day of staff use found wrong with orders, each kept fixed (app.services.orders):
empty orders shipped, cancelled orders asked for money, freed stock did not release
backorders, and held-back items were said to wait for stock."""
from decimal import Decimal

import pytest

from app.domain.buttons import Policy
from app.domain.errors import IllegalTransition
from app.domain.orders import OrderStatus
from app.services.orders import record_payment
from tests.support.services import (assert_stock_invariants, lines, move, order, outbox,
                                       place, save)

S = OrderStatus


def pay(reference: str, amount: str) -> None:
    current = order(reference)
    record_payment(current.id, current.version, Decimal(amount), "Bank deposit", "", user=None)


@pytest.fixture
def empty_parent(ctx, shop) -> tuple[str, str]:
    """An order whose every unit moved to its backorder, kept as an empty parent."""
    shop.settings(create_backorder=True, keep_empty_parent=True)
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)
    placed = place({"TEA-1": 2})
    parent, backorder = placed.order.reference, placed.backorder.reference
    assert parent != backorder and lines(parent) == []
    return parent, backorder


# --- An order with no units has nothing to ship -----------------------------------------

def test_an_empty_parent_cannot_move_to_pick(empty_parent):
    parent, _ = empty_parent
    with pytest.raises(IllegalTransition,
                       match="^This order has no items left to ship, so it cannot move to Pick$"):
        move(parent, S.PICK)
    assert order(parent).status is S.NEW
    assert [email.subject for email in outbox() if "dispatched" in email.subject] == []


def test_an_empty_parent_can_still_be_cancelled_or_held(empty_parent):
    parent, _ = empty_parent
    move(parent, S.ON_HOLD, S.NEW, S.CANCELLED)
    assert order(parent).status is S.CANCELLED


# --- A cancelled order asks for no money --------------------------------------------------

def test_a_cancelled_order_asks_for_nothing_and_owes_back_what_was_paid(ctx, shop):
    shop.product("TEA-1", on_hand=5, price="27.00")
    reference = place({"TEA-1": 2}).order.reference
    pay(reference, "10.00")
    assert order(reference).payment_required == Decimal("44.00")

    move(reference, S.CANCELLED)

    cancelled = order(reference)
    assert cancelled.payment_required == Decimal("0.00")
    assert cancelled.to_refund == Decimal("10.00")
    assert (cancelled.total, cancelled.amount_paid) == (Decimal("54.00"), Decimal("10.00"))


def test_cancelling_emails_the_shopper(ctx, shop):
    shop.product("TEA-1", on_hand=5, price="27.00", name="Teapot")
    reference = place({"TEA-1": 2}).order.reference
    pay(reference, "10.00")

    move(reference, S.CANCELLED)

    email = outbox()[-1]
    assert email.subject == f"Your order {reference} is cancelled"
    assert email.to == "shopper@example.com"
    assert "is cancelled: nothing will ship and nothing more is due" in email.body
    assert "We will refund the $10.00 you paid." in email.body
    assert "2 x Teapot (TEA-1), $54.00" in email.body
    assert order(reference).token in email.body
    assert "waiting for stock" not in email.body


# --- Freed stock is stock arriving: it releases what it completes -------------------------

@pytest.fixture
def waiting_backorder(ctx, shop):
    """`held` holds all 2 units of C-1; `waiting` is a backorder that waits for 2 more."""
    def make(*, auto_release: bool, waiting_units: int = 2) -> tuple[str, str]:
        shop.settings(create_backorder=True, auto_release=auto_release)
        shop.product("C-1", on_hand=2, policy=Policy.ALWAYS, price="10.00")
        held = place({"C-1": 2}).order.reference
        waiting = place({"C-1": waiting_units})
        assert waiting.backorder is waiting.order  # every unit waits: the order is the backorder
        assert waiting.order.status is S.NEW_BACKORDER
        return held, waiting.order.reference
    return make


def test_units_freed_by_a_cancellation_release_the_backorder_they_complete(waiting_backorder):
    held, waiting = waiting_backorder(auto_release=True)

    move(held, S.CANCELLED)

    assert lines(waiting) == [("C-1", 2, 2)]
    assert order(waiting).status is S.NEW
    assert "Released automatically: every item is in stock" in \
        [event.message for event in order(waiting).events]
    assert f"Backorder {waiting} is released: every item is in stock" in \
        [email.subject for email in outbox()]
    assert_stock_invariants()


def test_units_freed_by_a_lower_qty_release_the_backorder_they_complete(waiting_backorder):
    held, waiting = waiting_backorder(auto_release=True, waiting_units=1)

    save(held, qty={"C-1": 1})

    assert lines(waiting) == [("C-1", 1, 1)]
    assert order(waiting).status is S.NEW
    assert_stock_invariants()


def test_freed_units_allocate_but_do_not_release_when_the_setting_is_off(waiting_backorder):
    held, waiting = waiting_backorder(auto_release=False)

    move(held, S.CANCELLED)

    assert lines(waiting) == [("C-1", 2, 2)]
    assert order(waiting).status is S.NEW_BACKORDER
    assert_stock_invariants()


def test_a_backorder_a_split_leaves_ready_is_not_released_by_freed_units(ctx, shop):
    """The shopper asked to wait for these: staff release them, freed stock does not."""
    shop.settings(create_backorder=True, auto_release=True)
    shop.product("C-1", on_hand=4)
    asked_to_wait = place({"C-1": 2}).order.reference
    backorder = save(asked_to_wait, bko={"C-1": 1}).reference
    other = place({"C-1": 2}).order.reference
    assert lines(backorder) == [("C-1", 1, 1)]

    move(other, S.CANCELLED)

    assert order(backorder).status is S.NEW_BACKORDER
    assert_stock_invariants()


# --- Held-back items are not said to wait for stock ----------------------------------------

def test_staff_putting_allocated_units_on_backorder_emails_that_they_ship_later(ctx, shop):
    shop.settings(create_backorder=True)
    shop.product("TEA-1", on_hand=5)
    shop.product("CUP-1", on_hand=5)
    parent = place({"TEA-1": 1, "CUP-1": 2}).order.reference

    backorder = save(parent, bko={"CUP-1": 2}).reference

    email = outbox()[-1]
    assert email.subject == f"Backorder {backorder}: these items will ship later"
    assert f"These items of your order will ship later, on backorder {backorder}." in email.body
    assert "held back for you" in email.body
    assert "waiting for stock" not in email.body


def test_units_put_on_backorder_that_wait_for_stock_still_say_so(ctx, shop):
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA-1", on_hand=1)
    reference = place({"TEA-1": 3}).order.reference  # one allocated, two waiting
    shop.settings(create_backorder=True)

    backorder = save(reference, bko={"TEA-1": 2})

    email = outbox()[-1]
    assert email.subject == \
        f"Backorder {backorder.reference}: we will ship these items when they arrive"
    assert "waiting for stock" in email.body
