"""Staff order pages, through the HTML only: the orders list and the order page
with its Order Line Details pane (issue "staff order pages", DESIGN section 5)."""
from decimal import Decimal

import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.models import Role
from tests.web.pages import Page

S = OrderStatus
NOT_SPLITTABLE = "Only orders with New or On Hold status can have order lines in backorder"
BACKORDERS_OFF = "Turn on 'Create backorder when backorder items' to put order lines on backorder"
STALE = "This order changed since you opened it"


def open_order(client, reference: str) -> Page:
    response = client.get(f"/admin/orders/{reference}")
    assert response.status_code == 200
    return Page(response)


def save(client, reference: str, page: Page | None = None, button: str = "Save", **by_label):
    """Press a button of the order form after filling fields found by their labels."""
    page = page or open_order(client, reference)
    data = page.form_data(button)
    for label, value in by_label.items():
        data[page.control(label).attrs["name"]] = str(value)
    return client.submit(f"/admin/orders/{reference}", data)


def set_fields(page: Page, **by_label) -> dict:
    return {page.control(label).attrs["name"]: str(value) for label, value in by_label.items()}


def press(client, reference: str, page: Page, button: str, fields: dict | None = None):
    form = page.form_of(button)
    data = {**page.form_data(button), **(fields or {})}
    return client.submit(form.attrs["action"], data)


def listed(client, url: str) -> list[str]:
    """The order references a list page shows, top to bottom."""
    response = client.get(url)
    assert response.status_code == 200
    return [row[0] for row in Page(response).table_rows("Orders") if row[0] != "No orders."]


def totals(page: Page) -> dict[str, str]:
    section = page.root.find("section", aria_labelledby="totals-title")
    terms = [dt.text for dt in section.find_all("dt")]
    return dict(zip(terms, [dd.text for dd in section.find_all("dd")]))


def related(page: Page) -> str:
    return page.root.find("section", aria_labelledby="related-title").text


def timeline(page: Page) -> str:
    return page.root.find("section", aria_labelledby="timeline-title").text


def line_rows(page: Page) -> list[list[str]]:
    """SKU, name, Qty, BKO, allocated, unit price, subtotal (inputs as their values)."""
    table = page.root.find("table", **{"class": "lines"})
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        cells = []
        for td in tr.find_all("td"):
            field = td.find("input")
            cells.append(field.attrs.get("value", "") if field is not None else td.text)
        rows.append(cells)
    return rows


@pytest.fixture
def two_lines(shop):
    """An order of 3 x A-1 (1 in stock, $10) and 2 x B-1 (in stock, $5), not split."""
    shop.product("A-1", on_hand=1, price="10.00", policy=Policy.ALWAYS, name="Kettle")
    shop.product("B-1", on_hand=5, price="5.00", name="Cup")
    reference, backorder = shop.order({"A-1": 3, "B-1": 2})
    assert backorder is None
    return reference


# --- The orders list ------------------------------------------------------------------

def test_orders_list_filters_by_every_status_with_counts(staff_client, orders):
    placed = {status: [orders.placed(status)] for status in S}
    placed[S.NEW].append(orders.placed(S.NEW))
    page = Page(staff_client.get("/admin/orders"))
    filters = page.root.find("nav", aria_label="Filter by status")
    links = {a.text: a.attrs["href"] for a in filters.find_all("a")}
    for status in S:
        label = f"{status.value} ({len(placed[status])})"
        assert label in links, sorted(links)
        assert sorted(listed(staff_client, links[label])) == sorted(placed[status])
        current = Page(staff_client.get(links[label])).root.find("a", aria_current="page")
        assert current.text == label
    assert len(listed(staff_client, "/admin/orders")) == 9


@pytest.mark.parametrize("title", ["New Backorder", "Backorder Approved"])
def test_backorder_filters_are_list_filters_like_the_others(staff_client, orders, title):
    expected = orders.placed(OrderStatus(title))
    orders.placed(S.NEW)
    assert listed(staff_client, f"/admin/orders?status={title}") == [expected]


def test_an_unknown_status_filter_is_404(staff_client):
    assert staff_client.get("/admin/orders?status=Shipped").status_code == 404


def test_orders_list_is_newest_first(staff_client, shop):
    shop.product("P-1", on_hand=10)
    placed = [shop.order({"P-1": 1})[0] for _ in range(3)]
    assert listed(staff_client, "/admin/orders") == list(reversed(placed))


@pytest.fixture
def searchable(shop):
    shop.product("TEA-1", on_hand=10)
    shop.product("POT-1", on_hand=10)
    return {
        "tea": shop.order({"TEA-1": 1}, email="ann@example.com")[0],
        "pot": shop.order({"POT-1": 1}, email="bob@example.com")[0],
        "both": shop.order({"TEA-1": 1, "POT-1": 1}, email="cat@example.com")[0],
    }


@pytest.mark.parametrize("query, expected", [
    ("{pot}", ["pot"]),
    ("{pot_lower}", ["pot"]),
    (" {pot} ", ["pot"]),
    ("bob@example.com", ["pot"]),
    ("BOB@example.com", ["pot"]),
    ("TEA-1", ["both", "tea"]),
    ("POT-1", ["both", "pot"]),
    ("N9999", []),
    ("nobody@example.com", []),
])
def test_orders_list_searches_by_order_id_email_and_sku(staff_client, searchable, query,
                                                        expected):
    query = query.format(pot=searchable["pot"], pot_lower=searchable["pot"].lower())
    found = listed(staff_client, f"/admin/orders?q={query}")
    assert found == [searchable[name] for name in expected]


def test_search_keeps_the_status_filter(staff_client, searchable, orders):
    orders.move(searchable["tea"], S.ON_HOLD)
    assert listed(staff_client, "/admin/orders?status=On Hold&q=TEA-1") == [searchable["tea"]]
    assert listed(staff_client, "/admin/orders?status=New&q=TEA-1") == [searchable["both"]]


def test_search_by_email_finds_an_email_typed_with_capitals(staff_client, shop):
    shop.product("P-1", on_hand=10)
    reference, _ = shop.order({"P-1": 1}, email="Sam.Shopper@Example.com")
    assert listed(staff_client, "/admin/orders?q=Sam.Shopper@Example.com") == [reference]
    assert listed(staff_client, "/admin/orders?q=sam.shopper@example.com") == [reference]


def test_orders_list_has_a_second_page_beyond_the_page_size(staff_client, shop, app):
    size = app.config["ADMIN_PAGE_SIZE"]
    assert size == 50
    shop.product("P-1", on_hand=100)
    placed = [shop.order({"P-1": 1})[0] for _ in range(size + 1)]

    first = Page(staff_client.get("/admin/orders"))
    assert [row[0] for row in first.table_rows("Orders")] == list(reversed(placed))[:size]
    assert "Previous" not in first.links()
    second_url = first.links()["Next"]
    second = Page(staff_client.get(second_url))
    assert [row[0] for row in second.table_rows("Orders")] == [placed[0]]
    assert "Next" not in second.links()
    assert "Previous" in second.links()


def test_pages_keep_the_status_filter(staff_client, shop, orders, app):
    shop.product("P-1", on_hand=100)
    for _ in range(app.config["ADMIN_PAGE_SIZE"] + 1):
        shop.order({"P-1": 1})
    held = orders.placed(S.ON_HOLD)
    next_url = Page(staff_client.get("/admin/orders?status=New")).links()["Next"]
    assert "status=New" in next_url
    assert held not in listed(staff_client, next_url)
    assert len(listed(staff_client, next_url)) == 1


def test_a_backorder_row_shows_its_parent_and_the_parent_its_backorders(staff_client, shop):
    shop.settings(create_backorder=True)
    shop.product("A-1", on_hand=1, policy=Policy.ALWAYS)
    parent, backorder = shop.order({"A-1": 3})
    assert backorder not in (None, parent)
    rows = {row[0]: row for row in Page(staff_client.get("/admin/orders")).table_rows("Orders")}
    assert rows[backorder][-1] == f"Backorder of {parent}"
    assert rows[parent][-1] == f"Backorders: {backorder}"
    assert rows[backorder][3] == "New Backorder"


# --- The order page -------------------------------------------------------------------

def test_order_page_shows_customer_status_totals_and_timeline(staff_client, two_lines, orders):
    orders.pay(two_lines, "15.00")
    page = open_order(staff_client, two_lines)
    assert f"Order {two_lines} New" in page.root.find("h1").text
    customer = page.root.find("section", aria_labelledby="customer-title").text
    assert "Sam Shopper" in customer and "shopper@example.com" in customer \
        and "1 Main St" in customer and "Bank deposit" in customer
    assert totals(page) == {"Total": "$40.00", "Paid": "$15.00", "Payment required": "$25.00"}
    assert "None." in related(page)
    assert "Order placed by Sam Shopper" in timeline(page)
    assert "Payment of $15.00 by Cash recorded" in timeline(page)
    assert page.value("Status") == "New"


def test_order_line_details_pane_shows_each_line(staff_client, two_lines):
    page = open_order(staff_client, two_lines)
    pane = page.root.find("section", aria_labelledby="lines-title")
    assert pane.find("h2").text == "Order Line Details"
    assert [th.text for th in pane.find_all("th")] == [
        "SKU", "Name", "Qty", "BKO", "Allocated", "Unit price", "Subtotal"]
    assert line_rows(page) == [
        ["A-1", "Kettle", "3", "0", "1", "$10.00", "$30.00"],
        ["B-1", "Cup", "2", "0", "2", "$5.00", "$10.00"],
    ]
    for sku in ("A-1", "B-1"):
        assert page.control(f"Qty for {sku}").tag == "input"
        assert page.control(f"BKO for {sku}").tag == "input"


def test_order_page_offers_the_designed_buttons(staff_client, two_lines, shop, orders):
    shop.settings(create_backorder=True)
    buttons = open_order(staff_client, two_lines).button_texts()
    for text in ("Backorder Out of Stock Products", "Save", "Record payment"):
        assert text in buttons
    backorder = orders.placed(S.NEW_BACKORDER)
    orders.receive(orders.get(backorder)["lines"][0][0], 2)  # offered once it is ready
    assert "Mark as New" in open_order(staff_client, backorder).button_texts()
    assert "Mark as New" not in buttons


EDITABLE = [(status, on) for status in S for on in (True, False)]


@pytest.mark.parametrize("status, create_backorder", EDITABLE)
def test_bko_is_editable_only_when_new_or_on_hold_with_create_backorder_on(
        staff_client, shop, orders, status, create_backorder):
    reference = orders.placed(status)
    shop.settings(create_backorder=create_backorder)
    page = open_order(staff_client, reference)
    sku = orders.get(reference)["lines"][0][0]
    editable = status in (S.NEW, S.ON_HOLD) and create_backorder
    assert ("readonly" not in page.control(f"BKO for {sku}").attrs) == editable
    assert ("Backorder Out of Stock Products" in page.button_texts()) == editable
    assert ("readonly" not in page.control(f"Qty for {sku}").attrs) == \
        (status in (S.NEW, S.ON_HOLD))


REFUSED_BKO = [(status, True, NOT_SPLITTABLE) for status in S
               if status not in (S.NEW, S.ON_HOLD)] + [
    (S.NEW, False, BACKORDERS_OFF), (S.ON_HOLD, False, BACKORDERS_OFF)]


@pytest.mark.parametrize("status, create_backorder, message", REFUSED_BKO)
def test_a_posted_bko_is_refused_where_bko_is_read_only(staff_client, shop, orders, snapshot,
                                                         status, create_backorder, message):
    reference = orders.placed(status)
    shop.settings(create_backorder=create_backorder)
    sku = orders.get(reference)["lines"][0][0]
    page = open_order(staff_client, reference)
    before = snapshot()
    response = save(staff_client, reference, page, **{f"BKO for {sku}": 1})
    assert response.status_code in (400, 409)
    refused = Page(response)
    assert message in refused.all_errors()
    if message == NOT_SPLITTABLE:
        assert message in refused.errors(f"BKO for {sku}")
    assert snapshot() == before


@pytest.mark.parametrize("status, create_backorder, message", [
    (S.PICK, True, NOT_SPLITTABLE), (S.NEW_BACKORDER, True, NOT_SPLITTABLE),
    (S.NEW, False, "Create backorder when backorder items"),
])
def test_backorder_out_of_stock_products_is_refused_where_bko_is_read_only(
        staff_client, shop, orders, snapshot, status, create_backorder, message):
    reference = orders.placed(status)
    shop.settings(create_backorder=create_backorder)
    data = {**open_order(staff_client, reference).form_data("Save"), "action": "fill-bko"}
    before = snapshot()
    response = staff_client.submit(f"/admin/orders/{reference}", data)
    assert response.status_code in (400, 409)
    assert any(message in error for error in Page(response).all_errors())
    assert snapshot() == before


@pytest.mark.parametrize("bko, message", [
    ("4", "BKO cannot be more than the Qty (3)"),
    ("-1", "Enter a whole number from 0 to the Qty"),
    ("1.5", "Not a valid integer value."),
    ("abc", "Not a valid integer value."),
    ("1000", "Enter a whole number from 0 to the Qty"),
])
def test_bko_above_qty_negative_or_fractional_is_refused(staff_client, shop, two_lines, snapshot,
                                                         bko, message):
    shop.settings(create_backorder=True)
    before = snapshot()
    response = save(staff_client, two_lines, **{"BKO for A-1": bko})
    assert response.status_code == 400
    assert message in Page(response).errors("BKO for A-1")
    assert snapshot() == before


def test_bko_above_a_changed_qty_is_refused(staff_client, shop, two_lines, snapshot):
    shop.settings(create_backorder=True)
    before = snapshot()
    response = save(staff_client, two_lines, **{"Qty for A-1": 2, "BKO for A-1": 3})
    assert "BKO cannot be more than the Qty (2)" in Page(response).errors("BKO for A-1")
    assert snapshot() == before


def test_backorder_out_of_stock_products_fills_bko_and_saves_nothing(staff_client, shop, orders,
                                                                     two_lines, snapshot):
    shop.settings(create_backorder=True)
    page = open_order(staff_client, two_lines)
    button = page.button("Backorder Out of Stock Products")
    assert (button.attrs.get("name"), button.attrs.get("value")) == ("action", "fill-bko")
    before = snapshot()
    response = press(staff_client, two_lines, page, "Backorder Out of Stock Products",
                     set_fields(page, **{"BKO for B-1": 1}))
    assert response.status_code == 200
    filled = Page(response)
    assert filled.value("BKO for A-1") == "2"
    assert filled.value("BKO for B-1") == "0"
    assert snapshot() == before

    saved = press(staff_client, two_lines, filled, "Save")
    assert saved.status_code == 302
    assert orders.get(two_lines)["lines"] == [("A-1", 1, 1), ("B-1", 2, 2)]


def test_save_splits_the_bko_into_a_linked_backorder(staff_client, shop, orders, two_lines,
                                                     figures):
    shop.settings(create_backorder=True)
    response = save(staff_client, two_lines, **{"BKO for A-1": 2})
    assert response.status_code == 302
    parent = orders.get(two_lines)
    (backorder_ref,) = parent["backorders"]
    backorder = orders.get(backorder_ref)
    assert parent["lines"] == [("A-1", 1, 1), ("B-1", 2, 2)]
    assert backorder["lines"] == [("A-1", 2, 0)]
    assert backorder["status"] is S.NEW_BACKORDER
    assert backorder["parent"] == two_lines
    assert figures("A-1") == (1, 1, 2)  # units moved, nothing re-committed

    parent_page = open_order(staff_client, two_lines)
    assert f"Backorder {backorder_ref} created" in parent_page.flashes()
    assert f"Backorder {backorder_ref} New Backorder" in related(parent_page)
    assert f"Backorder {backorder_ref} created with 2 x A-1" in timeline(parent_page)
    assert totals(parent_page)["Total"] == "$20.00"
    assert line_rows(parent_page)[0][:5] == ["A-1", "Kettle", "1", "0", "1"]

    child_page = open_order(staff_client, backorder_ref)
    assert f"Backorder of {two_lines} New" in related(child_page)
    assert f"Split from {two_lines} with 2 x A-1" in timeline(child_page)
    assert totals(child_page)["Total"] == "$20.00"
    assert line_rows(child_page) == [["A-1", "Kettle", "2", "0", "0", "$10.00", "$20.00"]]


def test_save_splits_an_on_hold_order_too(staff_client, shop, orders, two_lines):
    orders.move(two_lines, S.ON_HOLD)
    shop.settings(create_backorder=True)
    assert save(staff_client, two_lines, **{"BKO for B-1": 1}).status_code == 302
    (backorder,) = orders.get(two_lines)["backorders"]
    assert orders.get(backorder)["lines"] == [("B-1", 1, 1)]  # its stock moved with it
    assert orders.get(two_lines)["status"] is S.ON_HOLD


def test_staff_change_a_qty_on_a_new_order(staff_client, shop, orders, two_lines, figures):
    assert save(staff_client, two_lines, **{"Qty for B-1": 1}).status_code == 302
    assert orders.get(two_lines)["lines"] == [("A-1", 3, 1), ("B-1", 1, 1)]
    assert figures("B-1") == (5, 1, 0)
    assert "Qty for B-1 changed from 2 to 1" in timeline(open_order(staff_client, two_lines))
    assert totals(open_order(staff_client, two_lines))["Total"] == "$35.00"


# --- Status changes -------------------------------------------------------------------

def status_options(page: Page) -> list[str]:
    return page.options("Status")


def test_new_and_on_hold_move_both_ways(staff_client, orders):
    reference = orders.placed(S.NEW)
    assert save(staff_client, reference, Status="On Hold").status_code == 302
    assert orders.get(reference)["status"] is S.ON_HOLD
    page = open_order(staff_client, reference)
    assert "Status changed from New to On Hold" in timeline(page)
    assert save(staff_client, reference, page, Status="New").status_code == 302
    assert orders.get(reference)["status"] is S.NEW


def test_a_new_backorder_is_approved(staff_client, orders):
    reference = orders.placed(S.NEW_BACKORDER)
    assert save(staff_client, reference, Status="Backorder Approved").status_code == 302
    assert orders.get(reference)["status"] is S.BACKORDER_APPROVED


@pytest.mark.parametrize("status", [S.NEW_BACKORDER, S.BACKORDER_APPROVED])
def test_mark_as_new_releases_a_ready_backorder(staff_client, orders, status):
    reference = orders.placed(status)
    sku = orders.get(reference)["lines"][0][0]
    orders.receive(sku, 2)
    page = open_order(staff_client, reference)
    assert "Ready" in page.root.find("h1").text
    response = press(staff_client, reference, page, "Mark as New")
    assert response.status_code == 302
    assert orders.get(reference)["status"] is S.NEW
    assert f"Status changed from {status} to New" in timeline(open_order(staff_client, reference))


def test_mark_as_new_refuses_a_backorder_still_waiting(staff_client, orders, snapshot):
    reference = orders.placed(S.NEW_BACKORDER)
    page = open_order(staff_client, reference)
    assert "Ready" not in page.root.find("h1").text
    assert "Mark as New" not in page.button_texts()  # not offered: posted all the same
    before = snapshot()
    response = staff_client.submit(f"/admin/orders/{reference}/mark-as-new",
                                   {"version": page.form_data("Save")["version"]})
    assert response.status_code == 409
    assert "This backorder is still waiting for stock" in Page(response).text
    assert snapshot() == before


def test_new_to_pick_is_refused_unless_fully_allocated(staff_client, two_lines, orders, snapshot):
    assert "Pick" in status_options(open_order(staff_client, two_lines))
    before = snapshot()
    response = save(staff_client, two_lines, Status="Pick")
    assert response.status_code == 409
    assert "An order moves to Pick only when every line is fully allocated" in \
        Page(response).errors("Status")
    assert snapshot() == before


def test_pick_pack_dispatch_ships_the_stock(staff_client, orders, figures):
    reference = orders.placed(S.NEW)
    sku = orders.get(reference)["lines"][0][0]
    assert figures(sku) == (5, 2, 0)
    confirm = {"Dispatched": {"Dispatch with $20.00 still due": "y"}}  # nothing is paid
    for status in ("Pick", "Pack", "Dispatched"):
        assert save(staff_client, reference, Status=status,
                    **confirm.get(status, {})).status_code == 302
        assert orders.get(reference)["status"] == status
    assert figures(sku) == (3, 0, 0)
    page = open_order(staff_client, reference)
    assert "Status changed from Pack to Dispatched" in timeline(page)
    assert status_options(page) == ["Dispatched"]


@pytest.mark.parametrize("status", [S.NEW, S.ON_HOLD, S.NEW_BACKORDER, S.BACKORDER_APPROVED,
                                    S.PICK, S.PACK])
def test_cancelling_releases_committed_units(staff_client, orders, figures, status):
    reference = orders.placed(status)
    sku = orders.get(reference)["lines"][0][0]
    on_hand = figures(sku)[0]
    assert sum(figures(sku)[1:]) == 2  # committed or waiting
    assert save(staff_client, reference, Status="Cancelled").status_code == 302
    assert orders.get(reference)["status"] is S.CANCELLED
    assert figures(sku) == (on_hand, 0, 0)
    assert status_options(open_order(staff_client, reference)) == ["Cancelled"]


def test_cancelled_units_go_to_the_next_waiting_order(staff_client, shop, orders):
    shop.product("C-1", on_hand=2, policy=Policy.ALWAYS)
    first, _ = shop.order({"C-1": 2})
    waiting, _ = shop.order({"C-1": 2})
    assert save(staff_client, first, Status="Cancelled").status_code == 302
    assert orders.get(waiting)["lines"] == [("C-1", 2, 2)]


@pytest.mark.parametrize("current, target", [
    (S.NEW, S.PACK), (S.NEW, S.DISPATCHED), (S.NEW, S.NEW_BACKORDER),
    (S.ON_HOLD, S.PICK), (S.NEW_BACKORDER, S.PICK), (S.BACKORDER_APPROVED, S.NEW_BACKORDER),
    (S.PICK, S.NEW), (S.PACK, S.PICK), (S.DISPATCHED, S.CANCELLED), (S.DISPATCHED, S.NEW),
    (S.CANCELLED, S.NEW),
])
def test_illegal_moves_are_refused_with_a_message(staff_client, orders, snapshot, current, target):
    reference = orders.placed(current)
    page = open_order(staff_client, reference)
    assert target.value not in status_options(page)
    before = snapshot()
    data = page.form_data("Save")
    data["status"] = target.value
    response = staff_client.submit(f"/admin/orders/{reference}", data)
    assert response.status_code in (400, 409)
    assert Page(response).errors("Status")
    assert snapshot() == before


# --- Payments -------------------------------------------------------------------------

def test_recording_a_payment_lowers_payment_required(staff_client, two_lines, orders):
    page = open_order(staff_client, two_lines)
    response = press(staff_client, two_lines, page, "Record payment",
                     set_fields(page, Amount="15.50", Method="Card", Reference="R-1"))
    assert response.status_code == 302
    page = open_order(staff_client, two_lines)
    assert totals(page) == {"Total": "$40.00", "Paid": "$15.50", "Payment required": "$24.50"}
    assert "Payment of $15.50 by Card recorded" in timeline(page)
    assert orders.get(two_lines)["payments"] == [(Decimal("15.50"), "Card")]


def test_overpaying_is_refused(staff_client, two_lines, orders, snapshot):
    orders.pay(two_lines, "30.00")
    page = open_order(staff_client, two_lines)
    before = snapshot()
    response = press(staff_client, two_lines, page, "Record payment",
                     set_fields(page, Amount="10.01"))
    assert response.status_code == 409
    assert "That is more than the $10.00 still due" in Page(response).errors("Amount")
    assert snapshot() == before


def test_paying_exactly_what_is_due_clears_it(staff_client, two_lines):
    page = open_order(staff_client, two_lines)
    press(staff_client, two_lines, page, "Record payment", set_fields(page, Amount="40.00"))
    assert totals(open_order(staff_client, two_lines))["Payment required"] == "$0.00"


# --- Stale forms ----------------------------------------------------------------------

@pytest.fixture
def other_staff(app, shop):
    shop.user("other@example.com", Role.STAFF)
    other = app.test_client()
    assert other.sign_in("other@example.com").status_code == 302
    return other


def test_the_order_form_carries_the_version_it_was_opened_at(staff_client, two_lines, orders):
    page = open_order(staff_client, two_lines)
    version = str(orders.get(two_lines)["version"])
    assert page.form_data("Save")["version"] == version
    assert page.form_data("Record payment")["version"] == version


@pytest.mark.parametrize("button, fields", [
    ("Save", {"Status": "Cancelled"}),
    ("Record payment", {"Amount": "5.00"}),
])
def test_a_stale_form_is_refused_and_saves_nothing(staff_client, other_staff, two_lines, orders,
                                                   snapshot, button, fields):
    page = open_order(staff_client, two_lines)
    assert save(other_staff, two_lines, Status="On Hold").status_code == 302
    before = snapshot()
    response = press(staff_client, two_lines, page, button, set_fields(page, **fields))
    assert response.status_code == 409
    assert STALE in Page(response).all_errors() + Page(response).flashes()
    assert snapshot() == before
    assert orders.get(two_lines)["status"] is S.ON_HOLD


def test_a_stale_split_is_refused(staff_client, shop, two_lines, orders, snapshot):
    shop.settings(create_backorder=True)
    page = open_order(staff_client, two_lines)
    orders.pay(two_lines, "1.00")  # someone records a payment meanwhile
    before = snapshot()
    response = press(staff_client, two_lines, page, "Save", set_fields(page, **{"BKO for A-1": 2}))
    assert STALE in Page(response).all_errors()
    assert snapshot() == before
    assert orders.get(two_lines)["backorders"] == []


def test_a_stale_mark_as_new_is_refused(staff_client, orders, snapshot):
    reference = orders.placed(S.NEW_BACKORDER)
    orders.receive(orders.get(reference)["lines"][0][0], 2)
    page = open_order(staff_client, reference)
    orders.move(reference, S.BACKORDER_APPROVED)
    before = snapshot()
    response = press(staff_client, reference, page, "Mark as New")
    assert STALE in Page(response).text
    assert snapshot() == before


@pytest.mark.parametrize("button, fields", [
    ("Save", {"Status": "On Hold"}),
    ("Record payment", {"Amount": "5.00"}),
])
def test_the_same_form_posted_twice_applies_once(staff_client, two_lines, orders, button, fields):
    page = open_order(staff_client, two_lines)
    data = set_fields(page, **fields)
    assert press(staff_client, two_lines, page, button, data).status_code == 302
    after_first = orders.get(two_lines)
    second = press(staff_client, two_lines, page, button, data)
    assert second.status_code == 409
    assert orders.get(two_lines) == after_first
    assert len(after_first["payments"]) == (1 if button == "Record payment" else 0)


def test_the_same_split_posted_twice_makes_one_backorder(staff_client, shop, two_lines, orders):
    shop.settings(create_backorder=True)
    page = open_order(staff_client, two_lines)
    data = set_fields(page, **{"BKO for A-1": 2})
    press(staff_client, two_lines, page, "Save", data)
    press(staff_client, two_lines, page, "Save", data)
    assert len(orders.get(two_lines)["backorders"]) == 1
    assert orders.get(two_lines)["lines"] == [("A-1", 1, 1), ("B-1", 2, 2)]


def test_save_changes_a_qty_and_splits_in_one_go(staff_client, shop, orders, two_lines):
    shop.settings(create_backorder=True)
    response = save(staff_client, two_lines, **{"Qty for A-1": 2, "BKO for B-1": 1})
    assert response.status_code == 302
    (backorder,) = orders.get(two_lines)["backorders"]
    assert orders.get(two_lines)["lines"] == [("A-1", 2, 1), ("B-1", 1, 1)]
    assert orders.get(backorder)["lines"] == [("B-1", 1, 1)]
