"""Products: reading the catalogue and saving the product form."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from itertools import chain

from sqlalchemy import Connection, inspect, select
from sqlalchemy.orm import Session

from app.domain.buttons import (BuyButton, Policy, StockView, buy_button,
                                most_a_cart_may_take, shown_stock, units_left)
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Order, Product, StoreSettings, User
from app.page_cache import Changes
from app.pagination import Page, Window, keyset, paginate
from app.services import ledger, transaction
from app.services.inventory import adjust
from app.services.records import lock_products
from app.services.settings import SETTINGS_ID


class DuplicateSku(DomainError):
    field = "sku"


@dataclass(frozen=True)
class ProductData:
    sku: str
    name: str
    description: str
    price: Decimal
    on_hand: int
    backorder_policy: Policy
    arrival_date: date | None
    backorder_limit: int | None
    # Where the product is bought (purchase orders to that supplier may hold it).
    supplier_id: int | None = None
    supplier_sku: str = ""
    cost_price: Decimal | None = None


def catalogue_page(size: int, *, after: int | None = None, before: int | None = None) -> Window:
    """Products by name, `size` at a time, after or before the product with that id."""
    return keyset(Product, ("name", "id"), size, after=after, before=before)


def product_list_page(number: int, size: int, query: str = "") -> Page:
    stmt = select(Product).order_by(Product.sku)
    if query:
        # % and _ typed in the search box are meant as themselves, not as wildcards.
        typed = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{typed}%"
        stmt = stmt.where(Product.sku.ilike(like, escape="\\")
                          | Product.name.ilike(like, escape="\\"))
    return paginate(stmt, number, size)


def find_product(sku: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.sku == sku))


def product_offer(sku: str) -> "Offer | None":
    """A product and what the storefront shows for it: one query, the settings row
    read alongside the product's."""
    row = db.session.execute(
        select(Product, StoreSettings).join(StoreSettings, StoreSettings.id == SETTINGS_ID)
        .where(Product.sku == sku)).first()
    return None if row is None else offer_for(*row)


def products_by_sku(skus: Iterable[str]) -> dict[str, Product]:
    skus = list(skus)
    if not skus:
        return {}
    return {p.sku: p for p in db.session.scalars(select(Product).where(Product.sku.in_(skus)))}


def create_product(data: ProductData, user: User | None) -> Product:
    with transaction():
        if find_product(data.sku) is not None:
            raise DuplicateSku(f"There is already a product {data.sku}")
        product = Product(sku=data.sku, name=data.name, description=data.description,
                          price=data.price, on_hand=data.on_hand, committed=0, waiting=0,
                          backorder_policy=data.backorder_policy,
                          arrival_date=data.arrival_date, backorder_limit=data.backorder_limit,
                          supplier_id=data.supplier_id, supplier_sku=data.supplier_sku,
                          cost_price=data.cost_price)
        db.session.add(product)
        db.session.flush()
        ledger.record(product.id, "opening stock", on_hand=data.on_hand,
                      user_id=user.id if user else None)
    return product


@dataclass(frozen=True)
class SavedProduct:
    product: Product
    ready: list[Order]  # backorders that the units added made ready, as a receipt does


def update_product(sku: str, data: ProductData, user: User | None) -> SavedProduct:
    """Save the product form. A change of On hand goes through the stock rules:
    more units serve waiting orders first; fewer never go below committed."""
    with transaction():
        product = find_product(sku)
        if product is None:
            raise DomainError(f"There is no product {sku}")
        if data.sku != sku and find_product(data.sku) is not None:
            raise DuplicateSku(f"There is already a product {data.sku}")
        product = lock_products([product.id])[product.id]
        product.sku, product.name, product.description = data.sku, data.name, data.description
        product.price, product.backorder_policy = data.price, data.backorder_policy
        product.arrival_date, product.backorder_limit = data.arrival_date, data.backorder_limit
        product.supplier_id, product.supplier_sku = data.supplier_id, data.supplier_sku
        product.cost_price = data.cost_price
        ready = []
        if data.on_hand != product.on_hand:
            ready = adjust(product, data.on_hand - product.on_hand, "set in the product form",
                           user)
    return SavedProduct(product, ready)


@dataclass(frozen=True)
class Offer:
    """What the storefront shows for a product: its buy button and arrival date."""

    product: Product
    button: BuyButton
    arrival_date: date | None
    most: int | None  # the most units one cart may take; None for no limit
    left: int | None  # the units the page counts: None for "In stock", else 0 to LOW_STOCK

    @property
    def face(self) -> tuple:
        return face(self.product)


def offer_for(product: Product, settings: StoreSettings) -> Offer:
    stock = product.stock_view
    allows = settings.out_of_stock_checkout
    shows_date = settings.show_arrival_date and product.available <= 0
    return Offer(product=product, button=buy_button(stock, allows),
                 arrival_date=product.arrival_date if shows_date else None,
                 most=most_a_cart_may_take(stock, allows), left=units_left(product.available))


# Everything of a product that a storefront page shows, under any settings. The kept
# pages are dropped when a product's face changes (app/page_cache/): a sale that
# leaves 37 instead of 38 keeps "In stock", and the page with it.
FACE_COLUMNS = (Product.id, Product.sku, Product.name, Product.description, Product.price,
                Product.arrival_date, Product.on_hand, Product.committed, Product.waiting,
                Product.backorder_policy, Product.backorder_limit)


def face(product) -> tuple:
    """The face of a Product, or of a row of FACE_COLUMNS."""
    stock = StockView(available=product.on_hand - product.committed,
                      policy=product.backorder_policy, waiting=product.waiting,
                      backorder_limit=product.backorder_limit)
    return (product.sku, product.name, product.description, product.price,
            product.arrival_date, shown_stock(stock))


def faces(connection: Connection, product_ids: Iterable[int]) -> dict[int, tuple]:
    """The faces of these products as committed now, by id (a product gone is missing)."""
    rows = connection.execute(select(*FACE_COLUMNS).where(Product.id.in_(list(product_ids))))
    return {row.id: face(row) for row in rows}


def written_changes(products: Iterable[Product]) -> Changes:
    """The page cache's changes for products whose stock was written by a statement of
    their own (not a flush), with the faces they have now."""
    faces = {product.id: face(product) for product in products}
    return Changes(products=frozenset(faces), listed=False, faces=faces)


def flushed_changes(session: Session) -> Changes | None:
    """What a flush changed of what the storefront shows, with the products' new faces."""
    faces: dict[int, tuple | None] = {}
    listed = False
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, StoreSettings):
            return Changes(everything=True)
        if not isinstance(obj, Product) or obj.id is None:
            continue
        if obj in session.deleted:
            faces[obj.id], listed = None, True
            continue
        listed = listed or obj in session.new or inspect(obj).attrs.name.history.has_changes()
        faces[obj.id] = face(obj)
    if not faces:
        return None
    return Changes(products=frozenset(faces), listed=listed, faces=faces)
