from flask_wtf import FlaskForm
from wtforms import EmailField, Form, HiddenField, IntegerField, StringField
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange,
                                Regexp)

from app.domain.orders import MAX_LINE_QUANTITY
from app.forms import NumberInput, once_field

# A cart line holds at most what an order line may: the cart becomes the order.
MAX_QUANTITY = MAX_LINE_QUANTITY


class QuantityForm(Form):
    """The buy button's quantity, as the product page draws it: a plain WTForms form,
    since the page puts its CSRF and one-time tokens in itself, per response."""

    quantity = IntegerField("Quantity", default=1, widget=NumberInput(), validators=[
        InputRequired(message="Enter a quantity"),
        NumberRange(1, MAX_QUANTITY, message=f"Enter a whole number from 1 to {MAX_QUANTITY}")])


class AddToCartForm(FlaskForm, QuantityForm):
    """Quantity for the buy button, as posted (CSRF checked, one-time token); the
    button's label comes from the product's offer."""

    once = once_field()


def strip(value: str | None) -> str | None:
    """Spaces pasted around a value are not part of it."""
    return value.strip() if isinstance(value, str) else value


class FindOrderForm(FlaskForm):
    """A shopper who lost their status link asks for it again by email."""

    reference = StringField("Order number", filters=[strip], validators=[
        DataRequired(message="Enter your order number"), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired(message="Enter the email you ordered with"),
        Email(message="Enter a valid email address"), Length(max=254)],
        render_kw={"autocomplete": "email"})


class DelayAnswerForm(FlaskForm):
    """`Keep waiting` or `Cancel waiting items`, for one order of the family that was asked."""

    order = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class PayNowForm(FlaskForm):
    """`Pay now`: the SetupIntent through which Stripe.js saved the card (no card data)."""

    once = once_field()
    setup_intent = HiddenField(validators=[DataRequired(message="Enter your card details"),
                                           Length(max=255)])


class ConfirmPaymentForm(FlaskForm):
    """Posted once Stripe.js asked the shopper's bank to confirm a payment."""

    payment_intent = HiddenField(validators=[DataRequired(), Regexp(r"^pi_\w{1,250}$")])


class CardSetupForm(FlaskForm):
    """Sent by the page's script before Stripe.js saves the card."""

    # The form's one-time token: it keys the Stripe calls, so it is required.
    once = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
