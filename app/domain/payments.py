"""Payment rules: what an order still asks for, and which payments it takes."""
from decimal import Decimal, InvalidOperation

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
