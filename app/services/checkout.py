"""Placing an order from a cart."""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import insert, select

from app.domain.checkout import DeliveryChoice, chosen_delivery
from app.domain.errors import DomainError, InsufficientStock
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, OrderLine, Product
from app.services import approvals, ledger, notifications, transaction
from app.services.backorders import split_order
from app.services.promises import cart_promises
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
    """
    if not items:
        raise EmptyCart("Your cart is empty")
    with transaction():
        submission = claim_submission(once)
        settings = get_settings()
        products = {p.sku: p for p in db.session.scalars(
            select(Product).where(Product.sku.in_(list(items))))}
        for sku in items:
            if sku not in products:
                raise UnknownProduct(f"{sku} is no longer sold")

        number = next_order_number()
        order = Order(
            prefix=settings.order_prefix, number=number,
            reference=reference(settings.order_prefix, number),
            status=OrderStatus.NEW, customer_name=customer.name,
            email=customer.email.lower(),  # searched as typed in any case
            address=customer.address, payment_method=customer.payment_method,
            amount_paid=Decimal("0.00"))
        order.total = sum((products[sku].price * qty for sku, qty in items.items()),
                          Decimal("0.00"))
        db.session.add(order)
        log_event(order, "placed", placed_message(customer.name))

        # The stock rows are locked last, so each checkout holds them briefly. The
        # lines and ledger rows follow in one batched insert each.
        stock = lock_products(product.id for product in products.values())
        if submission is not None:
            submission.order_id = order.id
        wanted = [(stock[products[sku].id], items[sku]) for sku in sorted(items)]
        # Whether checkout asks `Delivery` is judged on the stock as locked now.
        offered = cart_promises(wanted, settings)
        order.delivery = chosen_delivery(delivery, offered.together is not None)
        promised = offered.chosen(order.delivery)
        if promised.problems:
            raise InsufficientStock(promised.problems[0])
        if order.delivery is not None:
            log_event(order, "delivery", f"Delivery: {order.delivery}")
        lines, movements = [], []
        for (product, quantity), line in zip(wanted, promised.lines, strict=True):
            allocated = line.ship_now + line.reserved
            product.committed += allocated
            product.waiting += line.on_backorder
            lines.append({"order_id": order.id, "product_id": product.id, "sku": product.sku,
                          "name": product.name, "unit_price": product.price,
                          "quantity": quantity, "allocated": allocated})
            movements.append(ledger.movement(product.id, "checkout", committed=allocated,
                                             waiting=line.on_backorder, order_id=order.id))
        db.session.execute(insert(OrderLine), lines)
        ledger.record_many(movements)
        approvals.note(product for (product, _), line in zip(wanted, promised.lines)
                       if line.on_backorder)
        backorder = None
        if settings.create_backorder and not order.ships_together \
                and any(line.unallocated for line in order.lines):
            backorder = split_order(order, {line.id: line.unallocated for line in order.lines},
                                    settings, notify=False)
        notifications.queue(order, "order_placed", backorder=backorder, arrival_dates={
            product.id: product.arrival_date for product in stock.values()
            if product.arrival_date is not None})
    return Placed(order=order, backorder=backorder)
