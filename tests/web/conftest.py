"""Fixtures for the web tests: orders in any status, stock figures, "nothing changed"."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order
from tests.support import rows, services


@pytest.fixture
def snapshot(app):
    """snapshot() reads every row of every table, to compare before and after a refused form."""
    return lambda: rows.snapshot(app)


class Orders:
    """Puts orders into any status through the services, the way staff would get them there."""

    def __init__(self, shop):
        self.shop = shop
        self.count = 0

    def get(self, reference: str) -> dict:
        def read():
            order = db.session.scalar(select(Order).where(Order.reference == reference))
            return {"id": order.id, "reference": order.reference, "status": order.status,
                    "version": order.version, "total": order.total,
                    "amount_paid": order.amount_paid,
                    "parent": order.parent.reference if order.parent else None,
                    "backorders": [child.reference for child in order.backorders],
                    "lines": [(l.sku, l.quantity, l.allocated) for l in order.lines],
                    "line_ids": {l.sku: l.id for l in order.lines},
                    "events": [event.message for event in order.events],
                    "payments": [(p.amount, p.method) for p in order.payments]}
        return self.shop.read(read)

    def move(self, reference: str, *statuses: OrderStatus) -> str:
        self.shop.read(lambda: services.move(reference, *statuses))
        return reference

    def pay(self, reference: str, amount: str) -> None:
        from app.services.orders import record_payment
        order = self.get(reference)
        self.shop.read(lambda: record_payment(order["id"], order["version"], Decimal(amount),
                                              "Cash", "", None))

    def receive(self, sku: str, quantity: int) -> None:
        from app.services.inventory import receive_stock
        self.shop.read(lambda: receive_stock(sku, quantity, "delivery", None))

    def placed(self, status: OrderStatus, email: str = "shopper@example.com") -> str:
        """A one-line order (its own product) with `status`."""
        self.count += 1
        stocked = status not in (OrderStatus.NEW_BACKORDER, OrderStatus.BACKORDER_APPROVED)
        sku = self.shop.product(f"ST-{self.count}", on_hand=5 if stocked else 0,
                                policy=Policy.STORE if stocked else Policy.ALWAYS)
        if not stocked:
            self.shop.settings(create_backorder=True)
        reference, backorder = self.shop.order({sku: 2}, email=email)
        if not stocked:
            self.shop.settings(create_backorder=False)
            assert backorder == reference  # every unit waits: the order itself is the backorder
        path = {
            OrderStatus.NEW: [], OrderStatus.NEW_BACKORDER: [],
            OrderStatus.ON_HOLD: [OrderStatus.ON_HOLD],
            OrderStatus.BACKORDER_APPROVED: [OrderStatus.BACKORDER_APPROVED],
            OrderStatus.PICK: [OrderStatus.PICK],
            OrderStatus.PACK: [OrderStatus.PICK, OrderStatus.PACK],
            OrderStatus.DISPATCHED: [OrderStatus.PICK, OrderStatus.PACK, OrderStatus.DISPATCHED],
            OrderStatus.CANCELLED: [OrderStatus.CANCELLED],
        }[status]
        self.move(reference, *path)
        assert self.get(reference)["status"] is status
        return reference


@pytest.fixture
def orders(shop) -> Orders:
    return Orders(shop)


@pytest.fixture
def figures(shop):
    """figures(sku) is the product's (on hand, committed, waiting)."""
    return lambda sku: shop.read(lambda: services.figures(sku))


@pytest.fixture
def two_lines(shop):
    """An order of 3 x A-1 (1 in stock, $10) and 2 x B-1 (in stock, $5), not split."""
    shop.product("A-1", on_hand=1, price="10.00", policy=Policy.ALWAYS, name="Kettle")
    shop.product("B-1", on_hand=5, price="5.00", name="Cup")
    reference, backorder = shop.order({"A-1": 3, "B-1": 2})
    assert backorder is None
    return reference
