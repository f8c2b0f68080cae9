from flask import abort, current_app, render_template, request

from app.extensions import page_cache
from app.services import catalog, orders_read
from app.services.settings import get_settings
from app.shop import bp
from app.shop.forms import AddToCartForm


@bp.get("/")
def catalogue():
    """The catalogue, one page at a time, each product with its buy button."""
    number = request.args.get("page", 1, type=int)

    def load() -> dict:
        settings = get_settings()
        page = catalog.catalogue_page(number, current_app.config["CATALOGUE_PAGE_SIZE"])
        return {"page": page, "offers": [catalog.offer_for(p, settings) for p in page.items]}
    return page_cache.render(("catalogue", number), "shop/catalogue.html", load)


@bp.get("/products/<sku>")
def product(sku: str):
    """A product page with its quantity and buy button."""
    def load() -> dict:
        found = catalog.find_product(sku) or abort(404)
        return {"offer": catalog.offer_for(found, get_settings()), "form": AddToCartForm()}
    return page_cache.render(("product", sku), "shop/product.html", load)


@bp.get("/orders/<token>")
def order_status(token: str):
    """The shopper's private status page: the order and its backorders."""
    family = orders_read.family_by_token(token) or abort(404)
    return render_template("shop/order_status.html", family=family)
