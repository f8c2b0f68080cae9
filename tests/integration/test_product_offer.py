"""The product page reads its product as plain values (ShownProduct): what it shows is
what the ORM product shows, for every kind of stock and setting."""
from datetime import date

import pytest

from app.domain.buttons import Policy
from app.extensions import db
from app.models import Product
from app.services.catalog import face, offer_for, product_offer
from app.services.settings import get_settings
from tests.support.pictures import add_pictures, picture

PRODUCTS = [  # sku, on hand, policy, backorder limit, date of arrival
    ("IN-STOCK", 40, Policy.STORE, None, None),
    ("FEW-LEFT", 3, Policy.NEVER, None, None),
    ("GONE", 0, Policy.NEVER, None, date(2027, 1, 15)),
    ("ALWAYS", 0, Policy.ALWAYS, None, date(2027, 2, 1)),
    ("LIMITED", 0, Policy.ALWAYS, 2, None),
    ("STORE", 0, Policy.STORE, None, date(2027, 3, 1)),
]


@pytest.mark.parametrize("out_of_stock_checkout", [True, False])
@pytest.mark.parametrize("show_arrival_date", [True, False])
def test_the_product_page_offer_is_the_orm_products(app, ctx, shop, out_of_stock_checkout,
                                                     show_arrival_date):
    shop.settings(out_of_stock_checkout=out_of_stock_checkout,
                  show_arrival_date=show_arrival_date)
    for sku, on_hand, policy, limit, arrival in PRODUCTS:
        shop.product(sku, on_hand=on_hand, policy=policy, limit=limit, arrival=arrival)
    add_pictures(app, "IN-STOCK", picture(20, 20, (1, 0, 0)), picture(20, 20, (2, 0, 0)))
    shop.order({"FEW-LEFT": 1})
    db.session.remove()
    for sku, *_ in PRODUCTS:
        shown = product_offer(sku)
        orm = db.session.scalar(db.select(Product).where(Product.sku == sku))
        expected = offer_for(orm, get_settings())
        assert shown.face == face(orm) == expected.face, sku
        assert (shown.button, shown.arrival_date, shown.from_po, shown.most, shown.left) == \
            (expected.button, expected.arrival_date, expected.from_po, expected.most,
             expected.left), sku
        assert [p.key for p in shown.product.pictures] == [p.key for p in orm.pictures], sku
        assert (shown.product.name, shown.product.price) == (orm.name, orm.price)
    assert len(product_offer("IN-STOCK").product.pictures) == 2


def test_an_unknown_sku_has_no_offer(ctx, shop):
    assert product_offer("NOPE") is None
