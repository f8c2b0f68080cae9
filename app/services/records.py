"""Small writers shared by the order use cases: numbers, timeline events, row locks."""
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.domain.errors import AlreadySubmitted
from app.domain.money import format_money
from app.models import Order, OrderEvent, OrderNumber, Product, Submission, User


def next_order_number() -> int:
    """The next order number, N1001 onwards; an insert, so checkouts never queue for it."""
    row_id = db.session.execute(insert(OrderNumber).returning(OrderNumber.id)).scalar_one()
    return OrderNumber.FIRST + row_id


def reference(prefix: str, number: int, suffix: int | None = None) -> str:
    return f"{prefix}{number}" if suffix is None else f"{prefix}{number}-{suffix}"


# The timeline's sentences, one builder each: the services write them and the benchmark
# seeder (bench/seeding.py) writes the same ones in bulk.

def placed_message(customer_name: str) -> str:
    return f"Order placed by {customer_name}"


def moved_units(parts: Iterable[tuple[int, str]]) -> str:
    """What a split moved, as "2 x TEA-001, 1 x POT-001" from (quantity, sku) pairs."""
    return ", ".join(f"{quantity} x {sku}" for quantity, sku in parts)


def split_messages(parent_reference: str, backorder_reference: str,
                   moved: str) -> tuple[str, str]:
    """The split's event on the parent's timeline and on the backorder's."""
    return (f"Backorder {backorder_reference} created with {moved}",
            f"Split from {parent_reference} with {moved}")


def payment_message(amount: Decimal, method: str) -> str:
    return f"Payment of {format_money(amount)} by {method} recorded"


def status_message(old: object, new: object) -> str:
    return f"Status changed from {old} to {new}"


def next_suffix(order: Order) -> int:
    """The next backorder suffix in the family of `order`'s first order (N1354-3).

    The family's first order is locked first, so two splits in one family queue.
    """
    db.session.execute(
        select(Order.id).where(Order.prefix == order.prefix, Order.number == order.number,
                               Order.suffix.is_(None)).with_for_update())
    highest = db.session.scalar(
        select(func.max(Order.suffix)).where(Order.prefix == order.prefix,
                                             Order.number == order.number))
    return (highest or 0) + 1


def claim_submission(token: str | None) -> Submission | None:
    """Record a form's one-time token in this transaction; a second use raises.

    The primary key makes the second of two simultaneous posts wait for the first
    and then fail, so the change they both ask for is made once.
    """
    if not token:
        return None
    existing = db.session.get(Submission, token)
    if existing is not None:
        raise AlreadySubmitted(order_id=existing.order_id)
    submission = Submission(token=token)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        raise AlreadySubmitted() from None
    return submission


def log_event(order: Order, kind: str, message: str, user: User | None = None) -> None:
    """Add to an order's timeline (without loading the timeline)."""
    db.session.add(OrderEvent(order=order, kind=kind, message=message,
                              user_id=user.id if user else None))


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock stock rows in id order (no deadlocks) and return them fresh.

    FOR NO KEY UPDATE on PostgreSQL: new order lines hold a key-share lock on
    their product (the foreign key), which a plain FOR UPDATE would wait on,
    deadlocking two checkouts. Stock writers still queue for each other.
    """
    ids = sorted(set(product_ids))
    rows = db.session.scalars(
        select(Product).where(Product.id.in_(ids)).order_by(Product.id)
        .with_for_update(key_share=True).execution_options(populate_existing=True))
    return {product.id: product for product in rows}


def lock_product_rows(product_ids: Iterable[int], *columns) -> list:
    """lock_products for writers in bulk (the product import): the same locks in the same
    order, the figures read as plain rows (id first) instead of loaded into the session."""
    ids = sorted(set(product_ids))
    return db.session.execute(
        select(Product.id, *columns).where(Product.id.in_(ids)).order_by(Product.id)
        .with_for_update(key_share=True)).all()
