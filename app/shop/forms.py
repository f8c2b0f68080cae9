from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.domain.orders import MAX_LINE_QUANTITY
from app.forms import once_field

# A cart line holds at most what an order line may: the cart becomes the order.
MAX_QUANTITY = MAX_LINE_QUANTITY


class AddToCartForm(FlaskForm):
    """Quantity for the buy button; the button's label comes from the product's offer."""

    once = once_field()
    quantity = IntegerField("Quantity", default=1, validators=[
        InputRequired(message="Enter a quantity"),
        NumberRange(1, MAX_QUANTITY, message=f"Enter a whole number from 1 to {MAX_QUANTITY}")])
