"""A double click or a resent form applies once (forms carry a one-time token)."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order

ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"|name="once" value="([^"]+)"')


def once_token(page: str, index: int = 0) -> str:
    match = list(ONCE.finditer(page))[index]
    return match.group(1) or match.group(2)


def order_count(shop):
    return shop.read(lambda: db.session.scalar(select(func.count(Order.id))))


@pytest.mark.parametrize("form_index, path, data, expected", [
    (0, "receive", {"quantity": "5", "reference": "PO-1"}, (8, 0, 0)),
    (1, "adjust", {"quantity": "-2", "reason": "damaged"}, (1, 0, 0)),
])
def test_a_stock_form_posted_twice_changes_stock_once(staff_client, shop, figures, form_index,
                                                      path, data, expected):
    shop.product("TEA-1", on_hand=3)
    page = staff_client.get("/admin/products/TEA-1").get_data(as_text=True)
    # The product form's own token is not there: receive is the first once field, adjust the second.
    data = {**data, "once": once_token(page, form_index)}
    first = staff_client.submit(f"/admin/products/TEA-1/{path}", data)
    second = staff_client.submit(f"/admin/products/TEA-1/{path}", data)
    assert first.status_code == second.status_code == 302
    assert figures("TEA-1") == expected
    assert "already recorded" in staff_client.get("/admin/products/TEA-1").get_data(as_text=True)


def test_add_to_cart_clicked_twice_adds_once(client, shop):
    shop.product("TEA-1", on_hand=9)
    page = client.get("/products/TEA-1").get_data(as_text=True)
    data = {"quantity": "2", "once": once_token(page)}
    client.submit("/cart/add/TEA-1", data)
    client.submit("/cart/add/TEA-1", data)
    cart = client.get("/cart").get_data(as_text=True)
    assert 'value="2"' in cart and 'value="4"' not in cart


def test_place_order_pressed_twice_places_one_order(client, shop, figures):
    shop.product("TEA-1", on_hand=9)
    client.submit("/cart/add/TEA-1", {"quantity": "2"})
    page = client.get("/checkout").get_data(as_text=True)
    data = {"name": "Sam", "email": "sam@example.com", "address": "1 Main St",
            "payment_method": "Bank deposit", "once": once_token(page)}
    with client.session_transaction() as session:
        cart_before = dict(session)
    first = client.submit("/checkout", data)
    with client.session_transaction() as session:  # the second click still has the cart
        session.update(cart_before)
    second = client.submit("/checkout", data)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location  # both land on the one order's status page
    assert order_count(shop) == 1
    assert figures("TEA-1") == (9, 2, 0)
