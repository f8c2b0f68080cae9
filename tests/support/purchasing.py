"""Shortcuts for purchase orders: a supplier, a product bought from it, a PO ordered,
and the checks that hold for POs and the promise between any two use cases."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.buttons import Policy
from app.domain.orders import BACKORDER_STATUSES, OrderStatus
from app.domain.promise import INCOMING_STATUSES, PoStatus, arrival_for, status_after_receipt
from app.extensions import db
from app.models import Order, OrderLine, Product, PurchaseOrder, PurchaseOrderLine, StockMovement
from app.services import purchasing
from app.services.catalog import ProductData, create_product
from app.services.promises import incoming_units, promises
from app.services.settings import get_settings

TODAY = date.today()


def in_days(days: int) -> date:
    return TODAY + timedelta(days=days)


def supplier(name: str = "Tea Co", email: str = "orders@teaco.example") -> int:
    return purchasing.save_supplier(purchasing.SupplierData(name, email, 14)).id


def bought_product(sku: str, supplier_id: int, *, on_hand: int = 0, arrival: date | None = None,
                   policy: Policy = Policy.ALWAYS) -> str:
    create_product(ProductData(sku=sku, name=f"Product {sku}", description="",
                               price=Decimal("10.00"), on_hand=on_hand, backorder_policy=policy,
                               arrival_date=arrival, backorder_limit=None,
                               supplier_id=supplier_id, supplier_sku=f"S-{sku}",
                               cost_price=Decimal("4.00")), user=None)
    return sku


def po(supplier_id: int, expected: date, lines: dict[str, int], ordered: bool = True) -> str:
    """A PO with these lines (SKU -> units); Ordered unless told otherwise. Its reference."""
    created = purchasing.create_po(supplier_id, expected, TODAY)
    reference = created.reference
    for sku, units in lines.items():
        purchasing.add_line(reference, version(reference), sku, units, Decimal("4.00"))
    if ordered:
        purchasing.mark_ordered(reference, version(reference))
    return reference


def version(reference: str) -> int:
    db.session.rollback()
    return purchasing.find_po(reference).version


def line_ids(reference: str) -> dict[str, int]:
    db.session.rollback()
    return {line.sku: line.id for line in purchasing.find_po(reference).lines}


def status(reference: str) -> PoStatus:
    db.session.rollback()
    return purchasing.find_po(reference).status


def receive(reference: str, units: dict[str, int], close_short: bool = False):
    ids = line_ids(reference)
    return purchasing.receive_po(reference, version(reference),
                                 {ids[sku]: n for sku, n in units.items()}, "DEL-1",
                                 close_short, user=None)


def assert_po_invariants() -> None:
    """Per PO line 0 <= received <= quantity; a PO that was received from has the status its
    lines say; the units received on POs are the ledger's PO receipts, per product."""
    db.session.rollback()
    problems = []
    for order in db.session.scalars(select(PurchaseOrder)):
        for line in order.lines:
            if not 0 <= line.received <= line.quantity:
                problems.append(f"{order.reference} {line.sku}: received {line.received} "
                                f"of {line.quantity}")
        received_from = any(line.received for line in order.lines)
        if received_from and order.status not in INCOMING_STATUSES | {PoStatus.RECEIVED}:
            problems.append(f"{order.reference}: {order.status} but units were received")
        if received_from and order.status is not status_after_receipt(
                (line.quantity, line.received, line.closed) for line in order.lines):
            problems.append(f"{order.reference}: {order.status} does not match its lines")
    on_pos = dict(db.session.execute(
        select(PurchaseOrderLine.product_id, func.sum(PurchaseOrderLine.received))
        .group_by(PurchaseOrderLine.product_id)).all())
    in_ledger = dict(db.session.execute(
        select(StockMovement.product_id, func.sum(StockMovement.on_hand_delta))
        .where(StockMovement.reason == "receipt", StockMovement.reference.like("PO%"))
        .group_by(StockMovement.product_id)).all())
    for product_id in on_pos.keys() | in_ledger.keys():
        if int(on_pos.get(product_id) or 0) != int(in_ledger.get(product_id) or 0):
            sku = db.session.get(Product, product_id).sku
            problems.append(f"{sku}: {on_pos.get(product_id)} received on POs, "
                            f"{in_ledger.get(product_id)} in the ledger")
    assert not problems, problems


def assert_promise_invariants() -> None:
    """Incoming units cover waiting ones as far as both go, never more; each product's
    incoming date is its first incoming unit no waiting line is promised; with `Approve
    backorders covered by a purchase order` on, no New Backorder is covered whole and every
    backorder the POs approved still is."""
    db.session.rollback()
    problems = []
    products = {p.id: p for p in db.session.scalars(select(Product))}
    found = promises(products)
    incoming = incoming_units(products)
    for product_id, promise in found.items():
        product = products[product_id]
        covered = sum(p.covered for p in promise.match.lines.values())
        if covered != min(promise.waiting, promise.incoming):
            problems.append(f"{product.sku}: {covered} covered of {promise.waiting} waiting "
                            f"and {promise.incoming} incoming")
        if promise.waiting != product.waiting:
            problems.append(f"{product.sku}: waiting {product.waiting}, lines {promise.waiting}")
        expected = arrival_for(product.waiting, 1, incoming[product_id])
        if product.incoming_date != expected:
            problems.append(f"{product.sku}: incoming date {product.incoming_date}, "
                            f"the POs say {expected}")
    if get_settings().approve_covered:
        coverage: dict[int, list[bool]] = {}
        for line in db.session.scalars(select(OrderLine).where(
                OrderLine.allocated < OrderLine.quantity)):
            promised = found[line.product_id].match.lines.get(line.id)
            coverage.setdefault(line.order_id, []).append(
                promised is not None and promised.covered == line.unallocated)
        for order in db.session.scalars(select(Order).where(
                Order.status.in_(BACKORDER_STATUSES))):
            lines = coverage.get(order.id)
            if not lines:
                continue
            if order.status is OrderStatus.NEW_BACKORDER and all(lines):
                problems.append(f"{order.reference}: covered whole but not approved")
            if order.status is OrderStatus.BACKORDER_APPROVED and order.approved_by_po \
                    and not all(lines):
                problems.append(f"{order.reference}: approved by the POs but not covered")
    db.session.rollback()
    assert not problems, problems
