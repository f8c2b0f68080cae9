"""The catalogue: products and their stock figures."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.buttons import Policy as BackorderPolicy
from app.domain.buttons import StockView
from app.extensions import db
from app.models.types import Money


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("committed >= 0 AND committed <= on_hand", name="committed_within_on_hand"),
        CheckConstraint("waiting >= 0", name="waiting_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_products_name_id", "name", "id"),  # the catalogue's order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Money]
    on_hand: Mapped[int] = mapped_column(default=0)
    committed: Mapped[int] = mapped_column(default=0)
    # Units on open order lines still waiting for stock; kept with on hand and
    # committed so the backorder limit is one comparison under the row lock.
    waiting: Mapped[int] = mapped_column(default=0)
    backorder_policy: Mapped[BackorderPolicy] = mapped_column(
        Enum(BackorderPolicy, native_enum=False, length=32, validate_strings=True),
        default=BackorderPolicy.STORE,
    )
    arrival_date: Mapped[date | None]
    # The expected date of the first unit on its way (Ordered or Partly received purchase
    # orders) that no waiting line is promised: when a unit bought now would arrive. Kept
    # with `waiting` in the transactions that change it (app/services/approvals.py), so the
    # product page reads it with the product and the page cache sees it change.
    incoming_date: Mapped[date | None]
    backorder_limit: Mapped[int | None]
    # Where the product is bought: purchase orders to this supplier may hold it.
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    supplier_sku: Mapped[str] = mapped_column(String(64), default="", server_default="")
    cost_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    supplier: Mapped["Supplier | None"] = relationship()  # noqa: F821

    @property
    def available(self) -> int:
        return self.on_hand - self.committed

    @property
    def stock_view(self) -> StockView:
        return StockView(available=self.available, policy=self.backorder_policy,
                         waiting=self.waiting, backorder_limit=self.backorder_limit)

    def __repr__(self) -> str:
        return f"<Product {self.sku} on_hand={self.on_hand} committed={self.committed}>"
