"""Card refunds: cancelling a paid order refunds its cards for exactly what they paid;
staff refund an amount from the order page (`Amount`, `Refund`)."""
from decimal import Decimal

import requests

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order
from app.services.orders import change_status
from tests.payments.test_release_charges import checkout_by_card
from tests.support.rows import snapshot


def parent(shop) -> int:
    return shop.read(lambda: db.session.scalars(
        db.select(Order.id).where(Order.parent_id.is_(None))).one())


def parent_figures(shop):
    return shop.read(lambda: (lambda o: (o.reference, o.version, o.amount_paid, o.to_refund,
                                         sorted((p.amount, p.method) for p in o.payments)))(
        db.session.scalars(db.select(Order).where(Order.parent_id.is_(None))).one()))


def refunded_in_stripe(cards, shop) -> int:
    intent_id = shop.read(lambda: db.session.scalars(
        db.select(Order).where(Order.parent_id.is_(None))).one().payments[0].reference)
    intent = requests.get(f"{cards}/v1/payment_intents/{intent_id}?expand[]=latest_charge",
                          auth=("sk_test_localstripe", ""), timeout=10).json()
    charge = intent["latest_charge"]
    charge = charge if isinstance(charge, dict) else requests.get(
        f"{cards}/v1/charges/{charge}", auth=("sk_test_localstripe", ""), timeout=10).json()
    return charge["amount_refunded"]


def test_cancelling_a_card_paid_order_refunds_the_card_for_what_it_paid(client, admin_client,
                                                                        shop, cards):
    checkout_by_card(client, shop, cards)
    reference, version, paid, _, _ = parent_figures(shop)
    assert paid == Decimal("30.00")
    order_id = parent(shop)
    shop.read(lambda: change_status(order_id, version, OrderStatus.CANCELLED, None))
    _, _, paid, to_refund, payments = parent_figures(shop)
    assert (paid, to_refund) == (Decimal("0.00"), Decimal("0.00"))
    assert payments == [(Decimal("-30.00"), "Card"), (Decimal("30.00"), "Card")]
    assert refunded_in_stripe(cards, shop) == 3000


def test_staff_refund_an_amount_to_the_card_from_the_order_page(client, admin_client, shop,
                                                                cards):
    checkout_by_card(client, shop, cards)
    reference, version, _, _, _ = parent_figures(shop)
    page = admin_client.get(f"/admin/orders/{reference}").get_data(as_text=True)
    assert ">Refund</button>" in page and 'for="refund-amount">Amount</label>' in page
    refunded = admin_client.submit(f"/admin/orders/{reference}/refund",
                                   {"amount": "12.50", "version": str(version)})
    assert refunded.status_code == 302
    _, _, paid, _, payments = parent_figures(shop)
    assert paid == Decimal("17.50")
    assert payments == [(Decimal("-12.50"), "Card"), (Decimal("30.00"), "Card")]
    assert refunded_in_stripe(cards, shop) == 1250


def test_a_refund_beyond_what_the_card_paid_or_not_in_cents_is_refused_and_changes_nothing(
        client, admin_client, shop, cards):
    checkout_by_card(client, shop, cards)
    reference, version, _, _, _ = parent_figures(shop)
    before = snapshot(shop.app)
    for amount, message in [("30.01", "The cards paid $30.00 that can be refunded"),
                            ("0", "Enter an amount above zero"),
                            ("-5", "Enter an amount above zero"),
                            ("1.001", "Enter an amount above zero, in dollars and cents"),
                            ("NaN", "Enter an amount"), ("lots", "Enter an amount"),
                            ("1e400", "Enter an amount")]:
        answer = admin_client.submit(f"/admin/orders/{reference}/refund",
                                     {"amount": amount, "version": str(version)})
        assert answer.status_code in (400, 409), amount
        assert message in answer.get_data(as_text=True), (amount, message)
    stale = admin_client.submit(f"/admin/orders/{reference}/refund",
                                {"amount": "1.00", "version": str(version - 1)})
    assert stale.status_code == 409
    assert snapshot(shop.app) == before
