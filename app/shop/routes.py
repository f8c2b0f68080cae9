from flask import abort, current_app, render_template, request

from app.extensions import page_cache
from app.services import catalog, orders_read
from app.services.settings import get_settings
from app.shop import bp
from app.shop.forms import AddToCartForm

MAX_ID = 2**31 - 1  # the id columns are INTEGER


def id_arg(name: str) -> int | None:
    """A row id from the query string; anything else (text, 0, beyond INTEGER) is None."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def faces(offers) -> dict:
    """What a page shows of each of its products, for the page cache."""
    return {offer.product.id: offer.face for offer in offers}


@bp.get("/")
def catalogue():
    """The catalogue, one page at a time (?after=<id> / ?before=<id>), with buy buttons."""
    after, before = id_arg("after"), id_arg("before")

    def load() -> dict:
        settings = get_settings()
        window = catalog.catalogue_page(current_app.config["CATALOGUE_PAGE_SIZE"],
                                        after=after, before=before)
        return {"window": window,
                "offers": [catalog.offer_for(p, settings) for p in window.items]}
    return page_cache.render(("catalogue", after, before), "shop/catalogue.html", load,
                             shows=lambda context: faces(context["offers"]), lists=True)


@bp.get("/products/<sku>")
def product(sku: str):
    """A product page with its quantity and buy button."""
    def load() -> dict:
        offer = catalog.product_offer(sku) or abort(404)
        # The page's CSRF token is put in per response (csrf_token()), not by the form.
        return {"offer": offer, "form": AddToCartForm(meta={"csrf": False})}
    return page_cache.render(("product", sku), "shop/product.html", load,
                             shows=lambda context: faces([context["offer"]]))


@bp.get("/orders/<token>")
def order_status(token: str):
    """The shopper's private status page: the order and its backorders."""
    family = orders_read.family_by_token(token) or abort(404)
    return render_template("shop/order_status.html", family=family)
