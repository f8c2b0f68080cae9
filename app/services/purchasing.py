"""Suppliers, purchase orders, receiving against them, and the promise they make shoppers.

Locks, where a use case takes several: products by id (lock_products), then the
purchase order, then orders. A receipt serves waiting orders under the product locks,
exactly as `Receive stock` does, so it queues behind checkouts and splits of the same
products; nothing locks an order and then a PO, so the two never wait on each other.

A change that moves a waiting order's promised date later (a later date, fewer units,
a cancelled PO, a short receipt closed) emails its shopper the old and new dates.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import render_template
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from app.domain.errors import DomainError
from app.domain.orders import OPEN_STATUSES
from app.domain.promise import (EDITABLE_STATUSES, INCOMING_STATUSES, PoStatus,
                                PurchaseOrderRefused, check_line_quantity, check_receipt,
                                moved_later, order_date, status_after_receipt)
from app.extensions import db
from app.models import (Order, OrderLine, OutboxEmail, Product, PurchaseOrder,
                        PurchaseOrderLine, Supplier, User)
from app.models.purchasing import po_id
from app.models.types import utcnow
from app.services import approvals, inventory, notifications, transaction
from app.services.promises import promises
from app.services.reports import BackorderRow, backorder_report
from app.services.records import claim_submission, log_event, lock_products
from app.services.settings import get_settings


class StalePurchaseOrder(DomainError):
    field = "form"

    def __init__(self, message: str = "This purchase order changed since you opened it"):
        super().__init__(message)


# Suppliers

@dataclass(frozen=True)
class SupplierData:
    name: str
    email: str
    lead_time_days: int


def suppliers() -> list[Supplier]:
    return list(db.session.scalars(select(Supplier).order_by(Supplier.name)))


def find_supplier(supplier_id: int) -> Supplier | None:
    return db.session.get(Supplier, supplier_id)


def save_supplier(data: SupplierData, supplier_id: int | None = None) -> Supplier:
    """Add a supplier, or save one; names are unique, so staff can tell them apart."""
    with transaction():
        same_name = db.session.scalar(select(Supplier).where(
            func.lower(Supplier.name) == data.name.lower(), Supplier.id != (supplier_id or 0)))
        if same_name is not None:
            raise DomainError(f"There is already a supplier {same_name.name}", field="name")
        supplier = Supplier() if supplier_id is None else db.session.get(Supplier, supplier_id)
        if supplier is None:
            raise DomainError("There is no such supplier", field="name")
        supplier.name, supplier.email = data.name, data.email
        supplier.lead_time_days = data.lead_time_days
        db.session.add(supplier)
    return supplier


# Reading purchase orders

def find_po(reference: str) -> PurchaseOrder | None:
    """A PO with its supplier and lines, in one query each."""
    row_id = po_id(reference)
    if row_id is None:
        return None
    return db.session.scalar(select(PurchaseOrder).where(PurchaseOrder.id == row_id)
                             .options(selectinload(PurchaseOrder.lines),
                                      selectinload(PurchaseOrder.supplier)))


def purchase_orders(status: PoStatus | None, limit: int = 200) -> list[PurchaseOrder]:
    """The newest POs, of one status or all, with their suppliers and lines."""
    stmt = select(PurchaseOrder).order_by(PurchaseOrder.id.desc()).limit(limit).options(
        selectinload(PurchaseOrder.supplier), selectinload(PurchaseOrder.lines))
    if status is not None:
        stmt = stmt.where(PurchaseOrder.status == status)
    return list(db.session.scalars(stmt))


def status_counts() -> dict[PoStatus, int]:
    """POs per status, in one statement."""
    parts = [select(literal(status.value).label("status"), func.count().label("n"))
             .where(PurchaseOrder.status == status) for status in PoStatus]
    counts = dict(db.session.execute(union_all(*parts)).all())
    return {status: counts.get(status.value, 0) for status in PoStatus}


# Changing purchase orders

def create_po(supplier_id: int, expected: date, today: date) -> PurchaseOrder:
    """A Draft PO to a supplier; its date is today or later."""
    if expected < today:
        raise PurchaseOrderRefused("Enter today's date or a later one", field="expected_date")
    with transaction():
        supplier = db.session.get(Supplier, supplier_id)
        if supplier is None:
            raise PurchaseOrderRefused("Choose a supplier", field="supplier_id")
        po = PurchaseOrder(supplier=supplier, expected_date=expected, status=PoStatus.DRAFT)
        db.session.add(po)
    return po


def _lock_po_products(reference: str) -> dict[int, Product]:
    """Lock the products on a PO's lines, before the PO (products by id, then the PO): its
    units on their way decide those products' promise (app/services/approvals.py)."""
    row_id = po_id(reference)
    product_ids = db.session.scalars(select(PurchaseOrderLine.product_id).where(
        PurchaseOrderLine.purchase_order_id == row_id)).all() if row_id else []
    products = lock_products(product_ids)
    approvals.note(products.values())
    return products


def _locked_po(reference: str, version: int | None) -> PurchaseOrder:
    """The PO, row-locked, as the form saw it (else StalePurchaseOrder)."""
    row_id = po_id(reference)
    po = db.session.scalar(select(PurchaseOrder).where(PurchaseOrder.id == row_id)
                           .with_for_update().execution_options(populate_existing=True)) \
        if row_id is not None else None
    if po is None:
        raise PurchaseOrderRefused(f"There is no purchase order {reference}", field="form")
    if version is not None and po.version != version:
        raise StalePurchaseOrder()
    return po


def add_line(reference: str, version: int, sku: str, quantity: int,
             unit_cost: Decimal) -> PurchaseOrderLine:
    """Add a product to a Draft PO; the same product again adds to its line."""
    with transaction():
        po = _locked_po(reference, version)
        if po.status is not PoStatus.DRAFT:
            # Above the forms: an Ordered PO's page has no Add line form to show it by.
            raise PurchaseOrderRefused("Lines are added while the purchase order is a Draft",
                                       field="form")
        product = db.session.scalar(select(Product).where(Product.sku == sku))
        if product is None:
            raise PurchaseOrderRefused(f"There is no product {sku}", field="sku")
        if product.supplier_id != po.supplier_id:
            raise PurchaseOrderRefused(
                f"{product.sku} is not bought from {po.supplier.name}: set its Supplier on "
                "its product form first", field="sku")
        line = next((each for each in po.lines if each.product_id == product.id), None)
        if line is None:
            line = PurchaseOrderLine(purchase_order=po, product_id=product.id, sku=product.sku,
                                     quantity=0, unit_cost=unit_cost)
        check_line_quantity(product.sku, line.quantity + quantity, 0)
        line.quantity += quantity
        line.unit_cost = unit_cost
        po.version += 1
        db.session.add(line)
    return line


def save_po(reference: str, version: int, expected: date,
            quantities: Mapping[int, int]) -> PurchaseOrder:
    """Save a PO's expected date and line quantities (never below what was received)."""
    with transaction():
        _lock_po_products(reference)
        po = _locked_po(reference, version)
        if po.status not in EDITABLE_STATUSES:
            raise PurchaseOrderRefused(f"A {po.status} purchase order cannot change",
                                       field="form")
        watch = _watch_promises(po)
        for line in po.lines:
            quantity = quantities.get(line.id, line.quantity)
            try:
                check_line_quantity(line.sku, quantity, line.received)
            except PurchaseOrderRefused as error:
                raise PurchaseOrderRefused(error.message, field=f"qty_{line.id}") from None
            line.quantity = quantity
        po.expected_date = expected
        po.version += 1
        watch()
    return po


def mark_ordered(reference: str, version: int) -> PurchaseOrder:
    """Send a Draft PO: its units are incoming from now, and the supplier gets the lines."""
    with transaction():
        _lock_po_products(reference)
        po = _locked_po(reference, version)
        if po.status is not PoStatus.DRAFT:
            raise PurchaseOrderRefused(f"This purchase order is already {po.status}",
                                       field="form")
        if not po.lines:
            raise PurchaseOrderRefused("Add a line before ordering", field="sku")
        po.status, po.ordered_at = PoStatus.ORDERED, utcnow()
        po.version += 1
        _email_supplier(po)
    return po


def _email_supplier(po: PurchaseOrder) -> None:
    """The PO for the supplier, to the outbox in this transaction (as shoppers' emails)."""
    supplier, lines = po.supplier, list(po.lines)  # loaded here, not by the template
    products = {p.id: p for p in db.session.scalars(
        select(Product).where(Product.id.in_([line.product_id for line in lines])))}
    body = render_template("email/purchase_order.txt", po=po, supplier=supplier, lines=lines,
                           products=products)
    notifications.write(OutboxEmail(order_id=None, to=supplier.email,
                                    subject=f"Purchase order {po.reference}", body=body))


def cancel_po(reference: str, version: int) -> PurchaseOrder:
    """Cancel a PO nothing was received on: its units are no longer incoming."""
    with transaction():
        _lock_po_products(reference)
        po = _locked_po(reference, version)
        if po.status not in {PoStatus.DRAFT, PoStatus.ORDERED}:
            raise PurchaseOrderRefused(
                f"A {po.status} purchase order cannot be cancelled"
                + (": receive the rest or close it short" if po.status is
                   PoStatus.PARTLY_RECEIVED else ""), field="form")
        watch = _watch_promises(po)
        po.status = PoStatus.CANCELLED
        po.version += 1
        watch()
    return po


def receive_po(reference: str, version: int, units: Mapping[int, int], delivery: str,
               close_short: bool, user: User | None, once: str | None = None) -> list[Order]:
    """Receive units against a PO's lines: on hand goes up and waiting orders are served
    first, as `Receive stock` does. The PO becomes Partly received or Received; with
    `close_short` the units still to come will not come, and it is Received.

    Returns the backorders that the receipt made ready.
    """
    with transaction():
        claim_submission(once)
        products = _lock_po_products(reference)  # products by id, then the PO
        po = _locked_po(reference, version)
        if po.status not in INCOMING_STATUSES:
            raise PurchaseOrderRefused(f"Nothing can be received on a {po.status} purchase order",
                                       field="form")
        if not any(units.values()) and not close_short:
            raise PurchaseOrderRefused("Enter the units received on at least one line",
                                       field=f"receive_{po.lines[0].id}")
        watch = _watch_promises(po) if close_short else (lambda: None)
        ready: list[Order] = []
        for line in po.lines:
            received = units.get(line.id, 0)
            try:
                check_receipt(line.sku, received, line.outstanding)
            except PurchaseOrderRefused as error:
                raise PurchaseOrderRefused(error.message, field=f"receive_{line.id}") from None
            if received:
                line.received += received
                ready += inventory.receive(products[line.product_id], received,
                                           f"{po.reference} {delivery}".strip(), user)
            if close_short and line.outstanding:
                line.closed = True
        po.status = status_after_receipt((line.quantity, line.received, line.closed)
                                         for line in po.lines)
        po.version += 1
        watch()
    return ready


# Coverage: what waits, what is on its way, and what nobody has ordered yet

@dataclass(frozen=True)
class CoverageRow:
    report: BackorderRow  # units waiting, oldest wait, incoming, uncovered
    product_id: int
    supplier: Supplier | None
    cost_price: Decimal | None


def coverage() -> list[CoverageRow]:
    """Per product with units waiting: waiting, incoming and uncovered units, the oldest
    wait and its supplier. Three statements, whatever the number of products."""
    rows = backorder_report("oldest")
    products = {p.sku: p for p in db.session.scalars(
        select(Product).where(Product.sku.in_([row.sku for row in rows]))
        .options(selectinload(Product.supplier)))} if rows else {}
    return [CoverageRow(row, products[row.sku].id, products[row.sku].supplier,
                        products[row.sku].cost_price) for row in rows]


def draft_purchase_orders(today: date, once: str | None = None) -> list[PurchaseOrder]:
    """One Draft PO per supplier for the uncovered units of its products, expected after
    the supplier's lead time, at each product's cost price (0 when not set)."""
    with transaction():
        claim_submission(once)
        by_supplier: dict[int, list[CoverageRow]] = {}
        for row in coverage():
            if row.supplier is not None and row.report.uncovered:
                by_supplier.setdefault(row.supplier.id, []).append(row)
        drafted = []
        for rows in by_supplier.values():
            supplier = rows[0].supplier
            po = PurchaseOrder(supplier=supplier, status=PoStatus.DRAFT,
                               expected_date=today + timedelta(days=supplier.lead_time_days))
            for row in rows:
                po.lines.append(PurchaseOrderLine(
                    product_id=row.product_id, sku=row.report.sku, quantity=row.report.uncovered,
                    unit_cost=row.cost_price or Decimal("0.00")))
            db.session.add(po)
            drafted.append(po)
    return drafted


# When a date slips

def _watch_promises(po: PurchaseOrder):
    """Note the promised dates of the orders waiting for this PO's products; the returned
    function, called after the change, tells the shoppers whose date moved later.

    A fixed number of statements each side, whatever the number of waiting lines and
    PO lines; then one email per order that slipped. Nothing when the shop shows no dates.
    """
    settings = get_settings()
    if not settings.show_arrival_date:
        return lambda: None
    product_ids = [line.product_id for line in po.lines]
    order_ids = list(db.session.scalars(
        select(OrderLine.order_id).join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.product_id.in_(product_ids), OrderLine.allocated < OrderLine.quantity,
               Order.status.in_(OPEN_STATUSES)).distinct()))
    before = order_dates(order_ids)

    def tell() -> None:
        db.session.flush()
        slipped = moved_later(before, order_dates(order_ids))
        if slipped:
            _tell_shoppers(slipped, ask=settings.ask_delay_confirmation)
    return tell


def order_dates(order_ids: list[int]) -> dict[int, date | None]:
    """Each open order's promised date: when its last waiting line is expected (None: to be
    confirmed). Four statements, whatever the number of orders and lines."""
    if not order_ids:
        return {}
    lines = db.session.execute(
        select(OrderLine.id, OrderLine.order_id, OrderLine.product_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.order_id.in_(order_ids), OrderLine.allocated < OrderLine.quantity,
               Order.status.in_(OPEN_STATUSES))).all()
    by_product = promises({product_id for _, _, product_id in lines})
    dates: dict[int, list[date | None]] = {}
    for line_id, order_id, product_id in lines:
        dates.setdefault(order_id, []).append(by_product[product_id].line_date(line_id))
    return {order_id: order_date(each) for order_id, each in dates.items()}


def _tell_shoppers(slipped: dict[int, tuple[date | None, date | None]], ask: bool) -> None:
    """Email each shopper whose date moved later, once, with the old and new dates."""
    orders = db.session.scalars(select(Order).where(Order.id.in_(slipped))
                                .options(selectinload(Order.lines)).order_by(Order.id))
    for order in orders:
        old, new = slipped[order.id]
        when = f"{new:%d %b %Y}" if new else "a date to be confirmed"
        message = f"Expected date moved from {old:%d %b %Y} to {when}: shopper emailed"
        if ask:
            order.awaiting_answer = True
            order.version += 1  # a page opened before this shows the order as it was
            message += " and asked to keep waiting or cancel the waiting items"
        log_event(order, "delayed", message)
        notifications.queue(order, "backorder_delayed", old_date=old, new_date=new, ask=ask)

