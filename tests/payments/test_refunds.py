"""Card refunds: cancelling a paid order, some of its lines or units, or its waiting items
refunds its cards for exactly what they paid for them; staff refund an amount from the
order page (`Amount`, `Refund`)."""
from decimal import Decimal

import requests

from app.domain.orders import OrderStatus
from app.extensions import db
from app.jobs import JOBS
from app.models import Order, Payment
from app.services import cards as cards_service
from app.services.orders import change_status
from tests.payments.conftest import save_card_as_stripe_js_would
from tests.payments.test_card_checkout import (GOOD_CARD, ONCE, a_cart_with_a_backorder,
                                               place_by_card, start_card_setup)
from tests.payments.test_release_charges import checkout_by_card
from tests.support.card_money import kept_by_order, stripe_client
from tests.support.rows import snapshot
from tests.web.order_page import open_order, press, save, timeline
from tests.web.pages import Page

D = Decimal


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


# Cancelling some of a paid order: lines, units, the waiting items. Each refunds the card
# exactly what was paid for the units taken off, as Stripe itself reports.

def pay_by_card(client, shop, cards, items: dict[str, int], once=ONCE):
    for sku, quantity in items.items():
        client.submit(f"/cart/add/{sku}", {"quantity": str(quantity)})
    setup = start_card_setup(client, once)
    assert save_card_as_stripe_js_would(cards, setup["client_secret"], GOOD_CARD).ok
    placed = place_by_card(client, setup["setup_intent"], once)
    assert placed.status_code == 302


def family(shop) -> list[tuple]:
    """(reference, status, total, paid) of every order, oldest first."""
    return shop.read(lambda: [(o.reference, o.status.value, o.total, o.amount_paid)
                              for o in db.session.scalars(db.select(Order).order_by(Order.id))])


def kept_in_stripe(cards, shop) -> int:
    """What Stripe kept of every charge the test made: charged less refunded, in cents."""
    customers = shop.read(lambda: set(db.session.scalars(
        db.select(Order.stripe_customer).where(Order.stripe_customer.is_not(None)))))
    return sum(kept_by_order(cards, customers).values())


def card_refunds(shop) -> list[tuple[str, Decimal]]:
    return shop.read(lambda: [(p.order.reference, p.amount) for p in db.session.scalars(
        db.select(Payment).where(Payment.method == "Card", Payment.amount < 0)
        .order_by(Payment.id))])


def test_staff_lowering_a_paid_lines_qty_refunds_the_card_for_the_units_taken_off(
        client, admin_client, shop, cards):
    shop.product("TEA-1", on_hand=5, price="12.50")
    pay_by_card(client, shop, cards, {"TEA-1": 3})
    (reference, _, total, paid), = family(shop)
    assert (total, paid, kept_in_stripe(cards, shop)) == (D("37.50"), D("37.50"), 3750)
    saved = save(admin_client, reference, **{"Qty for TEA-1": "1"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert family(shop) == [(reference, "New", D("12.50"), D("12.50"))]
    assert card_refunds(shop) == [(reference, D("-25.00"))]
    assert kept_in_stripe(cards, shop) == 1250
    assert "Refunded $25.00 to the card" in timeline(open_order(admin_client, reference))


def test_staff_removing_a_paid_line_refunds_its_subtotal_and_the_rest_stays_paid(
        client, admin_client, shop, cards):
    shop.product("TEA-1", on_hand=5, price="12.50")
    shop.product("POT-1", on_hand=5, price="20.00")
    pay_by_card(client, shop, cards, {"TEA-1": 2, "POT-1": 1})
    (reference, _, total, _), = family(shop)
    assert total == D("45.00")
    assert save(admin_client, reference, **{"Qty for POT-1": "0"}).status_code == 302
    assert family(shop) == [(reference, "New", D("25.00"), D("25.00"))]
    assert kept_in_stripe(cards, shop) == 2500


def test_cancel_waiting_items_refunds_the_card_for_the_waiting_units_it_paid_for(
        client, shop, cards):
    # No backorder created: the order waits whole and the card paid all of it.
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA-1", on_hand=1, price="30.00")
    shop.product("POT-1", on_hand=0, price="20.00")
    pay_by_card(client, shop, cards, {"TEA-1": 1, "POT-1": 2})
    (reference, _, total, paid), = family(shop)
    assert (total, paid) == (D("70.00"), D("70.00"))
    token = ask_about_a_delay(shop, reference)
    page = Page(client.get(f"/orders/{token}"))
    answered = client.submit(page.form_of("Cancel waiting items").attrs["action"],
                             {**page.form_data("Cancel waiting items"), "answer": "cancel"})
    assert answered.status_code == 302
    assert family(shop) == [(reference, "New", D("30.00"), D("30.00"))]
    assert card_refunds(shop) == [(reference, D("-40.00"))]
    assert kept_in_stripe(cards, shop) == 3000
    page = client.get(f"/orders/{token}").get_data(as_text=True)
    assert "The items still waiting are cancelled" in page
    assert "Paid $30.00 · Due $0.00 · Refunded to your card $40.00" in page


def test_cancel_waiting_items_on_a_backorder_paid_at_checkout_refunds_it_from_that_charge(
        client, shop, cards):
    shop.settings(charge_backorders="At checkout")
    a_cart_with_a_backorder(client, shop)
    pay_by_card(client, shop, cards, {})
    (parent_ref, _, _, _), (backorder_ref, _, _, bko_paid) = family(shop)
    assert bko_paid == D("20.00") and kept_in_stripe(cards, shop) == 5000
    token = ask_about_a_delay(shop, backorder_ref)
    page = Page(client.get(f"/orders/{token}"))
    client.submit(page.form_of("Cancel waiting items").attrs["action"],
                  {**page.form_data("Cancel waiting items"), "answer": "cancel"})
    assert family(shop) == [(parent_ref, "New", D("30.00"), D("30.00")),
                            (backorder_ref, "Cancelled", D("20.00"), D("0.00"))]
    assert card_refunds(shop) == [(backorder_ref, D("-20.00"))]
    assert kept_in_stripe(cards, shop) == 3000


def test_cancelling_a_backorder_a_staff_split_credited_refunds_the_parents_charge(
        client, admin_client, shop, cards):
    # The card paid the whole order; staff then put a line on backorder: the money moves
    # to the backorder as credit, while the charge stays on the parent.
    shop.settings(create_backorder=True)
    shop.product("TEA-1", on_hand=5, price="30.00")
    shop.product("POT-1", on_hand=5, price="20.00")
    pay_by_card(client, shop, cards, {"TEA-1": 1, "POT-1": 1})
    (reference, _, _, _), = family(shop)
    assert save(admin_client, reference, **{"BKO for POT-1": "1"}).status_code == 302
    (_, _, _, parent_paid), (backorder_ref, _, _, bko_paid) = family(shop)
    assert (parent_paid, bko_paid) == (D("30.00"), D("20.00"))
    page = open_order(admin_client, backorder_ref)
    assert save(admin_client, backorder_ref, page, Status="Cancelled").status_code == 302
    assert family(shop)[1] == (backorder_ref, "Cancelled", D("20.00"), D("0.00"))
    assert card_refunds(shop) == [(backorder_ref, D("-20.00"))]
    assert kept_in_stripe(cards, shop) == 3000
    # What is left of the charge still refunds the parent, and no more.
    parent_page = open_order(admin_client, reference)
    assert "The cards paid $30.00 that can be refunded" in parent_page.text


def test_a_qty_below_what_a_bank_deposit_paid_is_still_refused_and_changes_nothing(
        admin_client, shop):
    shop.product("TEA-1", on_hand=5, price="10.00")
    reference, _ = shop.order({"TEA-1": 3})
    page = open_order(admin_client, reference)
    press(admin_client, page, "Record payment", Amount="30.00", Method="Bank deposit")
    before = snapshot(shop.app)
    refused = save(admin_client, reference, **{"Qty for TEA-1": "1"})
    assert refused.status_code in (400, 409)
    assert "less than the $30.00 already paid" in refused.get_data(as_text=True)
    assert snapshot(shop.app) == before


def test_a_refund_job_run_again_refunds_nothing_more(client, admin_client, shop, cards, app):
    shop.product("TEA-1", on_hand=5, price="10.00")
    pay_by_card(client, shop, cards, {"TEA-1": 2})
    (reference, _, _, _), = family(shop)
    assert save(admin_client, reference, **{"Qty for TEA-1": "1"}).status_code == 302
    assert kept_in_stripe(cards, shop) == 1000
    (refund_reference,) = shop.read(lambda: db.session.scalars(
        db.select(Payment.reference).where(Payment.amount < 0)).all())
    intent_id, _, refund_id = refund_reference.split()
    key = stripe_client(cards).v1.refunds.retrieve(refund_id).to_dict()["metadata"]["refund_key"]
    assert key.startswith(f"units-{parent(shop)}-")
    with app.app_context():  # the worker runs the same job again (a retry, a redelivery)
        cards_service.refund(parent(shop), key)
        db.session.remove()
    assert kept_in_stripe(cards, shop) == 1000
    assert shop.read(lambda: db.session.scalars(
        db.select(Payment.reference).where(Payment.amount < 0)).all()) == [refund_reference]
    assert family(shop)[0][3] == D("10.00")


def test_a_refund_job_that_died_after_stripe_refunded_records_that_refund_and_no_other(
        client, admin_client, shop, cards, app, monkeypatch):
    shop.product("TEA-1", on_hand=5, price="10.00")
    pay_by_card(client, shop, cards, {"TEA-1": 2})
    (reference, _, _, _), = family(shop)
    monkeypatch.setitem(JOBS, "refund_card", lambda *args: None)  # the worker is down
    version = shop.read(lambda: db.session.get(Order, parent(shop)).version)
    refunded = admin_client.submit(f"/admin/orders/{reference}/refund",
                                   {"amount": "8.00", "version": str(version)})
    assert refunded.status_code == 302
    (pending,) = shop.read(lambda: db.session.scalars(db.select(Payment.reference)
                                                      .where(Payment.amount < 0)).all())
    intent_id, word, key = pending.split()
    assert word == "pending" and family(shop)[0][3] == D("12.00")
    # The job reached Stripe, then died before writing the refund's id down.
    made = stripe_client(cards).v1.refunds.create(params={
        "payment_intent": intent_id, "amount": 800, "metadata": {"refund_key": key}})
    with app.app_context():
        cards_service.refund(parent(shop), key)
        db.session.remove()
    assert shop.read(lambda: db.session.scalars(db.select(Payment.reference)
                                                .where(Payment.amount < 0)).all()) == \
        [f"{intent_id} refund {made.id}"]
    assert family(shop)[0][3] == D("12.00")
    assert kept_in_stripe(cards, shop) == 1200


def ask_about_a_delay(shop, reference: str) -> str:
    """The shop asked the shopper whether to keep waiting (a purchase order slipped)."""
    def ask():
        db.session.scalars(db.select(Order).where(Order.reference == reference)).one() \
            .awaiting_answer = True
        db.session.commit()
    shop.read(ask)
    return shop.status_token(reference)


def test_refund_pressed_twice_refunds_once(client, admin_client, shop, cards):
    checkout_by_card(client, shop, cards)
    reference, version, _, _, _ = parent_figures(shop)
    form = {"amount": "10.00", "version": str(version)}
    first = admin_client.submit(f"/admin/orders/{reference}/refund", form)
    second = admin_client.submit(f"/admin/orders/{reference}/refund", form)
    assert (first.status_code, second.status_code) == (302, 409)
    assert "This order changed since you opened it" in second.get_data(as_text=True)
    assert parent_figures(shop)[2] == D("20.00")
    assert refunded_in_stripe(cards, shop) == 1000
