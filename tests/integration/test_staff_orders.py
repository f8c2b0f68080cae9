"""Staff work on orders (app.services.orders): save, split, move, pay, release."""
import re
from decimal import Decimal

import pytest

from app.domain.errors import (BackordersDisabled, IllegalTransition, InvalidQuantity,
                               OrderNotEditable, PaymentRefused, StaleOrder)
from app.domain.orders import NOT_SPLITTABLE, OrderStatus
from app.services.inventory import receive_stock
from app.services.orders import change_status, mark_as_new, record_payment

from tests.support.rows import snapshot
from tests.support.services import (assert_stock_invariants, figures, ledger, lines, move, order,
                                    outbox, place, references, save)

NEW, ON_HOLD, PICK, PACK = OrderStatus.NEW, OrderStatus.ON_HOLD, OrderStatus.PICK, OrderStatus.PACK
DISPATCHED, CANCELLED = OrderStatus.DISPATCHED, OrderStatus.CANCELLED


@pytest.fixture
def backorders(shop):
    """Shoppers may take units beyond stock; checkout does not split (staff do)."""
    shop.settings(out_of_stock_checkout=True)


def pay(reference: str, amount: str, method: str = "Bank deposit") -> None:
    current = order(reference)
    record_payment(current.id, current.version, Decimal(amount), method, "REF-1", user=None)


def money(reference: str) -> tuple[Decimal, Decimal, Decimal]:
    """(total, amount paid, sum of its payments) of an order."""
    current = order(reference)
    return current.total, current.amount_paid, sum((p.amount for p in current.payments),
                                                   Decimal("0.00"))


def events(reference: str, kind: str) -> list[str]:
    return [event.message for event in order(reference).events if event.kind == kind]


def test_saving_bko_splits_units_with_their_allocation_and_carries_the_payment(
        ctx, shop, backorders):
    shop.product("TEA-1", on_hand=3, price="10.00")
    shop.product("CUP-1", on_hand=10, price="20.00")
    parent = place({"TEA-1": 5, "CUP-1": 2}).order.reference      # TEA 3 of 5 allocated
    pay(parent, "80.00")
    shop.settings(create_backorder=True)

    backorder = save(parent, bko={"TEA-1": 3}).reference

    assert lines(parent) == [("CUP-1", 2, 2), ("TEA-1", 2, 2)]
    assert lines(backorder) == [("TEA-1", 3, 1)]    # the 2 unallocated units go first
    assert (order(backorder).status, order(backorder).parent_id) == \
        (OrderStatus.NEW_BACKORDER, order(parent).id)
    assert [b.reference for b in order(parent).backorders] == [backorder]
    assert money(parent) == (Decimal("60.00"), Decimal("60.00"), Decimal("60.00"))
    assert money(backorder) == (Decimal("30.00"), Decimal("20.00"), Decimal("20.00"))
    assert [(p.amount, p.method) for p in order(backorder).payments] == \
        [(Decimal("20.00"), "Credit")]
    assert (figures("TEA-1"), figures("CUP-1")) == ((3, 3, 2), (10, 2, 0))
    assert events(parent, "split") == [f"Backorder {backorder} created with 3 x TEA-1"]
    assert_stock_invariants()


def test_with_keep_empty_parent_the_whole_payment_credits_the_backorder(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=1, price="10.00")
    parent = place({"TEA-1": 3}).order.reference
    pay(parent, "25.00")
    shop.settings(create_backorder=True, keep_empty_parent=True)

    backorder = save(parent, bko={"TEA-1": 3}).reference

    assert (lines(parent), lines(backorder)) == ([], [("TEA-1", 3, 1)])
    assert money(parent) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert money(backorder) == (Decimal("30.00"), Decimal("25.00"), Decimal("25.00"))
    assert_stock_invariants()


def test_putting_only_allocated_units_on_backorder_makes_a_ready_backorder(ctx, shop):
    """The shopper asks to receive part of the order later: the stock stays theirs."""
    shop.settings(create_backorder=True)
    shop.product("TEA-1", on_hand=5)
    shop.product("CUP-1", on_hand=5)
    parent = place({"TEA-1": 1, "CUP-1": 2}).order.reference

    backorder = save(parent, bko={"CUP-1": 2}).reference

    assert (lines(parent), lines(backorder)) == ([("TEA-1", 1, 1)], [("CUP-1", 2, 2)])
    assert order(backorder).status is OrderStatus.NEW_BACKORDER
    # Nothing waits for stock: the email says the items are held back, not awaited.
    assert [email.subject for email in outbox()][-1] == \
        f"Backorder {backorder}: these items will ship later"
    assert "waiting for stock" not in outbox()[-1].body
    assert order(backorder).token in outbox()[-1].body
    assert_stock_invariants()


def test_an_order_on_hold_can_put_lines_on_backorder(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=1)
    parent = place({"TEA-1": 3}).order.reference
    move(parent, ON_HOLD)
    shop.settings(create_backorder=True)

    backorder = save(parent, bko={"TEA-1": 2}).reference

    assert (lines(parent), lines(backorder)) == ([("TEA-1", 1, 1)], [("TEA-1", 2, 0)])
    assert order(parent).status is ON_HOLD
    assert_stock_invariants()


def test_a_save_can_backorder_what_is_missing_and_send_the_rest_to_pick(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=1)
    parent = place({"TEA-1": 3}).order.reference
    shop.settings(create_backorder=True)

    save(parent, bko={"TEA-1": 2}, status=PICK)

    assert (order(parent).status, lines(parent)) == (PICK, [("TEA-1", 1, 1)])
    assert_stock_invariants()


@pytest.mark.parametrize("path", [
    [PICK], [PICK, PACK], [PICK, PACK, DISPATCHED], [CANCELLED], "backordered whole",
], ids=["Pick", "Pack", "Dispatched", "Cancelled", "New Backorder"])
def test_bko_is_refused_outside_new_and_on_hold_and_changes_nothing(ctx, shop, path):
    shop.settings(create_backorder=True)
    shop.product("TEA-1", on_hand=5)
    reference = place({"TEA-1": 2}).order.reference
    if path == "backordered whole":
        save(reference, bko={"TEA-1": 2})
        assert order(reference).status is OrderStatus.NEW_BACKORDER
    else:
        move(reference, *path)
    before = snapshot()

    with pytest.raises(OrderNotEditable, match=f"^{NOT_SPLITTABLE}$"):
        save(reference, bko={"TEA-1": 1})

    assert snapshot() == before
    assert_stock_invariants()


@pytest.mark.parametrize("bko, error, message", [
    ({"TEA-1": 3}, InvalidQuantity, "BKO for TEA-1 must be a whole number from 0 to 2"),
    ({"TEA-1": -1}, InvalidQuantity, "BKO for TEA-1 must be a whole number from 0 to 2"),
    ({"TEA-1": 1}, BackordersDisabled, "Turn on 'Create backorder when backorder items'"),
])
def test_a_bko_the_rules_do_not_allow_is_refused_and_changes_nothing(ctx, shop, bko, error,
                                                                     message):
    shop.product("TEA-1", on_hand=5)
    reference = place({"TEA-1": 2}).order.reference
    if error is InvalidQuantity:
        shop.settings(create_backorder=True)
    before = snapshot()

    with pytest.raises(error, match=message):
        save(reference, bko=bko)

    assert snapshot() == before


@pytest.mark.parametrize("action", ["save", "change status", "record payment"])
def test_a_stale_version_is_refused_and_changes_nothing(ctx, shop, action):
    shop.settings(create_backorder=True)
    shop.product("TEA-1", on_hand=5)
    reference = place({"TEA-1": 2}).order.reference
    opened = order(reference)
    opened_id, opened_version = opened.id, opened.version
    move(reference, ON_HOLD)   # someone else saved since the form was opened
    before = snapshot()

    with pytest.raises(StaleOrder, match="^This order changed since you opened it$"):
        if action == "save":
            save(reference, bko={"TEA-1": 1}, version=opened_version)
        elif action == "change status":
            change_status(opened_id, opened_version, CANCELLED, user=None)
        else:
            record_payment(opened_id, opened_version, Decimal("5.00"), "Cash", "", user=None)

    assert snapshot() == before
    assert_stock_invariants()


def test_the_same_save_posted_twice_saves_once(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=1)
    reference = place({"TEA-1": 3}).order.reference
    shop.settings(create_backorder=True)
    opened_version = order(reference).version

    save(reference, bko={"TEA-1": 2}, version=opened_version)
    after_first = snapshot()
    with pytest.raises(StaleOrder):
        save(reference, bko={"TEA-1": 2}, version=opened_version)

    assert snapshot() == after_first
    assert references() == [reference, "N1002"]
    assert lines(reference) == [("TEA-1", 1, 1)]
    assert_stock_invariants()


def test_an_order_moves_to_pick_only_when_every_line_is_allocated(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=1)
    reference = place({"TEA-1": 2}).order.reference
    before = snapshot()

    with pytest.raises(IllegalTransition,
                       match="An order moves to Pick only when every line is fully allocated"):
        move(reference, PICK)
    assert snapshot() == before

    receive_stock("TEA-1", 1, "PO-1", user=None)
    move(reference, PICK)
    assert order(reference).status is PICK
    assert_stock_invariants()


def test_pick_pack_dispatch_ships_the_stock(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    reference = place({"TEA-1": 3}).order.reference

    move(reference, PICK, PACK)
    assert figures("TEA-1") == (5, 3, 0)
    move(reference, DISPATCHED)

    assert order(reference).status is DISPATCHED
    assert figures("TEA-1") == (2, 0, 0)
    assert ledger("TEA-1")[-1] == ("dispatch", -3, -3, 0)
    assert events(reference, "status")[-1] == "Status changed from Pack to Dispatched"
    assert outbox()[-1].subject == f"Your order {reference} has been dispatched"
    assert_stock_invariants()


@pytest.mark.parametrize("path", [[CANCELLED], [PICK, CANCELLED], [PICK, PACK, CANCELLED],
                                  [ON_HOLD, CANCELLED]],
                         ids=["from New", "from Pick", "from Pack", "from On Hold"])
def test_cancelling_gives_committed_units_to_the_oldest_waiting_order_first(
        ctx, shop, backorders, path):
    shop.product("TEA-1", on_hand=2)
    cancelled = place({"TEA-1": 2}).order.reference
    oldest, newest = (place({"TEA-1": 1}).order.reference for _ in range(2))
    waiting_longer = place({"TEA-1": 2}).order.reference

    move(cancelled, *path)

    assert order(cancelled).status is CANCELLED
    assert [lines(ref) for ref in (oldest, newest, waiting_longer)] == \
        [[("TEA-1", 1, 1)], [("TEA-1", 1, 1)], [("TEA-1", 2, 0)]]
    assert figures("TEA-1") == (2, 2, 2)
    assert ledger("TEA-1")[-3:] == [("cancel", 0, -2, 0), ("allocate", 0, 1, -1),
                                    ("allocate", 0, 1, -1)]
    assert_stock_invariants()


def test_cancelling_an_order_that_waits_stops_its_units_waiting(ctx, shop, backorders):
    shop.product("TEA-1", on_hand=1)
    reference = place({"TEA-1": 3}).order.reference

    move(reference, CANCELLED)

    assert figures("TEA-1") == (1, 0, 0)
    assert ledger("TEA-1")[-1] == ("cancel", 0, -1, -2)
    assert_stock_invariants()


def test_recording_a_payment_saves_it_with_the_order(ctx, shop):
    shop.product("TEA-1", on_hand=5, price="10.00")
    reference = place({"TEA-1": 3}).order.reference

    pay(reference, "20.00")
    pay(reference, "10.00", method="Cash")

    assert money(reference) == (Decimal("30.00"), Decimal("30.00"), Decimal("30.00"))
    assert order(reference).payment_required == Decimal("0.00")
    assert events(reference, "payment") == ["Payment of $20.00 by Bank deposit recorded",
                                            "Payment of $10.00 by Cash recorded"]


@pytest.mark.parametrize("paid_first, amount, message", [
    (None, "30.01", "more than the $30.00 still due"),
    ("20.00", "10.01", "more than the $10.00 still due"),
    (None, "0", "above zero"),
    (None, "-5.00", "above zero"),
    (None, "0.001", "dollars and cents"),
])
def test_record_payment_refuses_overpaying_and_non_positive_amounts(ctx, shop, paid_first,
                                                                     amount, message):
    shop.product("TEA-1", on_hand=5, price="10.00")
    reference = place({"TEA-1": 3}).order.reference
    if paid_first:
        pay(reference, paid_first)
    before = snapshot()

    with pytest.raises(PaymentRefused, match=re.escape(message)):
        pay(reference, amount)

    assert snapshot() == before
    assert money(reference)[1] == Decimal(paid_first or "0.00")


def test_mark_as_new_releases_only_a_fully_allocated_backorder(ctx, shop):
    shop.settings(out_of_stock_checkout=True, create_backorder=True)
    shop.product("POT-1", on_hand=0)
    backorder = place({"POT-1": 2}).order.reference    # the order itself is the backorder
    waiting = snapshot()

    with pytest.raises(IllegalTransition, match="This backorder is still waiting for stock"):
        mark_as_new(order(backorder).id, order(backorder).version, user=None)
    assert snapshot() == waiting

    receive_stock("POT-1", 2, "PO-1", user=None)
    mark_as_new(order(backorder).id, order(backorder).version, user=None)

    assert order(backorder).status is NEW
    assert events(backorder, "status") == ["Status changed from New Backorder to New"]
    assert outbox()[-1].subject == f"Backorder {backorder} is released: every item is in stock"
    assert_stock_invariants()


def test_mark_as_new_is_refused_for_an_order_that_is_not_a_backorder(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    reference = place({"TEA-1": 1}).order.reference
    before = snapshot()

    with pytest.raises(OrderNotEditable, match="Only a backorder can be marked as New"):
        mark_as_new(order(reference).id, order(reference).version, user=None)

    assert snapshot() == before


@pytest.mark.parametrize("on_hand, qty, new_qty, line, stock", [
    (5, 3, 4, (4, 4), (5, 4, 0)),
    (5, 3, 7, (7, 5), (5, 5, 2)),
    (5, 3, 1, (1, 1), (5, 1, 0)),
    (2, 4, 3, (3, 2), (2, 2, 1)),
    (2, 4, 1, (1, 1), (2, 1, 0)),
    (0, 2, 3, (3, 0), (0, 0, 3)),
])
def test_changing_a_lines_qty_adjusts_committed_and_waiting(ctx, shop, backorders, on_hand, qty,
                                                            new_qty, line, stock):
    shop.product("TEA-1", on_hand=on_hand, price="10.00")
    reference = place({"TEA-1": qty}).order.reference

    save(reference, qty={"TEA-1": new_qty})

    assert lines(reference) == [("TEA-1", *line)]
    assert figures("TEA-1") == stock
    assert order(reference).total == Decimal("10.00") * new_qty
    assert ledger("TEA-1")[-1][0] == "quantity change"
    assert events(reference, "edited") == [f"Qty for TEA-1 changed from {qty} to {new_qty}"]
    assert_stock_invariants()


def test_lowering_a_qty_gives_the_freed_units_to_the_oldest_waiting_order(ctx, shop,
                                                                          backorders):
    shop.product("TEA-1", on_hand=3)
    lowered = place({"TEA-1": 3}).order.reference
    waiting = place({"TEA-1": 2}).order.reference

    save(lowered, qty={"TEA-1": 1})

    assert (lines(lowered), lines(waiting)) == ([("TEA-1", 1, 1)], [("TEA-1", 2, 2)])
    assert figures("TEA-1") == (3, 3, 0)
    assert_stock_invariants()


@pytest.mark.parametrize("new_qty, message", [
    (0, "Qty for TEA-1 cannot be 0: it is the order's last line, cancel the order instead"),
    (-1, "Qty for TEA-1 must be a whole number from 0 to 999"),
    (1000, "Qty for TEA-1 must be a whole number from 0 to 999"),
    (1, "The order would total $10.00, less than the $30.00 already paid"),
])
def test_a_qty_the_rules_do_not_allow_is_refused_and_changes_nothing(ctx, shop, new_qty,
                                                                     message):
    shop.product("TEA-1", on_hand=5, price="10.00")
    reference = place({"TEA-1": 3}).order.reference
    pay(reference, "30.00")
    before = snapshot()

    with pytest.raises(InvalidQuantity, match=re.escape(message)):
        save(reference, qty={"TEA-1": new_qty})

    assert snapshot() == before
    assert_stock_invariants()


def test_quantities_change_only_on_new_and_on_hold_orders(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    reference = place({"TEA-1": 3}).order.reference
    move(reference, PICK)
    before = snapshot()

    with pytest.raises(OrderNotEditable,
                       match="Quantities can change only on orders with New or On Hold status"):
        save(reference, qty={"TEA-1": 2})

    assert snapshot() == before
