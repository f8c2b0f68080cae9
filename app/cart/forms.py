from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.forms import once_field
from app.shop.forms import MAX_QUANTITY, AddToCartForm

PAYMENT_METHODS = ["Bank deposit"]


class CartLineForm(AddToCartForm):
    """One cart line's Quantity, with the Update and Remove buttons."""


class RemoveForm(FlaskForm):
    """Remove a line from the cart (no fields but the CSRF token)."""


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


__all__ = ["CartLineForm", "RemoveForm", "CheckoutForm", "MAX_QUANTITY"]
