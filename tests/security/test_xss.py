"""Names that carry markup are shown as text on every page, and the CSV cannot run formulas."""
import csv
import io

import pytest
from app.domain.buttons import Policy
from app.services.checkout import Customer, place_order

PRODUCT = "<script>alert(1)</script>"
CUSTOMER = "<script>alert(2)</script>"
ADDRESS = "<script>alert(3)</script> 1 Main St"
SKU = "XSS-1"


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture
def hostile_shop(shop, admin_client):
    """A product named with a script tag, in the cart, ordered by a customer named likewise.

    The order waits on a backorder, so the product is on the backorder report too.
    """
    shop.settings(create_backorder=True, out_of_stock_checkout=True)
    shop.product(SKU, on_hand=1, name=PRODUCT, policy=Policy.ALWAYS)

    def order():
        placed = place_order({SKU: 3}, Customer(name=CUSTOMER, email="x@example.com",
                                                address=ADDRESS, payment_method="Bank deposit"))
        return placed.order.reference, placed.order.token
    reference, token = shop.read(order)
    assert admin_client.submit(f"/cart/add/{SKU}", {"quantity": "1"}).status_code == 302
    return {"reference": reference, "token": token}


PAGES = [
    # (page, url, texts it must show escaped)
    ("catalogue", "/", [PRODUCT]),
    ("product page", f"/products/{SKU}", [PRODUCT]),
    ("cart", "/cart", [PRODUCT]),
    ("checkout", "/checkout", [PRODUCT]),
    ("status page", "/orders/{token}", [PRODUCT]),
    ("admin products", "/admin/products", [PRODUCT]),
    ("product form", f"/admin/products/{SKU}", [PRODUCT]),
    ("orders list", "/admin/orders", [CUSTOMER]),
    ("order page", "/admin/orders/{reference}", [PRODUCT, CUSTOMER, ADDRESS]),
    ("backorder report", "/admin/reports/backorders", [PRODUCT]),
]


@pytest.mark.parametrize(("page", "url", "texts"), PAGES, ids=[p[0] for p in PAGES])
def test_markup_in_names_is_shown_as_text(admin_client, hostile_shop, page, url, texts):
    response = admin_client.get(url.format(**hostile_shop))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in body.lower()
    for text in texts:
        assert escaped(text) in body, f"{text!r} is not shown on the {page}"


def test_checkout_form_sent_back_with_markup_shows_it_as_text(admin_client, hostile_shop):
    response = admin_client.submit("/checkout", {
        "name": CUSTOMER, "email": "<script>alert(4)</script>", "address": ADDRESS,
        "payment_method": "Bank deposit"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a valid email address" in body
    assert "<script" not in body.lower()
    assert escaped(CUSTOMER) in body


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("name", FORMULAS)
def test_backorder_csv_does_not_start_a_cell_with_a_formula(shop, admin_client, name):
    shop.settings(out_of_stock_checkout=True)
    shop.product("CSV-1", name=name, on_hand=0)
    shop.product("CSV-2", name=PRODUCT, on_hand=0)
    shop.order({"CSV-1": 1, "CSV-2": 1})
    response = admin_client.get("/admin/reports/backorders?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    assert rows["CSV-1"][1] == "'" + name
    # CSV is not HTML: the name is there as written, for the spreadsheet to show.
    assert rows["CSV-2"][1] == PRODUCT
    for row in rows.values():
        assert all(cell[:1] not in ("=", "+", "-", "@") for cell in row[:2]), row


def test_backorder_csv_guards_a_sku_that_looks_like_a_formula(shop, admin_client):
    shop.settings(out_of_stock_checkout=True)
    shop.product("-1+2", on_hand=0)
    shop.order({"-1+2": 2})
    response = admin_client.get("/admin/reports/backorders?format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][0] == "'-1+2"
    assert rows[1][2] == "2"
