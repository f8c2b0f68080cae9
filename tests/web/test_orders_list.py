"""The staff orders list: a filter per status with counts, search, pages, related orders."""
import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from tests.web.order_page import listed
from tests.web.pages import Page

S = OrderStatus


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
