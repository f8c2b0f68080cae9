"""The supplier and purchase order pages: labels, the walk through a PO, and bad input."""
import pytest

from app.domain.buttons import Policy
from app.models import Role

from tests.support import bad_input as bad
from tests.support import purchasing as po_support
from tests.web.pages import Page

BAD_INPUT = (400, 409)


@pytest.fixture
def tea(shop):
    """Tea Co, who sells TEA-1 (two units waiting on a backorder), and Cup Co, who sells OTHER-1."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=True)

    def setup():
        tea_id = po_support.supplier()
        po_support.bought_product("TEA-1", tea_id)
        po_support.bought_product("OTHER-1", po_support.supplier("Cup Co", "cups@example.com"))
        return tea_id
    tea_id = shop.read(setup)
    shop.order({"TEA-1": 2})
    return tea_id


def make_po(shop, tea_id, lines=None, ordered=True) -> str:
    return shop.read(lambda: po_support.po(tea_id, po_support.in_days(10),
                                           lines or {"TEA-1": 6}, ordered=ordered))


def refused(response, label: str, message: str, status: int) -> Page:
    assert response.status_code == status, response.status_code
    page = Page(response)
    assert message in page.errors(label), f"{label}: {page.errors(label)} / {page.all_errors()}"
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    return page


def test_staff_add_a_supplier_then_a_po_with_a_line_and_mark_it_ordered(staff_client, shop):
    shop.settings(out_of_stock_checkout=True, show_arrival_date=True)
    page = Page(staff_client.get("/admin/suppliers/new"))
    assert [page.control(label) for label in ("Name", "Email", "Lead time (days)")]
    assert "Save" in page.button_texts()
    response = staff_client.submit("/admin/suppliers/new", {
        "name": "Tea Co", "email": "orders@teaco.example", "lead_time_days": "14"})
    assert response.status_code == 302
    assert "Tea Co" in Page(staff_client.get("/admin/suppliers")).text

    product_page = Page(staff_client.get("/admin/products/new"))
    assert product_page.options("Supplier") == ["None", "Tea Co"]
    assert product_page.control("Supplier SKU") and product_page.control("Cost price")
    supplier_id = product_page.control("Supplier").find_all("option")[1].attrs["value"]
    assert staff_client.submit("/admin/products/new", {
        "sku": "TEA-1", "name": "Assam", "description": "", "price": "10.00", "on_hand": "0",
        "backorder_policy": "Always allow", "arrival_date": "", "backorder_limit": "",
        "supplier_id": supplier_id, "supplier_sku": "AS-500", "cost_price": "4.50"},
    ).status_code == 302
    shop.order({"TEA-1": 2})

    new = Page(staff_client.get("/admin/purchase-orders/new"))
    assert new.options("Supplier") == ["Tea Co"] and new.control("Expected date")
    assert "Create purchase order" in new.button_texts()
    expected = po_support.in_days(12)
    response = staff_client.submit("/admin/purchase-orders/new", {
        "supplier_id": supplier_id, "expected_date": expected.isoformat()})
    assert response.headers["Location"].endswith("/admin/purchase-orders/PO1001")

    page = Page(staff_client.get("/admin/purchase-orders/PO1001"))
    assert {"Add line", "Save", "Mark as ordered", "Cancel purchase order"} <= set(
        page.button_texts())
    data = page.form_data("Add line")
    data.update(sku="TEA-1", quantity="5", unit_cost="4.50")
    assert staff_client.post("/admin/purchase-orders/PO1001/lines", data=data).status_code == 302
    page = Page(staff_client.get("/admin/purchase-orders/PO1001"))
    assert page.value("Qty for TEA-1") == "5"
    response = staff_client.post("/admin/purchase-orders/PO1001/ordered",
                                 data=page.form_data("Mark as ordered"))
    assert response.status_code == 302
    page = Page(staff_client.get("/admin/purchase-orders/PO1001"))
    assert "Ordered" in page.text and page.control("Receive for TEA-1")
    assert page.control("Reference") and "Receive" in page.button_texts()
    listing = Page(staff_client.get("/admin/purchase-orders?status=Ordered"))
    assert "PO1001" in listing.text and "Ordered (1)" in listing.text
    assert "PO1001" not in Page(staff_client.get("/admin/purchase-orders?status=Draft")).text

    token = shop.status_token("N1001")
    status_page = Page(staff_client.get(f"/orders/{token}"))
    assert f"{expected.day} " in status_page.table_rows("Items in N1001")[0][3]


def test_receiving_on_the_po_page_serves_the_waiting_order(staff_client, shop, tea, figures):
    reference = make_po(shop, tea)
    page = Page(staff_client.get(f"/admin/purchase-orders/{reference}"))
    data = page.form_data("Receive")
    line_field = page.control("Receive for TEA-1").attrs["name"]
    data.update({line_field: "2", "reference": "DEL-9"})
    response = staff_client.post(f"/admin/purchase-orders/{reference}/receive", data=data)
    assert response.status_code == 302
    assert figures("TEA-1") == (2, 2, 0)
    assert shop.read(lambda: po_support.status(reference)).value == "Partly received"
    # The same form again (a double click) receives nothing more.
    staff_client.post(f"/admin/purchase-orders/{reference}/receive", data=data)
    assert figures("TEA-1") == (2, 2, 0)


def test_the_po_page_and_list_run_a_fixed_number_of_queries(staff_client, shop, tea,
                                                             count_queries):
    few = make_po(shop, tea, {"TEA-1": 1})
    many = make_po(shop, tea, {"TEA-1": 1}, ordered=False)
    for n in range(30):
        shop.read(lambda n=n: po_support.bought_product(f"T-{n}", tea))
    shop.read(lambda: [po_support.purchasing.add_line(
        many, po_support.version(many), f"T-{n}", 3, po_support.Decimal("1.00"))
        for n in range(30)])
    counts = []
    for url in (f"/admin/purchase-orders/{few}", f"/admin/purchase-orders/{many}",
                "/admin/purchase-orders"):
        staff_client.get(url)
        with count_queries() as counter:
            assert staff_client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("row", bad.SUPPLIER, ids=lambda r: f"{r.field}={r.value[:12]!r}")
def test_the_supplier_form_refuses_bad_input(staff_client, shop, snapshot, row):
    before = snapshot()
    data = {"name": "Tea Co", "email": "orders@teaco.example", "lead_time_days": "14",
            row.field: row.value}
    refused(staff_client.submit("/admin/suppliers/new", data), row.label, row.message,
            row.status)
    assert snapshot() == before


@pytest.mark.parametrize("row", bad.NEW_PO, ids=lambda r: f"{r.field}={r.value[:12]!r}")
def test_the_new_po_form_refuses_bad_input(staff_client, shop, snapshot, tea, row):
    before = snapshot()
    data = {"supplier_id": str(tea), "expected_date": po_support.in_days(3).isoformat(),
            row.field: row.value}
    refused(staff_client.submit("/admin/purchase-orders/new", data), row.label, row.message,
            row.status)
    assert snapshot() == before


@pytest.mark.parametrize("row", bad.PO_LINE, ids=lambda r: f"{r.field}={r.value[:12]!r}")
def test_the_add_line_form_refuses_bad_input(staff_client, shop, snapshot, tea, row):
    reference = make_po(shop, tea, ordered=False)
    page = Page(staff_client.get(f"/admin/purchase-orders/{reference}"))
    data = page.form_data("Add line")
    data.update({"sku": "TEA-1", "quantity": "3", "unit_cost": "4.00", row.field: row.value})
    before = snapshot()
    refused(staff_client.post(f"/admin/purchase-orders/{reference}/lines", data=data),
            row.label, row.message, row.status)
    assert snapshot() == before


@pytest.mark.parametrize("row", bad.PO_RECEIPT, ids=lambda r: f"{r.field}={r.value[:12]!r}")
def test_the_receive_form_refuses_bad_input(staff_client, shop, snapshot, tea, row):
    reference = make_po(shop, tea)
    shop.read(lambda: po_support.receive(reference, {"TEA-1": 2}))
    page = Page(staff_client.get(f"/admin/purchase-orders/{reference}"))
    data = page.form_data("Receive")
    data[page.control(row.label).attrs["name"]] = row.value
    before = snapshot()
    refused(staff_client.post(f"/admin/purchase-orders/{reference}/receive", data=data),
            row.label, row.message, row.status)
    assert snapshot() == before


def test_a_qty_below_what_was_received_is_refused_next_to_the_line(staff_client, shop,
                                                                   snapshot, tea):
    reference = make_po(shop, tea)
    shop.read(lambda: po_support.receive(reference, {"TEA-1": 2}))
    page = Page(staff_client.get(f"/admin/purchase-orders/{reference}"))
    data = page.form_data("Save")
    data[page.control("Qty for TEA-1").attrs["name"]] = "1"
    before = snapshot()
    refused(staff_client.post(f"/admin/purchase-orders/{reference}", data=data),
            "Qty for TEA-1", "2 of TEA-1 were received: the quantity cannot be less", 409)
    assert snapshot() == before


def test_a_stale_po_form_is_refused_and_changes_nothing(staff_client, shop, snapshot, tea):
    reference = make_po(shop, tea)
    page = Page(staff_client.get(f"/admin/purchase-orders/{reference}"))
    stale_save, stale_receive = page.form_data("Save"), page.form_data("Receive")
    shop.read(lambda: po_support.receive(reference, {"TEA-1": 1}))
    before = snapshot()
    response = staff_client.post(f"/admin/purchase-orders/{reference}", data=stale_save)
    assert response.status_code == 409
    assert "This purchase order changed since you opened it" in Page(response).all_errors()
    stale_receive[page.control("Receive for TEA-1").attrs["name"]] = "1"
    response = staff_client.post(f"/admin/purchase-orders/{reference}/receive",
                                 data=stale_receive)
    assert response.status_code == 409
    assert snapshot() == before


def test_receiving_on_a_cancelled_po_is_refused(staff_client, shop, snapshot, tea):
    reference = make_po(shop, tea)
    page = Page(staff_client.get(f"/admin/purchase-orders/{reference}"))
    data = page.form_data("Receive")
    data[page.control("Receive for TEA-1").attrs["name"]] = "1"
    assert staff_client.post(f"/admin/purchase-orders/{reference}/cancel",
                             data=page.form_data("Cancel purchase order")).status_code == 302
    before = snapshot()
    data["version"] = str(shop.read(lambda: po_support.version(reference)))
    response = staff_client.post(f"/admin/purchase-orders/{reference}/receive", data=data)
    assert response.status_code == 409
    assert "Nothing can be received on a Cancelled purchase order" in Page(response).all_errors()
    assert snapshot() == before


def test_unknown_purchase_orders_and_suppliers_are_not_found(staff_client):
    for url in ("/admin/purchase-orders/PO9999", "/admin/purchase-orders/NOPE",
                "/admin/purchase-orders/PO" + "9" * 40, "/admin/suppliers/99",
                "/admin/purchase-orders?status=Lost"):
        assert staff_client.get(url).status_code == 404, url


def test_purchase_order_pages_need_sign_in(client):
    assert client.get("/admin/purchase-orders").status_code == 302
    assert client.get("/admin/suppliers").status_code == 302


def test_the_backorder_report_shows_incoming_and_uncovered_units_on_screen_and_in_csv(
        staff_client, shop, tea):
    make_po(shop, tea, {"TEA-1": 1})
    make_po(shop, tea, {"TEA-1": 5}, ordered=False)  # a Draft is not on its way
    rows = Page(staff_client.get("/admin/reports/backorders")).table_rows("waiting")
    assert rows[0][0] == "TEA-1" and rows[0][-2:] == ["1", "1"]
    csv = staff_client.get("/admin/reports/backorders?format=csv").get_data(as_text=True)
    header, row = csv.splitlines()[:2]
    assert header.endswith("Incoming,Uncovered") and row.endswith(",1,1")


def test_coverage_drafts_one_po_per_supplier_for_the_uncovered_units(staff_client, shop, tea,
                                                                    count_queries):
    shop.product("LOOSE-1", policy=Policy.ALWAYS)  # no supplier: listed apart
    shop.order({"LOOSE-1": 1})
    make_po(shop, tea, {"TEA-1": 1})  # covers 1 of TEA-1's 2 waiting units
    page = Page(staff_client.get("/admin/purchase-orders/coverage"))
    assert page.table_rows("Waiting, incoming")[0][:6] == ["TEA-1", "Product TEA-1", "Tea Co",
                                                          "2", "1", "1"]
    assert page.table_rows("no supplier")[0][0] == "LOOSE-1"
    with count_queries() as counter:
        staff_client.get("/admin/purchase-orders/coverage")
    few = counter.count
    for n in range(20):
        shop.read(lambda n=n: po_support.bought_product(f"T-{n}", tea))
        shop.order({f"T-{n}": 1}, email=f"s{n}@example.com")
    with count_queries() as counter:
        staff_client.get("/admin/purchase-orders/coverage")
    assert counter.count == few

    data = page.form_data("Draft purchase orders")
    response = staff_client.post("/admin/purchase-orders/coverage", data=data)
    assert response.status_code == 302
    drafts = shop.read(lambda: [(po.reference, po.status.value, po.supplier.name,
                                 sorted((line.sku, line.quantity) for line in po.lines))
                                for po in po_support.purchasing.purchase_orders(None)])
    assert drafts[0][:3] == ("PO1002", "Draft", "Tea Co")
    assert ("TEA-1", 1) in drafts[0][3] and len(drafts[0][3]) == 21
    staff_client.post("/admin/purchase-orders/coverage", data=data)  # a double click
    assert len(shop.read(lambda: po_support.purchasing.purchase_orders(None))) == 2
