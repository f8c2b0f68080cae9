"""Pages run a fixed number of SQL statements whatever they show (no N+1).

Each count is the whole request: the signed-in user, the settings, the page's reads.
Run with -s to see the figures.
"""
import pytest

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.models import Role
from tests.support.pictures import add_pictures, picture
from tests.web.pages import Page


def measure(count_queries, client, url: str) -> tuple[int, list[str]]:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count, counter.statements


def assert_constant(name: str, count_queries, client, url_small: str, grow,
                    url_big: str | None = None) -> list[str]:
    """Measure `url_small`, call grow() to put many more rows on the page, measure again."""
    small, _ = measure(count_queries, client, url_small)
    grow()
    big, statements = measure(count_queries, client, url_big or url_small)
    print(f"\n{name}: {small} statements small, {big} large")
    assert big == small, "\n".join(statements)
    return statements


def users_loaded(statements: list[str]) -> int:
    return sum(1 for s in statements if "FROM users" in s)


@pytest.fixture
def split_orders(shop):
    """checkout(n): n checkouts of three lines, each split into an order and its backorder."""
    shop.settings(create_backorder=True)
    shop.product("A-1", on_hand=10_000)
    shop.product("B-1", on_hand=0, policy=Policy.ALWAYS)
    shop.product("C-1", on_hand=10_000)

    def checkout(n: int) -> list[tuple[str, str]]:
        return [shop.order({"A-1": 1, "B-1": 2, "C-1": 3}) for _ in range(n)]
    return checkout


def test_orders_list_runs_the_same_statements_for_1_and_50_orders(staff_client, count_queries,
                                                                  split_orders):
    split_orders(1)  # an order and its backorder
    statements = assert_constant("orders list (2 vs 50 orders)", count_queries, staff_client,
                                 "/admin/orders", lambda: split_orders(29))
    assert users_loaded(statements) == 1


def test_orders_list_filter_runs_the_same_statements_for_1_and_50_orders(
        staff_client, count_queries, split_orders):
    split_orders(1)
    assert_constant("orders list, New Backorder (1 vs 50)", count_queries, staff_client,
                    "/admin/orders?status=New Backorder", lambda: split_orders(50))


def test_orders_list_for_one_plain_order_runs_no_more_than_for_fifty(staff_client, shop,
                                                                    count_queries, split_orders):
    shop.product("P-1", on_hand=5)
    shop.order({"P-1": 1})
    one, _ = measure(count_queries, staff_client, "/admin/orders")
    split_orders(25)
    fifty, _ = measure(count_queries, staff_client, "/admin/orders")
    print(f"\norders list (1 plain order vs 50): {one} vs {fifty}")
    assert fifty - one in (0, 1)  # the parents' load runs only when a listed order has one


def test_order_page_runs_the_same_statements_for_1_line_and_100_lines(staff_client, shop,
                                                                      orders, count_queries):
    skus = [shop.product(f"L-{i:03}", on_hand=10, price="1.00") for i in range(100)]
    small, _ = shop.order({skus[0]: 1})
    big, _ = shop.order({sku: 2 for sku in skus})
    for _ in range(30):  # thirty payments, each with its event on the timeline
        orders.pay(big, "1.00")
    for _ in range(10):
        orders.move(big, OrderStatus.ON_HOLD, OrderStatus.NEW)
    assert len(orders.get(big)["events"]) >= 50
    statements = assert_constant("order page (1 vs 100 lines, 50 events, 30 payments)",
                                 count_queries, staff_client, f"/admin/orders/{small}",
                                 lambda: None, f"/admin/orders/{big}")
    assert users_loaded(statements) == 1


@pytest.mark.parametrize("side", ["parent", "backorder"])
def test_order_page_of_a_split_order_runs_a_fixed_number(staff_client, shop, count_queries,
                                                         side):
    shop.settings(create_backorder=True)
    for i in range(10):
        shop.product(f"S-{i}", on_hand=1, policy=Policy.ALWAYS)
    small = shop.order({"S-0": 2})
    big = shop.order({f"S-{i}": 3 for i in range(1, 10)})
    pick = 0 if side == "parent" else 1
    assert None not in (small[pick], big[pick])
    assert_constant(f"order page of a {side} (1 vs 9 lines)", count_queries, staff_client,
                    f"/admin/orders/{small[pick]}", lambda: None, f"/admin/orders/{big[pick]}")


def test_catalogue_runs_the_same_statements_for_1_and_24_products(client, shop, count_queries,
                                                                  app):
    assert app.config["CATALOGUE_PAGE_SIZE"] == 24
    shop.product("P-00", on_hand=1)

    def grow():
        for i in range(1, 30):
            shop.product(f"P-{i:02}", on_hand=i % 3, policy=list(Policy)[i % 3])
    assert_constant("catalogue (1 vs 24 products)", count_queries, client, "/", grow)


def test_catalogue_with_pictures_runs_the_same_statements_for_1_and_24_products(
        app, client, shop, count_queries):
    """The main pictures of a page of products come in one query, however many."""
    shop.product("P-00", on_hand=1)
    add_pictures(app, "P-00", picture(20, 20, (0, 0, 0)))

    def grow():
        for i in range(1, 30):
            sku = shop.product(f"P-{i:02}", on_hand=1)
            add_pictures(app, sku, *(picture(20, 20, (i, n, 0)) for n in range(i % 3 + 1)))
    statements = assert_constant("catalogue with pictures (1 vs 24 products)", count_queries,
                                 client, "/", grow)
    assert sum("FROM product_pictures" in s for s in statements) == 1
    assert client.get("/").get_data(as_text=True).count('src="/pictures/') == 24


def test_product_page_runs_the_same_statements_for_1_and_12_pictures(app, client, shop,
                                                                     count_queries):
    shop.product("P-1", on_hand=2)
    shop.product("P-2", on_hand=2)
    add_pictures(app, "P-1", picture(20, 20))
    add_pictures(app, "P-2", *(picture(20, 20, (n, 0, 0)) for n in range(12)))
    statements = assert_constant("product page (1 vs 12 pictures)", count_queries, client,
                                 "/products/P-1", lambda: None, "/products/P-2")
    # The product with the settings, then its pictures: no BEGIN or ROLLBACK around them.
    assert len(statements) == 2 and "FROM product_pictures" in statements[1], statements


def test_cart_with_pictures_runs_the_same_statements_for_1_and_20_lines(app, client, shop,
                                                                       count_queries):
    for i in range(20):
        shop.product(f"P-{i:02}", on_hand=1)
        add_pictures(app, f"P-{i:02}", picture(20, 20, (i, 0, 0)))
    client.submit("/cart/add/P-00", {"quantity": "1"})

    def grow():
        for i in range(1, 20):
            client.submit(f"/cart/add/P-{i:02}", {"quantity": "1"})
    assert_constant("cart with pictures (1 vs 20 lines)", count_queries, client, "/cart", grow)


def test_a_deep_catalogue_page_runs_what_the_first_runs(client, shop, count_queries):
    for i in range(60):
        shop.product(f"P-{i:02}", on_hand=1)
    first, _ = measure(count_queries, client, "/")
    third, _ = measure(count_queries, client, "/?after=48")
    earlier, _ = measure(count_queries, client, "/?before=49")
    print(f"\ncatalogue: first page {first}, third {third}, back to the second {earlier}")
    assert first == third == earlier


def test_product_page_runs_a_fixed_number_of_statements(client, shop, count_queries):
    shop.settings(out_of_stock_checkout=True)
    shop.product("P-1", on_hand=2, policy=Policy.ALWAYS)

    def grow():
        for _ in range(20):
            shop.order({"P-1": 1})
    statements = assert_constant("product page (no orders vs 20 waiting)", count_queries,
                                 client, "/products/P-1", grow)
    # One read, outside any transaction; a product that never had a picture reads none.
    assert len(statements) == 1 and statements[0].lstrip().startswith("SELECT"), statements


def test_admin_product_page_runs_a_fixed_number_of_statements(staff_client, shop, orders,
                                                              count_queries):
    shop.product("P-1", on_hand=0, policy=Policy.ALWAYS)

    def grow():
        for _ in range(15):
            shop.order({"P-1": 1})
        for _ in range(15):
            orders.receive("P-1", 1)
    statements = assert_constant("admin product page (1 vs 45 ledger lines)", count_queries,
                                 staff_client, "/admin/products/P-1", grow)
    assert users_loaded(statements) == 1


def test_products_list_runs_the_same_statements_for_1_and_50_products(staff_client, shop,
                                                                      count_queries):
    shop.product("P-00", on_hand=1)

    def grow():
        for i in range(1, 55):
            shop.product(f"P-{i:02}", on_hand=1)
    assert_constant("products list (1 vs 50)", count_queries, staff_client, "/admin/products",
                    grow)


def test_products_export_runs_the_same_statements_for_1_and_50_products(staff_client, shop,
                                                                        count_queries):
    def export() -> tuple[int, int]:
        """(statements, rows): the file is streamed, so it is read inside the count."""
        with count_queries() as counter:
            body = staff_client.get("/admin/products/export.csv").get_data(as_text=True)
        return counter.count, len(body.splitlines())

    shop.product("P-00", on_hand=1)
    small, rows = export()
    assert rows == 2
    for i in range(1, 51):
        shop.product(f"P-{i:02}", on_hand=1)
    big, rows = export()
    print(f"\nproducts export (1 vs 51): {small} statements small, {big} large")
    assert rows == 52
    assert big == small


def test_cart_runs_the_same_statements_for_1_and_20_lines(client, shop, count_queries):
    for i in range(20):
        shop.product(f"P-{i:02}", on_hand=i % 2, policy=Policy.ALWAYS)
    client.submit("/cart/add/P-00", {"quantity": "1"})

    def grow():
        for i in range(1, 20):
            assert client.submit(f"/cart/add/P-{i:02}", {"quantity": "2"}).status_code == 302
    assert_constant("cart (1 vs 20 lines)", count_queries, client, "/cart", grow)


def test_checkout_page_runs_the_same_statements_for_1_and_20_lines(client, shop, count_queries):
    for i in range(20):
        shop.product(f"P-{i:02}", on_hand=1)
    client.submit("/cart/add/P-00", {"quantity": "1"})

    def grow():
        for i in range(1, 20):
            client.submit(f"/cart/add/P-{i:02}", {"quantity": "1"})
    assert_constant("checkout page (1 vs 20 lines)", count_queries, client, "/checkout", grow)


def test_order_status_page_runs_a_fixed_number_of_statements(client, shop, count_queries):
    shop.settings(create_backorder=True)
    for i in range(10):
        shop.product(f"P-{i}", on_hand=1, policy=Policy.ALWAYS)
    small, _ = shop.order({"P-0": 3})
    big, _ = shop.order({f"P-{i}": 3 for i in range(1, 10)})
    token = {ref: shop.status_token(ref) for ref in (small, big)}
    assert_constant("order status page (1 vs 9 lines)", count_queries, client,
                    f"/orders/{token[small]}", lambda: None, f"/orders/{token[big]}")


def test_backorder_report_runs_the_same_statements_for_1_and_20_products(staff_client, shop,
                                                                         count_queries):
    for i in range(20):
        shop.product(f"W-{i:02}", on_hand=0, policy=Policy.ALWAYS, price="2.50")
    shop.order({"W-00": 1})

    def grow():
        for i in range(1, 20):
            shop.order({f"W-{i:02}": 2, "W-00": 1})
    assert_constant("backorder report (1 vs 20 products)", count_queries, staff_client,
                    "/admin/reports/backorders", grow)
    assert_constant("backorder report CSV", count_queries, staff_client,
                    "/admin/reports/backorders?format=csv", lambda: None)


def test_dashboard_runs_a_fixed_number_of_statements(staff_client, shop, orders, count_queries):
    shop.product("D-1", on_hand=0, policy=Policy.ALWAYS)
    shop.order({"D-1": 1})

    def grow():
        for _ in range(10):
            shop.order({"D-1": 2})
        orders.receive("D-1", 5)
    statements = assert_constant("dashboard", count_queries, staff_client, "/admin/", grow)
    assert users_loaded(statements) == 1


@pytest.mark.parametrize("url, data", [
    ("/admin/products/P-1/receive", {"quantity": "2", "reference": "PO-1"}),
    ("/admin/products/P-1/adjust", {"quantity": "-1", "reason": "damaged"}),
    ("/admin/orders/{order}", {"status": "On Hold"}),
    ("/admin/orders/{order}/payments", {"amount": "1.00", "method": "Cash"}),
    ("/admin/settings/web-store", {"out_of_stock_checkout": "y"}),
])
def test_a_signed_in_post_loads_the_user_once(admin_client, shop, count_queries, url, data):
    shop.product("P-1", on_hand=5, price="3.00")
    order, _ = shop.order({"P-1": 1})
    url = url.format(order=order)
    if "/orders/" in url:  # post the order page's own form, as a browser would
        page = Page(admin_client.get(f"/admin/orders/{order}"))
        button = "Save" if url.endswith(order) else "Record payment"
        data = {**page.form_data(button), **data}
    with count_queries() as counter:
        response = admin_client.submit(url, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    print(f"\nPOST {url}: {counter.count} statements")
    assert users_loaded(counter.statements) == 1, "\n".join(counter.statements)


def test_staff_accounts_page_runs_the_same_statements_for_2_and_40_accounts(
        admin_client, shop, app, count_queries):
    from app.services import staff
    shop.user("staff@example.com")

    def grow():
        with app.app_context():
            for i in range(38):  # each one an audit row; then as many again
                staff.save_from_command_line(f"s{i:02}@example.com", Role.STAFF, "password-1")
                staff.save_from_command_line(f"s{i:02}@example.com", Role.ADMIN, "password-2")
    statements = assert_constant("staff accounts (2 vs 40 accounts, 2 vs 78 changes)",
                                 count_queries, admin_client, "/admin/users", grow)
    assert len(statements) <= 4, "\n".join(statements)
    assert_constant("staff accounts, audit page 2", count_queries, admin_client,
                    "/admin/users?page=2", lambda: None)


def test_product_page_with_dates_from_purchase_orders_runs_what_it_runs_without(
        client, shop, count_queries):
    """The first incoming unit's date is kept on the product: no statement to read it."""
    from tests.support.purchasing import bought_product, in_days, po, supplier
    shop.settings(out_of_stock_checkout=True, show_arrival_date=True)
    tea = shop.read(supplier)
    shop.read(lambda: bought_product("P-1", tea))

    def grow():
        for days in range(20):
            shop.read(lambda: po(tea, in_days(days + 1), {"P-1": 2}))
        shop.order({"P-1": 3})
    statements = assert_constant("product page (no PO vs 20 POs and orders waiting)",
                                 count_queries, client, "/products/P-1", grow)
    assert not any("purchase_order" in s for s in statements)
    assert "Backorder: expected about" in Page(client.get("/products/P-1"))


def test_cart_with_dates_from_purchase_orders_runs_the_same_statements_for_1_and_20_lines(
        client, shop, count_queries):
    from tests.support.purchasing import bought_product, in_days, po, supplier
    shop.settings(show_arrival_date=True)
    tea = shop.read(supplier)
    for i in range(20):
        shop.read(lambda i=i: bought_product(f"P-{i:02}", tea))
    shop.read(lambda: po(tea, in_days(9), {f"P-{i:02}": 3 for i in range(20)}))
    client.submit("/cart/add/P-00", {"quantity": "1"})

    def grow():
        for i in range(1, 20):
            assert client.submit(f"/cart/add/P-{i:02}", {"quantity": "2"}).status_code == 302
    assert_constant("cart with PO dates (1 vs 20 lines)", count_queries, client, "/cart", grow)
    assert "expected about" in Page(client.get("/cart"))
