"""Checkout's `Delivery`: asked where the cart would split and the Payments tab allows it;
the cart, checkout, the status page and the order page show what it does."""
from datetime import date

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.extensions import db
from app.models import Order, OutboxEmail, Role, SettingChange
from tests.support import bad_input as bad
from tests.web.pages import Page
from tests.web.test_query_counts import assert_constant, measure

SHIP_NOW, TOGETHER = "Ship what is in stock now", "Ship everything together"
ARRIVAL = date(2031, 3, 15)
SHOWN = "15 Mar 2031"
CUSTOMER = {"name": "Sam Shopper", "email": "sam@example.com", "address": "1 Main St"}
SPLIT_SUMMARY = "1 item ships now; the rest (1) waits on backorder until stock arrives."
TOGETHER_NOTE = (f"Ships together when everything is in stock, about {SHOWN}: nothing ships "
                 "now (1 is reserved for you from stock meanwhile).")


@pytest.fixture
def offered(shop):
    """A cart of one tea in stock and one pot that must wait, the choice allowed."""
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=True,
                  offer_ship_together=True)
    shop.product("TEA-1", on_hand=1, price="30.00", name="Tea")
    shop.product("POT-1", on_hand=0, price="20.00", name="Pot", arrival=ARRIVAL)


def fill(client, cart):
    for sku, quantity in cart.items():
        assert client.submit(f"/cart/add/{sku}", {"quantity": str(quantity)}).status_code == 302


def orders(shop):
    return shop.read(lambda: [(o.reference, o.status.value, o.delivery and o.delivery.value,
                               [(line.sku, line.quantity, line.allocated) for line in o.lines],
                               [event.message for event in o.events])
                              for o in db.session.scalars(select(Order).order_by(Order.id))])


def test_the_cart_and_checkout_show_both_deliveries_when_the_cart_would_split(client, offered):
    fill(client, {"TEA-1": 1, "POT-1": 1})

    cart = Page(client.get("/cart"))
    assert SPLIT_SUMMARY in cart.text
    assert f"Or choose Delivery: Ship everything together at checkout. {TOGETHER_NOTE}" in \
        cart.text

    checkout = Page(client.get("/checkout"))
    assert checkout.options("Delivery") == [SHIP_NOW, TOGETHER]
    assert checkout.value("Delivery") == SHIP_NOW  # the split, as without the choice
    hint = checkout.root.find(id="delivery-hint").text
    assert hint == f"{SHIP_NOW}: {SPLIT_SUMMARY} {TOGETHER}: {TOGETHER_NOTE}"


def test_without_dates_shown_the_cart_says_it_ships_together_without_a_date(client, shop,
                                                                           offered):
    shop.settings(show_arrival_date=False)
    fill(client, {"TEA-1": 1, "POT-1": 1})
    cart = Page(client.get("/cart"))
    assert ("Ships together when everything is in stock: nothing ships now (1 is reserved "
            "for you from stock meanwhile).") in cart.text
    assert SHOWN not in cart.text


@pytest.mark.parametrize("settings, cart", [
    pytest.param({"offer_ship_together": False}, {"TEA-1": 1, "POT-1": 1}, id="setting-off"),
    pytest.param({}, {"TEA-1": 1}, id="all-in-stock"),
    pytest.param({}, {"POT-1": 2}, id="all-waiting"),
    pytest.param({"create_backorder": False}, {"TEA-1": 1, "POT-1": 1}, id="no-split-made"),
    pytest.param({"disable_partial_backorder": True}, {"TEA-1": 1, "POT-1": 1},
                 id="partial-backorder-disabled"),
])
def test_delivery_is_not_asked_when_there_is_nothing_to_choose(client, shop, offered, settings,
                                                               cart):
    shop.settings(**settings)
    fill(client, cart)
    assert "Delivery" not in Page(client.get("/checkout")).labels()
    assert "Ship everything together" not in Page(client.get("/cart")).text


def test_choosing_ship_everything_together_places_one_order_that_every_page_explains(
        app, client, shop, offered):
    fill(client, {"TEA-1": 1, "POT-1": 1})
    data = Page(client.get("/checkout")).form_data("Place order")
    data.update(CUSTOMER, delivery=TOGETHER)
    placed = client.post("/checkout", data=data)
    assert placed.status_code == 302, Page(placed).all_errors()

    [(reference, status, delivery, lines, events)] = orders(shop)
    assert (reference, status, delivery) == ("N1001", "New", TOGETHER)
    assert lines == [("POT-1", 1, 0), ("TEA-1", 1, 1)]
    assert "Delivery: Ship everything together" in events

    together = ("Nothing ships now: all 2 items ship together when the rest arrives (1 is "
                "already reserved for you from stock).")
    page = Page(client.get(placed.headers["Location"]))
    assert together in page.text
    [email] = shop.read(lambda: list(db.session.scalars(select(OutboxEmail.body))))
    assert together in email
    assert f"Delivery: Ship everything together. Ships together when everything is in " \
           f"stock, about {SHOWN}." in page.text

    staff = app.test_client()
    shop.user("staff@example.com", Role.STAFF)
    assert staff.sign_in("staff@example.com").status_code == 302
    order_page = Page(staff.get("/admin/orders/N1001"))
    assert order_page.root.find(id="delivery").text == "Delivery: Ship everything together"
    assert "Delivery: Ship everything together" in order_page.text  # and on the timeline


def test_choosing_ship_what_is_in_stock_now_splits_as_before(client, shop, offered):
    fill(client, {"TEA-1": 1, "POT-1": 1})
    data = Page(client.get("/checkout")).form_data("Place order")
    data.update(CUSTOMER)  # Delivery left as it was offered
    placed = client.post("/checkout", data=data)
    assert placed.status_code == 302
    assert [(ref, status, delivery, lines) for ref, status, delivery, lines, _ in orders(shop)] == [
        ("N1001", "New", SHIP_NOW, [("TEA-1", 1, 1)]),
        ("N1002", "New Backorder", None, [("POT-1", 1, 0)])]
    page = Page(client.get(placed.headers["Location"]))
    assert "Delivery: Ship what is in stock now." in page.text
    assert "Ships together" not in page.text


@pytest.mark.parametrize("field, value, label, message, status", bad.DELIVERY)
def test_a_forged_delivery_is_refused_next_to_the_field_and_changes_nothing(
        client, offered, snapshot, field, value, label, message, status):
    fill(client, {"TEA-1": 1, "POT-1": 1})
    data = Page(client.get("/checkout")).form_data("Place order")
    data.update(CUSTOMER, **{field: value})
    before = snapshot()
    response = client.post("/checkout", data=data)
    assert response.status_code == status
    page = Page(response)
    assert page.errors(label) == [message]
    assert page.options("Delivery") == [SHIP_NOW, TOGETHER]
    assert snapshot() == before


def test_where_delivery_is_not_asked_a_posted_answer_is_ignored(client, shop, offered):
    shop.settings(offer_ship_together=False)
    fill(client, {"TEA-1": 1, "POT-1": 1})
    data = Page(client.get("/checkout")).form_data("Place order")
    data.update(CUSTOMER, delivery=TOGETHER)
    assert client.post("/checkout", data=data).status_code == 302
    assert [(ref, delivery) for ref, _, delivery, _, _ in orders(shop)] == [
        ("N1001", None), ("N1002", None)]  # split as the shop's settings say


def test_the_payments_tab_turns_the_choice_on_and_logs_it(admin_client, shop, snapshot):
    page = Page(admin_client.get("/admin/settings/payments"))
    box = page.control("Let shoppers choose to ship everything together")
    assert box.attrs["type"] == "checkbox" and "checked" not in box.attrs  # off until turned on
    data = page.form_data("Save Changes")
    data["offer_ship_together"] = "y"
    assert admin_client.post("/admin/settings/payments", data=data).status_code == 302
    page = Page(admin_client.get("/admin/settings/payments"))
    assert "checked" in page.control("Let shoppers choose to ship everything together").attrs
    assert shop.read(lambda: [(c.setting, c.old_value, c.new_value) for c in db.session.scalars(
        select(SettingChange))]) == [("offer_ship_together", "False", "True")]


def test_staff_see_no_delivery_line_on_an_order_that_was_not_asked(admin_client, shop):
    shop.product("CUP-1", on_hand=3, policy=Policy.ALWAYS)
    shop.order({"CUP-1": 1})
    assert Page(admin_client.get("/admin/orders/N1001")).root.find(id="delivery") is None


def test_asking_delivery_costs_the_cart_and_checkout_pages_no_statement(client, shop, offered,
                                                                        count_queries):
    for i in range(20):
        shop.product(f"P-{i:02}", on_hand=i % 2, policy=Policy.ALWAYS)
    fill(client, {"TEA-1": 1, "POT-1": 1})
    asked = {url: measure(count_queries, client, url)[0] for url in ("/cart", "/checkout")}
    shop.settings(offer_ship_together=False)
    unasked = {url: measure(count_queries, client, url)[0] for url in ("/cart", "/checkout")}
    print(f"\nstatements with Delivery asked {asked}, not asked {unasked}")
    assert asked == unasked
    shop.settings(offer_ship_together=True)
    assert "Delivery" in Page(client.get("/checkout")).labels()

    def grow():
        fill(client, {f"P-{i:02}": 2 for i in range(20)})
    assert_constant("checkout page with Delivery (2 vs 22 lines)", count_queries, client,
                    "/checkout", grow)
    assert "Delivery" in Page(client.get("/checkout")).labels()
