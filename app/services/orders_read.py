"""Reading orders for pages: a fixed number of queries whatever their size."""
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import (ColumnElement, Integer, Select, String, bindparam, func, literal,
                        null, or_, select, union_all)
from sqlalchemy.orm import aliased, selectinload, undefer

from app.domain.orders import BACKORDER_STATUSES, OrderStatus
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


class ListedOrder(NamedTuple):
    """A row of the staff orders list: what the list shows of one order, read as plain
    columns (no ORM objects: a page of them cost more to build than to render)."""

    reference: str
    placed_at: datetime
    customer_name: str
    email: str
    status: OrderStatus
    total: Decimal
    payment_required: Decimal
    to_refund: Decimal
    ready: bool  # a backorder whose every line has its stock
    parent: str | None  # the reference of the order it was split from
    backorders: list[str]  # the references of the backorders split from it


# The list's statements are made once: making them cost as much as running them.
# PARENT: the order a backorder was split from, joined to it.
PARENT = aliased(Order, name="parent")
LISTED = (select(Order.id, Order.reference, Order.placed_at, Order.customer_name, Order.email,
                 Order.status, Order.total, Order.amount_paid, PARENT.reference)
          .outerjoin(PARENT, PARENT.id == Order.parent_id).order_by(Order.id.desc()))
# Around a page of the list, in one statement: the backorders split from its orders and,
# with no backorder, those of its orders with a line still waiting for stock. Asked of
# the page's ids, not in the list's own query: there PostgreSQL plans the NOT EXISTS as
# a scan of every waiting line in the shop, whatever the LIMIT.
AROUND_PAGE = union_all(
    select(Order.parent_id.label("order_id"), Order.reference.label("backorder"),
           Order.id.label("backorder_id"))
    .where(Order.parent_id.in_(bindparam("ids"))),
    select(OrderLine.order_id, null().cast(String), null().cast(Integer))
    .where(OrderLine.order_id.in_(bindparam("ids")), OrderLine.allocated < OrderLine.quantity)
    .distinct(),
).order_by("backorder_id")


def orders_page(number: int, size: int, status: OrderStatus | None = None,
                query: str = "", awaiting_answer: bool = False) -> Page:
    """The orders list, newest first, filtered by status and searched by order id,
    customer name or email (any part, any case) or SKU; or the orders whose shoppers
    were asked about a delay and have not answered. Two queries: the page's rows (with
    the reference of the order each was split from), then what is around them."""
    stmt = LISTED.where(*order_filters(status, query))
    if awaiting_answer:
        stmt = stmt.where(Order.awaiting_answer.is_(True))
    page = paginate(stmt, number, size, rows=True)
    ids = [row.id for row in page.items]
    backorders: dict[int, list[str]] = {}
    waiting: set[int] = set()
    if ids:
        for order_id, backorder, _ in db.session.execute(AROUND_PAGE, {"ids": ids}):
            if backorder is None:
                waiting.add(order_id)
            else:
                backorders.setdefault(order_id, []).append(backorder)
    listed = []
    for id_, reference, placed_at, name, email, status_, total, paid, parent in page.items:
        cancelled = status_ is OrderStatus.CANCELLED
        listed.append(ListedOrder(
            reference, placed_at, name, email, status_, total,
            payment_due(cancelled, total, paid), to_refund(cancelled, paid),
            status_ in BACKORDER_STATUSES and id_ not in waiting, parent,
            backorders.get(id_, [])))
    return replace(page, items=listed)


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
    stmt = (select(Order.reference, Order.placed_at, Order.status, Order.customer_name,
                   Order.email, Order.total, Order.amount_paid, PARENT.reference)
            .outerjoin(PARENT, PARENT.id == Order.parent_id)
            .where(*order_filters(status, query)).order_by(Order.id.desc())
            .execution_options(yield_per=500))
    for reference, placed_at, status_, name, email, total, paid, parent_ref in \
            db.session.execute(stmt):
        cancelled = status_ is OrderStatus.CANCELLED
        yield [reference, placed_at.strftime("%Y-%m-%d %H:%M"), status_.value, name, email,
               total, paid, payment_due(cancelled, total, paid), to_refund(cancelled, paid),
               parent_ref or ""]


# Counts stop here: each costs at most this many index entries, whatever the shop's size.
COUNT_CAP = 1000


# Made once, like the list's statements.
STATUS_COUNTS = union_all(*(
    select(literal(status.value).label("status"), func.count().label("n"))
    .select_from(select(Order.id).where(Order.status == status)
                 .limit(COUNT_CAP + 1).subquery())
    for status in OrderStatus))


def status_counts() -> dict[OrderStatus, int]:
    """Orders per status, each counted up to COUNT_CAP + 1 (shown as "1000+").

    One statement; each part reads at most COUNT_CAP + 1 entries of the
    (status, id) index, so the orders list costs the same with years of orders.
    """
    counts = dict(db.session.execute(STATUS_COUNTS).all())
    return {status: counts.get(status.value, 0) for status in OrderStatus}
