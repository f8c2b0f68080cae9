"""Products: reading the catalogue and saving the product form."""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import Protocol

from sqlalchemy import ColumnElement, Connection, bindparam, exists, inspect, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.buttons import (BuyButton, Policy, StockFigures, StockView, buy_button,
                                most_a_cart_may_take, shown_stock, units_left)
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Category, Order, Product, ProductPicture, StoreSettings, User, product_categories
from app.page_cache import Changes
from app.pagination import Page, Window, keyset, paginate
from app.pictures.images import Prepared
from app.services import ledger, pictures, transaction
from app.services.categories import set_product_categories
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
    # The names of the categories it is in (made when new); None leaves them as they are.
    categories: tuple[str, ...] | None = None


def catalogue_page(size: int, *, after: int | None = None, before: int | None = None,
                   category_id: int | None = None) -> Window:
    """Products by name, `size` at a time, after or before the product with that id;
    only those in the category, when one is given; each with its main picture."""
    where = [] if category_id is None else [in_category(category_id)]
    window = keyset(Product, ("name", "id"), size, after=after, before=before, where=where)
    with_main_pictures(window.items)
    return window


def in_category(category_id: int) -> ColumnElement:
    """Products in the category (an index lookup per product: the pair is the key)."""
    return exists().where(product_categories.c.product_id == Product.id,
                          product_categories.c.category_id == category_id)


def with_main_pictures(products: Iterable[Product]) -> None:
    """Load the main picture of each product (`Product.main_picture`) in one query, or
    none when no product has ever had a picture (`pictures_version` 0)."""
    products = list(products)
    ids = [p.id for p in products if p.pictures_version]
    found = {picture.product_id: picture for picture in db.session.scalars(
        select(ProductPicture).where(ProductPicture.product_id.in_(ids),
                                     ProductPicture.position == 0))} if ids else {}
    for product in products:
        set_committed_value(product, "main_picture", found.get(product.id))


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


def load_pictures(product: Product) -> None:
    """Load a product's pictures in order (`Product.pictures`), for a page to show."""
    set_committed_value(product, "pictures", pictures_of(product.id))


def pictures_of(product_id: int) -> list[ProductPicture]:
    """A product's pictures, the main one first."""
    return list(db.session.scalars(select(ProductPicture)
                                   .where(ProductPicture.product_id == product_id)
                                   .order_by(ProductPicture.position)))


def product_with_pictures(sku: str) -> Product | None:
    """The product and its pictures in order, for the product form."""
    return db.session.scalar(select(Product).where(Product.sku == sku)
                             .options(selectinload(Product.pictures)))


def products_by_sku(skus: Iterable[str]) -> dict[str, Product]:
    skus = list(skus)
    if not skus:
        return {}
    found = {p.sku: p for p in db.session.scalars(select(Product).where(Product.sku.in_(skus)))}
    with_main_pictures(found.values())
    return found


def create_product(data: ProductData, user: User | None,
                   new_pictures: Sequence[Prepared] = ()) -> Product:
    """Add a product, with the pictures uploaded on its form (if any)."""
    with pictures.stored(new_pictures), transaction():
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
        if data.categories is not None:
            set_product_categories(product, data.categories)
        if new_pictures:
            set_committed_value(product, "pictures", [])
            pictures.add(product, new_pictures, alt_text=data.name)
    return product


@dataclass(frozen=True)
class SavedProduct:
    product: Product
    ready: list[Order]  # backorders that the units added made ready, as a receipt does


def update_product(sku: str, data: ProductData, user: User | None,
                   new_pictures: Sequence[Prepared] = (),
                   alt_texts: Mapping[int, str] | None = None) -> SavedProduct:
    """Save the product form. A change of On hand goes through the stock rules:
    more units serve waiting orders first; fewer never go below committed.
    `new_pictures` go after the product's others; `alt_texts` (by picture id) describe
    its pictures."""
    with pictures.stored(new_pictures), transaction():
        product = find_product(sku)
        if product is None:
            raise DomainError(f"There is no product {sku}")
        if data.sku != sku and find_product(data.sku) is not None:
            raise DuplicateSku(f"There is already a product {data.sku}")
        if new_pictures or alt_texts:
            product = pictures.locked(sku)
            pictures.describe(product, alt_texts or {})
            pictures.add(product, new_pictures, alt_text=data.name)
        else:
            product = lock_products([product.id])[product.id]
        product.sku, product.name, product.description = data.sku, data.name, data.description
        product.price, product.backorder_policy = data.price, data.backorder_policy
        product.arrival_date, product.backorder_limit = data.arrival_date, data.backorder_limit
        product.supplier_id, product.supplier_sku = data.supplier_id, data.supplier_sku
        product.cost_price = data.cost_price
        if data.categories is not None:
            set_product_categories(product, data.categories)
        ready = []
        if data.on_hand != product.on_hand:
            ready = adjust(product, data.on_hand - product.on_hand, "set in the product form",
                           user)
    return SavedProduct(product, ready)


@dataclass(frozen=True)
class Offer:
    """What the storefront shows for a product: its buy button and arrival date."""

    product: "Product | ShownProduct"
    button: BuyButton
    arrival_date: date | None
    # The date is a purchase order's ("Backorder: expected about ..."), not the product's
    # own Date of arrival ("Expected ...").
    from_po: bool
    most: int | None  # the most units one cart may take; None for no limit
    left: int | None  # the units the page counts: None for "In stock", else 0 to LOW_STOCK

    @property
    def face(self) -> tuple:
        return face(self.product)


class OfferRules(Protocol):
    """The settings an offer follows (the settings row, or a row holding these two)."""

    out_of_stock_checkout: bool
    show_arrival_date: bool


def offer_for(product: "Product | ShownProduct", settings: OfferRules) -> Offer:
    stock = product.stock_view
    allows = settings.out_of_stock_checkout
    button = buy_button(stock, allows)
    shows_date = settings.show_arrival_date and product.available <= 0
    # A unit bought on backorder now arrives with the first incoming unit nobody waits for.
    from_po = shows_date and button is BuyButton.BACKORDER and product.incoming_date is not None
    arrival = (product.incoming_date if from_po else product.arrival_date) if shows_date else None
    return Offer(product=product, button=button, arrival_date=arrival, from_po=from_po,
                 most=most_a_cart_may_take(stock, allows), left=units_left(product.available))


# Everything of a product that a storefront page shows, under any settings. The kept
# pages are dropped when a product's face changes (app/page_cache/): a sale that
# leaves 37 instead of 38 keeps "In stock", and the page with it.
FACE_COLUMNS = (Product.id, Product.sku, Product.name, Product.description, Product.price,
                Product.arrival_date, Product.incoming_date, Product.on_hand, Product.committed,
                Product.waiting, Product.backorder_policy, Product.backorder_limit,
                Product.pictures_version)


def face(product) -> tuple:
    """The face of a Product, or of a row of FACE_COLUMNS."""
    stock = StockView(available=product.on_hand - product.committed,
                      policy=product.backorder_policy, waiting=product.waiting,
                      backorder_limit=product.backorder_limit)
    return (product.sku, product.name, product.description, product.price,
            product.arrival_date, product.incoming_date, shown_stock(stock),
            product.pictures_version)


def faces(connection: Connection, product_ids: Iterable[int]) -> dict[int, tuple]:
    """The faces of these products as committed now, by id (a product gone is missing)."""
    rows = connection.execute(select(*FACE_COLUMNS).where(Product.id.in_(list(product_ids))))
    return {row.id: face(row) for row in rows}


@dataclass(frozen=True)
class ShownProduct(StockFigures):
    """A product as its storefront page shows it: the columns of its face (FACE_COLUMNS,
    in their order), read as plain values rather than as an ORM object (on the shop's
    busiest page, loading one cost as much as the rest of the read), and its pictures."""

    id: int
    sku: str
    name: str
    description: str
    price: Decimal
    arrival_date: date | None
    incoming_date: date | None
    on_hand: int
    committed: int
    waiting: int
    backorder_policy: Policy
    backorder_limit: int | None
    pictures_version: int
    pictures: Sequence[ProductPicture] = ()


_OFFER_RULES = select(StoreSettings.out_of_stock_checkout,
                      StoreSettings.show_arrival_date).where(StoreSettings.id == SETTINGS_ID)


def offer_rules() -> OfferRules:
    """The two settings offers follow, read as plain values (for a page of offers)."""
    return db.session.connection().execute(_OFFER_RULES).one()


# The product page's read, built once: the product's face and the two settings its
# offer follows.
_PRODUCT_PAGE = (select(*FACE_COLUMNS, StoreSettings.out_of_stock_checkout,
                        StoreSettings.show_arrival_date)
                 .join_from(Product, StoreSettings, StoreSettings.id == SETTINGS_ID)
                 .where(Product.sku == bindparam("sku")))


def product_offer(sku: str) -> "Offer | None":
    """A product, its pictures and what the storefront shows for it: one query, the
    settings read alongside the product; a second for the pictures of a product that
    has had any (`pictures_version` is 0 until its first)."""
    row = db.session.connection().execute(_PRODUCT_PAGE, {"sku": sku}).first()
    if row is None:
        return None
    pictures = pictures_of(row.id) if row.pictures_version else []
    product = ShownProduct(*row[:len(FACE_COLUMNS)], pictures=pictures)
    return offer_for(product, row)  # the row holds the two settings too


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
        if isinstance(obj, (StoreSettings, Category)):
            # Every catalogue page links to every category by name.
            return Changes(everything=True)
        if not isinstance(obj, Product) or obj.id is None:
            continue
        if obj in session.deleted:
            faces[obj.id], listed = None, True
            continue
        attrs = inspect(obj).attrs
        # Added, renamed, or put in or out of a category: which pages list it changes.
        listed = (listed or obj in session.new or attrs.name.history.has_changes()
                  or attrs.categories.history.has_changes())
        faces[obj.id] = face(obj)
    if not faces:
        return None
    return Changes(products=frozenset(faces), listed=listed, faces=faces)
