"""`Approve backorders covered by a purchase order`, and the date of a product's first
incoming unit not yet promised, kept in the transaction of each change."""
import pytest
from sqlalchemy import select

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import OrderEvent
from app.services import purchasing
from app.services.inventory import receive_stock
from app.services.settings import update_settings

from tests.support.purchasing import (assert_po_invariants, assert_promise_invariants,
                                      bought_product, in_days, line_ids, po, receive, supplier,
                                      version)
from tests.support.services import (assert_stock_invariants, fresh, move, order, place,
                                    product, save)

NEW_BACKORDER, APPROVED = OrderStatus.NEW_BACKORDER, OrderStatus.BACKORDER_APPROVED


@pytest.fixture
def tea(ctx, shop):
    """A supplier, two products bought from it (none on hand, backorders allowed), and the
    setting on."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True, approve_covered=True)
    supplier_id = supplier()
    bought_product("TEA-1", supplier_id)
    bought_product("POT-1", supplier_id)
    return supplier_id


def status_of(reference: str) -> OrderStatus:
    fresh()
    return order(reference).status


def timeline(reference: str) -> list[str]:
    fresh()
    return list(db.session.scalars(select(OrderEvent.message).where(
        OrderEvent.order_id == order(reference).id, OrderEvent.kind == "status")
        .order_by(OrderEvent.id)))


def save_po(reference: str, *, expected=None, units: dict[str, int] | None = None) -> None:
    found = purchasing.find_po(reference)
    ids = line_ids(reference)
    purchasing.save_po(reference, version(reference), expected or found.expected_date,
                       {ids[sku]: n for sku, n in (units or {}).items()})


def test_a_po_ordered_for_every_waiting_unit_approves_the_backorder_on_its_timeline(tea):
    waiting = place({"TEA-1": 3}).backorder.reference
    assert status_of(waiting) is NEW_BACKORDER
    reference = po(tea, in_days(10), {"TEA-1": 2})  # one unit short: stays
    assert status_of(waiting) is NEW_BACKORDER
    second = po(tea, in_days(12), {"TEA-1": 1})
    assert status_of(waiting) is APPROVED
    assert timeline(waiting) == [f"Backorder Approved: covered by {reference}, {second}"]
    assert_stock_invariants()


def test_a_draft_po_covers_nothing_until_it_is_marked_as_ordered(tea):
    waiting = place({"TEA-1": 2}).backorder.reference
    draft = po(tea, in_days(10), {"TEA-1": 2}, ordered=False)
    assert status_of(waiting) is NEW_BACKORDER
    purchasing.mark_ordered(draft, version(draft))
    assert status_of(waiting) is APPROVED


def test_every_line_of_a_backorder_must_be_covered(tea):
    waiting = place({"TEA-1": 1, "POT-1": 1}).backorder.reference
    po(tea, in_days(10), {"TEA-1": 1})
    assert status_of(waiting) is NEW_BACKORDER
    po(tea, in_days(10), {"POT-1": 1})
    assert status_of(waiting) is APPROVED


def test_a_backorder_placed_when_a_po_covers_it_is_approved_at_checkout(tea):
    po(tea, in_days(10), {"TEA-1": 5})
    placed = place({"TEA-1": 2})
    assert placed.backorder.status is APPROVED  # in the same transaction as the checkout
    assert status_of(placed.backorder.reference) is APPROVED


@pytest.mark.parametrize("change", ["fewer units", "cancel", "close short"])
def test_a_po_change_that_uncovers_it_moves_it_back_to_new_backorder(tea, change):
    waiting = place({"TEA-1": 2}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 2})
    assert status_of(waiting) is APPROVED
    if change == "fewer units":
        save_po(reference, units={"TEA-1": 1})
    elif change == "cancel":
        purchasing.cancel_po(reference, version(reference))
    else:
        receive(reference, {"TEA-1": 1}, close_short=True)
    assert status_of(waiting) is NEW_BACKORDER
    assert timeline(waiting)[-1] == ("New Backorder: the purchase orders no longer cover "
                                     "every waiting unit")
    assert_stock_invariants()
    assert_po_invariants()
    assert_promise_invariants()


def test_a_later_date_does_not_uncover_it(tea):
    waiting = place({"TEA-1": 2}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 2})
    save_po(reference, expected=in_days(40))
    assert status_of(waiting) is APPROVED


def test_an_older_order_taking_the_units_uncovers_the_newer_one_and_giving_them_back_covers_it(
        tea):
    receive_stock("TEA-1", 1, "DEL-1", user=None)
    older = place({"TEA-1": 1}).order.reference  # in stock: New, nothing waits
    newer = place({"TEA-1": 2}).backorder.reference
    po(tea, in_days(10), {"TEA-1": 2})
    assert status_of(newer) is APPROVED
    save(older, qty={"TEA-1": 2})  # its second unit waits, ahead of the newer order
    assert status_of(newer) is NEW_BACKORDER
    save(older, status=OrderStatus.CANCELLED)  # and gives it back
    assert status_of(newer) is APPROVED
    assert_stock_invariants()


def test_a_receipt_that_serves_it_in_part_keeps_it_approved(tea):
    waiting = place({"TEA-1": 3}).backorder.reference
    reference = po(tea, in_days(10), {"TEA-1": 3})
    receive(reference, {"TEA-1": 1})
    assert status_of(waiting) is APPROVED
    assert_stock_invariants()


def test_a_backorder_staff_approved_stays_when_no_po_covers_it(tea):
    waiting = place({"TEA-1": 2}).backorder.reference
    move(waiting, APPROVED)
    reference = po(tea, in_days(10), {"TEA-1": 1})
    purchasing.cancel_po(reference, version(reference))
    assert status_of(waiting) is APPROVED


def test_with_the_setting_off_nothing_moves_and_turning_it_on_applies_it_to_what_waits(
        ctx, shop):
    shop.settings(out_of_stock_checkout=True, create_backorder=True)
    tea = supplier()
    bought_product("TEA-1", tea)
    waiting = place({"TEA-1": 2}).backorder.reference
    po(tea, in_days(10), {"TEA-1": 2})
    assert status_of(waiting) is NEW_BACKORDER
    update_settings({"approve_covered": True}, user=None)
    assert status_of(waiting) is APPROVED


def test_an_order_page_opened_before_the_move_is_stale(tea):
    waiting = place({"TEA-1": 2}).backorder.reference
    opened = order(waiting).version
    po(tea, in_days(10), {"TEA-1": 2})
    fresh()
    assert order(waiting).version == opened + 1


# The date a unit bought now would arrive

def incoming_date(sku: str):
    fresh()
    return product(sku).incoming_date


def test_the_incoming_date_is_the_first_po_unit_no_waiting_line_is_promised(tea):
    first = po(tea, in_days(10), {"TEA-1": 2})
    po(tea, in_days(20), {"TEA-1": 5})
    assert incoming_date("TEA-1") == in_days(10)
    place({"TEA-1": 2})  # takes the first PO's units
    assert incoming_date("TEA-1") == in_days(20)
    save_po(first, expected=in_days(30))  # now the waiting units take the second PO's
    assert incoming_date("TEA-1") == in_days(20)
    place({"TEA-1": 3})  # and these the rest of it
    assert incoming_date("TEA-1") == in_days(30)
    purchasing.cancel_po(first, version(first))
    assert incoming_date("TEA-1") is None


def test_a_product_with_every_incoming_unit_promised_has_no_incoming_date(tea):
    reference = po(tea, in_days(10), {"TEA-1": 2})
    place({"TEA-1": 2})
    assert incoming_date("TEA-1") is None
    save_po(reference, units={"TEA-1": 3})
    assert incoming_date("TEA-1") == in_days(10)
    receive(reference, {"TEA-1": 3})
    assert incoming_date("TEA-1") is None
    assert_po_invariants()
