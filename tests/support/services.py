"""Shortcuts that run inside an app context: place orders, read figures back, check the stock rules.

The integration tests call them directly (they hold an app context through the `ctx`
fixture); the web tests reach them through `shop.read(...)` and the `figures` fixture.
"""
from collections.abc import Mapping

from sqlalchemy import func, or_, select

from app.domain.orders import OPEN_STATUSES, OrderStatus
from app.extensions import db
from app.models import Order, OrderLine, OutboxEmail, Product, StockMovement, User
from app.services.checkout import Customer, Placed, place_order
from app.services.orders import change_status, save_order


def place(items: Mapping[str, int], email: str = "shopper@example.com") -> Placed:
    """Check out a cart as a guest paying by bank deposit."""
    return place_order(items, Customer(name="Sam Shopper", email=email, address="1 Main St",
                                       payment_method="Bank deposit"))


def fresh() -> None:
    """End the session's read transaction, so the next read sees what is committed."""
    db.session.rollback()


def product(sku: str) -> Product:
    fresh()
    return db.session.scalars(select(Product).where(Product.sku == sku)).one()


def figures(sku: str) -> tuple[int, int, int]:
    """(on hand, committed, waiting) of a product."""
    p = product(sku)
    return p.on_hand, p.committed, p.waiting


def order(reference: str) -> Order:
    fresh()
    return db.session.scalars(select(Order).where(Order.reference == reference)).one()


def lines(reference: str) -> list[tuple[str, int, int]]:
    """(SKU, quantity, allocated) per line of an order."""
    return [(line.sku, line.quantity, line.allocated) for line in order(reference).lines]


def references() -> list[str]:
    fresh()
    return list(db.session.scalars(select(Order.reference).order_by(Order.id)))


def user(email: str) -> User:
    fresh()
    return db.session.scalars(select(User).where(User.email == email)).one()


def ledger(sku: str) -> list[tuple[str, int, int, int]]:
    """(reason, on hand delta, committed delta, waiting delta) per movement, oldest first."""
    fresh()
    return [tuple(row) for row in db.session.execute(
        select(StockMovement.reason, StockMovement.on_hand_delta,
               StockMovement.committed_delta, StockMovement.waiting_delta)
        .join(Product, Product.id == StockMovement.product_id)
        .where(Product.sku == sku).order_by(StockMovement.id))]


def outbox() -> list[OutboxEmail]:
    fresh()
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def move(reference: str, *statuses: OrderStatus) -> None:
    """Move an order through statuses as staff would, one save each."""
    for status in statuses:
        current = order(reference)
        change_status(current.id, current.version, status, user=None)


def save(reference: str, *, status: OrderStatus | None = None,
         qty: Mapping[str, int] | None = None, bko: Mapping[str, int] | None = None,
         version: int | None = None, by: User | None = None) -> Order | None:
    """Save the order page as staff would: Qty and BKO per SKU, the status (kept if None)."""
    current = order(reference)
    line_ids = {line.sku: line.id for line in current.lines}
    return save_order(current.id, current.version if version is None else version,
                      status=current.status if status is None else status,
                      quantities={line_ids[sku]: units for sku, units in (qty or {}).items()},
                      bko={line_ids[sku]: units for sku, units in (bko or {}).items()}, user=by)


def assert_stock_invariants() -> None:
    """The stock rules that hold between any two use cases (docs/rules.md, Stock words).

    Per product: on hand >= 0; committed = units allocated on open orders and
    <= on hand; waiting = units unallocated on open orders; replaying the ledger
    gives all three figures. Per line: 0 <= allocated <= quantity. Per order:
    the total is the sum of its lines.
    """
    fresh()
    problems = []
    held = {pid: (int(allocated), int(unallocated)) for pid, allocated, unallocated in
            db.session.execute(
                select(OrderLine.product_id, func.sum(OrderLine.allocated),
                       func.sum(OrderLine.quantity - OrderLine.allocated))
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.status.in_(OPEN_STATUSES)).group_by(OrderLine.product_id))}
    replayed = {pid: (int(on_hand), int(committed), int(waiting))
                for pid, on_hand, committed, waiting in db.session.execute(
                    select(StockMovement.product_id, func.sum(StockMovement.on_hand_delta),
                           func.sum(StockMovement.committed_delta),
                           func.sum(StockMovement.waiting_delta))
                    .group_by(StockMovement.product_id))}
    for p in db.session.scalars(select(Product).order_by(Product.id)):
        figures_now = (p.on_hand, p.committed, p.waiting)
        allocated, unallocated = held.get(p.id, (0, 0))
        if p.on_hand < 0:
            problems.append(f"{p.sku}: on hand {p.on_hand} is negative")
        if p.committed != allocated:
            problems.append(f"{p.sku}: committed {p.committed} but open lines hold {allocated}")
        if p.committed > p.on_hand:
            problems.append(f"{p.sku}: committed {p.committed} above on hand {p.on_hand}")
        if p.waiting != unallocated:
            problems.append(f"{p.sku}: waiting {p.waiting} but open lines lack {unallocated}")
        if replayed.get(p.id, (0, 0, 0)) != figures_now:
            problems.append(f"{p.sku}: (on hand, committed, waiting) {figures_now} but the "
                            f"ledger replays to {replayed.get(p.id, (0, 0, 0))}")
    for line in db.session.scalars(select(OrderLine).where(
            or_(OrderLine.allocated < 0, OrderLine.allocated > OrderLine.quantity))):
        problems.append(f"line {line.id} ({line.sku}): allocated {line.allocated} "
                        f"outside 0..{line.quantity}")
    totals = dict(db.session.execute(select(Order.reference, Order.total)).all())
    sums = dict.fromkeys(totals, 0)
    for reference, price, quantity in db.session.execute(
            select(Order.reference, OrderLine.unit_price, OrderLine.quantity).join(Order)):
        sums[reference] += price * quantity
    problems += [f"{reference}: total {total} is not the sum of its lines, {sums[reference]}"
                 for reference, total in totals.items() if total != sums[reference]]
    fresh()
    assert not problems, "\n".join(problems)

