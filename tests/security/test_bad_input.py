"""Bad input never gives a 500 and never changes anything (DESIGN section 7).

One table: each case posts (or gets) one bad value to one form or URL and says the
status it must get and, where the form comes back, the message it must show. Every
row of every table is compared before and after each case.
"""
import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, Role
from app.services import orders
from tests.conftest import Shop, _empty_tables
from tests.faults.snapshot import changes, table_rows

LONG = "x" * 10_000
DIGITS = "9" * 10_000
SCRIPT = "<script>alert(1)</script>"

WHOLE_1_999 = "Enter a whole number from 1 to 999"
WHOLE_0_999 = "Enter a whole number from 0 to 999"
NOT_INTEGER = "Not a valid integer value"
NOT_DECIMAL = "Not a valid decimal value"
NOT_DATE = "Not a valid date value"
NOT_CHOICE = "Not a valid choice"


def too_long(n: int) -> str:
    return f"Field cannot be longer than {n} characters"


@pytest.fixture(autouse=True)
def clean_database():
    """The cases share one shop (set up once, emptied at the end): none may change it."""
    yield


@pytest.fixture(scope="module")
def world(app):
    """A shop with products, orders in several statuses, and three visitors."""
    shop = Shop(app)
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA", on_hand=5, price="4.50")
    shop.product("POT", on_hand=0, price="20.00", policy=Policy.ALWAYS)
    shop.product("MUG", on_hand=0, price="8.00", policy=Policy.NEVER)
    refs = {
        "new": shop.order({"TEA": 2, "POT": 1})[0],
        "paid": shop.order({"TEA": 2})[0],
        "pick": shop.order({"TEA": 1})[0],
        "cancelled": shop.order({"TEA": 1})[0],
    }
    shop.settings(create_backorder=True)
    refs["backorder"] = shop.order({"POT": 2})[1]
    shop.settings(create_backorder=False)

    def order(name: str) -> Order:
        return db.session.scalar(select(Order).where(Order.reference == refs[name]))

    def move_orders():
        paid = order("paid")
        orders.record_payment(paid.id, paid.version, Decimal("9.00"), "Cash", "", None)
        pick = order("pick")
        orders.change_status(pick.id, pick.version, OrderStatus.PICK, None)
        cancelled = order("cancelled")
        orders.change_status(cancelled.id, cancelled.version, OrderStatus.CANCELLED, None)
    shop.read(move_orders)

    def figures():
        values = {}
        for name in refs:
            found = order(name)
            values[name] = found.reference
            values[f"{name}_version"] = found.version
            values[f"{name}_stale"] = found.version - 1
            for line in found.lines:
                values[f"{name}_{line.sku.lower()}"] = line.id
        return values
    values = shop.read(figures)

    shop.user("admin@example.com", Role.ADMIN)
    shop.user("staff@example.com", Role.STAFF)
    admin, staff, anon = app.test_client(), app.test_client(), app.test_client()
    assert admin.sign_in("admin@example.com").status_code == 302
    assert staff.sign_in("staff@example.com").status_code == 302
    anon.token()
    assert admin.submit("/cart/add/TEA", {"quantity": "1"}).status_code == 302
    yield {"values": values, "clients": {"admin": admin, "staff": staff, "anon": anon}}
    _empty_tables(app)


def order_save(name: str, **changes) -> dict:
    """The order page's Save as the page fills it, with some fields changed."""
    lines = {"new": ("tea", "pot"), "paid": ("tea",), "pick": ("tea",), "cancelled": ("tea",),
             "backorder": ("pot",)}[name]
    qty = {"new": {"tea": 2, "pot": 1}, "paid": {"tea": 2}, "pick": {"tea": 1},
           "cancelled": {"tea": 1}, "backorder": {"pot": 2}}[name]
    status = {"new": "New", "paid": "New", "pick": "Pick", "cancelled": "Cancelled",
              "backorder": "New Backorder"}[name]
    data = {"version": f"{{{name}_version}}", "status": status, "action": "save"}
    for sku in lines:
        data[f"qty_{{{name}_{sku}}}"] = str(qty[sku])
        data[f"bko_{{{name}_{sku}}}"] = "0"
    for key, value in changes.items():
        field, _, sku = key.partition("_")
        data[f"{field}_{{{name}_{sku}}}" if sku else field] = value
    return data


def payment(**changes) -> dict:
    return {"version": "{new_version}", "amount": "1.00", "method": "Cash", "reference": "",
            **changes}


def product(**changes) -> dict:
    return {"sku": "NEW-1", "name": "New thing", "description": "", "price": "1.00",
            "on_hand": "0", "backorder_policy": "Use store setting", "arrival_date": "",
            "backorder_limit": "", **changes}


def tea(**changes) -> dict:
    return product(**{"sku": "TEA", "name": "Product TEA", "price": "4.50", "on_hand": "5",
                      **changes})


def checkout(**changes) -> dict:
    return {"name": "Sam Shopper", "email": "sam@example.com", "address": "1 Main St",
            "payment_method": "Bank deposit", **changes}


def receipt(**changes) -> dict:
    return {"quantity": "2", "reference": "PO-1", **changes}


def adjustment(**changes) -> dict:
    return {"quantity": "-1", "reason": "count", **changes}


def sales_orders(**changes) -> dict:
    return {"order_prefix": "N", **changes}


ORDER = "/admin/orders/{new}"
PAY = "/admin/orders/{new}/payments"
RECEIVE = "/admin/products/TEA/receive"
ADJUST = "/admin/products/TEA/adjust"
SETTINGS = "/admin/settings/sales-orders"

CASES = [
    # (who, method, url, form data, status, message on the page or None)
    # --- storefront: add to cart
    ("anon", "POST", "/cart/add/TEA", {"quantity": "-1"}, 400, WHOLE_1_999),
    ("anon", "POST", "/cart/add/TEA", {"quantity": "0"}, 400, WHOLE_1_999),
    ("anon", "POST", "/cart/add/TEA", {"quantity": "1.5"}, 400, NOT_INTEGER),
    ("anon", "POST", "/cart/add/TEA", {"quantity": "1000"}, 400, WHOLE_1_999),
    ("anon", "POST", "/cart/add/TEA", {"quantity": "99999999999999999999"}, 400, WHOLE_1_999),
    ("anon", "POST", "/cart/add/TEA", {"quantity": DIGITS}, 400, NOT_INTEGER),
    ("anon", "POST", "/cart/add/TEA", {"quantity": "abc"}, 400, NOT_INTEGER),
    ("anon", "POST", "/cart/add/TEA", {"quantity": ""}, 400, "Enter a quantity"),
    ("anon", "POST", "/cart/add/TEA", {"quantity": SCRIPT}, 400, NOT_INTEGER),
    ("anon", "POST", "/cart/add/TEA", {}, 400, "Enter a quantity"),
    ("anon", "POST", "/cart/add/MUG", {"quantity": "1"}, 400, "Product MUG is out of stock"),
    ("admin", "POST", "/cart/add/TEA", {"quantity": "999"}, 400,
     "A cart line holds at most 999 units"),
    ("anon", "POST", "/cart/add/NOPE", {"quantity": "1"}, 404, None),
    ("anon", "POST", f"/cart/add/{SCRIPT}", {"quantity": "1"}, 404, None),
    ("anon", "POST", f"/cart/add/{LONG}", {"quantity": "1"}, 404, None),
    # --- storefront: cart lines
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "0"}, 400, WHOLE_1_999),
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "-3"}, 400, WHOLE_1_999),
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "2.5"}, 400, NOT_INTEGER),
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "abc"}, 400, NOT_INTEGER),
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "1000"}, 400, WHOLE_1_999),
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": ""}, 400, "Enter a quantity"),
    ("admin", "POST", "/cart/update/POT", {"POT-quantity": "1"}, 404, None),
    ("anon", "POST", "/cart/update/TEA", {"TEA-quantity": "1"}, 404, None),
    # --- storefront: checkout (the admin's cart holds one TEA)
    ("admin", "POST", "/checkout", checkout(name=""), 400, "Enter your name"),
    ("admin", "POST", "/checkout", checkout(name="   "), 400, "Enter your name"),
    ("admin", "POST", "/checkout", checkout(name=LONG), 400, too_long(200)),
    ("admin", "POST", "/checkout", checkout(email=""), 400, "Enter your email"),
    ("admin", "POST", "/checkout", checkout(email="not-an-email"), 400,
     "Enter a valid email address"),
    ("admin", "POST", "/checkout", checkout(email=SCRIPT), 400, "Enter a valid email address"),
    ("admin", "POST", "/checkout", checkout(email=LONG + "@example.com"), 400,
     "Enter a valid email address"),
    ("admin", "POST", "/checkout", checkout(address=""), 400, "Enter the delivery address"),
    ("admin", "POST", "/checkout", checkout(address="  "), 400, "Enter the delivery address"),
    ("admin", "POST", "/checkout", checkout(address=LONG), 400, too_long(1000)),
    ("admin", "POST", "/checkout", checkout(payment_method="Bitcoin"), 400, NOT_CHOICE),
    ("anon", "POST", "/checkout", checkout(), 302, None),  # an empty cart goes back to the cart
    # --- storefront: pages
    ("anon", "GET", "/?page=-1", None, 200, None),
    ("anon", "GET", "/?page=abc", None, 200, None),
    ("anon", "GET", "/?page=99999999999999999999", None, 200, None),
    ("anon", "GET", "/?after=abc", None, 200, None),
    ("anon", "GET", "/?after=-1", None, 200, None),
    ("anon", "GET", "/?after=99999999999999999999", None, 200, None),
    ("anon", "GET", "/?before=2147483648", None, 200, None),
    ("anon", "GET", "/?after=1&before=1", None, 200, None),
    ("anon", "GET", "/products/NOPE", None, 404, None),
    ("anon", "GET", f"/products/{LONG}", None, 404, None),
    ("anon", "GET", "/orders/not-a-token", None, 404, None),
    ("anon", "GET", f"/orders/{LONG}", None, 404, None),
    # --- sign in
    ("anon", "POST", "/admin/login", {"email": "", "password": ""}, 200, "Enter your email"),
    ("anon", "POST", "/admin/login", {"email": "admin@example.com", "password": ""}, 200,
     "Enter your password"),
    ("anon", "POST", "/admin/login", {"email": LONG, "password": "x"}, 200, too_long(254)),
    ("anon", "POST", "/admin/login", {"email": "admin@example.com", "password": LONG}, 200,
     too_long(200)),
    ("anon", "POST", "/admin/login", {"email": "admin@example.com", "password": "wrong"}, 200,
     "That email and password do not match"),
    ("anon", "POST", "/admin/login", {"email": "' OR 1=1 --", "password": "' OR 1=1 --"}, 200,
     "That email and password do not match"),
    ("anon", "POST", "/admin/login", {"email": SCRIPT, "password": "x"}, 200,
     "That email and password do not match"),
    # --- order page: Save
    ("admin", "POST", ORDER, order_save("new", qty_tea="-1"), 400, WHOLE_0_999),
    # Qty 0 removes a line, but never the order's last one.
    ("admin", "POST", "/admin/orders/{paid}", order_save("paid", qty_tea="0"), 409,
     "cancel the order instead"),
    ("admin", "POST", ORDER, order_save("new", qty_tea="1.5"), 400, NOT_INTEGER),
    ("admin", "POST", ORDER, order_save("new", qty_tea="1000"), 400, WHOLE_0_999),
    ("admin", "POST", ORDER, order_save("new", qty_tea=DIGITS), 400, NOT_INTEGER),
    ("admin", "POST", ORDER, order_save("new", qty_tea="abc"), 400, NOT_INTEGER),
    ("admin", "POST", ORDER, order_save("new", qty_tea=""), 400, "Enter a Qty"),
    ("admin", "POST", ORDER, order_save("new", qty_tea=SCRIPT), 400, NOT_INTEGER),
    ("admin", "POST", ORDER, order_save("new", bko_tea="3"), 400,
     "BKO cannot be more than the Qty (2)"),
    ("admin", "POST", ORDER, order_save("new", bko_tea="-1"), 400,
     "Enter a whole number from 0 to the Qty"),
    ("admin", "POST", ORDER, order_save("new", bko_tea="abc"), 400, NOT_INTEGER),
    ("admin", "POST", ORDER, order_save("new", bko_tea="0.5"), 400, NOT_INTEGER),
    ("admin", "POST", ORDER, order_save("new", bko_pot="1"), 409,
     "Turn on 'Create backorder when backorder items' to put order lines on backorder"),
    ("admin", "POST", ORDER, order_save("new", action="fill-bko"), 409,
     "Turn on 'Create backorder when backorder items' to put order lines on backorder"),
    ("admin", "POST", ORDER, order_save("new", status="Shipped"), 400, NOT_CHOICE),
    ("admin", "POST", ORDER, order_save("new", status="Dispatched"), 400, NOT_CHOICE),
    ("admin", "POST", ORDER, order_save("new", status=""), 400, NOT_CHOICE),
    ("admin", "POST", ORDER, order_save("new", status="Pick"), 409,
     "An order moves to Pick only when every line is fully allocated"),
    ("admin", "POST", ORDER, order_save("new", version="{new_stale}"), 409,
     "This order changed since you opened it"),
    ("admin", "POST", ORDER, order_save("new", version="{new_stale}", status="On Hold"), 409,
     "This order changed since you opened it"),
    ("admin", "POST", ORDER, order_save("new", version="abc"), 400, None),
    ("admin", "POST", ORDER, order_save("new", version="-1"), 400, None),
    ("admin", "POST", ORDER, order_save("new", version="9999999999"), 400, None),
    ("admin", "POST", ORDER, order_save("new", version=""), 400, None),
    ("admin", "POST", "/admin/orders/{pick}", order_save("pick", bko_tea="1"), 409,
     "Only orders with New or On Hold status can have order lines in backorder"),
    ("admin", "POST", "/admin/orders/{pick}", order_save("pick", qty_tea="2"), 409,
     "Quantities can change only on orders with New or On Hold status"),
    ("admin", "POST", "/admin/orders/{pick}", order_save("pick", status="Dispatched"), 400,
     NOT_CHOICE),
    ("admin", "POST", "/admin/orders/{cancelled}", order_save("cancelled", status="New"), 400,
     NOT_CHOICE),
    ("admin", "POST", "/admin/orders/{paid}", order_save("paid", qty_tea="1"), 409,
     "less than the $9.00 already paid"),
    ("admin", "POST", "/admin/orders/N1", order_save("new"), 404, None),
    ("admin", "POST", f"/admin/orders/{SCRIPT}", order_save("new"), 404, None),
    # --- order page: Mark as New
    ("admin", "POST", "/admin/orders/{new}/mark-as-new", {"version": "{new_version}"}, 409,
     "Only a backorder can be marked as New"),
    ("admin", "POST", "/admin/orders/{backorder}/mark-as-new", {"version": "{backorder_version}"},
     409, "This backorder is still waiting for stock"),
    ("admin", "POST", "/admin/orders/{backorder}/mark-as-new", {"version": "{backorder_stale}"},
     409, "This order changed since you opened it"),
    ("admin", "POST", "/admin/orders/{backorder}/mark-as-new", {"version": "abc"}, 302, None),
    ("admin", "POST", "/admin/orders/N1/mark-as-new", {"version": "1"}, 404, None),
    # --- order page: Record payment
    ("admin", "POST", PAY, payment(amount="0"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount="-5"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount="abc"), 400, NOT_DECIMAL),
    ("admin", "POST", PAY, payment(amount=""), 400, "Enter an amount"),
    ("admin", "POST", PAY, payment(amount="1.234"), 409,
     "Enter an amount above zero, in dollars and cents"),
    ("admin", "POST", PAY, payment(amount="1e9"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount=DIGITS), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount="NaN"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount="sNaN"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount="Infinity"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount="-Infinity"), 400, "Enter an amount above zero"),
    ("admin", "POST", PAY, payment(amount=SCRIPT), 400, NOT_DECIMAL),
    ("admin", "POST", PAY, payment(amount="1000"), 409, "That is more than the $29.00 still due"),
    ("admin", "POST", PAY, payment(method="Bitcoin"), 400, NOT_CHOICE),
    ("admin", "POST", PAY, payment(reference=LONG), 400, too_long(100)),
    ("admin", "POST", PAY, payment(version="{new_stale}"), 409,
     "This order changed since you opened it"),
    ("admin", "POST", PAY, payment(version="abc"), 400, None),
    ("admin", "POST", "/admin/orders/{cancelled}/payments",
     payment(version="{cancelled_version}"), 409, "A cancelled order takes no payment"),
    ("admin", "POST", "/admin/orders/{paid}/payments", payment(version="{paid_version}"), 409,
     "That is more than the $0.00 still due"),
    # --- products: add
    ("admin", "POST", "/admin/products/new", product(sku=""), 400, "Enter a SKU"),
    ("admin", "POST", "/admin/products/new", product(sku="has space"), 400,
     "Use up to 64 letters, digits, dots, dashes or underscores"),
    ("admin", "POST", "/admin/products/new", product(sku=SCRIPT), 400,
     "Use up to 64 letters, digits, dots, dashes or underscores"),
    ("admin", "POST", "/admin/products/new", product(sku=LONG), 400,
     "Use up to 64 letters, digits, dots, dashes or underscores"),
    ("admin", "POST", "/admin/products/new", product(sku="TEA"), 400,
     "There is already a product TEA"),
    ("admin", "POST", "/admin/products/new", product(name=""), 400, "Enter a name"),
    ("admin", "POST", "/admin/products/new", product(name="   "), 400, "Enter a name"),
    ("admin", "POST", "/admin/products/new", product(name=LONG), 400, too_long(200)),
    ("admin", "POST", "/admin/products/new", product(description=LONG), 400, too_long(5000)),
    ("admin", "POST", "/admin/products/new", product(price="-1"), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(price="1.234"), 400,
     "Enter a price in dollars and cents"),
    ("admin", "POST", "/admin/products/new", product(price="abc"), 400, NOT_DECIMAL),
    ("admin", "POST", "/admin/products/new", product(price=""), 400, "Enter a price"),
    ("admin", "POST", "/admin/products/new", product(price="1e12"), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(price="NaN"), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(price="sNaN"), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(price="Infinity"), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(price=DIGITS), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(on_hand="-1"), 400,
     "Enter a whole number from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(on_hand="1.5"), 400, NOT_INTEGER),
    ("admin", "POST", "/admin/products/new", product(on_hand="10000000"), 400,
     "Enter a whole number from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(on_hand="abc"), 400, NOT_INTEGER),
    ("admin", "POST", "/admin/products/new", product(on_hand=""), 400,
     "Enter the units on hand"),
    ("admin", "POST", "/admin/products/new", product(backorder_policy="Sometimes"), 400,
     NOT_CHOICE),
    ("admin", "POST", "/admin/products/new", product(arrival_date="2024-13-45"), 400, NOT_DATE),
    ("admin", "POST", "/admin/products/new", product(arrival_date="tomorrow"), 400, NOT_DATE),
    ("admin", "POST", "/admin/products/new", product(arrival_date=LONG), 400, NOT_DATE),
    ("admin", "POST", "/admin/products/new", product(backorder_limit="-1"), 400,
     "Enter a whole number from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/new", product(backorder_limit="x"), 400, NOT_INTEGER),
    ("admin", "POST", "/admin/products/new", product(backorder_limit="2.5"), 400, NOT_INTEGER),
    # --- products: edit
    ("admin", "POST", "/admin/products/TEA", tea(on_hand="3"), 409,
     "On hand cannot go below the 5 units committed to orders"),
    ("admin", "POST", "/admin/products/TEA", tea(sku="POT"), 409,
     "There is already a product POT"),
    ("admin", "POST", "/admin/products/TEA", tea(price="-0.01"), 400,
     "Enter a price from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/TEA", tea(name=""), 400, "Enter a name"),
    ("admin", "POST", "/admin/products/TEA", tea(on_hand="-5"), 400,
     "Enter a whole number from 0 to 1,000,000"),
    ("admin", "POST", "/admin/products/NOPE", tea(), 404, None),
    # --- products: receive stock
    ("admin", "POST", RECEIVE, receipt(quantity="0"), 400, "Enter a whole number from 1 to"),
    ("admin", "POST", RECEIVE, receipt(quantity="-1"), 400, "Enter a whole number from 1 to"),
    ("admin", "POST", RECEIVE, receipt(quantity="1.5"), 400, NOT_INTEGER),
    ("admin", "POST", RECEIVE, receipt(quantity="abc"), 400, NOT_INTEGER),
    ("admin", "POST", RECEIVE, receipt(quantity=""), 400, "Enter the units received"),
    ("admin", "POST", RECEIVE, receipt(quantity="10000000"), 400, "Enter a whole number from 1 to"),
    ("admin", "POST", RECEIVE, receipt(quantity=DIGITS), 400, NOT_INTEGER),
    ("admin", "POST", RECEIVE, receipt(reference=""), 400,
     "Enter a reference, such as the supplier's delivery number"),
    ("admin", "POST", RECEIVE, receipt(reference="  "), 400,
     "Enter a reference, such as the supplier's delivery number"),
    ("admin", "POST", RECEIVE, receipt(reference=LONG), 400, too_long(100)),
    ("admin", "POST", "/admin/products/NOPE/receive", receipt(), 404, None),
    # --- products: adjust stock
    ("admin", "POST", ADJUST, adjustment(quantity="0"), 400, "Enter a change other than 0"),
    ("admin", "POST", ADJUST, adjustment(quantity="-1"), 409,
     "On hand cannot go below the 5 units committed to orders"),
    ("admin", "POST", ADJUST, adjustment(quantity="abc"), 400, NOT_INTEGER),
    ("admin", "POST", ADJUST, adjustment(quantity="1.5"), 400, NOT_INTEGER),
    ("admin", "POST", ADJUST, adjustment(quantity="-10000000"), 400,
     "Enter a whole number of units"),
    ("admin", "POST", ADJUST, adjustment(reason=""), 400, "Enter the reason"),
    ("admin", "POST", ADJUST, adjustment(reason="  "), 400, "Enter the reason"),
    ("admin", "POST", ADJUST, adjustment(reason=LONG), 400, too_long(100)),
    # --- settings
    ("admin", "POST", SETTINGS, sales_orders(order_prefix=""), 400, "Enter a prefix"),
    ("admin", "POST", SETTINGS, sales_orders(order_prefix="N1"), 400, "Use 1 to 10 letters"),
    ("admin", "POST", SETTINGS, sales_orders(order_prefix="ABCDEFGHIJK"), 400,
     "Use 1 to 10 letters"),
    ("admin", "POST", SETTINGS, sales_orders(order_prefix=SCRIPT), 400, "Use 1 to 10 letters"),
    ("admin", "POST", SETTINGS, sales_orders(order_prefix=LONG), 400, "Use 1 to 10 letters"),
    ("admin", "POST", "/admin/settings/nope", sales_orders(), 404, None),
    ("staff", "POST", SETTINGS, sales_orders(order_prefix="X"), 403, None),
    # --- back-office pages
    ("admin", "GET", "/admin/orders?status=Shipped", None, 404, None),
    ("admin", "GET", f"/admin/orders?status={SCRIPT}", None, 404, None),
    ("admin", "GET", "/admin/orders?page=-5", None, 200, None),
    ("admin", "GET", "/admin/orders?page=abc", None, 200, None),
    ("admin", "GET", f"/admin/orders?q={LONG}", None, 200, None),
    ("admin", "GET", "/admin/orders?q=%25' OR 1=1 --", None, 200, None),
    ("admin", "GET", "/admin/orders/N1", None, 404, None),
    ("admin", "GET", f"/admin/orders/{LONG}", None, 404, None),
    ("admin", "GET", "/admin/products?q=%25' OR 1=1 --", None, 200, None),
    ("admin", "GET", f"/admin/products?q={LONG}", None, 200, None),
    ("admin", "GET", "/admin/products/NOPE", None, 404, None),
    ("admin", "GET", f"/admin/reports/backorders?sort={SCRIPT}", None, 200, None),
    ("admin", "GET", "/admin/reports/backorders?format=xml", None, 200, None),
]


def case_id(case) -> str:
    who, method, url, data, status, _ = case
    shown = {k: (v if len(str(v)) < 20 else f"{str(v)[:8]}...({len(str(v))})")
             for k, v in (data or {}).items()
             if k not in ("version", "action", "reference", "method", "payment_method")
             and not (k.startswith(("qty_", "bko_")) and v in ("0", "1", "2"))}
    return f"{who} {method} {url[:40]} {shown} -> {status}"


def fill(text: str, values: dict) -> str:
    return text.format(**values) if "{" in text else text


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nbad input: {len(CASES)} cases tried")


def test_the_table_is_large_enough():
    assert len(CASES) >= 100


@pytest.mark.parametrize(("who", "method", "url", "data", "status", "message"), CASES,
                         ids=[case_id(case) for case in CASES])
def test_bad_input_changes_nothing_and_says_why(app, world, who, method, url, data, status,
                                                message):
    values = world["values"]
    client = world["clients"][who]
    before = table_rows(app)
    url = fill(url, values)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.submit(url, {fill(k, values): fill(v, values)
                                       for k, v in data.items()})
    after = table_rows(app)
    assert response.status_code == status, response.get_data(as_text=True)[-3000:]
    assert changes(before, after) == {}
    if message is not None:
        page = html.unescape(response.get_data(as_text=True))
        assert message in page
        assert 'class="error"' in page or 'class="flash flash-error"' in page
