"""What the purchase orders cover, brought up to date in the transaction that changes it.

A use case that changes the units waiting for a product (checkout, a receipt, a
cancellation, a Qty, a split) or the units on their way (a purchase order created,
ordered, edited, cancelled or received) names the product with `note`. Before the
transaction commits, `transaction()` calls `settle`, which, for the products named:

- sets each product's `incoming_date`: the expected date of its first incoming unit no
  waiting line is promised, which the product page shows (and the page cache compares);
- with `Approve backorders covered by a purchase order` on, moves each New Backorder
  whose every waiting unit is covered to Backorder Approved, and each backorder this
  rule approved back to New Backorder once a unit of it is uncovered
  (`approval_moves` in app/domain/promise.py), each move on the order's timeline.

A fixed number of statements, whatever the number of products, lines and orders.
Locks: the products named are locked by the use case (products by id, first); the
orders are locked after them, in id order.
"""
from collections.abc import Iterable

from sqlalchemy import insert, literal, select, update

from app.domain.orders import BACKORDER_STATUSES, OrderStatus
from app.domain.promise import Backorder, approval_moves, arrival_for
from app.extensions import db
from app.models import Order, OrderEvent, OrderLine, Product
from app.models.purchasing import PO_PREFIX
from app.models.types import UTCDateTime, utcnow
from app.services import PROMISE_PRODUCTS
from app.services.promises import incoming_units, promises
from app.services.records import lock_products
from app.services.settings import get_settings

NOTED = PROMISE_PRODUCTS  # in Session.info: the products whose coverage may have changed


def note(products: Iterable[Product | int]) -> None:
    """These products' waiting or incoming units change in this transaction: their rows
    (locked by the use case, kept here so settle need not read them again) or their ids."""
    noted = db.session.info.setdefault(NOTED, {})
    for product in products:
        if isinstance(product, Product):
            noted[product.id] = product
        else:
            noted.setdefault(product, None)


def settle() -> None:
    """Bring the noted products' incoming dates and their backorders' approval up to date."""
    noted = db.session.info.pop(NOTED, None)
    if not noted:
        return
    ids = sorted(noted)
    db.session.flush()
    products = _products(noted)
    incoming = incoming_units(ids)
    for product in products.values():
        expected = arrival_for(product.waiting, 1, incoming[product.id])
        if product.incoming_date != expected:  # else no UPDATE, and no page cache notice
            product.incoming_date = expected
    if get_settings().approve_covered:
        approve_covered(ids)
    db.session.flush()


def _products(noted: dict[int, Product | None]) -> dict[int, Product]:
    """The products, as the use case locked them (noted, or still in the session); the
    rest locked now."""
    found = {i: product for i, known in noted.items()
             if (product := known or db.session.identity_map.get(
                 db.session.identity_key(Product, i))) is not None}
    missing = [i for i in noted if i not in found]
    return found | (lock_products(missing) if missing else {})


def approve_covered(product_ids: list[int]) -> dict[int, OrderStatus]:
    """Move the backorders waiting for these products as the purchase orders cover them;
    returns the orders moved (id -> new status).

    Three statements to decide (the backorders waiting, then the promise of their
    products); to move, one lock, an UPDATE per direction and an INSERT per distinct
    timeline message (the POs covering them), whatever the number of orders.
    """
    waiting_here = (select(OrderLine.order_id)
                    .where(OrderLine.product_id.in_(product_ids),
                           OrderLine.allocated < OrderLine.quantity))
    rows = db.session.execute(
        select(OrderLine.id, OrderLine.order_id, OrderLine.product_id,
               OrderLine.quantity - OrderLine.allocated, Order.status, Order.approved_by_po)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status.in_(BACKORDER_STATUSES), OrderLine.allocated < OrderLine.quantity,
               OrderLine.order_id.in_(waiting_here))).all()
    if not rows:
        return {}
    # Every product these backorders wait for: an order is covered only if all its lines are.
    by_product = promises({row[2] for row in rows}, arrival_dates={})
    lines: dict[int, list[tuple[int, int]]] = {}
    seen: dict[int, tuple[OrderStatus, bool]] = {}
    pos: dict[int, set[int]] = {}  # order id -> the PO numbers covering its lines
    for line_id, order_id, product_id, units, status, approved_by_po in rows:
        match = by_product[product_id].match
        lines.setdefault(order_id, []).append((match.lines[line_id].covered, units))
        seen[order_id] = (OrderStatus(status), approved_by_po)
        pos.setdefault(order_id, set()).update(match.covering.get(line_id, ()))
    moves = approval_moves(Backorder(order_id, status, approved_by_po, tuple(lines[order_id]))
                           for order_id, (status, approved_by_po) in seen.items())
    if not moves:
        return {}
    # The orders' rows are locked in id order (as every use case takes orders) before
    # they change; each moves only if it still has the status it was judged by.
    db.session.execute(select(Order.id).where(Order.id.in_(moves)).order_by(Order.id)
                       .with_for_update())
    moved: dict[int, OrderStatus] = {}
    for old, new in ((OrderStatus.NEW_BACKORDER, OrderStatus.BACKORDER_APPROVED),
                     (OrderStatus.BACKORDER_APPROVED, OrderStatus.NEW_BACKORDER)):
        ids = [order_id for order_id, status in moves.items() if status is new]
        if not ids:
            continue
        for order_id in db.session.scalars(
                update(Order).where(Order.id.in_(ids), Order.status == old)
                .values(status=new, approved_by_po=new is OrderStatus.BACKORDER_APPROVED,
                        version=Order.version + 1)  # a page opened before is stale
                .returning(Order.id).execution_options(synchronize_session="fetch")):
            moved[order_id] = new
    _log_moves({order_id: approval_message(new, sorted(pos[order_id]))
                for order_id, new in moved.items()})
    return moved


def _log_moves(messages: dict[int, str]) -> None:
    """The timeline events, one INSERT ... SELECT per distinct message (the POs covering
    them), however many orders share it."""
    by_message: dict[str, list[int]] = {}
    for order_id, message in messages.items():
        by_message.setdefault(message, []).append(order_id)
    now = utcnow()
    for message, order_ids in by_message.items():
        db.session.execute(insert(OrderEvent).from_select(
            ["order_id", "kind", "message", "created_at"],
            select(Order.id, literal("status"), literal(message),
                   literal(now, UTCDateTime())).where(Order.id.in_(order_ids))))


def approval_message(status: OrderStatus, po_numbers: list[int]) -> str:
    """The timeline's words for a move made by the purchase orders."""
    if status is OrderStatus.BACKORDER_APPROVED:
        references = ", ".join(f"{PO_PREFIX}{number}" for number in po_numbers)
        return f"Backorder Approved: covered by {references}"
    return "New Backorder: the purchase orders no longer cover every waiting unit"

