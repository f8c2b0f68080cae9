"""Checkout by Card against a real localstripe: the shopper pays now for what ships now."""
import re
from decimal import Decimal

import pytest
import requests

from app.extensions import db
from app.models import Order, Payment
from tests.payments.conftest import save_card_as_stripe_js_would
from tests.support.rows import snapshot

ONCE = "once-token-0123456789"
GOOD_CARD, DECLINED_CARD = "4242424242424242", "4000000000000002"


def start_card_setup(client, once=ONCE):
    client.get("/checkout")
    answer = client.submit("/checkout/card", {"once": once, "email": "sam@example.com"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def place_by_card(client, setup_intent, once=ONCE):
    return client.submit("/checkout", {
        "name": "Sam Shopper", "email": "sam@example.com", "address": "1 Main St",
        "payment_method": "Card", "setup_intent": setup_intent, "once": once})


def orders_and_payments(shop):
    def read():
        orders = db.session.scalars(db.select(Order).order_by(Order.id)).all()
        return [(o.reference, o.total, o.amount_paid, o.payment_required,
                 [(p.amount, p.method, p.reference.startswith("pi_")) for p in o.payments])
                for o in orders]
    return shop.read(read)


def a_cart_with_a_backorder(client, shop):
    shop.settings(create_backorder=True, out_of_stock_checkout=True)
    shop.product("TEA-1", on_hand=1, price="30.00")
    shop.product("POT-1", on_hand=0, price="20.00")
    client.submit("/cart/add/TEA-1", {"quantity": "1"})
    client.submit("/cart/add/POT-1", {"quantity": "1"})


def test_checkout_offers_card_and_says_it_is_test_mode_when_stripe_is_configured(client, shop,
                                                                                 cards):
    shop.product("TEA-1", on_hand=5)
    client.submit("/cart/add/TEA-1", {"quantity": "1"})
    page = client.get("/checkout")
    html = page.get_data(as_text=True)
    assert re.search(r"<option[^>]*>Card</option>", html)
    assert re.search(r"<option[^>]*>Bank deposit</option>", html)
    assert "Test mode" in html and "4242 4242 4242 4242" in html
    assert f"{cards}/js.stripe.com/v3/" in html
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {cards}" in policy and f"connect-src 'self' {cards}" in policy


def test_without_stripe_keys_checkout_offers_bank_deposit_only_and_loads_no_stripe_js(client,
                                                                                      shop):
    shop.product("TEA-1", on_hand=5)
    client.submit("/cart/add/TEA-1", {"quantity": "1"})
    page = client.get("/checkout")
    html = page.get_data(as_text=True)
    assert ">Card</option>" not in html and "js.stripe.com" not in html
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]


def test_a_card_pays_for_what_ships_now_and_the_backorder_asks_for_its_own_later(client, shop,
                                                                                 cards):
    a_cart_with_a_backorder(client, shop)
    setup = start_card_setup(client)
    assert save_card_as_stripe_js_would(cards, setup["client_secret"], GOOD_CARD).ok
    placed = place_by_card(client, setup["setup_intent"])
    assert placed.status_code == 302
    (parent, parent_total, parent_paid, parent_due, parent_payments), \
        (backorder, bko_total, bko_paid, bko_due, bko_payments) = orders_and_payments(shop)
    assert (parent_total, parent_paid, parent_due) == (Decimal("30.00"), Decimal("30.00"), 0)
    assert parent_payments == [(Decimal("30.00"), "Card", True)]
    assert (bko_total, bko_paid, bko_due) == (Decimal("20.00"), 0, Decimal("20.00"))
    assert bko_payments == []
    # Stripe charged exactly that, once.
    intent_id = shop.read(lambda: db.session.scalar(db.select(Payment.reference)))
    intent = requests.get(f"{cards}/v1/payment_intents/{intent_id}", timeout=10,
                          auth=("sk_test_localstripe", "")).json()
    assert (intent["amount"], intent["status"]) == (3000, "succeeded")


def test_a_card_stripe_did_not_save_places_no_order(client, shop, cards):
    a_cart_with_a_backorder(client, shop)
    setup = start_card_setup(client)
    declined = save_card_as_stripe_js_would(cards, setup["client_secret"], DECLINED_CARD)
    assert declined.status_code == 402  # Stripe.js shows this next to the card
    before = snapshot(shop.app)
    answer = place_by_card(client, setup["setup_intent"])
    assert answer.status_code == 400
    assert "Your card was not accepted" in answer.get_data(as_text=True)
    assert snapshot(shop.app) == before


def test_place_order_pressed_twice_places_one_order_and_charges_once(client, shop, cards):
    a_cart_with_a_backorder(client, shop)
    setup = start_card_setup(client)
    save_card_as_stripe_js_would(cards, setup["client_secret"], GOOD_CARD)
    first = place_by_card(client, setup["setup_intent"])
    client.submit("/cart/add/TEA-1", {"quantity": "1"})  # the cart is not empty again
    second = place_by_card(client, setup["setup_intent"])
    assert first.headers["Location"] == second.headers["Location"]
    assert shop.read(lambda: db.session.scalar(db.select(db.func.count(Payment.id)))) == 1


def test_a_setup_intent_id_that_is_not_one_is_refused_next_to_payment_method(client, shop,
                                                                             cards):
    a_cart_with_a_backorder(client, shop)
    client.get("/checkout")
    before = snapshot(shop.app)
    for forged in ["", "seti_doesnotexist", "x" * 255, "../../v1/charges"]:
        answer = place_by_card(client, forged)
        assert answer.status_code == 400
        assert 'id="payment_method-error"' in answer.get_data(as_text=True)
    assert snapshot(shop.app) == before


def test_the_card_setup_needs_the_csrf_token_and_the_forms_one_time_token(client, shop, cards):
    shop.product("TEA-1", on_hand=5)
    client.submit("/cart/add/TEA-1", {"quantity": "1"})
    assert client.post("/checkout/card", data={"once": ONCE, "email": "a@b.co"}).status_code == 400
    assert client.submit("/checkout/card", {"email": "a@b.co"}).status_code == 400


def test_with_charge_at_checkout_a_card_pays_the_whole_order_backorder_included(client, shop,
                                                                                cards):
    a_cart_with_a_backorder(client, shop)
    shop.settings(charge_backorders="At checkout")
    setup = start_card_setup(client)
    save_card_as_stripe_js_would(cards, setup["client_secret"], GOOD_CARD)
    place_by_card(client, setup["setup_intent"])
    (_, _, parent_paid, parent_due, parent_payments), \
        (_, _, bko_paid, bko_due, bko_payments) = orders_and_payments(shop)
    assert (parent_paid, parent_due, bko_paid, bko_due) == (Decimal("30.00"), 0,
                                                            Decimal("20.00"), 0)
    assert parent_payments == [(Decimal("30.00"), "Card", True)]
    assert bko_payments == [(Decimal("20.00"), "Card", True)]


def test_the_payments_tab_sets_when_backordered_items_are_charged(admin_client, shop):
    page = admin_client.get("/admin/settings/payments").get_data(as_text=True)
    assert "Charge for backordered items" in page and "When they ship" in page
    saved = admin_client.submit("/admin/settings/payments", {"charge_backorders": "At checkout"})
    assert saved.status_code == 302
    assert shop.read(lambda: shop_settings().charge_backorders) == "At checkout"
    before = snapshot(shop.app)
    refused = admin_client.submit("/admin/settings/payments", {"charge_backorders": "Never"})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert snapshot(shop.app) == before


def test_all_settings_and_tools_lists_the_payments_tab(admin_client):
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert 'href="/admin/settings/payments">Payments</a>' in page


def shop_settings():
    from app.services.settings import get_settings
    return get_settings()


@pytest.fixture
def throttled(app, monkeypatch):
    """The shared limiter on, in memory, with a tight card limit."""
    from limits.storage import MemoryStorage
    from limits.strategies import FixedWindowRateLimiter

    from app.throttle import Counts

    counts = app.extensions["limiter"]
    monkeypatch.setitem(app.extensions, "limiter", Counts(
        FixedWindowRateLimiter(MemoryStorage()), counts.fallback, counts.prefix, enabled=True))
    monkeypatch.setitem(app.config, "CARD_SESSION_RATE_LIMIT", "3 per hour")
    monkeypatch.setitem(app.config, "CARD_IP_RATE_LIMIT", "5 per hour")


def test_card_attempts_beyond_the_limit_per_session_are_refused_with_a_clear_message(
        client, shop, cards, throttled):
    shop.product("TEA-1", on_hand=5)
    client.submit("/cart/add/TEA-1", {"quantity": "1"})
    client.get("/checkout")
    answers = [client.submit("/checkout/card", {"once": f"attempt-{n:04d}", "email": "a@b.co"})
               for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].get_json()["error"].startswith("Too many card attempts. Try again in 60 ")
    assert int(answers[3].headers["Retry-After"]) > 0


def test_card_attempts_beyond_the_limit_per_address_are_refused_across_sessions(
        app, shop, cards, throttled):
    shop.product("TEA-1", on_hand=5)
    codes = []
    for n in range(6):  # a new session each time, as a bot dropping its cookies would
        visitor = app.test_client()
        visitor.submit("/cart/add/TEA-1", {"quantity": "1"})
        codes.append(visitor.submit("/checkout/card", {"once": f"attempt-{n:04d}",
                                                       "email": "a@b.co"}).status_code)
    assert codes == [200, 200, 200, 200, 200, 429]
