"""A backorder is charged to the card saved for its order when it is released to New; a
charge that fails puts it On Hold, emails the shopper, and `Pay now` releases it."""
from decimal import Decimal

from app.extensions import db
from app.models import Order, OutboxEmail, Payment
from tests.payments.conftest import save_card_as_stripe_js_would
from tests.payments.test_card_checkout import (GOOD_CARD, a_cart_with_a_backorder,
                                               place_by_card, start_card_setup)

SAVES_BUT_DECLINES = "4000000000000341"


def checkout_by_card(client, shop, cards, number=GOOD_CARD):
    a_cart_with_a_backorder(client, shop)
    setup = start_card_setup(client)
    assert save_card_as_stripe_js_would(cards, setup["client_secret"], number).ok
    return place_by_card(client, setup["setup_intent"])


def backorder(shop):
    return shop.read(lambda: [(o.reference, o.status.value, o.amount_paid, o.payment_problem,
                               o.version)
                              for o in db.session.scalars(db.select(Order).order_by(Order.id))
                              if o.parent_id is not None][0])


def receive_pots(admin_client, quantity=1):
    return admin_client.submit("/admin/products/POT-1/receive",
                               {"quantity": str(quantity), "reference": "PO-1"})


def test_a_backorder_is_charged_to_the_saved_card_when_stock_releases_it(client, admin_client,
                                                                         shop, cards):
    checkout_by_card(client, shop, cards)
    shop.settings(auto_release=True)
    assert backorder(shop)[1:3] == ("New Backorder", Decimal("0.00"))
    receive_pots(admin_client)
    assert backorder(shop)[1:4] == ("New", Decimal("20.00"), None)
    methods = shop.read(lambda: sorted((p.amount, p.method) for p in db.session.scalars(
        db.select(Payment))))
    assert methods == [(Decimal("20.00"), "Card"), (Decimal("30.00"), "Card")]


def test_mark_as_new_charges_the_saved_card_too(client, admin_client, shop, cards):
    checkout_by_card(client, shop, cards)
    receive_pots(admin_client)  # auto release off: staff release it
    reference, status, paid, _, version = backorder(shop)
    assert (status, paid) == ("New Backorder", Decimal("0.00"))
    released = admin_client.submit(f"/admin/orders/{reference}/mark-as-new",
                                   {"version": str(version)})
    assert released.status_code == 302
    assert backorder(shop)[1:3] == ("New", Decimal("20.00"))


def test_a_declined_charge_puts_the_backorder_on_hold_and_emails_a_pay_now_link(
        client, admin_client, shop, cards):
    placed = checkout_by_card(client, shop, cards, number=SAVES_BUT_DECLINES)
    assert placed.status_code == 302  # the ship-now part was declined too: it waits unpaid
    shop.settings(auto_release=True)
    receive_pots(admin_client)
    reference, status, paid, problem, _ = backorder(shop)
    assert (status, paid) == ("On Hold", Decimal("0.00"))
    assert "declined" in problem
    timeline = shop.read(lambda: [e.message for e in db.session.scalar(
        db.select(Order).where(Order.reference == reference)).events])
    assert any(m.startswith("Card charge failed") and "On Hold" in m for m in timeline)
    emails = shop.read(lambda: [(e.subject, e.body) for e in db.session.scalars(
        db.select(OutboxEmail).where(OutboxEmail.subject.contains("could not charge")))])
    # The parent's ship-now charge failed at checkout too: each order has its email.
    (subject, body), = [email for email in emails if reference in email[0]]
    assert "Pay now" in body and "/orders/" in body
    listed = admin_client.get("/admin/orders?status=On Hold").get_data(as_text=True)
    assert reference in listed


def test_pay_now_on_the_status_page_pays_the_held_backorder_and_releases_it(
        client, admin_client, shop, cards):
    checkout_by_card(client, shop, cards, number=SAVES_BUT_DECLINES)
    shop.settings(auto_release=True)
    receive_pots(admin_client)
    reference = backorder(shop)[0]
    token = shop.status_token(reference)
    page = client.get(f"/orders/{token}")
    html = page.get_data(as_text=True)
    assert ">Pay now</button>" in html and "We could not charge your card" in html
    assert cards in page.headers["Content-Security-Policy"]
    setup = client.submit(f"/orders/{token}/card", {"once": "pay-now-once-1"}).get_json()
    assert save_card_as_stripe_js_would(cards, setup["client_secret"], GOOD_CARD).ok
    paid = client.submit(f"/orders/{token}/pay", {"setup_intent": setup["setup_intent"]})
    assert paid.status_code == 302
    assert backorder(shop)[1:4] == ("New", Decimal("20.00"), None)
    # The parent's own failed charge still asks for Pay now; the backorder's does not.
    assert f"/orders/{token}/pay" not in client.get(f"/orders/{token}").get_data(as_text=True)


def test_pay_now_with_a_card_that_declines_again_keeps_it_on_hold_and_says_why(
        client, admin_client, shop, cards):
    checkout_by_card(client, shop, cards, number=SAVES_BUT_DECLINES)
    shop.settings(auto_release=True)
    receive_pots(admin_client)
    reference = backorder(shop)[0]
    token = shop.status_token(reference)
    setup = client.submit(f"/orders/{token}/card", {"once": "pay-now-once-2"}).get_json()
    save_card_as_stripe_js_would(cards, setup["client_secret"], SAVES_BUT_DECLINES)
    again = client.submit(f"/orders/{token}/pay", {"setup_intent": setup["setup_intent"]})
    assert again.status_code == 400
    assert "Your card was not charged" in again.get_data(as_text=True)
    assert backorder(shop)[1:3] == ("On Hold", Decimal("0.00"))
    for forged in ["", "seti_nope"]:
        answer = client.submit(f"/orders/{token}/pay", {"setup_intent": forged})
        assert answer.status_code == 400
