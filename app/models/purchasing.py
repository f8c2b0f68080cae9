"""Suppliers and the purchase orders that bring stock from them."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.promise import INCOMING_STATUSES, PoStatus
from app.extensions import db
from app.models.types import Money, Timestamp, UTCDateTime

PO_PREFIX = "PO"
PO_FIRST = 1000  # id 1 is PO1001


class Supplier(db.Model):
    __tablename__ = "suppliers"
    __table_args__ = (CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    lead_time_days: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Supplier {self.name}>"


class PurchaseOrder(db.Model):
    __tablename__ = "purchase_orders"
    __table_args__ = (Index("ix_purchase_orders_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    status: Mapped[PoStatus] = mapped_column(
        Enum(PoStatus, native_enum=False, length=32, validate_strings=True,
             values_callable=lambda e: [m.value for m in e]), default=PoStatus.DRAFT)
    expected_date: Mapped[date]
    # A form opened before someone else changed the PO is refused, as on orders.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[Timestamp]
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list["PurchaseOrderLine"]] = relationship(
        back_populates="purchase_order", order_by="PurchaseOrderLine.id",
        cascade="all, delete-orphan")

    @property
    def number(self) -> int:
        return PO_FIRST + self.id

    @property
    def reference(self) -> str:
        return f"{PO_PREFIX}{self.number}"

    @property
    def is_incoming(self) -> bool:
        return self.status in INCOMING_STATUSES

    def __repr__(self) -> str:
        return f"<PurchaseOrder {self.reference} {self.status}>"


def po_id(reference: str) -> int | None:
    """The row id of PO1001 and the like; None for anything else."""
    digits = reference[len(PO_PREFIX):] if reference.upper().startswith(PO_PREFIX) else ""
    if not digits.isdigit() or len(digits) > 9 or int(digits) <= PO_FIRST:
        return None
    return int(digits) - PO_FIRST


class PurchaseOrderLine(db.Model):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="po_quantity_positive"),
        CheckConstraint("received >= 0 AND received <= quantity", name="received_within_quantity"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        # What is still to come for a product: what the promise reads.
        Index("ix_purchase_order_lines_open", "product_id", "purchase_order_id",
              sqlite_where=text("received < quantity AND NOT closed"),
              postgresql_where=text("received < quantity AND NOT closed")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    received: Mapped[int] = mapped_column(default=0)
    unit_cost: Mapped[Money]
    # Staff closed a short receipt: the rest will not come.
    closed: Mapped[bool] = mapped_column(default=False)

    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")

    @property
    def outstanding(self) -> int:
        """Units still to come on this line."""
        return 0 if self.closed else self.quantity - self.received

    def __repr__(self) -> str:
        return f"<PurchaseOrderLine {self.sku} qty={self.quantity} received={self.received}>"
