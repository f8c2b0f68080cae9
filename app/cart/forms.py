from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional

from app.domain.checkout import DeliveryChoice
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
    # Asked only when the cart would split and the shop lets shoppers choose: the view
    # removes it otherwise (offer_delivery). Not posted: the default, the split.
    delivery = SelectField("Delivery", choices=[choice.value for choice in DeliveryChoice],
                           default=DeliveryChoice.SHIP_NOW.value, validate_choice=False,
                           validators=[Optional(), AnyOf(
                               [choice.value for choice in DeliveryChoice],
                               message="Choose Ship what is in stock now or Ship everything "
                                       "together")],
                           render_kw={"autocomplete": "off"})
    # The SetupIntent through which Stripe.js saved the card: its id, never card data.
    setup_intent = HiddenField(validators=[Length(max=255)])

    def offer_delivery(self, offered: bool) -> None:
        """Ask `Delivery` only where checkout offers the choice."""
        if not offered:
            del self.delivery

    def chosen_delivery(self) -> DeliveryChoice | None:
        """The shopper's answer, if asked (validated: one of the choices, or none)."""
        data = self.delivery.data if "delivery" in self else None
        return DeliveryChoice(data) if data else None

    def offer_cards(self) -> None:
        """Card first, where the shop takes cards."""
        self.payment_method.choices = [CARD, BANK_DEPOSIT]


__all__ = ["CardSetupForm", "CartLineForm", "RemoveForm", "CheckoutForm", "MAX_QUANTITY"]
