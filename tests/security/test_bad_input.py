"""Bad input never gives a 500 and never changes anything.

One list of cases: each posts (or gets) one bad value to one form or URL and says the
status it must get and, where the form comes back, the message it must show. Every
row of every table is compared before and after each case. The bad field values come
from the one table in tests/support/bad_input.py (which tests/web/test_forms.py also
posts); the cases below that only make sense in this shop (its orders, its committed
stock, who is signed in) are written out here.
"""
import html
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, Role
from app.services import orders, purchasing
from tests.conftest import Shop, _empty_tables
from tests.support import bad_input as bad
from tests.support.bad_input import LONG, NOT_CHOICE, SCRIPT, WHOLE_1_999, too_long
from tests.support.rows import changes, snapshot


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

    def ids_and_versions():
        values = {}
        for name in refs:
            found = order(name)
            values[name] = found.reference
            values[f"{name}_version"] = found.version
            values[f"{name}_stale"] = found.version - 1
            for line in found.lines:
                values[f"{name}_{line.sku.lower()}"] = line.id
        return values
    values = shop.read(ids_and_versions)

    values.update(shop.read(purchase_orders))

    shop.user("admin@example.com", Role.ADMIN)
    shop.user("staff@example.com", Role.STAFF)
    admin, staff, anon = app.test_client(), app.test_client(), app.test_client()
    assert admin.sign_in("admin@example.com").status_code == 302
    assert staff.sign_in("staff@example.com").status_code == 302
    anon.token()
    assert admin.submit("/cart/add/TEA", {"quantity": "1"}).status_code == 302
    yield {"values": values, "clients": {"admin": admin, "staff": staff, "anon": anon}}
    _empty_tables(app)


def purchase_orders() -> dict:
    """Tea Co and Pot Co, a product bought from each, and a PO of TEA-1 in each state the
    cases need: a Draft, an Ordered one with 2 of 6 received, and a Cancelled one."""
    from tests.support.purchasing import bought_product, po, receive, supplier, version
    tea = supplier("Tea Co")
    pots = supplier("Pot Co", "orders@potco.example")
    bought_product("TEA-1", tea)
    bought_product("OTHER-1", pots)
    draft = po(tea, in_days(5), {"TEA-1": 3}, ordered=False)
    ordered = po(tea, in_days(5), {"TEA-1": 6})
    receive(ordered, {"TEA-1": 2})
    cancelled = po(tea, in_days(5), {"TEA-1": 1})
    purchasing.cancel_po(cancelled, version(cancelled))
    values = {"supplier": tea, "other_supplier": pots}
    for name, reference in (("po_draft", draft), ("po_ordered", ordered),
                            ("po_cancelled", cancelled)):
        found = purchasing.find_po(reference)
        values[name] = reference
        values[f"{name}_version"] = found.version
        values[f"{name}_stale"] = found.version - 1
        values[f"{name}_line"] = found.lines[0].id
    return values


def in_days(days: int) -> date:
    return date.today() + timedelta(days=days)


def supplier_form(**changes) -> dict:
    return {"name": "Leaf Co", "email": "orders@leafco.example", "lead_time_days": "14",
            **changes}


def new_po(**changes) -> dict:
    return {"supplier_id": "{supplier}", "expected_date": in_days(3).isoformat(), **changes}


def po_line(**changes) -> dict:
    return {"version": "{po_draft_version}", "sku": "TEA-1", "quantity": "3",
            "unit_cost": "4.00", **changes}


def po_save(**changes) -> dict:
    """The Ordered PO's Save: its date, and Qty for TEA-1 (6, of which 2 are in)."""
    data = {"version": "{po_ordered_version}", "expected_date": in_days(5).isoformat(),
            "qty_{po_ordered_line}": "6"}
    for field, value in changes.items():
        data["qty_{po_ordered_line}" if field == "qty" else field] = value
    return data


def po_receipt(name: str = "po_ordered", **changes) -> dict:
    data = {"version": f"{{{name}_version}}", "reference": "DEL-9",
            f"receive_{{{name}_line}}": "1"}
    for field, value in changes.items():
        data[f"receive_{{{name}_line}}" if field == "receive" else field] = value
    return data


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


def staff_account(**changes) -> dict:
    return {"email": "kim@example.com", "role": "staff", **changes}


USERS = "/admin/users"

IMPORT = "/admin/products/import"
ORDER = "/admin/orders/{new}"
PAY = "/admin/orders/{new}/payments"
RECEIVE = "/admin/products/TEA/receive"
ADJUST = "/admin/products/TEA/adjust"
SETTINGS = "/admin/settings/sales-orders"

CASES = [
    # (who, method, url, form data, status, message on the page or None)
    # --- storefront: add to cart
    *[("anon", "POST", "/cart/add/TEA", {"quantity": row.value}, row.status, row.message)
      for row in bad.quantities()],
    ("anon", "POST", "/cart/add/TEA", {}, 400, "Enter a quantity"),
    ("anon", "POST", "/cart/add/MUG", {"quantity": "1"}, 400, "Product MUG is out of stock"),
    ("admin", "POST", "/cart/add/TEA", {"quantity": "999"}, 400,
     "A cart line holds at most 999 units"),
    ("anon", "POST", "/cart/add/NOPE", {"quantity": "1"}, 404, None),
    ("anon", "POST", f"/cart/add/{SCRIPT}", {"quantity": "1"}, 404, None),
    ("anon", "POST", f"/cart/add/{LONG}", {"quantity": "1"}, 404, None),
    # --- storefront: cart lines
    *[("admin", "POST", "/cart/update/TEA", {"TEA-quantity": row.value}, row.status, row.message)
      for row in bad.quantities()],
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "-3"}, 400, WHOLE_1_999),
    ("admin", "POST", "/cart/update/TEA", {"TEA-quantity": "2.5"}, 400, bad.NOT_INTEGER),
    ("admin", "POST", "/cart/update/POT", {"POT-quantity": "1"}, 404, None),
    ("anon", "POST", "/cart/update/TEA", {"TEA-quantity": "1"}, 404, None),
    # --- storefront: checkout (the admin's cart holds one TEA)
    *[("admin", "POST", "/checkout", checkout(**{row.field: row.value}), row.status, row.message)
      for row in bad.CHECKOUT],
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
    *[("admin", "POST", ORDER, order_save("new", qty_tea=row.value), row.status, row.message)
      for row in bad.order_quantities("TEA") if row.value != "0"],
    # Qty 0 removes a line (the new order has two), but never the order's last one.
    ("admin", "POST", "/admin/orders/{paid}", order_save("paid", qty_tea="0"), 409,
     "cancel the order instead"),
    ("admin", "POST", ORDER, order_save("new", bko_tea="3"), 400,
     "BKO cannot be more than the Qty (2)"),
    *[("admin", "POST", ORDER, order_save("new", bko_tea=row.value), row.status, row.message)
      for row in bad.BKO],
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
    *[("admin", "POST", PAY, payment(**{row.field: row.value}), row.status, row.message)
      for row in bad.PAYMENT],
    ("admin", "POST", PAY, payment(amount="1000"), 409, "That is more than the $29.00 still due"),
    ("admin", "POST", PAY, payment(version="{new_stale}"), 409,
     "This order changed since you opened it"),
    ("admin", "POST", PAY, payment(version="abc"), 400, None),
    ("admin", "POST", "/admin/orders/{cancelled}/payments",
     payment(version="{cancelled_version}"), 409, "A cancelled order takes no payment"),
    ("admin", "POST", "/admin/orders/{paid}/payments", payment(version="{paid_version}"), 409,
     "That is more than the $0.00 still due"),
    # --- products: add
    *[("admin", "POST", "/admin/products/new", product(**{row.field: row.value}), row.status,
       row.message) for row in bad.PRODUCT],
    ("admin", "POST", "/admin/products/new", product(sku="TEA"), 400,
     "There is already a product TEA"),
    # --- products: edit
    ("admin", "POST", "/admin/products/TEA", tea(on_hand="3"), 409,
     "On hand cannot go below the 5 units committed to orders"),
    ("admin", "POST", "/admin/products/TEA", tea(sku="POT"), 409,
     "There is already a product POT"),
    *[("admin", "POST", "/admin/products/TEA", tea(**{row.field: row.value}), row.status,
       row.message) for row in bad.PRODUCT_EDIT],
    ("admin", "POST", "/admin/products/NOPE", tea(), 404, None),
    # --- products: receive stock
    *[("admin", "POST", RECEIVE, receipt(**{row.field: row.value}), row.status, row.message)
      for row in bad.RECEIPT],
    ("admin", "POST", "/admin/products/NOPE/receive", receipt(), 404, None),
    # --- products: adjust stock
    *[("admin", "POST", ADJUST, adjustment(**{row.field: row.value}), row.status, row.message)
      for row in bad.ADJUSTMENT],
    ("admin", "POST", ADJUST, adjustment(quantity="-1"), 409,
     "On hand cannot go below the 5 units committed to orders"),
    # --- settings
    *[("admin", "POST", SETTINGS, sales_orders(order_prefix=row.value), row.status, row.message)
      for row in bad.ORDER_PREFIX],
    ("admin", "POST", "/admin/settings/nope", sales_orders(), 404, None),
    ("staff", "POST", SETTINGS, sales_orders(order_prefix="X"), 403, None),
    # --- staff accounts
    *[("admin", "POST", USERS, staff_account(**{row.field: row.value}), row.status, row.message)
      for row in bad.STAFF_ACCOUNT],
    ("admin", "POST", USERS, staff_account(email="STAFF@Example.com"), 409,
     "There is already an account for staff@example.com"),
    ("staff", "POST", USERS, staff_account(), 403, None),
    ("staff", "GET", USERS, None, 403, None),
    ("admin", "POST", "/admin/users/999/deactivate", {"version": "1"}, 404, None),
    ("admin", "POST", "/admin/users/999/role", {"version": "1", "role": "admin"}, 404, None),
    ("admin", "POST", "/admin/users/1/remove", {"version": "1"}, 404, None),
    ("admin", "GET", "/admin/users?page=-5", None, 200, None),
    ("admin", "GET", "/admin/users?page=99999999999999999999", None, 200, None),
    ("anon", "GET", "/admin/set-password/nope", None, 404, None),
    ("anon", "POST", "/admin/set-password/nope", {"password": "long enough", "confirm":
                                                  "long enough"}, 404, None),
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
    # --- products: import a CSV file (Preview, then Import)
    *[("admin", "POST", IMPORT, {"csv_file": (row.data, f"{row.name}.csv")}, row.status,
       row.message) for row in bad.IMPORT_FILES],
    ("admin", "POST", IMPORT, {}, 400, "Choose a CSV file to preview"),
    ("admin", "POST", IMPORT, {"csv_file": ""}, 400, "Choose a CSV file to preview"),
    ("admin", "POST", IMPORT, {"token": "not-a-token"}, 409, "This preview is no longer open"),
    ("admin", "POST", IMPORT, {"token": LONG}, 400, "This preview is no longer open"),
    ("staff", "POST", IMPORT, {"token": ""}, 400, "This preview is no longer open"),
    ("anon", "POST", IMPORT, {"csv_file": (b"SKU,Name,Price\nNEW-1,a,1\n", "p.csv")}, 302,
     None),
    ("anon", "GET", "/admin/products/export.csv", None, 302, None),
    ("admin", "GET", f"/admin/reports/backorders?sort={SCRIPT}", None, 200, None),
    ("admin", "GET", "/admin/reports/backorders?format=xml", None, 200, None),
    # --- suppliers
    *[("staff", "POST", "/admin/suppliers/new", supplier_form(**{row.field: row.value}),
       row.status, row.message) for row in bad.SUPPLIER],
    ("staff", "POST", "/admin/suppliers/new", supplier_form(name="tea co"), 400,
     "There is already a supplier Tea Co"),
    ("staff", "POST", "/admin/suppliers/{supplier}", supplier_form(name="Pot Co"), 400,
     "There is already a supplier Pot Co"),
    *[("staff", "POST", "/admin/suppliers/{supplier}", supplier_form(**{row.field: row.value}),
       row.status, row.message) for row in bad.SUPPLIER if row.value in ("", "-1", "1.5")],
    ("staff", "POST", "/admin/suppliers/99999", supplier_form(), 404, None),
    ("staff", "GET", "/admin/suppliers/abc", None, 404, None),
    # --- a new purchase order: its date is today or later
    *[("staff", "POST", "/admin/purchase-orders/new", new_po(**{row.field: row.value}),
       row.status, row.message) for row in bad.NEW_PO],
    ("staff", "POST", "/admin/purchase-orders/new",
     new_po(expected_date=in_days(-1).isoformat()), 409, "Enter today's date or a later one"),
    ("staff", "POST", "/admin/purchase-orders/new", new_po(supplier_id="-1"), 400, NOT_CHOICE),
    # --- PO lines: unknown SKUs, another supplier's product, bad quantities and costs
    *[("staff", "POST", "/admin/purchase-orders/{po_draft}/lines",
       po_line(**{row.field: row.value}), row.status, row.message) for row in bad.PO_LINE],
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/lines", po_line(quantity="1000001"),
     400, bad.PO_UNITS),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/lines", po_line(sku="TEA"), 409,
     "TEA is not bought from Tea Co"),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/lines",
     po_line(version="{po_draft_stale}"), 409, "This purchase order changed since you opened it"),
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}/lines",
     po_line(version="{po_ordered_version}"), 409,
     "Lines are added while the purchase order is a Draft"),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/lines", po_line(version="abc"), 400,
     None),
    # --- the PO's Save: Qty never below what was received, nor below 1; its date
    *[("staff", "POST", "/admin/purchase-orders/{po_ordered}", po_save(qty=value), 400,
       message) for value, message in [
        ("0", bad.PO_UNITS), ("-1", bad.PO_UNITS), ("1.5", bad.NOT_INTEGER),
        (bad.HUGE, bad.PO_UNITS), ("1000001", bad.PO_UNITS), ("abc", bad.NOT_INTEGER),
        ("", "Enter a Qty")]],
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}", po_save(qty="1"), 409,
     "2 of TEA-1 were received: the quantity cannot be less"),
    *[("staff", "POST", "/admin/purchase-orders/{po_ordered}", po_save(expected_date=value),
       400, message) for value, message in [
        ("", "Enter the date the delivery is expected"), ("2025-13-45", bad.NOT_DATE),
        (LONG, bad.NOT_DATE), (SCRIPT, bad.NOT_DATE)]],
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}",
     po_save(version="{po_ordered_stale}"), 409,
     "This purchase order changed since you opened it"),
    ("staff", "POST", "/admin/purchase-orders/{po_cancelled}",
     {"version": "{po_cancelled_version}", "expected_date": in_days(5).isoformat(),
      "qty_{po_cancelled_line}": "1"}, 409, "A Cancelled purchase order cannot change"),
    ("staff", "POST", "/admin/purchase-orders/PO9999", po_save(), 404, None),
    ("staff", "POST", f"/admin/purchase-orders/{SCRIPT}", po_save(), 404, None),
    ("staff", "GET", "/admin/purchase-orders/PO1", None, 404, None),
    ("staff", "GET", f"/admin/purchase-orders/{LONG}", None, 404, None),
    ("staff", "GET", "/admin/purchase-orders?status=Shipped", None, 404, None),
    # --- receiving: beyond what is still to come, on a cancelled PO, a stale form
    *[("staff", "POST", "/admin/purchase-orders/{po_ordered}/receive",
       po_receipt(receive=row.value), row.status, row.message) for row in bad.PO_RECEIPT],
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}/receive",
     po_receipt(receive=bad.DIGITS), 400, bad.NOT_INTEGER),
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}/receive",
     po_receipt(reference=LONG), 400, too_long(80)),
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}/receive",
     po_receipt(version="{po_ordered_stale}"), 409,
     "This purchase order changed since you opened it"),
    ("staff", "POST", "/admin/purchase-orders/{po_cancelled}/receive", po_receipt("po_cancelled"),
     409, "Nothing can be received on a Cancelled purchase order"),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/receive", po_receipt("po_draft"),
     409, "Nothing can be received on a Draft purchase order"),
    # --- the PO's buttons
    ("staff", "POST", "/admin/purchase-orders/{po_cancelled}/ordered",
     {"version": "{po_cancelled_version}"}, 409, "This purchase order is already Cancelled"),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/ordered",
     {"version": "{po_draft_stale}"}, 409, "This purchase order changed since you opened it"),
    ("staff", "POST", "/admin/purchase-orders/{po_ordered}/cancel",
     {"version": "{po_ordered_version}"}, 409,
     "A Partly received purchase order cannot be cancelled"),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/cancel", {"version": "abc"}, 400,
     "This form is out of date: try again"),
    ("staff", "POST", "/admin/purchase-orders/{po_draft}/cancel",
     {"version": "{po_draft_stale}"}, 409, "This purchase order changed since you opened it"),
]


def case_id(case) -> str:
    who, method, url, data, status, _ = case
    shown = {k: (f"<{v[1]}, {len(v[0]):,} bytes>" if isinstance(v, tuple)
                 else v if len(str(v)) < 20 else f"{str(v)[:8]}...({len(str(v))})")
             for k, v in (data or {}).items()
             if k not in ("version", "action", "reference", "method", "payment_method")
             and not (k.startswith(("qty_", "bko_")) and v in ("0", "1", "2"))}
    return f"{who} {method} {url[:40]} {shown} -> {status}"


def fill(text, values: dict):
    """A value with the shop's ids and versions put in; a file (bytes, name) to upload."""
    if isinstance(text, tuple):
        return io.BytesIO(text[0]), text[1]
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
    before = snapshot(app)
    url = fill(url, values)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.submit(url, {fill(k, values): fill(v, values)
                                       for k, v in data.items()})
    after = snapshot(app)
    assert response.status_code == status, response.get_data(as_text=True)[-3000:]
    assert changes(before, after) == {}
    if message is not None:
        page = html.unescape(response.get_data(as_text=True))
        assert message in page
        assert 'class="error"' in page or 'class="flash flash-error"' in page
