"""The stock ledger: every change of on hand, committed or waiting."""
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import Timestamp


class StockMovement(db.Model):
    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_product_id", "product_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    on_hand_delta: Mapped[int] = mapped_column(default=0)
    committed_delta: Mapped[int] = mapped_column(default=0)
    waiting_delta: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(32))
    # Where units came from: a delivery's reference (a receipt and what it allocated),
    # or the order that freed them.
    reference: Mapped[str] = mapped_column(String(100), default="")
    # Why staff changed on hand, in their words (an adjustment, and what it allocated).
    note: Mapped[str] = mapped_column(String(100), default="", server_default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp] = mapped_column(index=True)

    def __repr__(self) -> str:
        return (f"<StockMovement {self.reason} product={self.product_id} "
                f"on_hand{self.on_hand_delta:+} committed{self.committed_delta:+}>")
