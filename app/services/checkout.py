"""Placing an order from a cart."""
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.buttons import StockView
from app.domain.checkout import DeliveryChoice, Promise, chosen_delivery
from app.domain.errors import DomainError, InsufficientStock
from app.domain.orders import OrderStatus
from app.extensions import db, page_cache
from app.models import Order, OrderLine, Product, StoreSettings
from app.models.types import UTCDateTime, utcnow
from app.services import approvals, ledger, notifications, transaction
from app.services.backorders import split_order
from app.services.catalog import written_changes
from app.services.promises import cart_promises, incoming_units, placed_line_dates
from app.services.records import (claim_submission, lock_products, log_event,
                                  next_order_number, placed_message, reference)
from app.services.settings import get_settings


class UnknownProduct(DomainError):
    field = "sku"


class EmptyCart(DomainError):
    pass


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    address: str
    payment_method: str


@dataclass(frozen=True)
class Placed:
    order: Order
    backorder: Order | None


def place_order(items: Mapping[str, int], customer: Customer, once: str | None = None,
                delivery: DeliveryChoice | None = None) -> Placed:
    """Place an order with status New, committing what stock is available.

    Units beyond stock are taken only where backorders are allowed and the
    product's backorder limit holds; otherwise InsufficientStock and nothing is
    saved. With `Create backorder when backorder items` on, the order splits at once,
    unless the shopper chose `delivery` = `Ship everything together` where checkout
    asks it: then the order waits whole, its units in stock committed to it.
    `once` is the form's one-time token: posted again, it raises AlreadySubmitted
    naming the order it placed.

    The stock rows are locked last and briefly. Everything the order needs is written
    first, as the stock read without a lock promises; then the rows are locked and the
    promise worked out again from the locked figures. When it is the same, only the new
    stock figures and the order's place in the queue are written before the commit.
    When it differs (another checkout took the last units meanwhile), the transaction
    rolls back and starts again (GUESSES times at most; then the rows are locked before
    it decides).
    """
    if not items:
        raise EmptyCart("Your cart is empty")
    for _ in range(GUESSES):
        try:
            return _place(items, customer, once, delivery, guess=True)
        except StockMoved:
            pass  # read the stock again: most often it now promises what the lock will find
    return _place(items, customer, once, delivery, guess=False)


# Tries as the stock read without a lock promises, before deciding under the lock: the
# checkouts that lost the last units to others read the stock again and, mostly, find it
# promising what it now holds; a product whose stock keeps moving is decided under the lock.
GUESSES = 3


class StockMoved(Exception):
    """The stock as locked promises other than the stock as read without a lock."""


@dataclass(frozen=True)
class Decision:
    """What checkout does with a cart: the `Delivery` it records and the promise it keeps."""

    delivery: DeliveryChoice | None
    promise: Promise


def _decide(wanted: Sequence[tuple["Product | StockBefore", int]], settings: StoreSettings,
            asked: DeliveryChoice | None) -> Decision:
    offered = cart_promises(wanted, settings)
    chosen = chosen_delivery(asked, offered.together is not None)
    return Decision(delivery=chosen, promise=offered.chosen(chosen))


def _place(items: Mapping[str, int], customer: Customer, once: str | None,
           delivery: DeliveryChoice | None, guess: bool) -> Placed:
    """Place the order in one transaction: `guess`, as the stock read without a lock
    promises (raising StockMoved if the locked stock promises otherwise); else deciding
    with the stock rows locked."""
    with transaction():
        submission = claim_submission(once)
        settings = get_settings()
        products = {p.sku: p for p in db.session.scalars(
            select(Product).where(Product.sku.in_(list(items))))}
        for sku in items:
            if sku not in products:
                raise UnknownProduct(f"{sku} is no longer sold")
        wanted = [(products[sku], items[sku]) for sku in sorted(items)]
        guessed = _decide(wanted, settings, delivery) if guess else None
        if guessed is not None and guessed.promise.problems:
            guessed = None  # a refusal is confirmed under the lock at once

        number = next_order_number()
        order = Order(
            prefix=settings.order_prefix, number=number,
            reference=reference(settings.order_prefix, number),
            status=OrderStatus.NEW, customer_name=customer.name,
            email=customer.email.lower(),  # searched as typed in any case
            address=customer.address, payment_method=customer.payment_method,
            amount_paid=Decimal("0.00"),
            delivery=guessed.delivery if guessed is not None else None)
        order.total = sum((products[sku].price * qty for sku, qty in items.items()),
                          Decimal("0.00"))
        db.session.add(order)
        log_event(order, "placed", placed_message(customer.name))
        db.session.flush()
        if submission is not None:
            submission.order_id = order.id

        if guessed is not None:
            backorder = _place_before_locking(order, wanted, settings, delivery, guessed)
        else:
            stock = lock_products(product.id for product, _ in wanted)
            _take_place_in_queue([order])
            # Whether checkout asks `Delivery` is judged on the stock as locked now.
            decided = _decide(wanted, settings, delivery)
            if decided.promise.problems:
                raise InsufficientStock(decided.promise.problems[0])
            _add_stock(wanted, decided)
            backorder = _write_order(order, wanted, decided, settings)
            notifications.queue(order, "order_placed", backorder=backorder, arrival_dates={
                product.id: product.arrival_date for product in stock.values()
                if product.arrival_date is not None})
    return Placed(order=order, backorder=backorder)


def _place_before_locking(order: Order, wanted: list[tuple[Product, int]],
                          settings: StoreSettings, asked: DeliveryChoice | None,
                          guessed: Decision) -> Order | None:
    """Write the order as `guessed` (from the stock read without a lock) says, then lock
    the stock rows; returns the backorder, or raises StockMoved if the locked rows
    promise otherwise.

    What runs under the lock: the SELECT ... FOR NO KEY UPDATE, then at commit the stock
    figures and the order's place in the queue (placed_at). The promise, the Delivery and
    the dates in the email are compared whole (a waiting line's date depends only on the
    units queued ahead of it: its product's waiting figure), so the order placed is the
    one the locked stock gives.
    """
    backorder = _write_order(order, wanted, guessed, settings)
    read = {product.id: product for product, _ in wanted}
    orders = [order] if backorder is None or backorder is order else [order, backorder]
    dates = incoming = None
    if settings.show_arrival_date:
        incoming = incoming_units(read)
        dates = placed_line_dates(orders, read, incoming)
    notifications.queue(order, "order_placed", backorder=backorder, dates=dates)
    db.session.flush()

    def unchanged(before: list[tuple[StockBefore, int]]) -> bool:
        return _decide(before, settings, asked) == guessed and (dates is None or placed_line_dates(
            orders, {stock.id: stock for stock, _ in before}, incoming) == dates)

    _take_stock(wanted, guessed, orders, unchanged)
    return backorder


@dataclass(frozen=True)
class StockBefore:
    """A locked product's stock as it stood before this checkout wrote its own."""

    id: int
    sku: str
    available: int
    waiting: int
    arrival_date: date | None
    stock_view: StockView

    @classmethod
    def of(cls, product: Product, committed: int = 0, waiting: int = 0) -> "StockBefore":
        """`product` as it stood before `committed` and `waiting` units were added."""
        available, queued = product.available + committed, product.waiting - waiting
        return cls(id=product.id, sku=product.sku, available=available, waiting=queued,
                   arrival_date=product.arrival_date,
                   stock_view=StockView(available=available, policy=product.backorder_policy,
                                        waiting=queued, backorder_limit=product.backorder_limit))


def _take_stock(wanted: list[tuple[Product, int]], decided: Decision, orders: list[Order],
                unchanged: Callable[[list[tuple[StockBefore, int]]], bool]) -> None:
    """Lock the stock rows, add the units `decided` commits and queues, and stamp the
    orders' place in the queue, if the cart against the stock as it stood, locked, is
    `unchanged`; else raise StockMoved (its rollback undoes what was written and unlocks
    the rows).

    One product on PostgreSQL: a single statement locks the row, adds the units, reads
    the figures back and stamps the orders (an UPDATE ... RETURNING in a WITH), so the
    lock is held for that statement and the commit. Otherwise the rows are locked in id
    order (no deadlocks), then written.
    """
    if len(wanted) == 1 and _on_postgresql():
        (product, quantity), = wanted
        line = decided.promise.lines[0]
        committed, waiting = line.ship_now + line.reserved, line.on_backorder
        table, placed = Product.__table__, Order.__table__
        stock = (
            update(table)
            # Units beyond those available now: the order placed would differ (and the row
            # would break committed <= on hand), so nothing is written and it starts again.
            .where(table.c.id == product.id, table.c.on_hand - table.c.committed >= committed)
            .values(committed=table.c.committed + committed, waiting=table.c.waiting + waiting)
            .returning(*table.c, func.clock_timestamp(type_=UTCDateTime()).label("locked_at"))
            .cte("stock"))
        stamped = (
            update(placed)
            .where(placed.c.id.in_([order.id for order in orders]),
                   select(stock.c.id).exists())
            .values(placed_at=select(stock.c.locked_at).scalar_subquery())
            .cte("stamped"))
        row = db.session.execute(select(stock).add_cte(stamped)).first()
        if row is None:
            raise StockMoved()
        mapper = inspect(Product)
        for column in table.c:
            set_committed_value(product, mapper.get_property_by_column(column).key,
                                row._mapping[column.name])
        for order in orders:
            set_committed_value(order, "placed_at", row.locked_at)
        if not unchanged([(StockBefore.of(product, committed, waiting), quantity)]):
            raise StockMoved()
        page_cache.note(db.session, written_changes([product]))
        return
    lock_products(product.id for product, _ in wanted)  # the same objects, refreshed
    if not unchanged([(StockBefore.of(product), quantity) for product, quantity in wanted]):
        raise StockMoved()
    _add_stock(wanted, decided)
    _take_place_in_queue(orders)


def _take_place_in_queue(orders: list[Order]) -> None:
    """Stamp placed_at while the stock rows are locked: FIFO goes by placed_at, so orders
    take stock, or wait, in the order their checkouts locked it. On PostgreSQL the
    database's clock stamps it (read once, after the lock), so every checkout's place
    comes from one clock however many app servers place orders; a backorder split at
    checkout keeps its parent's place."""
    table = Order.__table__
    stamp = utcnow() if not _on_postgresql() else select(func.clock_timestamp()).scalar_subquery()
    placed_at = db.session.execute(
        update(table).where(table.c.id.in_([order.id for order in orders]))
        .values(placed_at=stamp).returning(table.c.placed_at)).scalars().first()
    for order in orders:
        set_committed_value(order, "placed_at", placed_at)


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _add_stock(wanted: list[tuple[Product, int]], decided: Decision) -> None:
    """Commit and queue the promised units on the locked stock rows."""
    for (product, _), line in zip(wanted, decided.promise.lines, strict=True):
        product.committed += line.ship_now + line.reserved
        product.waiting += line.on_backorder


def _write_order(order: Order, wanted: list[tuple[Product, int]], decided: Decision,
                 settings: StoreSettings) -> Order | None:
    """The order's Delivery, lines, ledger rows and split, as `decided`; returns the
    backorder. The lines and ledger rows go in one batched insert each."""
    if order.delivery is not decided.delivery:
        order.delivery = decided.delivery
    if order.delivery is not None:
        log_event(order, "delivery", f"Delivery: {order.delivery}")
    lines, movements = [], []
    for (product, quantity), line in zip(wanted, decided.promise.lines, strict=True):
        allocated = line.ship_now + line.reserved
        lines.append({"order_id": order.id, "product_id": product.id, "sku": product.sku,
                      "name": product.name, "unit_price": product.price,
                      "quantity": quantity, "allocated": allocated})
        movements.append(ledger.movement(product.id, "checkout", committed=allocated,
                                         waiting=line.on_backorder, order_id=order.id))
    db.session.execute(insert(OrderLine), lines)
    ledger.record_many(movements)
    # Their waiting units grow: settled (incoming date, approvals) before the commit.
    approvals.note(product for (product, _), line in zip(wanted, decided.promise.lines)
                   if line.on_backorder)
    if settings.create_backorder and not order.ships_together \
            and any(line.unallocated for line in order.lines):
        return split_order(order, {line.id: line.unallocated for line in order.lines},
                           settings, notify=False)
    return None
