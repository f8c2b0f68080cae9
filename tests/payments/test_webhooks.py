"""Stripe's webhook: signature checked, each event applied once, and a payment that
succeeded while the shopper's browser was closed still marks the order paid."""
import hashlib
import hmac
import json
import time
from decimal import Decimal

import stripe

from app.extensions import db
from app.models import Order, Payment, StripeEvent
from tests.payments.conftest import WEBHOOK_SECRET
from tests.support.rows import snapshot


def signed(payload: bytes, secret: str = WEBHOOK_SECRET) -> dict:
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + payload,
                         hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={stamp},v1={signature}", "Content-Type": "application/json"}


def a_placed_order(shop) -> tuple[int, str]:
    shop.product("TEA-1", on_hand=5, price="12.50")
    reference, _ = shop.order({"TEA-1": 2})
    return shop.read(lambda: db.session.scalar(
        db.select(Order.id).where(Order.reference == reference))), reference


def paid_in_stripe(cards: str, order_id: int, cents: int) -> dict:
    """A PaymentIntent that succeeded in Stripe without our server hearing of it."""
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": cards})
    card = client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
    intent = client.v1.payment_intents.create(params={
        "amount": cents, "currency": "aud", "payment_method": card.id, "confirm": True,
        "payment_method_types": ["card"], "metadata": {"order_id": str(order_id)}})
    assert intent.status == "succeeded"
    return intent.to_dict()


def event_payload(intent: dict, event_id: str = "evt_1") -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": "payment_intent.succeeded",
                       "created": int(time.time()), "data": {"object": intent}}).encode()


def payments(shop):
    return shop.read(lambda: [(p.amount, p.method) for p in db.session.scalars(
        db.select(Payment).order_by(Payment.id))])


def test_a_payment_that_succeeded_while_the_browser_was_closed_marks_the_order_paid(
        client, shop, cards):
    order_id, reference = a_placed_order(shop)
    payload = event_payload(paid_in_stripe(cards, order_id, 2500))
    assert client.post("/webhooks/stripe", data=payload, headers=signed(payload)).status_code == 200
    assert payments(shop) == [(Decimal("25.00"), "Card")]
    assert shop.read(lambda: db.session.scalar(
        db.select(Order.amount_paid).where(Order.id == order_id))) == Decimal("25.00")


def test_an_event_delivered_twice_is_applied_once(client, shop, cards):
    order_id, _ = a_placed_order(shop)
    payload = event_payload(paid_in_stripe(cards, order_id, 1000))
    first = client.post("/webhooks/stripe", data=payload, headers=signed(payload))
    second = client.post("/webhooks/stripe", data=payload, headers=signed(payload))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_data(as_text=True) == "Already applied"
    assert payments(shop) == [(Decimal("10.00"), "Card")]
    assert shop.read(lambda: db.session.scalar(db.select(db.func.count(StripeEvent.id)))) == 1


def test_two_events_for_one_payment_record_it_once(client, shop, cards):
    order_id, _ = a_placed_order(shop)
    intent = paid_in_stripe(cards, order_id, 1000)
    for event_id in ("evt_a", "evt_b"):
        payload = event_payload(intent, event_id)
        client.post("/webhooks/stripe", data=payload, headers=signed(payload))
    assert payments(shop) == [(Decimal("10.00"), "Card")]


def test_a_forged_webhook_is_refused_and_changes_nothing(client, shop, cards):
    order_id, _ = a_placed_order(shop)
    payload = event_payload(paid_in_stripe(cards, order_id, 2500))
    before = snapshot(shop.app)
    for headers in [signed(payload, secret="whsec_someone_else"), {},
                    {"Stripe-Signature": "t=1,v1=00"},
                    {"Stripe-Signature": "nonsense"}]:
        assert client.post("/webhooks/stripe", data=payload, headers=headers).status_code == 400
    tampered = payload.replace(b'"amount": 2500', b'"amount": 9999')
    assert client.post("/webhooks/stripe", data=tampered,
                       headers=signed(payload)).status_code == 400
    assert snapshot(shop.app) == before


def test_the_webhook_needs_no_csrf_token_but_a_signed_body_that_is_json(client, shop, cards):
    body = b"not json"
    assert client.post("/webhooks/stripe", data=body, headers=signed(body)).status_code == 400


def test_a_card_payment_beyond_what_the_order_asks_goes_back_to_the_card(client, shop, cards):
    order_id, _ = a_placed_order(shop)
    intent = paid_in_stripe(cards, order_id, 2501)  # the order asks 25.00
    payload = event_payload(intent)
    assert client.post("/webhooks/stripe", data=payload, headers=signed(payload)).status_code == 200
    assert payments(shop) == [(Decimal("25.01"), "Card"), (Decimal("-25.01"), "Card")]
    assert shop.read(lambda: db.session.get(Order, order_id).amount_paid) == Decimal("0.00")
    notes = shop.read(lambda: [e.message for e in db.session.get(Order, order_id).events])
    assert any("more than the order still asks for: it goes back to the card" in note
               for note in notes)
    charge = intent["latest_charge"]
    charge = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": cards}) \
        .v1.charges.retrieve(charge["id"] if isinstance(charge, dict) else charge)
    assert (charge.amount, charge.amount_refunded) == (2501, 2501)
