"""Payment rules: what an order still asks for, and which payments it takes."""
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from enum import Enum

from app.domain.errors import PaymentRefused
from app.domain.money import format_money

NOTHING = Decimal("0.00")


def payment_due(cancelled: bool, total: Decimal, paid: Decimal) -> Decimal:
    """What an order still asks the shopper to pay: nothing once it is cancelled."""
    return NOTHING if cancelled else total - paid


def to_refund(cancelled: bool, paid: Decimal) -> Decimal:
    """What the shop owes back: everything paid on a cancelled order."""
    return paid if cancelled else NOTHING


def check_payment(amount: Decimal, payment_required: Decimal) -> None:
    """A payment is positive, in cents, and never more than what is still due."""
    if not amount.is_finite():
        raise PaymentRefused("Enter an amount in dollars and cents")
    try:
        cents = amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise PaymentRefused("Enter an amount in dollars and cents") from None
    if amount <= 0 or cents != amount:
        raise PaymentRefused("Enter an amount above zero, in dollars and cents")
    if amount > payment_required:
        raise PaymentRefused(f"That is more than the {format_money(payment_required)} still due")


class BackorderCharge(Enum):
    """When a card pays for the backordered part of an order (the Payments tab)."""

    AT_CHECKOUT = "At checkout"
    WHEN_THEY_SHIP = "When they ship"


def due_by_card(charge: BackorderCharge, ships_now_due: Decimal,
                backorders_due: Decimal) -> Decimal:
    """What a card pays at checkout: what ships now, and the backorders too only when the
    shop charges for them at checkout (else they are charged when they are released)."""
    if charge is BackorderCharge.AT_CHECKOUT:
        return ships_now_due + backorders_due
    return ships_now_due


def due_at_checkout(charge: BackorderCharge, dues: Sequence[tuple[Decimal, bool]]) -> Decimal:
    """What a card pays at checkout for an order and its backorders, each given as (what
    it asks, whether it waits for stock). An order waits when it is a backorder, or when
    the shopper chose `Ship everything together`: then nothing ships now, and with `When
    they ship` the card pays nothing until it does."""
    ships_now = sum((due for due, waits in dues if not waits), NOTHING)
    # Starting from 0 would give the same: `waiting` is only ever added to `ships_now`,
    # which carries the cents.
    waiting = sum((due for due, waits in dues if waits), NOTHING)  # pragma: no mutate
    return due_by_card(charge, ships_now, waiting)


def spread_payment(amount: Decimal, dues: Sequence[Decimal]) -> list[Decimal]:
    """Share one card payment among an order and its backorders, in that order, each
    taking up to what it still asks; the shares add up to the amount."""
    shares = []
    left = amount
    for due in dues:
        share = min(left, max(due, NOTHING))
        shares.append(share)
        left -= share
    if left != NOTHING:
        raise ValueError(f"{amount} is more than the orders ask for")
    return shares


def to_cents(amount: Decimal) -> int:
    """An amount as Stripe counts it: whole cents."""
    return int((amount * 100).to_integral_exact())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def charge_at_release(payment_required: Decimal, card_saved: bool) -> Decimal:
    """What a backorder released to New charges to the card saved for its order: what it
    still asks, when a card was saved (else the shopper pays as they chose)."""
    return max(payment_required, NOTHING) if card_saved else NOTHING


def plan_card_refund(amount: Decimal,
                     charges: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Which card charges refund `amount`: (charge id, what is left of it to refund), the
    latest first, each up to what is left of it. Refuses more than they hold."""
    plan = []
    left = amount
    for charge_id, refundable in reversed(charges):
        # `< 0` would refund the same: with nothing left, each part below is 0 and skipped.
        if left <= 0:  # pragma: no mutate
            break
        part = min(left, refundable)
        if part > 0:
            plan.append((charge_id, part))
            left -= part
    if left > 0:
        raise PaymentRefused(f"The cards paid {format_money(amount - left)} that can be "
                             "refunded: refund no more than that")
    return plan


def card_money(payments: Sequence[tuple[int, str, Decimal]],
               order_id: int) -> list[tuple[str, Decimal]]:
    """The card charges an order's refund may take from: (PaymentIntent id, what is left of
    it), from the card payments of its whole family, oldest first, as (order id, reference,
    amount); a refund's reference starts with its PaymentIntent's id.

    A split carries money to a backorder as credit, so the charge that paid a backorder may
    sit on its parent: every charge of the family counts. Those that paid this order itself
    come last, so a refund (latest first) takes them first. Charges with nothing left are
    left out."""
    left: dict[str, Decimal] = {}
    own: set[str] = set()
    for paid_order, reference, amount in payments:
        intent_id = reference.split()[0]
        left[intent_id] = left.get(intent_id, NOTHING) + amount
        if paid_order == order_id and reference == intent_id:  # a share, not a refund
            own.add(intent_id)
    # sorted() is stable: within each group, the charges keep their order.
    return sorted(((intent_id, rest) for intent_id, rest in left.items() if rest > 0),
                  key=lambda charge: charge[0] in own)


def refund_for_cancelled_units(paid: Decimal, total_after: Decimal,
                               card_left: Decimal) -> Decimal:
    """What cancelling units (lines, part of a line, the waiting items, the whole order)
    gives back to the cards: what the order was paid beyond what the units it keeps cost
    (they keep their payment first), and no more than the cards paid that is left.

    A cancelled order keeps nothing: `total_after` is 0. Prices are whole cents times
    whole units, so the refund is whole cents too."""
    beyond = max(paid - max(total_after, NOTHING), NOTHING)
    return min(beyond, max(card_left, NOTHING))


def check_refund(amount: Decimal, refundable: Decimal) -> None:
    """A refund is positive, in cents, and never more than the cards paid that is left."""
    check_payment(amount, amount)  # its shape: a positive amount in cents
    if amount > refundable:
        raise PaymentRefused(f"The cards paid {format_money(refundable)} that can be "
                             "refunded: refund no more than that")
