"""What a card pays at checkout and how one payment is shared (app.domain.payments)."""
from decimal import Decimal

import pytest

from app.domain.errors import PaymentRefused
from app.domain.payments import (BackorderCharge, card_money, charge_at_release,
                                 check_refund, due_at_checkout, due_by_card, from_cents,
                                 plan_card_refund, refund_for_cancelled_units, spread_payment,
                                 to_cents)

D = Decimal
AT_CHECKOUT, WHEN_THEY_SHIP = BackorderCharge.AT_CHECKOUT, BackorderCharge.WHEN_THEY_SHIP


@pytest.mark.parametrize(("charge", "ships_now", "backorders", "due"), [
    (WHEN_THEY_SHIP, "30.00", "20.00", "30.00"),
    (AT_CHECKOUT, "30.00", "20.00", "50.00"),
    (WHEN_THEY_SHIP, "0.00", "20.00", "0.00"),      # everything waits: nothing today
    (AT_CHECKOUT, "0.00", "20.00", "20.00"),
    (WHEN_THEY_SHIP, "30.00", "0.00", "30.00"),     # nothing waits
    (AT_CHECKOUT, "30.00", "0.00", "30.00"),
    (AT_CHECKOUT, "0.01", "0.00", "0.01"),
])
def test_a_card_pays_what_ships_now_and_the_backorders_only_when_charged_at_checkout(
        charge, ships_now, backorders, due):
    assert due_by_card(charge, D(ships_now), D(backorders)) == D(due)


# An order and its backorders as (what each asks, whether it waits for stock).
@pytest.mark.parametrize(("charge", "family", "due"), [
    pytest.param(WHEN_THEY_SHIP, [("30.00", False), ("20.00", True)], "30.00", id="split"),
    pytest.param(AT_CHECKOUT, [("30.00", False), ("20.00", True)], "50.00",
                 id="split-at-checkout"),
    # `Ship everything together`: the one order waits, so nothing ships now.
    pytest.param(WHEN_THEY_SHIP, [("50.00", True)], "0.00", id="together"),
    pytest.param(AT_CHECKOUT, [("50.00", True)], "50.00", id="together-at-checkout"),
    pytest.param(WHEN_THEY_SHIP, [("50.00", False)], "50.00", id="everything-ships-now"),
    pytest.param(WHEN_THEY_SHIP, [("0.00", False), ("20.00", True)], "0.00",
                 id="empty-parent"),
    pytest.param(WHEN_THEY_SHIP, [("0.01", False), ("20.00", True)], "0.01",
                 id="a-cent-ships-now"),
    pytest.param(AT_CHECKOUT, [("0.01", True)], "0.01", id="a-cent-waits"),
    pytest.param(WHEN_THEY_SHIP, [], "0.00", id="nothing"),
])
def test_what_a_card_pays_at_checkout_follows_which_orders_wait(charge, family, due):
    # As text: an amount in dollars and cents ("0.00"), even when no order asks anything.
    assert str(due_at_checkout(charge, [(D(asks), waits) for asks, waits in family])) == due


@pytest.mark.parametrize(("amount", "dues", "shares"), [
    ("50.00", ["30.00", "20.00"], ["30.00", "20.00"]),
    ("30.00", ["30.00", "20.00"], ["30.00", "0.00"]),
    ("30.01", ["30.00", "20.00"], ["30.00", "0.01"]),
    ("0.00", ["30.00", "20.00"], ["0.00", "0.00"]),
    ("20.00", ["0.00", "20.00"], ["0.00", "20.00"]),     # an empty parent asks nothing
    ("20.00", ["-5.00", "20.00"], ["0.00", "20.00"]),    # nor does one owed money back
    ("10.00", ["10.00"], ["10.00"]),
])
def test_one_card_payment_is_shared_parent_first_each_up_to_what_it_asks(amount, dues, shares):
    assert spread_payment(D(amount), [D(due) for due in dues]) == [D(s) for s in shares]


@pytest.mark.parametrize(("amount", "dues"), [("50.01", ["30.00", "20.00"]), ("0.01", [])])
def test_a_card_payment_above_what_the_orders_ask_is_refused(amount, dues):
    with pytest.raises(ValueError, match=f"^{amount} is more than the orders ask for$"):
        spread_payment(D(amount), [D(due) for due in dues])


@pytest.mark.parametrize(("amount", "cents"), [("0.01", 1), ("12.34", 1234), ("100.00", 10000),
                                               ("0.00", 0)])
def test_an_amount_goes_to_stripe_in_whole_cents_and_back(amount, cents):
    assert to_cents(D(amount)) == cents
    assert from_cents(cents) == D(amount)


@pytest.mark.parametrize(("due", "saved", "charged"), [
    ("20.00", True, "20.00"),
    ("0.01", True, "0.01"),
    ("0.00", True, "0.00"),      # paid at checkout: nothing more
    ("-1.00", True, "0.00"),     # owed money back: never a negative charge
    ("20.00", False, "0.00"),    # bank deposit: nothing to charge
])
def test_a_released_backorder_charges_what_it_asks_to_the_saved_card(due, saved, charged):
    assert charge_at_release(D(due), saved) == D(charged)


@pytest.mark.parametrize(("amount", "charges", "plan"), [
    ("10.00", [("pi_a", "30.00")], [("pi_a", "10.00")]),
    ("30.00", [("pi_a", "30.00")], [("pi_a", "30.00")]),
    ("25.00", [("pi_a", "30.00"), ("pi_b", "20.00")], [("pi_b", "20.00"), ("pi_a", "5.00")]),
    ("20.00", [("pi_a", "30.00"), ("pi_b", "20.00")], [("pi_b", "20.00")]),
    ("5.00", [("pi_a", "30.00"), ("pi_b", "0.00")], [("pi_a", "5.00")]),
    ("0.00", [("pi_a", "30.00")], []),
    # Under a dollar: a cent of a charge refunds, and a charge of cents refunds in full.
    ("0.50", [("pi_a", "30.00")], [("pi_a", "0.50")]),
    ("1.50", [("pi_a", "30.00"), ("pi_b", "0.50")], [("pi_b", "0.50"), ("pi_a", "1.00")]),
])
def test_a_refund_takes_the_latest_card_charges_first_each_up_to_what_is_left(amount, charges,
                                                                              plan):
    assert plan_card_refund(D(amount), [(c, D(left)) for c, left in charges]) == \
        [(c, D(part)) for c, part in plan]


@pytest.mark.parametrize(("amount", "charges", "message"), [
    ("30.01", [("pi_a", "30.00")], "The cards paid $30.00 that can be refunded"),
    ("0.01", [], "The cards paid $0.00 that can be refunded"),
])
def test_a_refund_beyond_what_the_cards_paid_is_refused(amount, charges, message):
    with pytest.raises(PaymentRefused) as refused:
        plan_card_refund(D(amount), [(c, D(left)) for c, left in charges])
    assert refused.value.message.startswith(message)


@pytest.mark.parametrize(("amount", "refundable"), [
    ("0.01", "30.00"),
    ("30.00", "30.00"),  # all that is left: the last cent may be refunded
])
def test_staff_may_refund_up_to_what_the_cards_paid(amount, refundable):
    check_refund(D(amount), D(refundable))


@pytest.mark.parametrize(("amount", "refundable", "message"), [
    ("30.01", "30.00", "The cards paid $30.00 that can be refunded: refund no more than that"),
    ("0.01", "0.00", "The cards paid $0.00 that can be refunded: refund no more than that"),
    ("0.00", "30.00", "Enter an amount above zero, in dollars and cents"),
    ("-5.00", "30.00", "Enter an amount above zero, in dollars and cents"),
    ("1.234", "30.00", "Enter an amount above zero, in dollars and cents"),
])
def test_a_refund_that_is_not_a_positive_amount_within_what_was_paid_is_refused(
        amount, refundable, message):
    with pytest.raises(PaymentRefused) as refused:
        check_refund(D(amount), D(refundable))
    assert refused.value.message == message


@pytest.mark.parametrize(("paid", "total_after", "card_left", "refund"), [
    ("50.00", "0.00", "50.00", "50.00"),     # the whole order cancelled: all it was paid
    ("50.00", "30.00", "50.00", "20.00"),    # a line of $20 cancelled: its $20
    ("50.00", "49.99", "50.00", "0.01"),     # the last cent
    ("50.00", "50.00", "50.00", "0.00"),     # nothing cancelled: nothing back
    ("30.00", "30.00", "30.00", "0.00"),     # the paid part kept, the unpaid part cancelled
    ("30.00", "20.00", "30.00", "10.00"),    # a part-paid order: what it keeps is paid first
    ("20.00", "35.00", "20.00", "0.00"),     # units that were never paid for
    ("50.00", "0.00", "30.00", "30.00"),     # $20 paid by bank deposit: the cards take $30
    ("50.00", "0.00", "0.00", "0.00"),       # all by bank deposit: staff refund it
    ("50.00", "20.00", "10.00", "10.00"),    # the cards hold less than is owed back
    ("0.00", "0.00", "0.00", "0.00"),        # an order never paid
    ("20.00", "0.00", "-5.00", "0.00"),      # more refunded than charged never refunds more
    ("20.00", "-1.00", "20.00", "20.00"),    # a total below zero keeps nothing
    ("0.03", "0.01", "0.03", "0.02"),        # cents
])
def test_cancelled_units_refund_what_was_paid_beyond_what_the_order_keeps(paid, total_after,
                                                                          card_left, refund):
    assert refund_for_cancelled_units(D(paid), D(total_after), D(card_left)) == D(refund)


@pytest.mark.parametrize(("payments", "order_id", "charges"), [
    # One charge on the order itself.
    ([(1, "pi_a", "30.00")], 1, [("pi_a", "30.00")]),
    # Paid at checkout for the order and its backorder: one charge, a share on each.
    ([(1, "pi_a", "30.00"), (2, "pi_a", "20.00")], 2, [("pi_a", "50.00")]),
    # A staff split carried the money to the backorder as credit: the parent's charge.
    ([(1, "pi_a", "50.00")], 2, [("pi_a", "50.00")]),
    # The backorder's own charge (at release) comes last: a refund takes it first.
    ([(2, "pi_b", "20.00"), (1, "pi_a", "30.00")], 2, [("pi_a", "30.00"), ("pi_b", "20.00")]),
    ([(1, "pi_a", "30.00"), (2, "pi_b", "20.00")], 1, [("pi_b", "20.00"), ("pi_a", "30.00")]),
    # A refund recorded on the backorder counts against the parent's charge.
    ([(1, "pi_a", "50.00"), (2, "pi_a refund re_1", "-20.00")], 1, [("pi_a", "30.00")]),
    # A refund of another order that took the charge makes it nobody's own.
    ([(1, "pi_a", "30.00"), (2, "pi_a refund re_1", "-10.00"), (2, "pi_b", "5.00")], 2,
     [("pi_a", "20.00"), ("pi_b", "5.00")]),
    # Cents left of a charge still count; a charge of cents paid this order itself.
    ([(1, "pi_a", "30.00"), (1, "pi_a refund re_1", "-29.50"), (2, "pi_b", "0.50")], 2,
     [("pi_a", "0.50"), ("pi_b", "0.50")]),
    ([(2, "pi_b", "0.50"), (1, "pi_a", "30.00")], 2, [("pi_a", "30.00"), ("pi_b", "0.50")]),
    # Refunded in full: nothing left to take.
    ([(1, "pi_a", "30.00"), (1, "pi_a refund re_1", "-30.00")], 1, []),
    ([], 1, []),
])
def test_a_refund_may_take_any_card_charge_of_the_family_its_own_first(payments, order_id,
                                                                       charges):
    rows = [(paid_order, reference, D(amount)) for paid_order, reference, amount in payments]
    assert card_money(rows, order_id) == [(c, D(left)) for c, left in charges]
