"""Splitting an order into what ships now and a linked backorder."""
from collections.abc import Mapping
from decimal import Decimal

from app.domain.orders import Line, OrderStatus, plan_split
from app.extensions import db
from app.models import Order, OrderLine, Payment, StoreSettings, User
from app.models.orders import CREDIT
from app.services import approvals, notifications
from app.services.records import (log_event, moved_units, next_order_number, next_suffix,
                                  reference, split_messages)
from app.services.settings import split_rules


def split_order(order: Order, bko: Mapping[int, int], settings: StoreSettings,
                user: User | None = None, *, notify: bool = True) -> Order | None:
    """Move the units on backorder (per line id) into a new backorder.

    Runs inside the caller's transaction; `notify` emails the shopper about it. Returns the backorder: a new order, the
    order itself when it is backordered whole, or None when nothing was on BKO.
    """
    plan = plan_split([line.as_line() for line in order.lines], bko, order.amount_paid,
                      split_rules(settings))
    if plan is None:
        return None
    # A backorder of waiting units may be one the purchase orders cover.
    approvals.note(line.product_id for line in order.lines if line.unallocated)
    if plan.order_becomes_backorder:
        order.status = OrderStatus.NEW_BACKORDER
        log_event(order, "split", "Every item is on backorder: the order is now a backorder", user)
        if notify:
            notifications.queue(order, _backorder_email(plan.parent))
        return order

    if settings.backorder_suffix:
        number, suffix = order.number, next_suffix(order)
    else:
        number, suffix = next_order_number(), None
    # It keeps the parent's place in the queue for stock: FIFO goes by placed_at.
    backorder = Order(
        prefix=order.prefix, number=number, suffix=suffix,
        reference=reference(order.prefix, number, suffix), status=OrderStatus.NEW_BACKORDER,
        parent=order, customer_name=order.customer_name, email=order.email,
        address=order.address, payment_method=order.payment_method,
        placed_at=order.placed_at, total=plan.backorder_total,
        amount_paid=plan.backorder_paid, stripe_customer=order.stripe_customer,
        stripe_payment_method=order.stripe_payment_method)
    db.session.add(backorder)

    by_id = {line.id: line for line in order.lines}
    for part in plan.backorder:
        source = by_id[part.id]
        backorder.lines.append(OrderLine(
            product_id=source.product_id, sku=source.sku, name=source.name,
            unit_price=source.unit_price, quantity=part.quantity, allocated=part.allocated))
    kept = {part.id: part for part in plan.parent}
    for line in list(order.lines):
        if line.id in kept:
            line.quantity, line.allocated = kept[line.id].quantity, kept[line.id].allocated
        else:
            order.lines.remove(line)
    order.total = plan.parent_total
    if plan.backorder_paid:
        _carry_payment(order, backorder, plan.backorder_paid, user)

    on_parent, on_backorder = split_messages(
        order.reference, backorder.reference,
        moved_units((part.quantity, part.sku) for part in plan.backorder))
    log_event(order, "split", on_parent, user)
    log_event(backorder, "split", on_backorder, user)
    if notify:
        notifications.queue(backorder, _backorder_email(plan.backorder))
    return backorder


def _backorder_email(moved: tuple[Line, ...]) -> str:
    """Which email tells the shopper: units waiting for stock, or units in stock held back.

    Staff put allocated units on backorder when the shopper asked to wait: telling
    them the items wait for stock would be untrue.
    """
    held = all(line.allocated == line.quantity for line in moved)
    return "backorder_held" if held else "backorder_created"


def _carry_payment(parent: Order, backorder: Order, amount: Decimal, user: User | None) -> None:
    """Payment above the parent's new total credits the backorder; money is conserved."""
    parent.amount_paid -= amount
    user_id = user.id if user else None
    db.session.add_all([
        Payment(order=parent, amount=-amount, method=CREDIT,
                reference=f"Moved to {backorder.reference}", user_id=user_id),
        Payment(order=backorder, amount=amount, method=CREDIT,
                reference=f"Moved from {parent.reference}", user_id=user_id),
    ])
