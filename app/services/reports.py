"""The backorder report and the waiting-units history, read from orders and the ledger."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import String, func, select

from app.domain.orders import OPEN_STATUSES
from app.extensions import db
from app.domain.promise import INCOMING_STATUSES
from app.models import (Order, OrderLine, Product, PurchaseOrder, PurchaseOrderLine,
                        StockMovement)
from app.models.types import UTCDateTime, utcnow


@dataclass(frozen=True)
class BackorderRow:
    sku: str
    name: str
    units_waiting: int
    orders: int
    oldest: datetime
    value: Decimal
    arrival_date: date | None
    incoming: int = 0  # units on Ordered or Partly received purchase orders, still to come

    @property
    def uncovered(self) -> int:
        """Waiting units no purchase order on its way covers."""
        return max(self.units_waiting - self.incoming, 0)

    def age_days(self, now: datetime) -> int:
        return (now - self.oldest).days


SORTS = {
    "sku": lambda row: row.sku,
    "units": lambda row: -row.units_waiting,
    "orders": lambda row: -row.orders,
    "oldest": lambda row: row.oldest,
    "value": lambda row: -row.value,
    "arrival": lambda row: (row.arrival_date is None, row.arrival_date or date.min),
}


def backorder_report(sort: str = "oldest") -> list[BackorderRow]:
    """Per product: units waiting, orders waiting, the oldest wait, their value, the ETA."""
    waiting = OrderLine.quantity - OrderLine.allocated
    rows = db.session.execute(
        select(Product.sku, Product.name, func.sum(waiting), func.count(func.distinct(Order.id)),
               func.min(Order.placed_at), func.sum(waiting * OrderLine.unit_price),
               Product.arrival_date)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.allocated < OrderLine.quantity, Order.status.in_(OPEN_STATUSES))
        .group_by(Product.id, Product.sku, Product.name, Product.arrival_date))
    rows = rows.all()
    incoming = _incoming({sku for sku, *_ in rows})
    report = [BackorderRow(sku, name, int(units), int(orders), _aware(oldest),
                           Decimal(value).quantize(Decimal("0.01")), arrival,
                           incoming.get(sku, 0))
              for sku, name, units, orders, oldest, value, arrival in rows]
    return sorted(report, key=SORTS.get(sort, SORTS["oldest"]))


def _incoming(skus: set[str]) -> dict[str, int]:
    """Units still to come on Ordered and Partly received POs, per SKU: one statement."""
    if not skus:
        return {}
    still_to_come = PurchaseOrderLine.quantity - PurchaseOrderLine.received
    return {sku: int(units) for sku, units in db.session.execute(
        select(PurchaseOrderLine.sku, func.sum(still_to_come))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrderLine.sku.in_(skus), PurchaseOrderLine.closed.is_(False),
               PurchaseOrderLine.received < PurchaseOrderLine.quantity,
               PurchaseOrder.status.in_(INCOMING_STATUSES))
        .group_by(PurchaseOrderLine.sku))}


def _aware(moment: datetime) -> datetime:
    """Aggregates skip the column type, so SQLite hands back a naive UTC time."""
    return UTCDateTime().process_result_value(moment, None)


def waiting_history(days: int = 30) -> list[tuple[date, int]]:
    """Units waiting on backorder at the end of each of the last `days` days, from the ledger."""
    today = utcnow().date()
    start = today - timedelta(days=days - 1)
    now_waiting = db.session.scalar(select(func.coalesce(func.sum(Product.waiting), 0)))
    day = func.date(StockMovement.created_at, type_=String)  # SQLite: text; PostgreSQL: date
    deltas = dict(db.session.execute(
        select(day, func.sum(StockMovement.waiting_delta))
        .where(StockMovement.created_at >= datetime.combine(start, datetime.min.time(),
                                                            tzinfo=utcnow().tzinfo))
        .group_by(day)).all())
    deltas = {(d if isinstance(d, date) else date.fromisoformat(str(d))): int(v)
              for d, v in deltas.items()}
    history, level = [], int(now_waiting)
    for offset in range(days):
        current = today - timedelta(days=offset)
        history.append((current, level))
        level -= deltas.get(current, 0)
    return list(reversed(history))
