from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.forms import once_field
from app.shop.forms import MAX_QUANTITY, AddToCartForm

BANK_DEPOSIT, CARD = "Bank deposit", "Card"
PAYMENT_METHODS = [BANK_DEPOSIT]


class CartLineForm(AddToCartForm):
    """One cart line's Quantity, with the Update and Remove buttons."""


class RemoveForm(FlaskForm):
    """Remove a line from the cart (no fields but the CSRF token)."""


class CardSetupForm(FlaskForm):
    """Sent by the checkout page's script before Stripe.js saves the card."""
    # The checkout form's one-time token: it keys the Stripe calls, so it is required.
    once = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])


class CheckoutForm(FlaskForm):
    once = once_field()
    # autocomplete: the browser fills in what it knows of the shopper.
    name = StringField("Name", validators=[DataRequired(message="Enter your name"),
                                           Length(max=200)],
                       render_kw={"autocomplete": "name"})
    email = EmailField("Email", validators=[DataRequired(message="Enter your email"),
                                            Email(message="Enter a valid email address"),
                                            Length(max=254)],
                       render_kw={"autocomplete": "email"})
    address = TextAreaField("Address", validators=[
        DataRequired(message="Enter the delivery address"), Length(max=1000)],
        render_kw={"autocomplete": "street-address"})
    payment_method = SelectField("Payment method", choices=PAYMENT_METHODS,
                                 validators=[InputRequired()],
                                 render_kw={"autocomplete": "off"})
    # The SetupIntent through which Stripe.js saved the card: its id, never card data.
    setup_intent = HiddenField(validators=[Length(max=255)])

    def offer_cards(self) -> None:
        """Card first, where the shop takes cards."""
        self.payment_method.choices = [CARD, BANK_DEPOSIT]


__all__ = ["CardSetupForm", "CartLineForm", "RemoveForm", "CheckoutForm", "MAX_QUANTITY"]
