"""Staff work on orders: save (quantities, BKO, status), payments, release, customer details."""
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.domain.errors import DomainError, InvalidQuantity, OrderNotEditable, StaleOrder
from app.domain.orders import (BACKORDER_STATUSES, NOT_EDITABLE, SPLITTABLE_STATUSES,
                               OrderStatus, backorder_refusal, check_line_quantity, check_move,
                               check_total_covers_payment, dispatch_refusal)
from app.domain.payments import check_payment
from app.extensions import db
from app.models import Order, OrderLine, Payment, Product, User
from app.services import (approvals, cards, ledger, notifications, release_charges,
                          transaction)
from app.services.backorders import split_order
from app.services.inventory import charge_when_complete, serve_arrivals
from app.services.records import lock_products, log_event, payment_message, status_message
from app.services.settings import get_settings


class OrderNotFound(DomainError):
    pass


def claim(order_id: int, version: int) -> Order:
    """Take the order for this change, or raise StaleOrder if it changed since `version`.

    One conditional UPDATE: it bumps the version and, on PostgreSQL, holds the
    order's row lock until the transaction ends, so the same form posted twice
    saves once. The order's stock rows are locked first, in the order a
    receipt takes them (products, then lines, then orders), so the two never deadlock.
    """
    lock_products(db.session.scalars(
        select(OrderLine.product_id).where(OrderLine.order_id == order_id)))
    bumped = db.session.execute(
        update(Order).where(Order.id == order_id, Order.version == version)
        .values(version=Order.version + 1).execution_options(synchronize_session=False))
    if bumped.rowcount != 1:
        if db.session.get(Order, order_id) is None:
            raise OrderNotFound("There is no such order")
        raise StaleOrder()
    return db.session.scalars(
        select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
        .execution_options(populate_existing=True)).one()


def claimed_products(order: Order) -> dict[int, Product]:
    """The stock rows claim() locked and loaded for this order: from the session, no query."""
    return {line.product_id: db.session.get(Product, line.product_id) for line in order.lines}


def save_order(order_id: int, version: int, *, status: OrderStatus,
               quantities: Mapping[int, int], bko: Mapping[int, int],
               user: User | None, dispatch_with_due: bool = False) -> Order | None:
    """Save the order page: new quantities (0 removes a line), the BKO split, then the status.

    Moving to Dispatched with money still due needs `dispatch_with_due`: the page asks
    staff to confirm. Returns the backorder the split made, if any.
    """
    with transaction():
        order = claim(order_id, version)
        settings = get_settings()
        current = {line.id: line.quantity for line in order.lines}
        changed = {line_id: qty for line_id, qty in quantities.items()
                   if current.get(line_id) != qty}
        wants_bko = any(bko.values())
        if wants_bko:
            refusal = backorder_refusal(order.status, settings.create_backorder)
            if refusal is not None:
                raise refusal
        if changed and order.status not in SPLITTABLE_STATUSES:
            raise OrderNotEditable(NOT_EDITABLE, field="quantity")
        if changed:
            _change_quantities(order, changed, user)
        backorder = split_order(order, bko, settings, user) if wants_bko else None
        if backorder is order:  # the whole order became the backorder
            return order
        if changed or wants_bko:
            charge_when_complete(order)
        if status != order.status:
            refusal = dispatch_refusal(status, order.payment_required, dispatch_with_due)
            if refusal is not None:
                raise refusal
            _move(order, status, user)
        return backorder


def change_status(order_id: int, version: int, status: OrderStatus, user: User | None) -> None:
    with transaction():
        _move(claim(order_id, version), status, user)


def mark_as_new(order_id: int, version: int, user: User | None) -> None:
    """Release a backorder to New (its lines must all be allocated)."""
    with transaction():
        order = claim(order_id, version)
        if order.status not in BACKORDER_STATUSES:
            raise OrderNotEditable("Only a backorder can be marked as New")
        _move(order, OrderStatus.NEW, user)


def record_payment(order_id: int, version: int, amount: Decimal, method: str,
                   reference: str, user: User | None) -> Payment:
    with transaction():
        order = claim(order_id, version)
        if order.status is OrderStatus.CANCELLED:
            raise OrderNotEditable("A cancelled order takes no payment")
        check_payment(amount, order.payment_required)
        payment = Payment(order=order, amount=amount, method=method, reference=reference,
                          user_id=user.id if user else None)
        order.amount_paid += amount
        db.session.add(payment)
        log_event(order, "payment", payment_message(amount, method), user)
    return payment


def update_customer(order_id: int, version: int, *, name: str, email: str, address: str,
                    user: User | None) -> list[str]:
    """Correct the customer's name, email or address on an order; returns what changed."""
    with transaction():
        order = claim(order_id, version)
        changes = {"Name": (order.customer_name, name), "Email": (order.email, email),
                   "Address": (order.address, address)}
        changed = [label for label, (old, new) in changes.items() if old != new]
        order.customer_name, order.email, order.address = name, email, address
        if changed:
            log_event(order, "edited", f"Customer details changed: {', '.join(changed)}", user)
    return changed


def _move(order: Order, status: OrderStatus, user: User | None) -> None:
    """Move an order to `status`, doing what the move means for stock and the shopper."""
    old = order.status
    fully_allocated = all(line.allocated == line.quantity for line in order.lines)
    check_move(old, status, fully_allocated, has_units=order.has_units)
    # The new status first: released stock must not flow back to this order.
    order.status = status
    order.approved_by_po = False  # staff moved it: the purchase orders no longer do
    if status is OrderStatus.CANCELLED:
        _release_stock(order, user)
        # What the cards paid for this order goes back to them (a job, after commit).
        cards.refund_units(order, f"cancel-{order.id}-{order.version}", user)
    elif status is OrderStatus.DISPATCHED:
        _ship_stock(order, user)
    log_event(order, "status", status_message(old, status), user)
    if status is OrderStatus.NEW and old in BACKORDER_STATUSES:
        notifications.queue(order, "backorder_released")
        release_charges.charge_when_released(order)
    elif status is OrderStatus.DISPATCHED:
        notifications.queue(order, "order_dispatched")
    elif status is OrderStatus.CANCELLED:
        notifications.queue(order, "order_cancelled")


def _release_stock(order: Order, user: User | None) -> None:
    """Cancelling gives back committed units: they arrive for waiting orders, as a receipt would."""
    user_id = user.id if user else None
    products = claimed_products(order)
    for line in order.lines:
        product = products[line.product_id]
        product.committed -= line.allocated
        product.waiting -= line.unallocated
        if line.unallocated:
            approvals.note([product])
        ledger.record(product.id, "cancel", committed=-line.allocated,
                      waiting=-line.unallocated, order_id=order.id, user_id=user_id)
        line.allocated = 0
    db.session.flush()
    for product in products.values():
        serve_arrivals(product, f"released by {order.reference}", user)


def _ship_stock(order: Order, user: User | None) -> None:
    """Dispatch lowers both on hand and committed."""
    products = claimed_products(order)
    for line in order.lines:
        product = products[line.product_id]
        product.on_hand -= line.allocated
        product.committed -= line.allocated
        ledger.record(product.id, "dispatch", on_hand=-line.allocated,
                      committed=-line.allocated, order_id=order.id,
                      user_id=user.id if user else None)


def _change_quantities(order: Order, quantities: Mapping[int, int], user: User | None) -> None:
    """Staff change a line's Qty: fewer units give stock back, more take what is available.

    Qty 0 removes the line. Units given back arrive for waiting orders, as a receipt would.
    """
    user_id = user.id if user else None
    by_id = {line.id: line for line in order.lines}
    if any(line_id not in by_id for line_id in quantities):
        raise InvalidQuantity("That line is not on this order")
    lines_left = sum(1 for line in order.lines if quantities.get(line.id, line.quantity) > 0)
    for line_id, qty in quantities.items():
        line = by_id[line_id]
        check_line_quantity(line.as_line(), qty, lines_left)
    products = claimed_products(order)
    for line_id, qty in quantities.items():
        line = by_id[line_id]
        product = products[line.product_id]
        allocated = min(line.allocated, qty) + max(0, min(qty - line.quantity, product.available))
        committed = allocated - line.allocated
        waiting = (qty - allocated) - line.unallocated
        product.committed += committed
        product.waiting += waiting
        if waiting:
            approvals.note([product])
        ledger.record(product.id, "quantity change", committed=committed, waiting=waiting,
                      order_id=order.id, user_id=user_id)
        if qty:
            log_event(order, "edited",
                      f"Qty for {line.sku} changed from {line.quantity} to {qty}", user)
            line.quantity, line.allocated = qty, allocated
        else:
            log_event(order, "edited", f"Line {line.sku} removed (Qty was {line.quantity})", user)
            order.lines.remove(line)
    order.total = sum((line.subtotal for line in order.lines), Decimal("0.00"))
    # What the cards paid for the units taken off goes back to them (a job, after commit);
    # what was paid otherwise must still be covered by what the order keeps.
    cards.refund_units(order, f"units-{order.id}-{order.version}", user)
    check_total_covers_payment(order.total, order.amount_paid)
    db.session.flush()
    for product in products.values():
        serve_arrivals(product, f"released by {order.reference}", user)


def answer_delay(order_id: int, keep_waiting: bool) -> None:
    """The shopper's answer when asked about a delay: keep waiting, or take the units still
    waiting off the order (an order of waiting units only is cancelled). On the timeline."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None or not order.awaiting_answer:
            raise OrderNotEditable("This order is not waiting for your answer")
        order = claim(order.id, order.version)
        order.awaiting_answer = False
        if keep_waiting:
            log_event(order, "answer", "Shopper chose to keep waiting")
            return
        log_event(order, "answer", "Shopper chose to cancel the waiting items")
        if all(line.allocated == 0 for line in order.lines):
            _move(order, OrderStatus.CANCELLED, None)
        else:
            _change_quantities(order, {line.id: line.allocated for line in order.lines
                                       if line.unallocated}, None)

