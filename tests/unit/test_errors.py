"""What a rule's refusal says, and which field of the form the message goes next to."""
import pytest

from app.domain.errors import (AlreadySubmitted, BackordersDisabled, DispatchNotConfirmed,
                               DomainError, IllegalTransition, InsufficientStock, InvalidQuantity,
                               OrderNotEditable, PaymentRefused, StaleOrder,
                               StockAdjustmentRefused)
from app.domain.orders import BACKORDERS_OFF, NOT_SPLITTABLE

# how the error is raised -> its message, the field it is shown next to (None: the page's
# own message; "form": above the form, which is out of date as a whole)
TABLE = [
    (StaleOrder, (), {}, "This order changed since you opened it", "form"),
    (AlreadySubmitted, (), {}, "That was already done", None),
    (OrderNotEditable, (NOT_SPLITTABLE,), {"field": "bko"}, NOT_SPLITTABLE, "bko"),
    (OrderNotEditable, ("Only a backorder can be marked as New",), {},
     "Only a backorder can be marked as New", None),
    (BackordersDisabled, (BACKORDERS_OFF,), {}, BACKORDERS_OFF, "bko"),
    (InsufficientStock, ("Only 2 of TEA-1 left",), {}, "Only 2 of TEA-1 left", "quantity"),
    (InvalidQuantity, ("BKO for TEA-1 must be a whole number from 0 to 3",), {"field": "bko"},
     "BKO for TEA-1 must be a whole number from 0 to 3", "bko"),
    (IllegalTransition, ("An order cannot move from New to Pack",), {},
     "An order cannot move from New to Pack", "status"),
    (PaymentRefused, ("Enter an amount above zero",), {}, "Enter an amount above zero", "amount"),
    (StockAdjustmentRefused, ("On hand cannot go below 0",), {}, "On hand cannot go below 0",
     "quantity"),
    (DispatchNotConfirmed, ("N1001 still has 12.50 due",), {}, "N1001 still has 12.50 due",
     "confirm_due"),
]


@pytest.mark.parametrize(("error_class", "args", "kwargs", "message", "field"), TABLE,
                         ids=[f"{row[0].__name__}-{row[4]}" for row in TABLE])
def test_an_error_carries_its_message_for_people_and_the_field_it_belongs_to(
        error_class, args, kwargs, message, field):
    error = error_class(*args, **kwargs)  # raised here, inside the test, as a rule would
    assert isinstance(error, DomainError)
    assert error.message == str(error) == message
    assert error.field == field


def test_a_refusal_about_one_order_line_names_that_line():
    """BKO 9 on a line of 3: the message goes next to that line's BKO field, not another's."""
    refused = InvalidQuantity("BKO for TEA-1 must be a whole number from 0 to 3", field="bko",
                              line_id=42)
    assert (refused.field, refused.line_id) == ("bko", 42)
    assert OrderNotEditable(NOT_SPLITTABLE, field="bko").line_id is None


def test_a_form_posted_twice_names_the_order_it_already_placed():
    """Place order pressed twice: the shopper is shown the one order that was placed."""
    assert AlreadySubmitted(order_id=1042).order_id == 1042
    assert AlreadySubmitted().order_id is None
