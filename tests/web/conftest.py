"""Fixtures for the web tests: orders in any status, and snapshots of the rows forms touch."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import (Order, OrderEvent, OrderLine, Payment, Product, SettingChange,
                        StockMovement, StoreSettings)


def snapshot_products() -> list[tuple]:
    return [(p.sku, p.name, p.description, p.price, p.on_hand, p.committed, p.waiting,
             p.backorder_policy, p.arrival_date, p.backorder_limit)
            for p in db.session.scalars(select(Product).order_by(Product.id))]


def snapshot_orders() -> list[tuple]:
    orders = [(o.reference, o.status, o.total, o.amount_paid, o.version, o.parent_id)
              for o in db.session.scalars(select(Order).order_by(Order.id))]
    lines = [(l.order_id, l.sku, l.quantity, l.allocated, l.unit_price)
             for l in db.session.scalars(select(OrderLine).order_by(OrderLine.id))]
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (OrderEvent, Payment, StockMovement)]
    return [orders, lines, counts]


def snapshot_settings() -> list:
    settings = db.session.get(StoreSettings, 1)
    return [{column.name: getattr(settings, column.name)
             for column in StoreSettings.__table__.columns},
            db.session.scalar(select(func.count()).select_from(SettingChange))]


def snapshot_everything() -> list:
    """Every row a form in this shop may change, as plain values."""
    return [snapshot_products(), snapshot_orders(), snapshot_settings()]


@pytest.fixture
def snapshot(shop):
    """snapshot() reads the products, orders, ledger and settings as plain values."""
    return lambda: shop.read(snapshot_everything)


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
        from app.services.orders import change_status
        for status in statuses:
            order = self.get(reference)
            self.shop.read(lambda: change_status(order["id"], order["version"], status, None))
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


def product_figures(shop, sku: str) -> tuple[int, int, int]:
    """(on hand, committed, waiting) of a product."""
    def read():
        p = db.session.scalar(select(Product).where(Product.sku == sku))
        return p.on_hand, p.committed, p.waiting
    return shop.read(read)


@pytest.fixture
def figures(shop):
    return lambda sku: product_figures(shop, sku)

