"""Printable packing slips and invoices, and the orders list as CSV."""
import csv
import io

import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from tests.web.order_page import open_order
from tests.web.pages import Page

S = OrderStatus


@pytest.fixture
def split(shop, orders):
    """N1001 (1 x A-1 allocated, 2 x B-1) paid $20.00, with backorder N1001-1 (2 x A-1)."""
    shop.settings(create_backorder=True, backorder_suffix=True)
    shop.product("A-1", on_hand=1, price="10.00", policy=Policy.ALWAYS, name="Kettle")
    shop.product("B-1", on_hand=5, price="5.00", name="Cup")
    parent, backorder = shop.order({"A-1": 3, "B-1": 2})
    assert (parent, backorder) == ("N1001", "N1001-1")
    orders.pay(parent, "20.00")
    return parent, backorder


@pytest.mark.parametrize("link, path", [("Packing slip", "packing-slip"),
                                        ("Invoice", "invoice")])
def test_the_order_page_links_its_packing_slip_and_invoice(staff_client, split, link, path):
    parent, _ = split
    assert open_order(staff_client, parent).links()[link] == f"/admin/orders/{parent}/{path}"


def test_the_packing_slip_lists_what_to_pack_without_prices(staff_client, split):
    parent, backorder = split
    response = staff_client.get(f"/admin/orders/{parent}/packing-slip")
    assert response.status_code == 200
    page = Page(response)
    assert page.root.find("h1").text == "Packing slip"
    assert page.table_rows("Items to pack") == [["☐", "A-1", "Kettle", "1", "1"],
                                                ["☐", "B-1", "Cup", "2", "2"]]
    assert "Sam Shopper" in page.text and "1 Main St" in page.text
    assert f"Shipping later, on backorder: {backorder}." in page.text
    assert "$" not in page.text


def test_the_invoice_shows_lines_totals_and_payments(staff_client, split):
    parent, _ = split
    page = Page(staff_client.get(f"/admin/orders/{parent}/invoice"))
    assert page.root.find("h1").text == "Invoice"
    assert page.table_rows("Items") == [["A-1", "Kettle", "1", "$10.00", "$10.00"],
                                        ["B-1", "Cup", "2", "$5.00", "$10.00"]]
    totals = page.table_rows("Totals")
    assert totals[0] == ["Total", "$20.00"]
    assert totals[-1] == ["Payment required", "$0.00"]
    assert "shopper@example.com" in page.text


def test_the_printed_pages_carry_a_print_button_by_a_same_origin_script(staff_client, split):
    parent, _ = split
    response = staff_client.get(f"/admin/orders/{parent}/invoice")
    page = Page(response)
    assert [s.attrs["src"] for s in page.root.find_all("script")] == ["/static/print.js"]
    assert "data-print" in page.button("Print").attrs
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert staff_client.get("/static/print.js").status_code == 200
    assert staff_client.get("/static/print.css").status_code == 200


@pytest.mark.parametrize("path", ["packing-slip", "invoice"])
def test_printed_pages_of_an_unknown_order_are_404(staff_client, path):
    assert staff_client.get(f"/admin/orders/N9999/{path}").status_code == 404


@pytest.mark.parametrize("path", ["packing-slip", "invoice", "export.csv"])
def test_printed_pages_and_the_export_need_a_sign_in(client, split, path):
    url = f"/admin/orders/{split[0]}/{path}" if path != "export.csv" else "/admin/orders/export.csv"
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


# --- The orders list as CSV ------------------------------------------------------------------

def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_has_every_listed_order_with_its_figures(staff_client, split, orders):
    parent, backorder = split
    rows = read_csv(staff_client.get("/admin/orders/export.csv"))
    assert [row["Order"] for row in rows] == [backorder, parent]  # newest first, as listed
    assert rows[1] | {"Placed (UTC)": ""} == {
        "Order": parent, "Placed (UTC)": "", "Status": "New", "Customer": "Sam Shopper",
        "Email": "shopper@example.com", "Total": "20.00", "Paid": "20.00", "Due": "0.00",
        "To be refunded": "0.00", "Backorder of": ""}
    assert (rows[0]["Status"], rows[0]["Due"], rows[0]["Backorder of"]) == \
        ("New Backorder", "20.00", parent)


def test_the_export_keeps_the_lists_status_filter_and_search(staff_client, split, shop, orders):
    parent, backorder = split
    other, _ = shop.order({"B-1": 1}, email="ann@example.org")
    list_page = Page(staff_client.get("/admin/orders?status=New&q=example.org"))
    export = list_page.links()["Export CSV"]
    assert export == "/admin/orders/export.csv?status=New&q=example.org"
    assert [row["Order"] for row in read_csv(staff_client.get(export))] == [other]
    by_status = read_csv(staff_client.get("/admin/orders/export.csv?status=New Backorder"))
    assert [row["Order"] for row in by_status] == [backorder]
    assert Page(staff_client.get("/admin/orders")).links()["Export CSV"] == \
        "/admin/orders/export.csv"


def test_a_cancelled_order_exports_nothing_due_and_what_to_refund(staff_client, split, orders):
    parent, _ = split
    orders.move(parent, S.CANCELLED)
    (row,) = [r for r in read_csv(staff_client.get("/admin/orders/export.csv"))
              if r["Order"] == parent]
    assert (row["Due"], row["To be refunded"]) == ("0.00", "20.00")


def test_an_unknown_status_in_the_export_is_404(staff_client):
    assert staff_client.get("/admin/orders/export.csv?status=Shipped").status_code == 404


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)"])
def test_exported_cells_never_run_as_formulas(staff_client, shop, name):
    from app.services.checkout import Customer, place_order
    shop.product("P-1", on_hand=5)
    shop.read(lambda: place_order({"P-1": 1}, Customer(name=name, email="f@example.com",
                                                       address="x", payment_method="Bank deposit")))
    (row,) = read_csv(staff_client.get("/admin/orders/export.csv"))
    assert row["Customer"] == "'" + name


def test_the_export_is_streamed(staff_client, split):
    response = staff_client.get("/admin/orders/export.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == "attachment; filename=orders.csv"


def test_a_long_export_comes_in_several_chunks(staff_client, shop):
    shop.product("P-1", on_hand=500)
    from app.services.checkout import Customer, place_order

    def place_many():
        for n in range(300):
            place_order({"P-1": 1}, Customer(name=f"Shopper {n}", email=f"s{n}@example.com",
                                             address="1 Main St", payment_method="Bank deposit"))
    shop.read(place_many)
    response = staff_client.get("/admin/orders/export.csv")
    chunks = [c if isinstance(c, bytes) else c.encode() for c in response.response]
    assert len(chunks) > 1
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 300
