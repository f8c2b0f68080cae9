"""Card payments for an order shipping everything together, against a real localstripe:
with `When they ship` nothing is charged at checkout and the saved card pays the whole
order once a receipt brings the rest; with `At checkout` the card pays it all at once."""
from decimal import Decimal

import requests

from app.extensions import db
from app.models import Order, Payment
from tests.payments.conftest import save_card_as_stripe_js_would
from tests.payments.test_card_checkout import GOOD_CARD, ONCE, a_cart_with_a_backorder, \
    start_card_setup
from tests.payments.test_release_charges import SAVES_BUT_DECLINES, receive_pots
from tests.web.pages import Page


def place_together_by_card(client, shop, cards, number=GOOD_CARD):
    a_cart_with_a_backorder(client, shop)  # a tea in stock ($30), a pot that waits ($20)
    shop.settings(offer_ship_together=True)
    setup = start_card_setup(client)
    assert save_card_as_stripe_js_would(cards, setup["client_secret"], number).ok
    placed = client.submit("/checkout", {
        "name": "Sam Shopper", "email": "sam@example.com", "address": "1 Main St",
        "payment_method": "Card", "setup_intent": setup["setup_intent"], "once": ONCE,
        "delivery": "Ship everything together"})
    assert placed.status_code == 302
    return placed


def the_order(shop):
    def read():
        [order] = db.session.scalars(db.select(Order)).all()  # one order: no backorder
        return (order.status.value, order.total, order.amount_paid,
                order.stripe_payment_method is not None, order.payment_problem,
                [(p.amount, p.method) for p in order.payments])
    return shop.read(read)


def test_when_they_ship_charges_nothing_now_and_the_whole_order_when_the_rest_arrives(
        client, admin_client, shop, cards):
    place_together_by_card(client, shop, cards)
    assert the_order(shop) == ("New", Decimal("50.00"), Decimal("0.00"), True, None, [])

    received = receive_pots(admin_client)

    assert received.status_code == 302
    assert the_order(shop) == ("New", Decimal("50.00"), Decimal("50.00"), True, None,
                               [(Decimal("50.00"), "Card")])
    intent_id = shop.read(lambda: db.session.scalar(db.select(Payment.reference)))
    intent = requests.get(f"{cards}/v1/payment_intents/{intent_id}", timeout=10,
                          auth=("sk_test_localstripe", "")).json()
    assert (intent["amount"], intent["status"]) == (5000, "succeeded")


def test_the_receipt_tells_staff_the_order_has_all_its_stock(client, admin_client, shop, cards):
    place_together_by_card(client, shop, cards)
    page = admin_client.get(receive_pots(admin_client).headers["Location"])
    assert "Order N1001 has all its stock: it ships everything together" in Page(page).text


def test_at_checkout_the_card_pays_the_whole_order_at_once(client, shop, cards):
    shop.settings(charge_backorders="At checkout")
    place_together_by_card(client, shop, cards)
    assert the_order(shop) == ("New", Decimal("50.00"), Decimal("50.00"), True, None,
                               [(Decimal("50.00"), "Card")])


def test_a_declined_charge_when_the_rest_arrives_puts_the_order_on_hold(client, admin_client,
                                                                       shop, cards):
    place_together_by_card(client, shop, cards, number=SAVES_BUT_DECLINES)
    assert the_order(shop)[:3] == ("New", Decimal("50.00"), Decimal("0.00"))  # nothing tried
    receive_pots(admin_client)
    status, _, paid, _, problem, _ = the_order(shop)
    assert (status, paid) == ("On Hold", Decimal("0.00")) and problem


def test_staff_splitting_off_what_waits_charges_the_card_for_what_is_left_to_ship(
        client, shop, cards):
    from tests.support.services import save
    place_together_by_card(client, shop, cards)

    shop.read(lambda: save("N1001", bko={"POT-1": 1}))

    def read():
        return [(o.reference, o.status.value, o.total, o.amount_paid,
                 o.stripe_payment_method is not None)
                for o in db.session.scalars(db.select(Order).order_by(Order.id))]
    assert shop.read(read) == [
        ("N1001", "New", Decimal("30.00"), Decimal("30.00"), True),  # the tea, ready: paid
        ("N1002", "New Backorder", Decimal("20.00"), Decimal("0.00"), True)]  # at its release


def test_staff_splitting_off_part_of_what_waits_charges_nothing_while_the_rest_waits(
        client, shop, cards):
    from tests.support.services import lines, save
    a_cart_with_a_backorder(client, shop)
    client.submit("/cart/add/POT-1", {"quantity": "1"})  # two pots wait
    shop.settings(offer_ship_together=True)
    setup = start_card_setup(client)
    save_card_as_stripe_js_would(cards, setup["client_secret"], GOOD_CARD)
    client.submit("/checkout", {
        "name": "Sam Shopper", "email": "sam@example.com", "address": "1 Main St",
        "payment_method": "Card", "setup_intent": setup["setup_intent"], "once": ONCE,
        "delivery": "Ship everything together"})

    shop.read(lambda: save("N1001", bko={"POT-1": 1}))

    assert shop.read(lambda: lines("N1001")) == [("POT-1", 1, 0), ("TEA-1", 1, 1)]
    assert shop.read(lambda: db.session.scalar(db.select(db.func.count(Payment.id)))) == 0
