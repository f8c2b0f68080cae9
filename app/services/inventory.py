"""Stock that arrives, and corrections to what is on hand."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (Integer, String, and_, bindparam, cast, func, insert, literal, or_,
                        select, update)
from sqlalchemy.orm import selectinload

from app.domain.checkout import DeliveryChoice
from app.domain.errors import DomainError, StockAdjustmentRefused
from app.domain.orders import BACKORDER_STATUSES, OPEN_STATUSES, OrderStatus
from app.domain.stock import WaitingLine, allocate_fifo, check_on_hand_room
from app.extensions import db
from app.models import Order, OrderEvent, OrderLine, Product, StockMovement, User
from app.models.types import UTCDateTime, utcnow
from app.services import approvals, ledger, notifications, release_charges, transaction
from app.services.records import claim_submission, lock_products
from app.services.settings import get_settings


class UnknownSku(DomainError):
    field = "sku"


def _locked_product(sku: str) -> Product:
    product_id = db.session.scalar(select(Product.id).where(Product.sku == sku))
    if product_id is None:
        raise UnknownSku(f"There is no product {sku}")
    return lock_products([product_id])[product_id]


def receive_stock(sku: str, quantity: int, reference: str, user: User | None,
                  once: str | None = None) -> list[Order]:
    """Raise on hand and, in the same transaction, serve waiting orders oldest first.

    Returns the backorders that this receipt made ready (every line allocated).
    """
    if quantity <= 0:
        raise StockAdjustmentRefused("Receive at least 1 unit")
    with transaction():
        claim_submission(once)
        return receive(_locked_product(sku), quantity, reference, user)


def adjust_stock(sku: str, delta: int, reason: str, user: User | None,
                 once: str | None = None) -> list[Order]:
    """Correct on hand (a count, damage); never below what is committed to orders.

    Returns the backorders that units added made ready, as receive_stock does.
    """
    with transaction():
        claim_submission(once)
        return adjust(_locked_product(sku), delta, reason, user)


def receive(product: Product, quantity: int, reference: str, user: User | None,
            reason: str = "receipt", note: str = "") -> list[Order]:
    """receive_stock inside the caller's transaction, with the product locked.

    `note` is the reason staff gave, for an adjustment; a receipt has a reference.
    """
    check_on_hand_room(product.on_hand, quantity)
    user_id = user.id if user else None
    product.on_hand += quantity
    ledger.record(product.id, reason, on_hand=quantity, reference=reference, note=note,
                  user_id=user_id)
    return serve_arrivals(product, reference, user, note=note)


def serve_arrivals(product: Product, reference: str, user: User | None,
                   note: str = "") -> list[Order]:
    """Give units that became available to waiting orders, and release what they complete.

    Units arrive by a receipt or an adjustment, or are freed by an order (cancelled,
    a lower Qty): all are stock arriving for the waiting orders, under one rule.
    Call with the product locked. Returns the backorders made ready.
    """
    served = serve_waiting(product, reference, user.id if user else None, note=note)
    return _backorders_made_ready(served, get_settings().auto_release, user)


def serve_arrivals_many(product_ids: list[int], user: User | None,
                        note: str = "") -> list[Order]:
    """serve_arrivals for many products at once (a product import that raised their on
    hand): the same FIFO rule per product, in a fixed number of statements however many
    products and lines it serves. Call with the products locked. Returns the backorders
    made ready (and released, with the setting on), as serve_arrivals does.
    """
    if not product_ids:
        return []
    products = {p.id: p for p in db.session.scalars(
        select(Product).where(Product.id.in_(product_ids), Product.waiting > 0,
                              Product.on_hand > Product.committed)
        .execution_options(populate_existing=True))}
    if not products:
        return []
    waiting: dict[int, list[WaitingLine]] = {}
    for product_id, line_id, order_id, placed_at, quantity, allocated in db.session.execute(
            select(OrderLine.product_id, OrderLine.id, OrderLine.order_id, Order.placed_at,
                   OrderLine.quantity, OrderLine.allocated)
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.product_id.in_(list(products)),
                   OrderLine.allocated < OrderLine.quantity, Order.status.in_(OPEN_STATUSES))
            .order_by(Order.placed_at, OrderLine.id)):
        waiting.setdefault(product_id, []).append(
            WaitingLine(line_id, order_id, placed_at, quantity - allocated))
    user_id = user.id if user else None
    filled, partial, served = [], [], set()
    for product_id, lines in waiting.items():
        product = products[product_id]
        need = {line.line_id: line.unallocated for line in lines}
        allocations = allocate_fifo(product.available, lines)
        for allocation in allocations:
            if allocation.units == need[allocation.line_id]:
                filled.append(allocation.line_id)
            else:
                partial.append((product, allocation))
            served.add(allocation.order_id)
        units = sum(a.units for a in allocations)
        product.committed += units
        product.waiting -= units
    if filled:
        _record_fills(filled, note, user_id)
    if partial:
        db.session.execute(
            update(OrderLine.__table__).where(OrderLine.__table__.c.id == bindparam("line"))
            .values(allocated=OrderLine.__table__.c.allocated + bindparam("units")),
            [{"line": a.line_id, "units": a.units} for _, a in partial])
        ledger.record_many([ledger.movement(product.id, "allocate", committed=a.units,
                                            waiting=-a.units, order_id=a.order_id,
                                            user_id=user_id, note=note)
                            for product, a in partial])
        db.session.execute(insert(OrderEvent), [
            {"order_id": a.order_id, "kind": "allocated", "user_id": user_id,
             "message": f"{a.units} x {product.sku} allocated ({note})"}
            for product, a in partial])
    return _backorders_made_ready(sorted(served), get_settings().auto_release, user)


def _record_fills(line_ids: list[int], note: str, user_id: int | None,
                  reference: str = "") -> None:
    """Allocate the lines filled whole, of one product or many: ledger, timeline and lines
    in three statements (the timeline says each line's SKU, and the reference if any)."""
    filled = OrderLine.id.in_(line_ids)
    units = OrderLine.quantity - OrderLine.allocated
    db.session.execute(insert(StockMovement).from_select(
        ["product_id", "reason", "on_hand_delta", "committed_delta", "waiting_delta",
         "reference", "note", "order_id", "user_id", "created_at"],
        select(OrderLine.product_id, literal("allocate"), literal(0), units, -units,
               literal(reference), literal(note), OrderLine.order_id, literal(user_id, Integer),
               literal(utcnow(), UTCDateTime())).where(filled)))
    db.session.execute(insert(OrderEvent).from_select(
        ["order_id", "kind", "message", "user_id", "created_at"],
        select(OrderLine.order_id, literal("allocated"),
               cast(func.sum(units), String) + literal(" x ") + OrderLine.sku
               + literal(f" allocated ({reference or note})"),
               literal(user_id, Integer), literal(utcnow(), UTCDateTime()))
        .where(filled).group_by(OrderLine.order_id, OrderLine.sku)))
    db.session.execute(update(OrderLine).where(filled).values(allocated=OrderLine.quantity))


def adjust(product: Product, delta: int, reason: str, user: User | None) -> list[Order]:
    """adjust_stock inside the caller's transaction. Units added go to waiting orders first.

    Returns the backorders that the units added made ready, as receive does.
    """
    if delta > 0:
        return receive(product, delta, "", user, reason="adjustment", note=reason)
    if product.on_hand + delta < product.committed:
        raise StockAdjustmentRefused(
            f"On hand cannot go below the {product.committed} units committed to orders")
    product.on_hand += delta
    ledger.record(product.id, "adjustment", on_hand=delta, note=reason,
                  user_id=user.id if user else None)
    return []


def serve_waiting(product: Product, reference: str, user_id: int | None,
                  note: str = "") -> list[int]:
    """Allocate the product's available units to waiting lines, oldest order first.

    Call with the product locked. Returns the ids of the orders that got units.
    `reference` (a delivery's) or else `note` (an adjustment's reason) says where the
    units came from, in the ledger and on each order's timeline.
    The statements do not grow with the number of lines served: the lines filled
    whole are written in three statements, the one filled in part in three more.
    """
    waiting = [WaitingLine(line_id, order_id, placed_at, quantity - allocated)
               for line_id, order_id, placed_at, quantity, allocated in db.session.execute(
                   select(OrderLine.id, OrderLine.order_id, Order.placed_at,
                          OrderLine.quantity, OrderLine.allocated)
                   .join(Order, Order.id == OrderLine.order_id)
                   .where(OrderLine.product_id == product.id,
                          OrderLine.allocated < OrderLine.quantity,
                          Order.status.in_(OPEN_STATUSES))
                   .order_by(Order.placed_at, OrderLine.id))]
    allocations = allocate_fifo(product.available, waiting)
    if not allocations:
        return []
    need = {line.line_id: line.unallocated for line in waiting}
    filled = [a.line_id for a in allocations if a.units == need[a.line_id]]
    partial = [a for a in allocations if a.units < need[a.line_id]]  # one at most
    source = reference or note
    if filled:
        _record_fills(filled, note, user_id, reference)
    for allocation in partial:
        db.session.execute(update(OrderLine).where(OrderLine.id == allocation.line_id)
                           .values(allocated=OrderLine.allocated + allocation.units))
        ledger.record(product.id, "allocate", committed=allocation.units,
                      waiting=-allocation.units, order_id=allocation.order_id,
                      user_id=user_id, reference=reference, note=note)
        db.session.add(OrderEvent(
            order_id=allocation.order_id, kind="allocated", user_id=user_id,
            message=f"{allocation.units} x {product.sku} allocated ({source})"))
    units = sum(a.units for a in allocations)
    product.committed += units
    product.waiting -= units
    approvals.note([product])
    return sorted({a.order_id for a in allocations})


def _backorders_made_ready(order_ids: list[int], auto_release: bool,
                           user: User | None) -> list[Order]:
    """Backorders among `order_ids` whose every line is now allocated; release them if set.

    An order whose shopper chose `Ship everything together` is ready too once the units
    it waited for are all in: it is New already, so it is not released, but its saved
    card is charged as a released backorder's would be.
    """
    if not order_ids:
        return []
    db.session.flush()
    ready_query = select(Order).where(
        Order.id.in_(order_ids),
        or_(Order.status.in_(BACKORDER_STATUSES),
            and_(Order.status == OrderStatus.NEW, Order.delivery == DeliveryChoice.TOGETHER)),
        Order.is_fully_allocated)
    if auto_release:  # each release emails the lines: load them with the orders
        ready_query = ready_query.options(selectinload(Order.lines))
    ready = db.session.scalars(ready_query).all()
    user_id = user.id if user else None
    for order in ready:
        if order.ships_together:
            db.session.add(OrderEvent(order=order, kind="allocated", user_id=user_id,
                                      message="Every item is in stock: ready to ship together"))
            release_charges.charge_when_released(order)
        elif auto_release:
            order.status = OrderStatus.NEW
            order.version += 1
            db.session.add(OrderEvent(order=order, kind="status",
                                      message="Released automatically: every item is in stock",
                                      user_id=user_id))
            notifications.queue(order, "backorder_released")
            release_charges.charge_when_released(order)
    return list(ready)


def charge_when_complete(order: Order) -> None:
    """After staff changed the lines of an order shipping everything together (a lower Qty,
    BKO split off): if every unit it still holds has its stock, it is ready to ship, and
    its saved card is charged as when a receipt completes it."""
    if order.ships_together and order.status is OrderStatus.NEW and order.has_units \
            and not any(line.unallocated for line in order.lines):
        release_charges.charge_when_released(order)


@dataclass(frozen=True)
class LedgerLine:
    """One line of a product's stock ledger as staff read it."""

    created_at: datetime
    reason: str
    note: str  # the reason staff gave for an adjustment, in their words
    on_hand_delta: int
    committed_delta: int
    waiting_delta: int
    reference: str
    order_reference: str | None  # the order the units were committed to or freed from


def recent_movements(product_id: int, limit: int = 20) -> list[LedgerLine]:
    """The latest ledger lines of a product, newest first, with their orders: one query."""
    rows = db.session.execute(
        select(StockMovement, Order.reference)
        .outerjoin(Order, Order.id == StockMovement.order_id)
        .where(StockMovement.product_id == product_id)
        .order_by(StockMovement.id.desc()).limit(limit))
    return [LedgerLine(created_at=m.created_at, reason=m.reason, note=m.note,
                       on_hand_delta=m.on_hand_delta, committed_delta=m.committed_delta,
                       waiting_delta=m.waiting_delta, reference=m.reference,
                       order_reference=order_reference)
            for m, order_reference in rows]
