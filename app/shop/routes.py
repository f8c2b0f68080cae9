from flask import abort, current_app, render_template, request

from app.services import catalog, orders_read
from app.services.settings import get_settings
from app.shop import bp
from app.shop.forms import AddToCartForm


@bp.get("/")
def catalogue():
    """The catalogue, one page at a time, each product with its buy button."""
    settings = get_settings()
    page = catalog.catalogue_page(request.args.get("page", 1, type=int),
                                  current_app.config["CATALOGUE_PAGE_SIZE"])
    offers = [catalog.offer_for(product, settings) for product in page.items]
    return render_template("shop/catalogue.html", page=page, offers=offers)


@bp.get("/products/<sku>")
def product(sku: str):
    """A product page with its quantity and buy button."""
    found = catalog.find_product(sku) or abort(404)
    return render_template("shop/product.html", offer=catalog.offer_for(found, get_settings()),
                           form=AddToCartForm())


@bp.get("/orders/<token>")
def order_status(token: str):
    """The shopper's private status page: the order and its backorders."""
    family = orders_read.family_by_token(token) or abort(404)
    return render_template("shop/order_status.html", family=family)
