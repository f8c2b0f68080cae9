"""The cart, checkout, the emails and the status page promise what the order will do."""
from datetime import date

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, OutboxEmail
from app.services.orders import save_order

from tests.web.pages import Page

TOGETHER = ("Nothing ships now: all 3 items ship together when the rest arrives "
            "(2 are already reserved for you from stock).")
SPLIT = "2 items ship now; the rest (1) waits on backorder until stock arrives."
ARRIVAL = date(2031, 3, 15)
SHOWN = "15 Mar 2031"


def check_out(client) -> Page:
    """Fill in checkout and press Place order; returns the status page it lands on."""
    form = Page(client.get("/checkout"))
    data = form.form_data("Place order")
    data.update(name="Sam Shopper", email="sam@example.com", address="1 Main St")
    placed = client.post("/checkout", data=data)
    assert placed.status_code == 302, Page(placed).all_errors()
    return Page(client.get(placed.headers["Location"]))


def emails(shop) -> list[str]:
    return shop.read(lambda: list(db.session.scalars(
        select(OutboxEmail.body).order_by(OutboxEmail.id))))


def placed_orders(shop) -> list[tuple[str, list[tuple[int, int]]]]:
    """(status, [(quantity, allocated) per line]) of each order, oldest first."""
    return shop.read(lambda: [
        (order.status.value, [(line.quantity, line.allocated) for line in order.lines])
        for order in db.session.scalars(select(Order).order_by(Order.id))])


@pytest.mark.parametrize("settings, orders", [
    pytest.param({"create_backorder": True, "disable_partial_backorder": True,
                  "keep_empty_parent": True},
                 [("New", []), ("New Backorder", [(3, 2)])], id="partial-disabled-empty-parent"),
    pytest.param({"create_backorder": True, "disable_partial_backorder": True},
                 [("New Backorder", [(3, 2)])], id="partial-disabled-order-is-the-backorder"),
    pytest.param({}, [("New", [(3, 2)])], id="no-backorder-created"),
])
def test_when_the_order_waits_whole_every_page_and_email_says_nothing_ships_now(
        client, shop, settings, orders):
    shop.settings(out_of_stock_checkout=True, **settings)
    shop.product("CUP-1", on_hand=2, name="Cup")
    client.submit("/cart/add/CUP-1", {"quantity": "3"})

    cart = Page(client.get("/cart"))
    assert TOGETHER in cart.text
    [row] = cart.table_rows("cart")
    assert row[3] == "0"  # Ships now
    assert row[4] == "1 on backorder 2 reserved for you, ship with the rest"
    assert TOGETHER in Page(client.get("/checkout")).text

    status = check_out(client)

    assert placed_orders(shop) == orders
    assert TOGETHER in status.text
    [email] = emails(shop)
    assert TOGETHER in email
    assert "ship now" not in email


def test_a_split_at_checkout_ships_what_is_in_stock_and_every_place_says_so(client, shop):
    shop.settings(out_of_stock_checkout=True, create_backorder=True)
    shop.product("CUP-1", on_hand=2, name="Cup")
    client.submit("/cart/add/CUP-1", {"quantity": "3"})

    cart = Page(client.get("/cart"))
    assert SPLIT in cart.text
    assert cart.table_rows("cart")[0][3:5] == ["2", "1 on backorder"]
    assert SPLIT in Page(client.get("/checkout")).text

    status = check_out(client)

    assert placed_orders(shop) == [("New", [(2, 2)]), ("New Backorder", [(1, 0)])]
    assert SPLIT in status.text
    [email] = emails(shop)
    assert SPLIT in email
    assert "on backorder N1002 and ship when they arrive" in email


def test_a_cart_in_stock_says_everything_ships_now_and_the_status_page_adds_nothing(client,
                                                                                    shop):
    shop.product("CUP-1", on_hand=5, name="Cup")
    client.submit("/cart/add/CUP-1", {"quantity": "3"})
    assert "Everything ships now." in Page(client.get("/cart")).text
    status = check_out(client)
    assert "ships now" not in status.text and "Nothing ships" not in status.text


def test_a_cart_line_beyond_the_backorder_limit_says_so_in_the_cart(client, shop):
    shop.product("KET-1", on_hand=1, policy=Policy.ALWAYS, limit=2, name="Kettle")
    client.submit("/cart/add/KET-1", {"quantity": "3"})
    shop.order({"KET-1": 2})  # someone else takes the stock and one place on backorder

    cart = Page(client.get("/cart"))
    assert "Only 1 of KET-1 left" in cart.table_rows("cart")[0][4]


@pytest.mark.parametrize("shown", [True, False], ids=["dates-shown", "dates-off"])
def test_the_expected_date_shows_wherever_a_shopper_looks_only_when_the_shop_shows_dates(
        client, shop, orders, shown):
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=shown,
                  auto_release=True)
    shop.product("POT-1", on_hand=0, name="Teapot", arrival=ARRIVAL)

    assert (SHOWN in Page(client.get("/"))) is shown
    assert (SHOWN in Page(client.get("/products/POT-1"))) is shown
    client.submit("/cart/add/POT-1", {"quantity": "2"})
    assert (SHOWN in Page(client.get("/cart"))) is shown
    assert (SHOWN in Page(client.get("/checkout"))) is shown
    status = check_out(client)
    assert (SHOWN in status) is shown
    assert ("To be confirmed" in status) is not shown

    orders.receive("POT-1", 2)  # the backorder is released: another email
    placed, released = emails(shop)
    assert "Backorder N1001 is released" not in placed
    assert (SHOWN in placed) is shown
    assert SHOWN not in released  # nothing waits any more


@pytest.mark.parametrize("shown", [True, False], ids=["dates-shown", "dates-off"])
def test_the_backorder_email_staff_trigger_shows_a_date_only_when_the_shop_shows_dates(
        shop, orders, shown):
    shop.settings(out_of_stock_checkout=True, show_arrival_date=shown)
    shop.product("POT-1", on_hand=1, name="Teapot", arrival=ARRIVAL)
    reference, _ = shop.order({"POT-1": 3})  # no split at checkout: 2 wait on the order
    shop.settings(create_backorder=True)
    order = orders.get(reference)
    line_id = order["line_ids"]["POT-1"]
    shop.read(lambda: save_order(order["id"], order["version"], status=OrderStatus.NEW,
                                 quantities={}, bko={line_id: 2}, user=None))

    placed, backorder = emails(shop)
    assert "They are on backorder N1002" in backorder
    assert (SHOWN in placed) is shown
    assert (SHOWN in backorder) is shown


@pytest.mark.parametrize("shown", [True, False], ids=["dates-shown", "dates-off"])
def test_a_pos_date_is_the_one_shown_for_units_bought_now_wherever_a_shopper_looks(
        client, shop, shown):
    from tests.support.purchasing import bought_product, in_days, po, supplier
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=shown)
    tea = shop.read(supplier)
    shop.read(lambda: bought_product("POT-1", tea, arrival=ARRIVAL))
    shop.read(lambda: po(tea, in_days(10), {"POT-1": 1}))
    shop.read(lambda: po(tea, in_days(20), {"POT-1": 5}))
    first, second = f"{in_days(10):%d %b %Y}", f"{in_days(20):%d %b %Y}"

    product = Page(client.get("/products/POT-1"))
    assert (f"Backorder: expected about {first}" in product) is shown
    assert SHOWN not in product  # the PO's date, not the product's Date of arrival
    client.submit("/cart/add/POT-1", {"quantity": "2"})
    # The second unit comes on the second PO: the cart says when the last one arrives.
    assert (f"expected about {second}" in Page(client.get("/cart"))) is shown
    assert (f"expected about {second}" in Page(client.get("/checkout"))) is shown
    status = check_out(client)
    assert (second in status) is shown
    assert first not in status
    # The first PO's unit and one of the second's are promised now: the next unit bought
    # comes on the second PO.
    assert (f"Backorder: expected about {second}" in Page(client.get("/products/POT-1"))) \
        is shown


def test_without_a_po_the_product_page_keeps_its_date_of_arrival_wording(client, shop):
    shop.settings(out_of_stock_checkout=True, show_arrival_date=True)
    shop.product("POT-1", on_hand=0, arrival=ARRIVAL)
    page = Page(client.get("/products/POT-1"))
    assert f"Expected {SHOWN}" in page and "expected about" not in page
