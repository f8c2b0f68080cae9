from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
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
    name = StringField("Name", validators=[DataRequired(message="Enter your name"),
                                           Length(max=200)])
    email = StringField("Email", validators=[DataRequired(message="Enter your email"),
                                             Email(message="Enter a valid email address"),
                                             Length(max=254)])
    address = TextAreaField("Address", validators=[
        DataRequired(message="Enter the delivery address"), Length(max=1000)])
    payment_method = SelectField("Payment method", choices=PAYMENT_METHODS,
                                 validators=[InputRequired()])


__all__ = ["CartLineForm", "RemoveForm", "CheckoutForm", "MAX_QUANTITY"]
