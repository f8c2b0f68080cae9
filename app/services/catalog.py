"""Products: reading the catalogue and saving the product form."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.buttons import BuyButton, Policy, buy_button, most_a_cart_may_take
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Order, Product, StoreSettings, User
from app.pagination import Page, Window, keyset, paginate
from app.services import ledger, transaction
from app.services.inventory import adjust
from app.services.records import lock_products


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


def offer_for(product: Product, settings: StoreSettings) -> Offer:
    stock = product.stock_view
    allows = settings.out_of_stock_checkout
    shows_date = settings.show_arrival_date and product.available <= 0
    return Offer(product=product, button=buy_button(stock, allows),
                 arrival_date=product.arrival_date if shows_date else None,
                 most=most_a_cart_may_take(stock, allows))
