"""Card payments through Stripe: saving the shopper's card for an order, charging it for
what ships now, and applying what Stripe tells us afterwards (webhooks).

Stripe is called outside any database transaction: a slow answer never holds a lock.
Every create call carries an idempotency key, so a retry never charges twice; a payment
is recorded once per PaymentIntent, however often the browser or Stripe reports it.
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

import stripe
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import stripe_gateway
from app.domain.errors import DomainError
from app.domain.money import format_money
from app.domain.payments import (NOTHING, BackorderCharge, card_money, check_refund,
                                 due_at_checkout, from_cents, plan_card_refund,
                                 refund_for_cancelled_units, spread_payment, to_cents)
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, Payment, StripeEvent, User
from app.services import after_commit, notifications, transaction
from app.services.records import log_event
from app.services.settings import get_settings

CARD = "Card"


class CardNotSaved(DomainError):
    field = "payment_method"


@dataclass(frozen=True)
class CardSetup:
    setup_intent_id: str
    client_secret: str


@dataclass(frozen=True)
class SavedCard:
    customer: str
    payment_method: str


@dataclass(frozen=True)
class Charged:
    amount: Decimal
    intent_id: str | None
    declined: str | None = None  # Stripe's reason, when the card was not charged
    # The shopper's bank asks them to confirm the payment (3-D Secure): Stripe.js does it
    # in the browser with this secret, then `confirm_payment` records it.
    client_secret: str | None = None

    @property
    def needs_authentication(self) -> bool:
        return self.client_secret is not None


# Off session (a backorder released), nobody is there to confirm: the shopper does it
# with `Pay now`.
AUTHENTICATE = "Your bank asks you to confirm this payment: press Pay now"
NOT_CONFIRMED = "Your bank did not confirm the payment"


def start_card_setup(email: str, once: str) -> CardSetup:
    """A Stripe Customer made for this checkout and a SetupIntent that saves the card
    the shopper types into Stripe.js; `once` (the form's one-time token) keys both, so
    pressing the button again reuses them."""
    stripe_client = stripe_gateway.client()
    customer = stripe_client.v1.customers.create(
        params={"email": email}, options={"idempotency_key": f"customer-{once}"})
    intent = stripe_client.v1.setup_intents.create(
        params={"customer": customer.id, "payment_method_types": ["card"],
                "usage": "off_session"},
        options={"idempotency_key": f"setup-{once}"})
    return CardSetup(setup_intent_id=intent.id, client_secret=intent.client_secret)


def saved_card(setup_intent_id: str) -> SavedCard:
    """The card Stripe.js saved, or CardNotSaved when the shopper's card was not accepted."""
    try:
        intent = stripe_gateway.client().v1.setup_intents.retrieve(setup_intent_id)
    except stripe.StripeError:
        raise CardNotSaved("Enter your card details again") from None
    if intent.status != "succeeded" or not intent.payment_method or not intent.customer:
        raise CardNotSaved("Your card was not accepted: enter your card details again")
    return SavedCard(customer=intent.customer, payment_method=intent.payment_method)


def charge_at_checkout(order_id: int, card: SavedCard) -> Charged:
    """Save the card on the order and charge it for what the order asks now: what ships
    now, and the backorders too when the Payments tab says `At checkout`."""
    with transaction():
        order = db.session.get(Order, order_id)
        for member in (order, *order.backorders):
            member.stripe_customer = card.customer
            member.stripe_payment_method = card.payment_method
    order = db.session.get(Order, order_id)
    # When every unit waits (the order itself may be the backorder, or it ships
    # everything together), nothing ships now.
    due = due_at_checkout(BackorderCharge(get_settings().charge_backorders),
                          [(member.payment_required, member.waits_for_stock)
                           for member in (order, *order.backorders)])
    db.session.rollback()  # nothing held while Stripe answers
    charged = charge(order_id, due, card, key=f"order-{order_id}-checkout", off_session=False)
    if charged.declined:
        hold_for_payment(order_id, charged.declined)
    elif charged.needs_authentication:
        # Held until the shopper confirms, in the page that opens now; no email: they are
        # there, and the status page offers `Pay now` if they leave.
        hold_for_payment(order_id, AUTHENTICATE, email=False)
    return charged


def charge(order_id: int, due: Decimal, card: SavedCard, key: str,
            off_session: bool) -> Charged:
    """One PaymentIntent for `due` on the saved card, recorded once it succeeded."""
    if due <= 0:
        return Charged(amount=Decimal("0.00"), intent_id=None)
    params = {"amount": to_cents(due), "currency": current_app.config["STRIPE_CURRENCY"],
              "customer": card.customer, "payment_method": card.payment_method,
              "payment_method_types": ["card"], "confirm": True,
              "metadata": {"order_id": str(order_id)}}
    if off_session:
        params["off_session"] = True
    try:
        intent = stripe_gateway.client().v1.payment_intents.create(
            params=params, options={"idempotency_key": key})
    except stripe.CardError as error:
        if error.code == "authentication_required":  # Stripe's answer off session
            return Charged(amount=NOTHING, intent_id=None, declined=AUTHENTICATE)
        return Charged(amount=NOTHING, intent_id=None,
                       declined=error.user_message or "Your card was declined")
    if intent.status == "requires_action":
        if off_session:
            return Charged(amount=NOTHING, intent_id=intent.id, declined=AUTHENTICATE)
        return Charged(amount=NOTHING, intent_id=intent.id, client_secret=intent.client_secret)
    if intent.status != "succeeded":
        return Charged(amount=NOTHING, intent_id=intent.id, declined="Your card was declined")
    record_card_payment(order_id, intent.id, from_cents(intent.amount))
    return Charged(amount=from_cents(intent.amount), intent_id=intent.id)


def confirm_payment(order_id: int, intent_id: str) -> Charged:
    """After Stripe.js asked the shopper's bank to confirm a payment: record it if it
    succeeded (a held order goes back to New); CardNotSaved with the reason if not."""
    try:
        intent = stripe_gateway.client().v1.payment_intents.retrieve(intent_id)
    except stripe.StripeError:
        raise CardNotSaved(f"Your card was not charged: {NOT_CONFIRMED}") from None
    if (intent.to_dict().get("metadata") or {}).get("order_id") != str(order_id):
        raise CardNotSaved(f"Your card was not charged: {NOT_CONFIRMED}")
    if intent.status != "succeeded":
        raise CardNotSaved(f"Your card was not charged: {NOT_CONFIRMED}")
    recorded = record_card_payment(order_id, intent.id, from_cents(intent.amount))
    if recorded is Recorded.GIVEN_BACK:
        raise CardNotSaved("This order no longer asks for that payment: it goes back to "
                           "your card")
    return Charged(amount=from_cents(intent.amount), intent_id=intent.id)


def hold_for_payment(order_id: int, reason: str, email: bool = True) -> None:
    """Put the order On Hold with the reason on its timeline and (unless the shopper is on
    the page, `email=False`) email them a link to pay."""
    with transaction():
        order = db.session.get(Order, order_id, with_for_update=True)
        if order.status is OrderStatus.NEW:
            order.status = OrderStatus.ON_HOLD
            order.version += 1
        order.payment_problem = reason[:500]
        log_event(order, "payment_failed",
                  f"Card charge failed: {reason}. On Hold until the shopper pays")
        if email:
            notifications.queue(order, "payment_failed")


class Recorded(Enum):
    """What became of a succeeded PaymentIntent reported to us."""

    RECORDED = "recorded"
    ALREADY = "already recorded"  # reported before (the browser, then the webhook)
    GIVEN_BACK = "given back"     # the order no longer asks for it: refunded to the card
    NO_ORDER = "no such order"


def record_card_payment(order_id: int, intent_id: str, amount: Decimal) -> Recorded:
    """Record a succeeded PaymentIntent on its order, once."""
    with transaction():
        return _record(order_id, intent_id, amount)


def _record(order_id: int, intent_id: str, amount: Decimal) -> Recorded:
    # The order's row lock makes the browser's report and Stripe's webhook take turns.
    order = db.session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None:
        return Recorded.NO_ORDER
    if db.session.scalar(select(Payment.id).where(Payment.method == CARD,
                                                  Payment.reference == intent_id).limit(1)):
        return Recorded.ALREADY
    family = [order, *order.backorders]
    try:
        shares = spread_payment(amount, [member.payment_required for member in family])
    except ValueError:
        # Cancelled, or paid otherwise, while the bank asked the shopper to confirm: the
        # payment is written down and, in the same transaction, sent back to the card.
        db.session.add(Payment(order=order, amount=amount, method=CARD, reference=intent_id))
        db.session.add(Payment(order=order, amount=-amount, method=CARD,
                               reference=f"{intent_id} {PENDING} back-{intent_id}"))
        log_event(order, "payment", f"Card payment of {format_money(amount)} ({intent_id}) is "
                  "more than the order still asks for: it goes back to the card")
        after_commit("refund_card", order.id, f"back-{intent_id}")
        return Recorded.GIVEN_BACK
    for member, share in zip(family, shares, strict=True):
        if share:
            db.session.add(Payment(order=member, amount=share, method=CARD,
                                   reference=intent_id))
            member.amount_paid += share
            log_event(member, "payment",
                      f"Payment of {format_money(share)} by {CARD} received ({intent_id})")
        _release_when_paid(member)
    return Recorded.RECORDED


def _release_when_paid(order: Order) -> None:
    """An order held because its card was not charged goes back to New once it is paid
    (by `Pay now`, after the bank confirmed, or by a webhook when the page was closed)."""
    if order.payment_problem is None or order.payment_required > NOTHING:
        return
    order.payment_problem = None
    if order.status is OrderStatus.ON_HOLD:
        order.status = OrderStatus.NEW
        order.version += 1
        log_event(order, "status", "Paid by the shopper: back to New")


def apply_event(event: dict) -> bool:
    """Apply a verified Stripe event (as Stripe sent it) once; False when it was applied
    before."""
    try:
        with transaction():
            if db.session.get(StripeEvent, event["id"]) is not None:
                return False
            db.session.add(StripeEvent(id=event["id"], kind=event["type"]))
            db.session.flush()  # two deliveries at once: the second fails here
            if event["type"] == "payment_intent.succeeded":
                intent = event["data"]["object"]
                order_id = str((intent.get("metadata") or {}).get("order_id", ""))
                if order_id.isdigit():
                    _record(int(order_id), intent["id"], from_cents(int(intent["amount"])))
    except IntegrityError:
        return False
    return True


def pay_now(order_id: int, setup_intent_id: str) -> Charged:
    """`Pay now` on the status page: the card just saved pays what the order asks, and a
    held order goes back to New. CardNotSaved, next to the card, when it is declined; when
    the bank asks the shopper to confirm, the answer carries the secret Stripe.js needs."""
    card = saved_card(setup_intent_id)
    with transaction():
        order = db.session.get(Order, order_id, with_for_update=True)
        for member in (order, *order.backorders):
            member.stripe_customer = card.customer
            member.stripe_payment_method = card.payment_method
        due = order.payment_required
    charged = charge(order_id, due, card, key=f"order-{order_id}-pay-{setup_intent_id}",
                     off_session=False)
    if charged.declined:
        raise CardNotSaved(f"Your card was not charged: {charged.declined}")
    return charged


def family_ids(order: Order) -> list[int]:
    """The ids of the order's family: its first order and every backorder below it."""
    root = order
    while root.parent_id is not None:  # a few steps at most: backorders of backorders
        root = db.session.get(Order, root.parent_id)
    ids, level = [root.id], [root.id]
    while level:
        level = list(db.session.scalars(select(Order.id).where(Order.parent_id.in_(level))))
        ids += level
    return ids


def card_charges(order: Order) -> list[tuple[str, Decimal]]:
    """The card charges a refund of this order may take from: (PaymentIntent id, what is
    left of it after its refunds), its own charges last (`card_money`)."""
    rows = db.session.execute(
        select(Payment.order_id, Payment.reference, Payment.amount)
        .where(Payment.order_id.in_(family_ids(order)), Payment.method == CARD,
               Payment.reference != "")
        .order_by(Payment.id)).all()
    return card_money([tuple(row) for row in rows], order.id)


def refundable(order: Order) -> Decimal:
    """What may go back to the cards: no more than the order holds, nor the cards paid."""
    return refund_for_cancelled_units(order.amount_paid, NOTHING,
                                      sum((left for _, left in card_charges(order)), NOTHING))


def refund_units(order: Order, key: str, user: User | None) -> Decimal:
    """Inside the caller's transaction, once lines or units left the order (or it was
    cancelled): what the cards paid for them leaves the order now and goes back to the
    cards once the transaction commits. Returns the amount."""
    # The caller lowered the total first: flush only once what was paid is lowered too.
    with db.session.no_autoflush:
        charges = card_charges(order)
    keeps = NOTHING if order.is_cancelled else order.total
    amount = refund_for_cancelled_units(order.amount_paid, keeps,
                                        sum((left for _, left in charges), NOTHING))
    _refund_later(order, amount, charges, key, user)
    return amount


def request_refund(order_id: int, version: int, amount: Decimal, user: User | None) -> None:
    """Staff's `Refund`: an amount back to the cards that paid this order."""
    from app.services.orders import claim

    with transaction():
        order = claim(order_id, version)
        charges = card_charges(order)
        check_refund(amount, refund_for_cancelled_units(
            order.amount_paid, NOTHING, sum((left for _, left in charges), NOTHING)))
        _refund_later(order, amount, charges, f"refund-{order_id}-{order.version}", user)


def _refund_later(order: Order, amount: Decimal, charges: list[tuple[str, Decimal]],
                  key: str, user: User | None) -> None:
    """Take `amount` off what the order was paid now, as pending card refunds (negative
    card payments, the latest charges first), and refund them through Stripe once the
    transaction commits (the job `refund_card`, keyed by `key`)."""
    if amount <= 0:
        return
    for intent_id, part in plan_card_refund(amount, charges):
        db.session.add(Payment(order=order, amount=-part, method=CARD,
                               reference=f"{intent_id} {PENDING} {key}",
                               user_id=user.id if user else None))
    order.amount_paid -= amount
    log_event(order, "refund", f"Refund of {format_money(amount)} to the card requested", user)
    after_commit("refund_card", order.id, key)


PENDING = "pending"


def refund(order_id: int, key: str) -> None:
    """The job: send the order's refunds pending under `key` to Stripe, and write each
    refund's id on its payment.

    Each Stripe refund carries `key` in its metadata: a job retried after it reached
    Stripe finds the refund it made (asking Stripe, not our tables) instead of refunding
    again, so a retry never refunds twice, even where idempotency keys are not kept."""
    pending = [(payment_id, reference, -amount) for payment_id, reference, amount in
               db.session.execute(select(Payment.id, Payment.reference, Payment.amount)
                                  .where(Payment.order_id == order_id, Payment.method == CARD,
                                         Payment.amount < 0)
                                  .order_by(Payment.id)).all()
               if reference.endswith(f" {PENDING} {key}")]
    db.session.rollback()
    stripe_client = stripe_gateway.client()
    for payment_id, reference, amount in pending:
        intent_id = reference.split()[0]
        made = next((made for made in stripe_client.v1.refunds.list(
            params={"payment_intent": intent_id, "limit": 100}).data
            if (made.to_dict().get("metadata") or {}).get("refund_key") == key), None)
        if made is None:
            made = stripe_client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": to_cents(amount),
                        "metadata": {"refund_key": key, "order_id": str(order_id)}},
                options={"idempotency_key": f"{key}-{intent_id}"})
        with transaction():
            payment = db.session.get(Payment, payment_id, with_for_update=True)
            if payment is None or payment.reference != reference:
                continue  # settled meanwhile by another run of this job
            payment.reference = f"{intent_id} refund {made.id}"
            log_event(payment.order, "refund",
                      f"Refunded {format_money(amount)} to the card ({made.id})")
