"""What a day of staff use found wrong on the order pages and the shopper's status page,
each kept fixed: empty orders offered Pick, cancelled orders asked for money, and the
orders list could not find a customer by name or part of an email."""
import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from tests.web.order_page import listed, open_order, save, section, totals
from tests.web.pages import Page

S = OrderStatus


@pytest.fixture
def empty_parent(shop) -> str:
    shop.settings(create_backorder=True, keep_empty_parent=True)
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)
    parent, backorder = shop.order({"TEA-1": 2})
    assert backorder not in (None, parent)
    return parent


def test_an_empty_parent_is_not_offered_pick_and_its_page_says_why(staff_client, empty_parent,
                                                                   orders, snapshot):
    page = open_order(staff_client, empty_parent)
    assert page.options("Status") == ["New", "On Hold", "Cancelled"]
    assert "This order has no items left to ship, so it cannot move to Pick" in page.text
    before = snapshot()
    data = page.form_data("Save")
    data["status"] = "Pick"
    response = staff_client.submit(f"/admin/orders/{empty_parent}", data)
    assert response.status_code in (400, 409)
    assert Page(response).errors("Status")
    assert snapshot() == before


@pytest.fixture
def cancelled(shop, orders) -> str:
    """An order of $54.00 with $10.00 paid, then cancelled."""
    shop.product("TEA-1", on_hand=0, price="27.00", policy=Policy.ALWAYS, name="Teapot")
    reference, _ = shop.order({"TEA-1": 2})
    orders.pay(reference, "10.00")
    orders.move(reference, S.CANCELLED)
    return reference


def test_the_status_page_of_a_cancelled_order_asks_for_nothing(client, shop, cancelled):
    page = Page(client.get(f"/orders/{shop.status_token(cancelled)}"))
    assert "Due $0.00" in page.text
    assert "Due $44.00" not in page.text
    assert "To be refunded $10.00" in page.text
    assert "To be confirmed" not in page.text
    rows = page.table_rows(f"Items in {cancelled}")
    assert rows[0][3] == "Cancelled"  # the Expected column


def test_the_orders_list_and_order_page_show_nothing_due_on_a_cancelled_order(staff_client,
                                                                             cancelled):
    rows = {row[0]: row for row in Page(staff_client.get("/admin/orders")).table_rows("Orders")}
    assert rows[cancelled][5] == "$0.00 $10.00 to be refunded"
    page = open_order(staff_client, cancelled)
    assert totals(page) == {"Total": "$54.00", "Paid": "$10.00", "Payment required": "$0.00",
                            "To be refunded": "$10.00"}


@pytest.fixture
def customers(shop):
    from app.services.checkout import Customer, place_order
    shop.product("TEA-1", on_hand=100)

    def placing(name: str, email: str) -> str:
        def place():
            return place_order({"TEA-1": 1}, Customer(name=name, email=email, address="1 Main St",
                                                      payment_method="Bank deposit")
                               ).order.reference
        return shop.read(place)

    return {"bob": placing("Bob Brown", "bob@example.com"),
            "ann": placing("Ann Bobbins", "ann@example.org"),
            "cat": placing("Cat Smith", "cat@shop.test")}


@pytest.mark.parametrize("query, expected", [
    ("Bob", ["ann", "bob"]),          # names: Bob Brown, Ann Bobbins
    ("bob brown", ["bob"]),
    ("BROWN", ["bob"]),
    ("bob@example", ["bob"]),         # part of an email
    ("@EXAMPLE.", ["ann", "bob"]),
    ("smith", ["cat"]),
    ("shop.test", ["cat"]),
    ("%", []),                        # LIKE's wildcards are taken as themselves
    ("_", []),
    ("nobody", []),
])
def test_staff_find_orders_by_part_of_the_customers_name_or_email(staff_client, customers,
                                                                  query, expected):
    found = listed(staff_client, f"/admin/orders?q={query}")
    assert found == sorted((customers[name] for name in expected), reverse=True)


@pytest.mark.parametrize("query", ["THÉ", "thé", "Thé Shop"])
def test_a_search_by_name_matches_letters_beyond_ascii_in_any_case(staff_client, customers,
                                                                   shop, query):
    from app.services.checkout import Customer, place_order
    reference = shop.read(lambda: place_order(
        {"TEA-1": 1}, Customer(name="THÉ SHOP Ltd", email="orders@the.example",
                               address="1 Main St", payment_method="Bank deposit")
    ).order.reference)
    assert listed(staff_client, f"/admin/orders?q={query}") == [reference]


def test_the_search_box_says_what_it_searches(staff_client):
    page = Page(staff_client.get("/admin/orders"))
    assert page.control("Search by order id, customer, email or SKU").attrs["name"] == "q"


def test_searching_by_name_runs_the_same_statements_for_1_and_30_matches(staff_client, shop,
                                                                        customers, count_queries):
    from tests.web.test_query_counts import assert_constant
    from app.services.checkout import Customer, place_order

    def more():
        def place():
            for n in range(29):
                place_order({"TEA-1": 1}, Customer(name=f"Bob Number {n}",
                                                   email=f"b{n}@example.com",
                                                   address="1 Main St",
                                                   payment_method="Bank deposit"))
        shop.read(place)
    assert_constant("orders list searched by name (1 vs 30)", count_queries, staff_client,
                    "/admin/orders?q=Bob+Brown", more, "/admin/orders?q=Bob")
