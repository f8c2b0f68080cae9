"""No page relies on lazy loading: with raiseload("*") put on every ORM query a
request runs, each page still renders. Together with the guard in conftest.py (any SQL
while a template renders fails the test), this proves the templates never load."""
import pytest
from sqlalchemy import event
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session, raiseload

from app.domain.buttons import Policy
from app.extensions import db, page_cache
from app.models import Order, Role
from tests.support.pictures import add_pictures, picture


@pytest.fixture
def lazy_loads_refused(app):
    """Every ORM SELECT gets raiseload('*'): touching an attribute it did not load raises."""
    def refuse(state):
        if state.is_select and not state.is_column_load and not state.is_relationship_load:
            state.statement = state.statement.options(raiseload("*"))

    event.listen(Session, "do_orm_execute", refuse)
    yield
    event.remove(Session, "do_orm_execute", refuse)


@pytest.fixture
def full_shop(shop, orders):
    """Products in every state, an order split into a backorder, payments and a receipt."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True)
    shop.product("IN-1", on_hand=10)
    shop.product("OUT-1", on_hand=0, policy=Policy.ALWAYS)
    add_pictures(shop.app, "IN-1", picture(40, 40, (1, 1, 1)), picture(40, 40, (2, 2, 2)))
    order, backorder = shop.order({"IN-1": 2, "OUT-1": 3})
    orders.pay(order, "5.00")
    orders.receive("OUT-1", 1)
    return order, backorder


def test_the_fixture_does_refuse_a_lazy_load(ctx, full_shop, lazy_loads_refused):
    order = db.session.scalar(db.select(Order).where(Order.reference == full_shop[0]))
    with pytest.raises(InvalidRequestError, match="lazy=.raise"):
        order.lines


def test_every_page_renders_with_lazy_loads_refused(app, client, shop, full_shop,
                                                    lazy_loads_refused):
    order, backorder = full_shop
    page_cache.clear(app)  # render, do not serve kept pages
    client.submit("/cart/add/IN-1", {"quantity": "1", "once": "a"})
    client.submit("/cart/add/OUT-1", {"quantity": "2", "once": "b"})
    shopper = ["/", "/products/IN-1", "/products/OUT-1", "/cart", "/checkout",
               f"/orders/{shop.status_token(order)}"]
    for url in shopper:
        assert client.get(url).status_code == 200, url
    shop.user("admin@example.com", Role.ADMIN)
    assert client.sign_in("admin@example.com").status_code == 302
    staff = ["/admin/", "/admin/orders", "/admin/orders?status=New Backorder",
             f"/admin/orders/{order}", f"/admin/orders/{backorder}", "/admin/products",
             "/admin/products/OUT-1", "/admin/products/import", "/admin/products/export.csv",
             "/admin/reports/backorders",
             "/admin/reports/backorders?format=csv", "/admin/settings",
             "/admin/settings/sales-orders", "/admin/settings/web-store", "/admin/users"]
    for url in staff:
        assert client.get(url).status_code == 200, url
