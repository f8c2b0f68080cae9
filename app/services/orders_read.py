"""Reading orders for pages: a fixed number of queries whatever their size."""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.orders import OrderStatus
from app.domain.payments import payment_due, to_refund
from app.extensions import db
from app.models import Order, OrderLine, Payment, Product
from app.pagination import Page, paginate
from app.services.cards import CARD


@dataclass(frozen=True)
class Family:
    """An order as the shopper knows it: the first order and every backorder split from it."""

    root: Order
    orders: list[Order]
    arrival_dates: dict[int, date]  # product id -> expected date, for lines still waiting

    @property
    def backorders(self) -> list[Order]:
        return [order for order in self.orders if order.id != self.root.id]


def family_by_token(token: str) -> Family | None:
    order = db.session.scalar(select(Order).where(Order.token == token))
    if order is None:
        return None
    root = order
    while root.parent_id is not None:  # a few steps at most: backorders of backorders
        root = db.session.get(Order, root.parent_id)
    orders, level = [root], [root.id]
    while level:
        children = db.session.scalars(select(Order).where(Order.parent_id.in_(level))
                                      .order_by(Order.id)).all()
        orders += children
        level = [child.id for child in children]
    # Load every order's lines in one query.
    db.session.scalars(select(Order).where(Order.id.in_([o.id for o in orders]))
                       .options(selectinload(Order.lines))).all()
    waiting = {line.product_id for order in orders for line in order.lines if line.unallocated}
    arrival_dates = dict(db.session.execute(
        select(Product.id, Product.arrival_date)
        .where(Product.id.in_(waiting), Product.arrival_date.is_not(None))).all()) if waiting else {}
    return Family(root=root, orders=orders, arrival_dates=arrival_dates)


def order_by_token(token: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.token == token))


def card_refunds(order_ids: list[int]) -> dict[int, Decimal]:
    """What went back (or is on its way back) to the cards, per order: one query."""
    return dict(db.session.execute(
        select(Payment.order_id, -func.sum(Payment.amount))
        .where(Payment.order_id.in_(order_ids), Payment.method == CARD, Payment.amount < 0)
        .group_by(Payment.order_id)).all()) if order_ids else {}


def token_of(order_id: int | None) -> str | None:
    """The status-page token of an order."""
    if order_id is None:
        return None
    return db.session.scalar(select(Order.token).where(Order.id == order_id))


def order_page(reference: str) -> Order | None:
    """An order with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(
        select(Order).where(Order.reference == reference)
        .options(selectinload(Order.lines), selectinload(Order.events),
                 selectinload(Order.payments), selectinload(Order.parent),
                 selectinload(Order.backorders), undefer(Order.is_fully_allocated)))


def orders_page(number: int, size: int, status: OrderStatus | None = None,
                query: str = "", awaiting_answer: bool = False) -> Page:
    """The orders list, newest first, filtered by status and searched by order id,
    customer name or email (any part, any case) or SKU; or the orders whose shoppers
    were asked about a delay and have not answered."""
    stmt = orders_query(status, query)
    if awaiting_answer:
        stmt = stmt.where(Order.awaiting_answer.is_(True))
    page = paginate(stmt, number, size)
    _load_fully_allocated(page.items)
    return page


def orders_query(status: OrderStatus | None = None, query: str = "") -> Select:
    """The orders list's statement, newest first."""
    return (select(Order).where(*order_filters(status, query)).order_by(Order.id.desc())
            .options(joinedload(Order.parent), selectinload(Order.backorders)))


def order_filters(status: OrderStatus | None, query: str) -> list[ColumnElement[bool]]:
    """The list's status filter and search: order id, customer name or email (any part,
    any case) or SKU. Shared by the page and the CSV export."""
    filters: list[ColumnElement[bool]] = []
    if status is not None:
        filters.append(Order.status == status)
    query = query.strip()
    if query:
        by_sku = select(OrderLine.order_id).where(OrderLine.sku.in_({query, query.upper()}))
        # icontains is lower(column) LIKE lower(query): the same on SQLite and PostgreSQL,
        # with % and _ in the query taken as themselves.
        filters.append(or_(Order.reference.in_({query, query.upper()}),
                           Order.email.icontains(query, autoescape=True),
                           Order.customer_name.icontains(query, autoescape=True),
                           Order.id.in_(by_sku)))
    return filters


EXPORT_HEADER = ["Order", "Placed (UTC)", "Status", "Customer", "Email", "Total", "Paid",
                 "Due", "To be refunded", "Backorder of"]


def export_rows(status: OrderStatus | None, query: str) -> Iterator[list[object]]:
    """The list's orders as CSV rows, newest first, read in batches (bounded memory)."""
    parent = aliased(Order)
    stmt = (select(Order.reference, Order.placed_at, Order.status, Order.customer_name,
                   Order.email, Order.total, Order.amount_paid, parent.reference)
            .outerjoin(parent, parent.id == Order.parent_id)
            .where(*order_filters(status, query)).order_by(Order.id.desc())
            .execution_options(yield_per=500))
    for reference, placed_at, status_, name, email, total, paid, parent_ref in \
            db.session.execute(stmt):
        cancelled = status_ is OrderStatus.CANCELLED
        yield [reference, placed_at.strftime("%Y-%m-%d %H:%M"), status_.value, name, email,
               total, paid, payment_due(cancelled, total, paid), to_refund(cancelled, paid),
               parent_ref or ""]


def _load_fully_allocated(orders: list[Order]) -> None:
    """Set is_fully_allocated for a page of orders in one query.

    In the list's own query the NOT EXISTS is planned by PostgreSQL as a scan of
    every waiting line in the shop, whatever the LIMIT; asked of the page's ids
    it reads only their lines.
    """
    ids = [order.id for order in orders]
    waiting = set(db.session.scalars(
        select(OrderLine.order_id).where(OrderLine.order_id.in_(ids),
                                         OrderLine.allocated < OrderLine.quantity)
        .distinct())) if ids else set()
    for order in orders:
        set_committed_value(order, "is_fully_allocated", order.id not in waiting)


# Counts stop here: each costs at most this many index entries, whatever the shop's size.
COUNT_CAP = 1000


def status_counts() -> dict[OrderStatus, int]:
    """Orders per status, each counted up to COUNT_CAP + 1 (shown as "1000+").

    One statement; each part reads at most COUNT_CAP + 1 entries of the
    (status, id) index, so the orders list costs the same with years of orders.
    """
    parts = [select(literal(status.value).label("status"), func.count().label("n"))
             .select_from(select(Order.id).where(Order.status == status)
                          .limit(COUNT_CAP + 1).subquery())
             for status in OrderStatus]
    counts = dict(db.session.execute(union_all(*parts)).all())
    return {status: counts.get(status.value, 0) for status in OrderStatus}
