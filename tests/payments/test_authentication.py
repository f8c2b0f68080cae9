"""Cards whose bank asks the shopper to confirm (3-D Secure), against localstripe's test
cards: at checkout Stripe.js asks (confirmCardSetup, then confirmCardPayment) and the
payment is recorded once the bank confirmed; off session, at release, the backorder goes
On Hold with the reason, and `Pay now` completes it with the shopper's confirmation."""
import re
from decimal import Decimal

from app.extensions import db
from app.models import Order, OutboxEmail, Payment
from tests.payments.conftest import answer_the_bank_as_stripe_js_would, \
    save_card_as_stripe_js_would
from tests.payments.test_card_checkout import ONCE, a_cart_with_a_backorder, place_by_card
from tests.payments.test_release_charges import receive_pots
from tests.support.card_money import kept_by_order
from tests.support.rows import snapshot
from tests.web.pages import Page

D = Decimal
ASKS_EVERY_TIME = "4000002760003184"  # localstripe: the bank asks for every payment
AUTHENTICATE = "Your bank asks you to confirm this payment: press Pay now"


def orders(shop) -> list[tuple]:
    """(status, paid, payment problem) of every order, oldest first."""
    return shop.read(lambda: [(o.status.value, o.amount_paid, o.payment_problem)
                              for o in db.session.scalars(db.select(Order).order_by(Order.id))])


def kept_in_stripe(cards, shop) -> dict[int, int]:
    customers = shop.read(lambda: set(db.session.scalars(
        db.select(Order.stripe_customer).where(Order.stripe_customer.is_not(None)))))
    return kept_by_order(cards, customers)


def save_a_card_the_bank_confirms(client, cards, setup_url="/checkout/card",
                                  data=None) -> str:
    """Stripe.js saves the card; the bank asks, and the shopper confirms in its box."""
    setup = client.submit(setup_url, data or {"once": ONCE,
                                              "email": "sam@example.com"}).get_json()
    saved = save_card_as_stripe_js_would(cards, setup["client_secret"], ASKS_EVERY_TIME)
    assert saved.json()["status"] == "requires_action"
    confirmed = answer_the_bank_as_stripe_js_would(cards, setup["client_secret"])
    assert confirmed.json()["status"] == "succeeded"
    return setup["setup_intent"]


def the_payment_to_confirm(client, token) -> tuple[Page, str, str]:
    """The status page's `Confirm payment` form: its action, and the secret Stripe.js uses."""
    page = Page(client.get(f"/orders/{token}"))
    form = page.form_of("Confirm payment")
    return page, form.attrs["action"], form.attrs["data-confirm-payment"]


def confirm(client, page: Page, action: str) -> str:
    answer = client.submit(action, page.form_data("Confirm payment"))
    assert answer.status_code == 302
    return " ".join(Page(client.get(answer.headers["Location"])).flashes())


def place_with_a_card_the_bank_asks_for(client, shop, cards, once=ONCE):
    if once == ONCE:
        a_cart_with_a_backorder(client, shop)
    else:  # another shopper
        client.submit(f"/cart/add/{shop.product(once[:5], on_hand=5)}", {"quantity": "1"})
    client.get("/checkout")
    setup_intent = save_a_card_the_bank_confirms(client, cards, data={
        "once": once, "email": "sam@example.com"})
    placed = place_by_card(client, setup_intent, once)
    assert placed.status_code == 302
    return placed.headers["Location"].rsplit("/", 1)[1]


def test_at_checkout_the_bank_asks_and_the_payment_counts_once_the_shopper_confirms(
        client, shop, cards):
    token = place_with_a_card_the_bank_asks_for(client, shop, cards)
    # Placed, held until the shopper confirms; nothing paid, nothing kept by Stripe yet.
    assert orders(shop)[0] == ("On Hold", D("0.00"), AUTHENTICATE)
    assert kept_in_stripe(cards, shop) == {}
    page, action, secret = the_payment_to_confirm(client, token)
    assert "Your bank asks you to confirm the payment" in page.flashes()
    assert re.fullmatch(r"pi_\w+_secret_\w+", secret)
    assert "Pay now" in page.button_texts()  # another card, if this one will not do
    # No email: the shopper is on the page that asks them.
    assert shop.read(lambda: db.session.scalar(db.select(db.func.count(OutboxEmail.id)).where(
        OutboxEmail.subject.contains("could not charge")))) == 0
    assert answer_the_bank_as_stripe_js_would(cards, secret).json()["status"] == "succeeded"
    assert confirm(client, page, action) == "Paid $30.00 by card: thank you"
    assert orders(shop) == [("New", D("30.00"), None), ("New Backorder", D("0.00"), None)]
    assert sum(kept_in_stripe(cards, shop).values()) == 3000
    page = Page(client.get(f"/orders/{token}"))
    assert "Confirm payment" not in page.button_texts() and "Pay now" not in page.button_texts()


def test_when_the_shopper_fails_the_banks_check_nothing_is_paid_and_pay_now_stays(
        client, shop, cards):
    token = place_with_a_card_the_bank_asks_for(client, shop, cards)
    page, action, secret = the_payment_to_confirm(client, token)
    assert answer_the_bank_as_stripe_js_would(cards, secret, confirm=False).ok
    assert confirm(client, page, action) == \
        "Your card was not charged: Your bank did not confirm the payment"
    assert orders(shop)[0] == ("On Hold", D("0.00"), AUTHENTICATE)
    page = Page(client.get(f"/orders/{token}"))
    assert "Pay now" in page.button_texts() and "Confirm payment" not in page.button_texts()
    assert kept_in_stripe(cards, shop) == {}


def test_a_payment_confirmed_then_reported_again_counts_once(client, shop, cards):
    token = place_with_a_card_the_bank_asks_for(client, shop, cards)
    page, action, secret = the_payment_to_confirm(client, token)
    answer_the_bank_as_stripe_js_would(cards, secret)
    confirm(client, page, action)
    again = client.submit(action, page.form_data("Confirm payment"))  # the back button
    assert again.status_code == 302
    assert shop.read(lambda: db.session.scalar(db.select(db.func.count(Payment.id)))) == 1
    assert orders(shop)[0] == ("New", D("30.00"), None)


def test_a_payment_intent_that_is_not_this_orders_is_refused_and_changes_nothing(
        client, app, shop, cards):
    token = place_with_a_card_the_bank_asks_for(client, shop, cards)
    page, action, secret = the_payment_to_confirm(client, token)
    answer_the_bank_as_stripe_js_would(cards, secret)
    # Another shopper's order, and someone else's succeeded payment.
    other = app.test_client()
    other_token = place_with_a_card_the_bank_asks_for(other, shop, cards, once="other-0123456789")
    other_page, _, other_secret = the_payment_to_confirm(other, other_token)
    answer_the_bank_as_stripe_js_would(cards, other_secret)
    before = snapshot(shop.app)
    for forged in [other_secret.split("_secret_")[0], "pi_doesnotexist", "", "../v1/charges",
                   "x" * 300]:
        data = {**page.form_data("Confirm payment"), "payment_intent": forged}
        answer = client.submit(action, data)
        assert answer.status_code == 302
        assert "Your card was not charged" in " ".join(
            Page(client.get(answer.headers["Location"])).flashes())
    assert snapshot(shop.app) == before


def test_off_session_at_release_the_bank_asks_so_the_backorder_waits_on_hold_for_pay_now(
        client, admin_client, shop, cards):
    token = place_with_a_card_the_bank_asks_for(client, shop, cards)
    page, action, secret = the_payment_to_confirm(client, token)
    answer_the_bank_as_stripe_js_would(cards, secret)
    confirm(client, page, action)
    shop.settings(auto_release=True)
    receive_pots(admin_client)
    # Nobody was there to confirm the backorder's charge: On Hold with the reason, emailed.
    assert orders(shop)[1] == ("On Hold", D("0.00"), AUTHENTICATE)
    backorder_ref, backorder_token = shop.read(lambda: [
        (o.reference, o.token) for o in db.session.scalars(db.select(Order).order_by(Order.id))][1])
    (body,) = shop.read(lambda: [e.body for e in db.session.scalars(db.select(OutboxEmail).where(
        OutboxEmail.subject.contains(backorder_ref), OutboxEmail.subject.contains("could not")))])
    assert "Pay now" in body and AUTHENTICATE in body
    timeline = shop.read(lambda: [e.message for e in db.session.scalar(
        db.select(Order).where(Order.reference == backorder_ref)).events])
    assert f"Card charge failed: {AUTHENTICATE}. On Hold until the shopper pays" in timeline
    # `Pay now`: the card is saved again (the bank asks), then the payment (it asks again).
    client.get(f"/orders/{backorder_token}")
    setup_intent = save_a_card_the_bank_confirms(
        client, cards, f"/orders/{backorder_token}/card", {"once": "pay-now-once-1"})
    paid = client.submit(f"/orders/{backorder_token}/pay", {"setup_intent": setup_intent})
    assert paid.status_code == 302
    assert orders(shop)[1] == ("On Hold", D("0.00"), AUTHENTICATE)
    page, action, secret = the_payment_to_confirm(client, backorder_token)
    answer_the_bank_as_stripe_js_would(cards, secret)
    assert confirm(client, page, action) == "Paid $20.00 by card: thank you"
    assert orders(shop) == [("New", D("30.00"), None), ("New", D("20.00"), None)]
    assert sum(kept_in_stripe(cards, shop).values()) == 5000


def test_a_payment_confirmed_while_the_page_was_closed_is_recorded_by_stripes_webhook(
        client, shop, cards):
    from tests.payments.test_webhooks import event_payload, signed
    from tests.support.card_money import stripe_client

    token = place_with_a_card_the_bank_asks_for(client, shop, cards)
    _, _, secret = the_payment_to_confirm(client, token)
    answer_the_bank_as_stripe_js_would(cards, secret)  # then the shopper closed the tab
    intent = stripe_client(cards).v1.payment_intents.retrieve(secret.split("_secret_")[0])
    payload = event_payload(intent.to_dict(), "evt_confirmed")
    assert client.post("/webhooks/stripe", data=payload, headers=signed(payload)).status_code == 200
    assert orders(shop)[0] == ("New", D("30.00"), None)
