"""The catalogue: products, their stock figures and their categories."""
from datetime import date
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Column, Enum, ForeignKey, Index, Numeric, String, Table,
                        Text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.buttons import Policy as BackorderPolicy
from app.domain.buttons import StockFigures
from app.extensions import db
from app.models.types import Money


# Which categories a product is in; the category's index serves the category filter.
product_categories = Table(
    "product_categories", db.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_product_categories_category_id_product_id", "category_id", "product_id"),
)


class Category(db.Model):
    """A group of products that the catalogue can be filtered by; listed by name."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The name in links (/?category=<slug>); made once from the name, unique.
    slug: Mapped[str] = mapped_column(String(120), unique=True)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Product(StockFigures, db.Model):
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

    # Counts the changes to the product's pictures: part of what the storefront shows
    # of it (services.catalog.face), so the kept pages showing it are dropped. 0 until the
    # product's first picture: the product page reads no pictures for it.
    pictures_version: Mapped[int] = mapped_column(default=0, server_default="0")

    supplier: Mapped["Supplier | None"] = relationship()  # noqa: F821
    categories: Mapped[list[Category]] = relationship(
        secondary=product_categories, order_by=Category.name)
    # The first (position 0) is the main picture: the catalogue, cart and emails show it.
    pictures: Mapped[list["ProductPicture"]] = relationship(
        order_by="ProductPicture.position", back_populates="product",
        cascade="all, delete-orphan", passive_deletes=True)
    main_picture: Mapped["ProductPicture | None"] = relationship(
        primaryjoin="and_(ProductPicture.product_id == Product.id, ProductPicture.position == 0)",
        viewonly=True, uselist=False)

    def __repr__(self) -> str:
        return f"<Product {self.sku} on_hand={self.on_hand} committed={self.committed}>"


class ProductPicture(db.Model):
    """A picture of a product, stored as files named by `key` (a hash of their content):
    `<key>-thumb.jpg` and `<key>-large.jpg` (app/pictures/files.py)."""

    __tablename__ = "product_pictures"
    __table_args__ = (
        # Positions are renumbered 0, 1, 2... by the service under the product's lock.
        Index("ix_product_pictures_product_position", "product_id", "position"),
        CheckConstraint("position >= 0", name="picture_position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64), index=True)
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    large_width: Mapped[int]
    large_height: Mapped[int]

    product: Mapped[Product] = relationship(back_populates="pictures")

    def __repr__(self) -> str:
        return f"<ProductPicture {self.key} of product {self.product_id} at {self.position}>"
