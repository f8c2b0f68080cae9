"""Payment rules."""
from decimal import Decimal, InvalidOperation

from app.domain.errors import PaymentRefused


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
        raise PaymentRefused(f"That is more than the {payment_required} still due")
