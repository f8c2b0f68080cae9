"""Purchase orders through the services: ordering, receiving against them, the promise."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.promise import PoStatus, PurchaseOrderRefused
from app.extensions import db
from app.models import OutboxEmail
from app.services import purchasing
from app.services.promises import line_dates, promises

from tests.support.purchasing import (TODAY, assert_po_invariants, bought_product, in_days,
                                      line_ids, po, receive, status, supplier, version)
from tests.support.rows import changes, snapshot
from tests.support.services import (assert_stock_invariants, figures, fresh, lines, order,
                                    place, product)


@pytest.fixture
def tea(ctx, shop):
    """A supplier and a product bought from it, with backorders allowed and none on hand."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=True)
    supplier_id = supplier()
    bought_product("TEA-1", supplier_id)
    return supplier_id


def dates_of(reference: str) -> list:
    found = order(reference)
    dates = line_dates([found])
    return [dates.get(line.id) for line in found.lines]


def test_a_po_covering_waiting_units_promises_each_line_its_expected_date(tea):
    first = place({"TEA-1": 2}).backorder.reference
    second = place({"TEA-1": 3}).backorder.reference
    po(tea, in_days(10), {"TEA-1": 2})
    po(tea, in_days(20), {"TEA-1": 3})
    assert dates_of(first) == [in_days(10)]
    assert dates_of(second) == [in_days(20)]


def test_units_no_ordered_po_covers_are_promised_the_date_of_arrival_or_nothing(tea):
    waiting = place({"TEA-1": 3}).backorder.reference
    po(tea, in_days(10), {"TEA-1": 2})
    po(tea, in_days(5), {"TEA-1": 5}, ordered=False)  # a Draft is not on its way
    assert dates_of(waiting) == [None]
    product("TEA-1").arrival_date = in_days(30)
    db.session.commit()
    assert dates_of(waiting) == [in_days(30)]


def test_receiving_against_a_po_serves_waiting_orders_oldest_first_and_moves_the_po(tea):
    first = place({"TEA-1": 2}).backorder.reference
    second = place({"TEA-1": 2}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 4})

    receive(reference, {"TEA-1": 3})
    assert status(reference) is PoStatus.PARTLY_RECEIVED
    assert [lines(first), lines(second)] == [[("TEA-1", 2, 2)], [("TEA-1", 2, 1)]]
    assert figures("TEA-1") == (3, 3, 1)

    receive(reference, {"TEA-1": 1})
    assert status(reference) is PoStatus.RECEIVED
    assert figures("TEA-1") == (4, 4, 0)
    assert_stock_invariants()
    assert_po_invariants()


def test_a_short_receipt_closed_is_received_and_the_rest_is_no_longer_incoming(tea):
    waiting = place({"TEA-1": 3}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 3})
    receive(reference, {"TEA-1": 1}, close_short=True)
    assert status(reference) is PoStatus.RECEIVED
    assert dates_of(waiting) == [None]
    assert promises([product("TEA-1").id])[product("TEA-1").id].incoming == 0
    assert_stock_invariants()
    assert_po_invariants()


def test_mark_as_ordered_emails_the_supplier_the_lines(tea):
    reference = po(tea, in_days(10), {"TEA-1": 6})
    fresh()
    email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.order_id.is_(None))).one()
    assert email.to == "orders@teaco.example"
    assert email.subject == f"Purchase order {reference}"
    assert "6 x S-TEA-1 (Product TEA-1) at $4.00" in email.body


def test_a_cancelled_po_promises_nothing_and_cannot_be_received(tea):
    waiting = place({"TEA-1": 2}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 2})
    purchasing.cancel_po(reference, version(reference))
    assert dates_of(waiting) == [None]
    before = snapshot()
    with pytest.raises(PurchaseOrderRefused, match="Nothing can be received on a Cancelled"):
        receive(reference, {"TEA-1": 1})
    assert changes(before, snapshot()) == {}


def test_staff_change_the_date_and_quantities_of_an_ordered_po_and_the_promise_follows(tea):
    waiting = place({"TEA-1": 2}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 2})
    purchasing.save_po(reference, version(reference), in_days(15),
                       {line_ids(reference)["TEA-1"]: 5})
    assert dates_of(waiting) == [in_days(15)]
    purchasing.save_po(reference, version(reference), in_days(15),
                       {line_ids(reference)["TEA-1"]: 1})
    assert dates_of(waiting) == [None]


REFUSALS = [
    pytest.param(lambda ref: receive(ref, {"TEA-1": 5}),
                 "Only 4 of TEA-1 are still to come", id="more than is to come"),
    pytest.param(lambda ref: purchasing.save_po(ref, version(ref), in_days(10),
                                                {line_ids(ref)["TEA-1"]: 1}),
                 "2 of TEA-1 were received: the quantity cannot be less", id="below received"),
    pytest.param(lambda ref: purchasing.save_po(ref, version(ref) - 1, in_days(10), {}),
                 "This purchase order changed since you opened it", id="a stale form"),
    pytest.param(lambda ref: purchasing.add_line(ref, version(ref), "TEA-1", 1, Decimal("1")),
                 "Lines are added while the purchase order is a Draft", id="a line once ordered"),
    pytest.param(lambda ref: purchasing.cancel_po(ref, version(ref)),
                 "A Partly received purchase order cannot be cancelled", id="cancel after receipt"),
    pytest.param(lambda ref: purchasing.mark_ordered(ref, version(ref)),
                 "This purchase order is already Partly received", id="ordered twice"),
]


@pytest.mark.parametrize("change, message", REFUSALS)
def test_a_refused_po_change_says_why_and_changes_nothing(tea, change, message):
    reference = po(tea, in_days(10), {"TEA-1": 6})
    receive(reference, {"TEA-1": 2})
    before = snapshot()
    with pytest.raises(DomainError, match=message):
        change(reference)
    assert changes(before, snapshot()) == {}


def test_a_po_holds_only_its_suppliers_products(tea):
    other = supplier("Cup Co", "cups@example.com")
    bought_product("CUP-1", other)
    reference = po(tea, in_days(10), {"TEA-1": 1}, ordered=False)
    before = snapshot()
    with pytest.raises(PurchaseOrderRefused, match="CUP-1 is not bought from Tea Co") as refused:
        purchasing.add_line(reference, version(reference), "CUP-1", 1, Decimal("1.00"))
    assert refused.value.field == "sku"
    with pytest.raises(PurchaseOrderRefused, match="There is no product NOPE-1"):
        purchasing.add_line(reference, version(reference), "NOPE-1", 1, Decimal("1.00"))
    assert changes(before, snapshot()) == {}


def test_a_new_po_may_not_be_expected_in_the_past(tea):
    before = snapshot()
    with pytest.raises(PurchaseOrderRefused, match="Enter today's date or a later one"):
        purchasing.create_po(tea, in_days(-1), TODAY)
    assert changes(before, snapshot()) == {}


def delayed_emails() -> list[OutboxEmail]:
    fresh()
    return list(db.session.scalars(select(OutboxEmail).where(
        OutboxEmail.subject.like("%delayed%")).order_by(OutboxEmail.id)))


def test_a_later_date_emails_each_shopper_whose_date_moved_once_with_the_old_and_new_dates(tea):
    first = place({"TEA-1": 2}, "first@example.com").backorder.reference
    place({"TEA-1": 2}, "second@example.com")
    early = po(tea, in_days(10), {"TEA-1": 2})
    po(tea, in_days(12), {"TEA-1": 2})
    purchasing.save_po(early, version(early), in_days(20), {})
    emails = delayed_emails()
    # The first order now waits for PO1002 (12 days), the second for PO1001 (20 days).
    assert [e.to for e in emails] == ["first@example.com", "second@example.com"]
    assert f"We expected them {in_days(10):%d %b %Y}; we now expect them {in_days(12):%d %b %Y}" \
        in emails[0].body
    assert "keep waiting or cancel" not in emails[0].body
    assert not order(first).awaiting_answer
    purchasing.save_po(early, version(early), in_days(5), {})  # earlier: nobody is told
    assert len(delayed_emails()) == 2


@pytest.mark.parametrize("change", ["cancel", "fewer units", "close short"])
def test_a_cancelled_po_fewer_units_or_a_closed_receipt_is_a_slip_too(tea, change):
    place({"TEA-1": 2}, "first@example.com")
    reference = po(tea, in_days(10), {"TEA-1": 4})
    if change == "cancel":
        purchasing.cancel_po(reference, version(reference))
    elif change == "fewer units":
        purchasing.save_po(reference, version(reference), in_days(10),
                           {line_ids(reference)["TEA-1"]: 1})
    else:
        receive(reference, {"TEA-1": 1}, close_short=True)
    assert "we now expect them on a date still to be confirmed" in delayed_emails()[0].body


def test_no_dates_shown_means_no_delay_emails(tea, shop):
    shop.settings(show_arrival_date=False)
    place({"TEA-1": 2})
    reference = po(tea, in_days(10), {"TEA-1": 2})
    purchasing.save_po(reference, version(reference), in_days(20), {})
    assert delayed_emails() == []


@pytest.mark.parametrize("keep", [True, False], ids=["keep waiting", "cancel waiting items"])
def test_asked_shoppers_keep_waiting_or_cancel_only_the_waiting_units(tea, shop, keep):
    from app.domain.orders import OrderStatus
    from app.services.orders import answer_delay
    from app.services.inventory import receive_stock
    shop.settings(ask_delay_confirmation=True, create_backorder=False)
    receive_stock("TEA-1", 1, "DEL-0", None)
    waiting = place({"TEA-1": 3}).order.reference  # 1 allocated, 2 waiting, no split
    reference = po(tea, in_days(10), {"TEA-1": 2})
    purchasing.save_po(reference, version(reference), in_days(20), {})
    assert "keep waiting or cancel the items still waiting" in delayed_emails()[0].body
    assert order(waiting).awaiting_answer
    answer_delay(order(waiting).id, keep_waiting=keep)
    found = order(waiting)
    assert not found.awaiting_answer
    assert lines(waiting) == ([("TEA-1", 3, 1)] if keep else [("TEA-1", 1, 1)])
    assert found.status is OrderStatus.NEW
    assert found.total == (Decimal("30.00") if keep else Decimal("10.00"))
    assert figures("TEA-1") == ((1, 1, 2) if keep else (1, 1, 0))
    messages = [e.message for e in found.events if e.kind == "answer"]
    assert messages == ["Shopper chose to keep waiting" if keep
                        else "Shopper chose to cancel the waiting items"]
    with pytest.raises(DomainError, match="This order is not waiting for your answer"):
        answer_delay(found.id, keep_waiting=True)
    assert_stock_invariants()


def test_a_backorder_of_waiting_units_only_is_cancelled_when_the_shopper_will_not_wait(tea, shop):
    from app.domain.orders import OrderStatus
    from app.services.orders import answer_delay
    shop.settings(ask_delay_confirmation=True)
    backorder = place({"TEA-1": 2}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 2})
    purchasing.cancel_po(reference, version(reference))
    answer_delay(order(backorder).id, keep_waiting=False)
    assert order(backorder).status is OrderStatus.CANCELLED
    assert figures("TEA-1") == (0, 0, 0)
    assert_stock_invariants()
