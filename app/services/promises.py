"""What the shop promises a shopper, read from products or orders through the domain's rules."""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.domain.buttons import backorder_room
from app.domain.checkout import (CartItem, DeliveryChoice, Promise, offers_delivery_choice,
                                 promise, promise_of_orders)
from app.domain.orders import OPEN_STATUSES, Line
from app.domain.promise import (INCOMING_STATUSES, Incoming, Match, Waiting, match,
                                promised_date, queued_dates)
from app.extensions import db
from app.models import Order, OrderLine, Product, PurchaseOrder, PurchaseOrderLine, StoreSettings
from app.models.purchasing import PO_FIRST
from app.services.settings import split_rules


def cart_promise(wanted: Sequence[tuple[Product, int]], settings: StoreSettings,
                 together: bool = False) -> Promise:
    """What placing these quantities now would do with each unit: the rules checkout applies.

    `together`: as the shopper's `Ship everything together` would place it (no split).
    """
    allows = settings.out_of_stock_checkout
    return promise([CartItem(sku=product.sku, quantity=quantity, available=product.available,
                             backorder_room=backorder_room(product.stock_view, allows))
                    for product, quantity in wanted], split_rules(settings), together=together)


@dataclass(frozen=True)
class CartPromises:
    """What a cart will do: as it stands (`split`, the default), and with `Ship everything
    together` when checkout asks `Delivery` (`together`, else None)."""

    split: Promise
    together: Promise | None

    def chosen(self, delivery: DeliveryChoice | None) -> Promise:
        """The promise of the delivery the shopper chose."""
        if delivery is DeliveryChoice.TOGETHER and self.together is not None:
            return self.together
        return self.split


def cart_promises(wanted: Sequence[tuple[Product, int]], settings: StoreSettings) -> CartPromises:
    """The cart's promise, and the alternative checkout offers for it, if it offers one."""
    split = cart_promise(wanted, settings)
    offered = offers_delivery_choice(settings.offer_ship_together, split)
    return CartPromises(split=split,
                        together=cart_promise(wanted, settings, together=True) if offered
                        else None)


def placed_promise(orders: Iterable[Order]) -> Promise:
    """What placed orders still open will do: each ships once every unit in it is allocated."""
    return promise_of_orders([
        [Line(id=line.product_id, sku=line.sku, quantity=line.quantity,
              allocated=line.allocated, unit_price=line.unit_price) for line in order.lines]
        for order in orders if order.status in OPEN_STATUSES])


@dataclass(frozen=True)
class ProductPromise:
    """The promise of one product: each waiting line's date, and the figures behind it."""

    match: Match
    arrival_date: date | None
    waiting: int
    incoming: int

    def line_date(self, line_id: int) -> date | None:
        promised = self.match.lines.get(line_id)
        return promised_date(promised, self.arrival_date) if promised else None


def promises(product_ids: Iterable[int],
             arrival_dates: Mapping[int, date] | None = None) -> dict[int, ProductPromise]:
    """The promise of each product, from its waiting lines and the POs on their way.

    Three statements (two when the caller has the products' Dates of arrival, product
    id -> date for those that have one), whatever the number of products, waiting
    lines and PO lines.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    waiting: dict[int, list[Waiting]] = {i: [] for i in ids}
    for line_id, order_id, product_id, placed_at, units in db.session.execute(
            select(OrderLine.id, OrderLine.order_id, OrderLine.product_id, Order.placed_at,
                   OrderLine.quantity - OrderLine.allocated)
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.product_id.in_(ids), OrderLine.allocated < OrderLine.quantity,
                   Order.status.in_(OPEN_STATUSES))):
        waiting[product_id].append(Waiting(line_id, order_id, placed_at, units))
    incoming = incoming_units(ids)
    arrival = dict(arrival_dates) if arrival_dates is not None else dict(db.session.execute(
        select(Product.id, Product.arrival_date).where(Product.id.in_(ids))).all())
    return {i: ProductPromise(match=match(waiting[i], incoming[i]), arrival_date=arrival.get(i),
                              waiting=sum(w.units for w in waiting[i]),
                              incoming=sum(n.units for n in incoming[i]))
            for i in ids}


def incoming_units(product_ids: Iterable[int]) -> dict[int, list[Incoming]]:
    """The units on their way per product (Ordered and Partly received POs, less what was
    received, unless closed short), in one statement."""
    ids = sorted(set(product_ids))
    incoming: dict[int, list[Incoming]] = {i: [] for i in ids}
    if not ids:
        return incoming
    for product_id, po_row, expected, units in db.session.execute(
            select(PurchaseOrderLine.product_id, PurchaseOrder.id, PurchaseOrder.expected_date,
                   PurchaseOrderLine.quantity - PurchaseOrderLine.received)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
            .where(PurchaseOrderLine.product_id.in_(ids),
                   PurchaseOrderLine.received < PurchaseOrderLine.quantity,
                   PurchaseOrderLine.closed.is_(False),
                   PurchaseOrder.status.in_(INCOMING_STATUSES))):
        incoming[product_id].append(Incoming(PO_FIRST + po_row, expected, units))
    return incoming


def placed_line_dates(orders: Iterable[Order], products: Mapping[int, Product],
                      incoming: Mapping[int, list[Incoming]]) -> dict[int, date | None]:
    """Each waiting line's promised date in orders just placed, whose lines queue last:
    behind each product's `waiting` units as `products` hold them (before this checkout
    counted its own). No statement: the caller has the products and their incoming units.
    """
    waiting: dict[int, list[tuple[int, int]]] = {}
    for order in orders:
        if order.status in OPEN_STATUSES:
            for line in order.lines:
                if line.unallocated:
                    waiting.setdefault(line.product_id, []).append((line.id, line.unallocated))
    dates: dict[int, date | None] = {}
    for product_id, lines in waiting.items():
        product = products[product_id]
        dates.update(queued_dates(product.waiting, lines, incoming.get(product_id, []),
                                  product.arrival_date))
    return dates


def line_dates(orders: Iterable[Order],
               arrival_dates: Mapping[int, date] | None = None) -> dict[int, date | None]:
    """Each waiting line's promised date (order line id -> date, None: to be confirmed)."""
    lines = [line for order in orders if order.status in OPEN_STATUSES
             for line in order.lines if line.unallocated]
    by_product = promises((line.product_id for line in lines), arrival_dates)
    return {line.id: by_product[line.product_id].line_date(line.id) for line in lines}
