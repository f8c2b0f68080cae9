"""What staff may record as a payment (app.domain.payments.check_payment)."""
from decimal import Decimal

import pytest

from app.domain.errors import PaymentRefused
from app.domain.payments import check_payment

DUE = Decimal("25.00")


@pytest.mark.parametrize("amount", ["0.01", "10", "12.5", "24.99", "25.00", "25.000"])
def test_a_payment_in_cents_up_to_what_is_due_is_taken(amount):
    check_payment(Decimal(amount), DUE)  # raises if refused


@pytest.mark.parametrize(("amount", "due", "message"), [
    ("0", DUE, "Enter an amount above zero, in dollars and cents"),
    ("-0", DUE, "Enter an amount above zero, in dollars and cents"),
    ("-5.00", DUE, "Enter an amount above zero, in dollars and cents"),
    ("0.001", DUE, "Enter an amount above zero, in dollars and cents"),
    ("10.005", DUE, "Enter an amount above zero, in dollars and cents"),
    ("25.01", DUE, "That is more than the $25.00 still due"),
    ("1000", DUE, "That is more than the $25.00 still due"),
    ("0.01", Decimal("0.00"), "That is more than the $0.00 still due"),
    ("1e30", DUE, "Enter an amount in dollars and cents"),
    ("Infinity", DUE, "Enter an amount in dollars and cents"),
    ("-Infinity", DUE, "Enter an amount in dollars and cents"),
    ("sNaN", DUE, "Enter an amount in dollars and cents"),
    ("NaN", DUE, "Enter an amount in dollars and cents"),
])
def test_a_payment_that_is_not_positive_cents_within_what_is_due_is_refused(amount, due, message):
    with pytest.raises(PaymentRefused) as refused:
        check_payment(Decimal(amount), due)
    assert refused.value.message == message
    assert refused.value.field == "amount"
