"""Orders, their lines, payments and timeline."""
import secrets
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Enum, ForeignKey, Index, String, Text, text,
                        UniqueConstraint, and_, exists)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.domain.checkout import DeliveryChoice
from app.domain.orders import BACKORDER_STATUSES, Line, OrderStatus
from app.domain.payments import payment_due, to_refund
from app.extensions import db
from app.models.types import Money, Timestamp


class OrderNumber(db.Model):
    """Hands out order numbers: one insert, no lock shared between checkouts."""

    __tablename__ = "order_numbers"
    FIRST = 1000  # id 1 is order 1001

    id: Mapped[int] = mapped_column(primary_key=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("allocated >= 0 AND allocated <= quantity", name="allocated_within_quantity"),
        Index("ix_order_lines_product_order", "product_id", "order_id"),
        Index("ix_order_lines_sku", "sku"),
        # Lines still waiting for stock: what a receipt serves and the report sums.
        Index("ix_order_lines_waiting", "product_id", "id",
              sqlite_where=text("allocated < quantity"),
              postgresql_where=text("allocated < quantity")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Money]
    quantity: Mapped[int]
    allocated: Mapped[int] = mapped_column(default=0)

    order: Mapped["Order"] = relationship(back_populates="lines")

    @property
    def unallocated(self) -> int:
        return self.quantity - self.allocated

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity

    def as_line(self) -> Line:
        """The line as the domain's rules (split, BKO, Qty) see it."""
        return Line(id=self.id, sku=self.sku, quantity=self.quantity, allocated=self.allocated,
                    unit_price=self.unit_price)

    def __repr__(self) -> str:
        return f"<OrderLine {self.sku} qty={self.quantity} allocated={self.allocated}>"


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("prefix", "number", "suffix", name="uq_order_number"),
        CheckConstraint("amount_paid >= 0 AND amount_paid <= total", name="paid_within_total"),
        Index("ix_orders_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    prefix: Mapped[str] = mapped_column(String(10))
    number: Mapped[int]
    suffix: Mapped[int | None]
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, native_enum=False, length=32, validate_strings=True,
             values_callable=lambda e: [m.value for m in e]))
    customer_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(Text)
    payment_method: Mapped[str] = mapped_column(String(40))
    total: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    amount_paid: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    placed_at: Mapped[Timestamp] = mapped_column(index=True)
    # Its promised date moved later and the shopper was asked: keep waiting, or cancel?
    awaiting_answer: Mapped[bool] = mapped_column(default=False)
    # Backorder Approved by the purchase orders covering it (not by staff): it moves back
    # to New Backorder by itself if they stop covering it.
    approved_by_po: Mapped[bool] = mapped_column(default=False)
    # The card Stripe saved for this order only (Stripe's ids, never card data): its
    # backorders are charged to it when they are released.
    stripe_customer: Mapped[str | None] = mapped_column(String(255))
    stripe_payment_method: Mapped[str | None] = mapped_column(String(255))
    # Why the card was not charged when the order was due, until the shopper pays.
    payment_problem: Mapped[str | None] = mapped_column(String(500))
    # The shopper's `Delivery` at checkout; None when checkout did not ask (nothing to split).
    delivery: Mapped[DeliveryChoice | None] = mapped_column(
        Enum(DeliveryChoice, native_enum=False, length=32, validate_strings=True,
             values_callable=lambda e: [m.value for m in e]))

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan")
    parent: Mapped["Order | None"] = relationship(remote_side=[id], back_populates="backorders")
    backorders: Mapped[list["Order"]] = relationship(back_populates="parent", order_by="Order.id")
    events: Mapped[list["OrderEvent"]] = relationship(
        order_by="OrderEvent.id", cascade="all, delete-orphan", back_populates="order")
    payments: Mapped[list["Payment"]] = relationship(
        order_by="Payment.id", cascade="all, delete-orphan", back_populates="order")

    @property
    def is_cancelled(self) -> bool:
        return self.status is OrderStatus.CANCELLED

    @property
    def payment_required(self) -> Decimal:
        return payment_due(self.is_cancelled, self.total, self.amount_paid)

    @property
    def to_refund(self) -> Decimal:
        """What was paid on a cancelled order, owed back to the shopper."""
        return to_refund(self.is_cancelled, self.amount_paid)

    @property
    def has_units(self) -> bool:
        return any(line.quantity for line in self.lines)

    @property
    def is_backorder(self) -> bool:
        return self.status in BACKORDER_STATUSES

    @property
    def ships_together(self) -> bool:
        """The shopper chose `Ship everything together`: nothing ships until every unit can."""
        return self.delivery is DeliveryChoice.TOGETHER

    @property
    def waits_for_stock(self) -> bool:
        """Nothing of it ships now: a backorder, or an order shipping everything together."""
        return self.is_backorder or self.ships_together

    def __repr__(self) -> str:
        return f"<Order {self.reference} {self.status}>"


# Ready: every line has its stock. Deferred: loaded only where a page asks for it.
Order.is_fully_allocated = column_property(
    ~exists().where(and_(OrderLine.order_id == Order.id,
                         OrderLine.allocated < OrderLine.quantity)).correlate_except(OrderLine),
    deferred=True,
)


CREDIT = "Credit"


class Payment(db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    amount: Mapped[Money]
    method: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp]

    order: Mapped[Order] = relationship(back_populates="payments")

    @property
    def is_credit(self) -> bool:
        """Money moved between an order and its backorder by a split, not paid by the shopper."""
        return self.method == CREDIT

    def __repr__(self) -> str:
        return f"<Payment {self.amount} {self.method}>"


class OrderEvent(db.Model):
    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp]

    order: Mapped[Order] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return f"<OrderEvent {self.kind}: {self.message}>"
