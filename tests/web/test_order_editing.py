"""The staff order page as staff use it: refusals next to what they refuse, only the
choices that can work, money that reads the same everywhere, and the tools staff reach
for (customer details, removing a line, dispatching with money due)."""
from decimal import Decimal

import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.models import Role
from tests.web.order_page import open_order, press, save, section, totals
from tests.web.pages import Page

S = OrderStatus
STALE = "This order changed since you opened it"
BACKORDERS_OFF = "Turn on 'Create backorder when backorder items' to put order lines on backorder"


@pytest.fixture
def two_lines(shop):
    """An order of 3 x A-1 (1 in stock, $10) and 2 x B-1 (in stock, $5), not split."""
    shop.product("A-1", on_hand=1, price="10.00", policy=Policy.ALWAYS, name="Kettle")
    shop.product("B-1", on_hand=5, price="5.00", name="Cup")
    reference, backorder = shop.order({"A-1": 3, "B-1": 2})
    assert backorder is None
    return reference


@pytest.fixture
def other_staff(app, shop):
    shop.user("other@example.com", Role.STAFF)
    other = app.test_client()
    assert other.sign_in("other@example.com").status_code == 302
    return other


# --- Refusals sit next to what they refuse ------------------------------------------------

def test_a_stale_save_says_so_above_the_form_with_a_link_to_reload(staff_client, other_staff,
                                                                   two_lines, snapshot):
    page = open_order(staff_client, two_lines)
    assert save(other_staff, two_lines, Status="On Hold").status_code == 302
    before = snapshot()
    response = press(staff_client, page, "Save", Status="Cancelled")
    assert response.status_code == 409
    refused = Page(response)
    alert = refused.root.find("div", role="alert")
    assert STALE in alert.text and "Nothing was saved" in alert.text
    assert alert.find("a", href=f"/admin/orders/{two_lines}").text == "Reload the order"
    assert refused.errors("Status") == []
    assert refused.all_errors() == [STALE]
    assert snapshot() == before


@pytest.mark.parametrize("button, fields", [
    ("Record payment", {"Amount": "5.00"}),
    ("Save customer details", {"Name": "Sam Jones"}),
])
def test_every_stale_form_of_the_order_page_says_so_above_the_form(staff_client, other_staff,
                                                                   two_lines, snapshot, button,
                                                                   fields):
    page = open_order(staff_client, two_lines)
    assert save(other_staff, two_lines, Status="On Hold").status_code == 302
    before = snapshot()
    response = press(staff_client, page, button, **fields)
    assert response.status_code == 409
    assert STALE in Page(response).root.find("div", role="alert").text
    assert snapshot() == before


@pytest.mark.parametrize("status", [S.PICK, S.NEW_BACKORDER, S.CANCELLED])
def test_bko_is_really_read_only_where_an_order_cannot_take_it_and_says_why_once(
        staff_client, shop, orders, status):
    shop.settings(create_backorder=True)
    reference = orders.placed(status)
    page = open_order(staff_client, reference)
    sku = orders.get(reference)["lines"][0][0]
    bko = page.control(f"BKO for {sku}")
    assert "disabled" in bko.attrs and "readonly" in bko.attrs
    assert "bko_" not in " ".join(page.form_data("Save"))  # a disabled field is not posted
    reason = "Only orders with New or On Hold status can have order lines in backorder"
    assert page.text.count(reason) == 1


def test_bko_is_an_input_where_an_order_can_take_it(staff_client, shop, two_lines):
    shop.settings(create_backorder=True)
    bko = open_order(staff_client, two_lines).control("BKO for A-1")
    assert "disabled" not in bko.attrs and "readonly" not in bko.attrs


def test_staff_are_told_to_ask_an_admin_to_turn_on_backorders(staff_client, two_lines):
    page = open_order(staff_client, two_lines)
    hint = page.root.find("p", id="bko-refusal").text
    assert BACKORDERS_OFF in hint and "Only an admin can change that setting: ask one." in hint
    assert "Open the Sales Orders & Invoices settings" not in page.links()


def test_admins_are_given_a_link_to_the_setting(admin_client, two_lines):
    page = open_order(admin_client, two_lines)
    assert BACKORDERS_OFF in page.root.find("p", id="bko-refusal").text
    link = page.links()["Open the Sales Orders & Invoices settings"]
    assert link == "/admin/settings/sales-orders"
    assert "Create backorder when backorder items" in Page(admin_client.get(link)).labels()


def test_a_refused_qty_sits_next_to_the_line_it_names(staff_client, two_lines, snapshot):
    before = snapshot()
    response = save(staff_client, two_lines, **{"Qty for A-1": 0, "Qty for B-1": 0})
    assert response.status_code == 409
    refused = Page(response)
    assert refused.errors("Qty for A-1") == [
        "Qty for A-1 cannot be 0: it is the order's last line, cancel the order instead"]
    assert refused.errors("Qty for B-1") == []
    assert snapshot() == before


# --- Only the choices that can work ---------------------------------------------------------

def test_pick_on_a_partly_allocated_order_says_what_it_needs(staff_client, shop, two_lines):
    page = open_order(staff_client, two_lines)
    assert "Pick" in page.options("Status")
    assert "Pick needs every unit allocated: lower a Qty or put the unallocated units on BKO " \
        "in the same Save" in page.text
    shop.settings(create_backorder=True)
    response = save(staff_client, two_lines, Status="Pick", **{"BKO for A-1": 2})
    assert response.status_code == 302  # split first, then every line left is allocated


def test_a_fully_allocated_order_moves_to_pick_without_a_hint(staff_client, orders):
    page = open_order(staff_client, orders.placed(S.NEW))
    assert "Pick needs every unit allocated" not in page.text


@pytest.mark.parametrize("status", [S.NEW_BACKORDER, S.BACKORDER_APPROVED])
def test_a_backorder_waiting_for_stock_is_not_offered_new(staff_client, orders, status):
    reference = orders.placed(status)
    page = open_order(staff_client, reference)
    assert "Mark as New" not in page.button_texts()
    assert "New" not in page.options("Status")
    assert "Still waiting for stock" in section(page, "release-title")


@pytest.mark.parametrize("status", [S.NEW_BACKORDER, S.BACKORDER_APPROVED])
def test_a_backorder_with_every_item_in_stock_is_offered_new(staff_client, orders, status):
    reference = orders.placed(status)
    orders.receive(orders.get(reference)["lines"][0][0], 2)
    page = open_order(staff_client, reference)
    assert "Mark as New" in page.button_texts()
    assert "New" in page.options("Status")
    assert save(staff_client, reference, Status="New").status_code == 302
    assert orders.get(reference)["status"] is S.NEW


@pytest.mark.parametrize("path", ["payments", "mark-as-new", "customer"])
def test_opening_a_form_address_again_leads_back_to_the_order(staff_client, two_lines, path):
    response = staff_client.get(f"/admin/orders/{two_lines}/{path}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/orders/{two_lines}"


def test_a_form_address_of_an_unknown_order_leads_to_its_404(staff_client):
    response = staff_client.get("/admin/orders/N9999/payments", follow_redirects=True)
    assert response.status_code == 404


# --- Money reads the same everywhere --------------------------------------------------------

def test_a_payment_reads_in_dollars_in_the_flash_timeline_and_payments(staff_client, two_lines):
    page = open_order(staff_client, two_lines)
    response = press(staff_client, page, "Record payment", Amount="36", Method="Bank deposit")
    assert response.status_code == 302
    page = open_order(staff_client, two_lines)
    assert "Payment of $36.00 by Bank deposit recorded" in page.flashes()
    assert "Payment of $36.00 by Bank deposit recorded" in section(page, "timeline-title")
    assert "$36.00 by Bank deposit" in section(page, "payment-title")
    refused = press(staff_client, page, "Record payment", Amount="4.01")
    assert "That is more than the $4.00 still due" in Page(refused).errors("Amount")


def test_a_credit_moved_to_a_backorder_reads_as_a_negative_credit(staff_client, shop, orders,
                                                                  two_lines):
    orders.pay(two_lines, "40.00")
    shop.settings(create_backorder=True)
    assert save(staff_client, two_lines, **{"BKO for A-1": 2}).status_code == 302
    (backorder,) = orders.get(two_lines)["backorders"]
    parent = section(open_order(staff_client, two_lines), "payment-title")
    assert f"-$20.00 credit: Moved to {backorder}" in parent
    child = section(open_order(staff_client, backorder), "payment-title")
    assert f"$20.00 credit: Moved from {two_lines}" in child


def test_money_filter_writes_negative_amounts_with_the_sign_first(app):
    with app.app_context():
        money = app.jinja_env.filters["money"]
        assert (money(Decimal("-14.50")), money(Decimal("36")), money(None)) == \
            ("-$14.50", "$36.00", "")


# --- Dispatching with money still due ------------------------------------------------------

def test_dispatching_with_money_due_asks_to_confirm_and_changes_nothing_until_then(
        staff_client, orders, snapshot, figures):
    reference = orders.placed(S.PACK)  # 2 x $10.00, unpaid
    page = open_order(staff_client, reference)
    assert page.control("Dispatch with $20.00 still due").attrs["type"] == "checkbox"
    before = snapshot()
    response = press(staff_client, page, "Save", Status="Dispatched")
    assert response.status_code == 409
    warning = Page(response).errors("Dispatch with $20.00 still due")
    assert warning == ["$20.00 is still due on this order: tick 'Dispatch with $20.00 still "
                       "due' to dispatch it anyway"]
    assert snapshot() == before

    confirmed = Page(response)
    assert press(staff_client, confirmed, "Save", Status="Dispatched",
                 **{"Dispatch with $20.00 still due": "y"}).status_code == 302
    assert orders.get(reference)["status"] is S.DISPATCHED


def test_a_paid_order_dispatches_without_a_question(staff_client, orders):
    reference = orders.placed(S.PACK)
    orders.pay(reference, "20.00")
    page = open_order(staff_client, reference)
    assert not any(label.startswith("Dispatch with") for label in page.labels())
    assert press(staff_client, page, "Save", Status="Dispatched").status_code == 302
    assert orders.get(reference)["status"] is S.DISPATCHED


# --- Customer details ------------------------------------------------------------------------

def test_staff_correct_the_customers_name_email_and_address(staff_client, two_lines, orders):
    page = open_order(staff_client, two_lines)
    assert (page.value("Name"), page.value("Email"), page.value("Address")) == \
        ("Sam Shopper", "shopper@example.com", "1 Main St")
    response = press(staff_client, page, "Save customer details", Name="Sam Jones",
                     Email="sam.jones@example.com", Address="2 High St\nTown")
    assert response.status_code == 302
    page = open_order(staff_client, two_lines)
    customer = section(page, "customer-title")
    assert "Sam Jones" in customer and "sam.jones@example.com" in customer
    assert "Customer details changed: Name, Email, Address" in section(page, "timeline-title")
    assert orders.get(two_lines)["version"] == 2


@pytest.mark.parametrize("label, value, message", [
    ("Name", "", "Enter the customer's name"),
    ("Name", "   ", "Enter the customer's name"),
    ("Email", "not an email", "Enter a valid email address"),
    ("Email", "", "Enter the customer's email"),
    ("Address", "", "Enter the customer's address"),
    ("Name", "x" * 201, "Field cannot be longer than 200 characters."),
])
def test_bad_customer_details_are_refused_next_to_the_field(staff_client, two_lines, snapshot,
                                                            label, value, message):
    page = open_order(staff_client, two_lines)
    before = snapshot()
    response = press(staff_client, page, "Save customer details", **{label: value})
    assert response.status_code == 400
    assert message in Page(response).errors(label)
    assert snapshot() == before


# --- Change or remove a line ------------------------------------------------------------------

def test_qty_0_removes_a_line_and_stock_and_total_follow(staff_client, two_lines, orders,
                                                         figures):
    assert figures("A-1") == (1, 1, 2)
    response = save(staff_client, two_lines, **{"Qty for A-1": 0})
    assert response.status_code == 302
    assert orders.get(two_lines)["lines"] == [("B-1", 2, 2)]
    assert figures("A-1") == (1, 0, 0)  # its committed unit given back, nothing waits
    page = open_order(staff_client, two_lines)
    assert totals(page)["Total"] == "$10.00"
    assert "Line A-1 removed (Qty was 3)" in section(page, "timeline-title")


def test_units_of_a_removed_line_go_to_the_next_waiting_order(staff_client, shop, two_lines,
                                                              orders):
    waiting, _ = shop.order({"A-1": 1})
    assert orders.get(waiting)["lines"] == [("A-1", 1, 0)]
    assert save(staff_client, two_lines, **{"Qty for A-1": 0}).status_code == 302
    assert orders.get(waiting)["lines"] == [("A-1", 1, 1)]


def test_removing_a_line_below_what_was_paid_is_refused(staff_client, two_lines, orders,
                                                        snapshot):
    orders.pay(two_lines, "35.00")
    before = snapshot()
    response = save(staff_client, two_lines, **{"Qty for A-1": 0})
    assert response.status_code == 409
    assert "The order would total $10.00, less than the $35.00 already paid" in \
        Page(response).all_errors()
    assert snapshot() == before
