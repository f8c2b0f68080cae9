"""The promise costs the same number of SQL statements whether 5 or 5,000 lines wait and
1 or 50 PO lines come in; so does a receipt against a PO."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, OrderLine
from app.services.promises import line_dates, promises

from tests.integration.test_receipt_statements import UNITS_PER_LINE, add_waiting_backorders
from tests.support.purchasing import (assert_po_invariants, bought_product, in_days, po,
                                      receive, supplier)
from tests.support.services import assert_stock_invariants, figures, product


def count(count_queries, fn) -> int:
    """The statements fn() runs from a cold session, leaving out SQLite's BEGIN."""
    db.session.close()
    with count_queries() as counter:
        fn()
    return len([s for s in counter.statements if s.strip().upper() != "BEGIN"])


def test_the_promise_runs_as_many_statements_for_5000_waiting_lines_and_50_pos_as_for_5_and_1(
        ctx, count_queries):
    tea = supplier()
    bought_product("BIG-1", tea)
    bought_product("SMALL-1", tea)
    add_waiting_backorders("BIG-1", 5000, first_number=10001)
    add_waiting_backorders("SMALL-1", 5, first_number=1001)
    for days in range(50):
        po(tea, in_days(days + 1), {"BIG-1": 200})
    po(tea, in_days(3), {"SMALL-1": 10})
    big_id, small_id = product("BIG-1").id, product("SMALL-1").id

    small = count(count_queries, lambda: promises([small_id]))
    big = count(count_queries, lambda: promises([big_id]))
    both = count(count_queries, lambda: promises([small_id, big_id]))
    print(f"\nthe promise: {small} statements for 5 lines and 1 PO line, {big} for 5,000 "
          f"lines and 50 PO lines, {both} for both products")
    assert small == big == both == 3

    # Every unit covered: the last order waits for the 50th PO.
    found = promises([big_id])[big_id]
    assert (found.waiting, found.incoming, found.match.uncovered) == (10000, 10000, 0)
    last = db.session.scalar(select(Order).join(OrderLine).where(OrderLine.product_id == big_id)
                             .order_by(Order.placed_at.desc()).limit(1))
    assert line_dates([last]) == {last.lines[0].id: in_days(50)}


def test_a_receipt_against_a_po_runs_as_many_statements_serving_5000_lines_as_5(
        ctx, count_queries):
    tea = supplier()
    bought_product("BIG-1", tea)
    bought_product("SMALL-1", tea)
    add_waiting_backorders("BIG-1", 5000, first_number=10001)
    add_waiting_backorders("SMALL-1", 5, first_number=1001)
    big_po = po(tea, in_days(1), {"BIG-1": 5000 * UNITS_PER_LINE})
    small_po = po(tea, in_days(1), {"SMALL-1": 5 * UNITS_PER_LINE})

    small = count(count_queries, lambda: receive(small_po, {"SMALL-1": 5 * UNITS_PER_LINE}))
    big = count(count_queries, lambda: receive(big_po, {"BIG-1": 5000 * UNITS_PER_LINE}))
    print(f"\na receipt against a PO: {small} statements serving 5 lines, {big} serving 5,000")
    assert small == big
    assert figures("BIG-1") == (10000, 10000, 0)
    assert_stock_invariants()
    assert_po_invariants()


def test_approving_5000_backorders_runs_as_many_statements_as_approving_5(ctx, count_queries):
    """With `Approve backorders covered by a purchase order` on, a PO change moves every
    backorder it covers or uncovers in the same statements, however many there are."""
    from app.domain.orders import OrderStatus
    from app.services import purchasing
    from app.services.settings import update_settings
    from tests.support.purchasing import line_ids, version
    tea = supplier()
    bought_product("BIG-1", tea)
    bought_product("SMALL-1", tea)
    add_waiting_backorders("BIG-1", 5000, first_number=10001)
    add_waiting_backorders("SMALL-1", 5, first_number=1001)
    update_settings({"approve_covered": True}, user=None)
    big_po = po(tea, in_days(9), {"BIG-1": 5000 * UNITS_PER_LINE}, ordered=False)
    small_po = po(tea, in_days(9), {"SMALL-1": 5 * UNITS_PER_LINE}, ordered=False)

    def statuses() -> dict:
        db.session.rollback()
        return dict(db.session.execute(
            select(Order.status, func.count()).group_by(Order.status)).all())

    def mark_ordered(reference):
        return lambda: purchasing.mark_ordered(reference, version(reference))

    def fewer(reference, sku, units):
        ids = line_ids(reference)
        return lambda: purchasing.save_po(reference, version(reference), in_days(9),
                                          {ids[sku]: units})

    approving = (count(count_queries, mark_ordered(small_po)),
                 count(count_queries, mark_ordered(big_po)))
    assert statuses() == {OrderStatus.BACKORDER_APPROVED: 5005}
    # One unit fewer: the newest backorder of each goes back to New Backorder.
    uncovering = (count(count_queries, fewer(small_po, "SMALL-1", 5 * UNITS_PER_LINE - 1)),
                  count(count_queries, fewer(big_po, "BIG-1", 5000 * UNITS_PER_LINE - 1)))
    assert statuses() == {OrderStatus.BACKORDER_APPROVED: 5003, OrderStatus.NEW_BACKORDER: 2}
    # Cancelled: every backorder of each goes back.
    cancelling = (count(count_queries, lambda: purchasing.cancel_po(small_po, version(small_po))),
                  count(count_queries, lambda: purchasing.cancel_po(big_po, version(big_po))))
    assert statuses() == {OrderStatus.NEW_BACKORDER: 5005}
    print(f"\napproving 5 vs 5,000 backorders: {approving}; uncovering one: {uncovering}; "
          f"uncovering all: {cancelling}")
    assert approving[0] == approving[1]
    assert uncovering[0] == uncovering[1]
    assert cancelling[0] == cancelling[1]
    assert_stock_invariants()
    assert_po_invariants()
