"""Back-office forms. The labels are a contract: screen readers and browser tests find the
fields by them, so keep them exactly as written (docs/guide.md names each one)."""
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, HiddenField, IntegerField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from app.domain.buttons import Policy
from app.domain.orders import MAX_LINE_QUANTITY, OrderStatus
from app.forms import once_field

MAX_STOCK = 1_000_000
MAX_PRICE = 1_000_000


class MoneyField(DecimalField):
    """A DecimalField that treats NaN, infinities and absurd sizes as no number.

    Its NumberRange then refuses them with the field's own message.
    """

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and (not self.data.is_finite() or abs(self.data) >= 10**12):
            self.data = None


class SettingsForm(FlaskForm):
    """A settings tab: every field but the CSRF token is a store setting."""

    sections: dict[str, list[str]] = {}

    def setting_names(self) -> list[str]:
        return [name for names in self.sections.values() for name in names]


class SalesOrdersForm(SettingsForm):
    sections = {
        "Order Processing Rules": ["create_backorder", "disable_partial_backorder",
                                   "keep_empty_parent", "auto_release"],
        "Order Numbering": ["order_prefix", "backorder_suffix"],
    }
    create_backorder = BooleanField("Create backorder when backorder items")
    disable_partial_backorder = BooleanField("Disable partial backorder")
    keep_empty_parent = BooleanField("Keep original empty order if all items backordered")
    auto_release = BooleanField("Release backorders automatically when stock arrives")
    order_prefix = StringField("Order ID prefix", validators=[
        InputRequired(message="Enter a prefix"),
        Regexp(r"^[A-Za-z]{1,10}$", message="Use 1 to 10 letters")])
    backorder_suffix = BooleanField("Enable Backorder Suffix")


class WebStoreForm(SettingsForm):
    sections = {"Webshop Settings > Checkout Settings": ["out_of_stock_checkout",
                                                         "show_arrival_date"]}
    out_of_stock_checkout = BooleanField("Enable Out Of Stock Checkout")
    show_arrival_date = BooleanField("Show expected arrival date")


SETTINGS_TABS = {
    "sales-orders": ("Sales Orders & Invoices", SalesOrdersForm),
    "web-store": ("Web Store", WebStoreForm),
}


class ProductForm(FlaskForm):
    sku = StringField("SKU", validators=[
        DataRequired(message="Enter a SKU"),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
               message="Use up to 64 letters, digits, dots, dashes or underscores")])
    name = StringField("Name", validators=[DataRequired(message="Enter a name"),
                                           Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    price = MoneyField("Price", places=2, validators=[
        InputRequired(message="Enter a price"),
        NumberRange(0, MAX_PRICE, message=f"Enter a price from 0 to {MAX_PRICE:,}")])
    on_hand = IntegerField("On hand", default=0, validators=[
        InputRequired(message="Enter the units on hand"),
        NumberRange(0, MAX_STOCK, message=f"Enter a whole number from 0 to {MAX_STOCK:,}")])
    backorder_policy = SelectField("Backorders", choices=[p.value for p in Policy],
                                   default=Policy.STORE.value)
    arrival_date = DateField("Date of arrival", validators=[Optional()])
    backorder_limit = IntegerField("Backorder limit", validators=[
        Optional(), NumberRange(0, MAX_STOCK, message=f"Enter a whole number from 0 to {MAX_STOCK:,}")])

    def validate_price(self, field):
        if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError("Enter a price in dollars and cents")


class ReceiveStockForm(FlaskForm):
    once = once_field("receive-once")
    quantity = IntegerField("Quantity", validators=[
        InputRequired(message="Enter the units received"),
        NumberRange(1, MAX_STOCK, message=f"Enter a whole number from 1 to {MAX_STOCK:,}")])
    reference = StringField("Reference", validators=[
        DataRequired(message="Enter a reference, such as the supplier's delivery number"),
        Length(max=100)])


class AdjustStockForm(FlaskForm):
    once = once_field("adjust-once")
    # Its own id: the receive form on the same page has a "quantity" too.
    quantity = IntegerField("Change", id="adjust-quantity", validators=[
        InputRequired(message="Enter the change in units, such as -2"),
        NumberRange(-MAX_STOCK, MAX_STOCK, message="Enter a whole number of units")])
    reason = StringField("Reason", id="adjust-reason", validators=[
        DataRequired(message="Enter the reason"),
                                               Length(max=100)])

    def validate_quantity(self, field):
        if field.data == 0:
            raise ValidationError("Enter a change other than 0")


class OrderForm(FlaskForm):
    """The order page's Save form; order_form() adds a Qty and BKO field per line."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    status = SelectField("Status", choices=[s.value for s in OrderStatus])
    # Shown only while the order could be dispatched with money due; its label names the sum.
    dispatch_with_due = BooleanField("Dispatch with money still due")
    line_ids: list[int] = []

    def quantity_field(self, line_id: int):
        return self[f"qty_{line_id}"]

    def bko_field(self, line_id: int):
        return self[f"bko_{line_id}"]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for line_id in self.line_ids:
            qty, bko = self.quantity_field(line_id), self.bko_field(line_id)
            if valid and bko.data and qty.data is not None and bko.data > qty.data:
                bko.errors.append(f"BKO cannot be more than the Qty ({qty.data})")
                valid = False
        return valid


def order_form(lines, statuses, **kwargs) -> OrderForm:
    """An OrderForm with `Qty for <SKU>` and `BKO for <SKU>` for each line."""
    class LinesForm(OrderForm):
        pass

    LinesForm.line_ids = [line.id for line in lines]
    for line in lines:
        # Qty 0 removes the line.
        setattr(LinesForm, f"qty_{line.id}", IntegerField(
            f"Qty for {line.sku}", default=line.quantity, validators=[
                InputRequired(message="Enter a Qty"),
                NumberRange(0, MAX_LINE_QUANTITY,
                            message=f"Enter a whole number from 0 to {MAX_LINE_QUANTITY}")]))
        setattr(LinesForm, f"bko_{line.id}", IntegerField(
            f"BKO for {line.sku}", default=0, validators=[
                Optional(), NumberRange(0, MAX_LINE_QUANTITY,
                                        message="Enter a whole number from 0 to the Qty")]))
    form = LinesForm(**kwargs)
    form.status.choices = [s.value for s in statuses]
    return form


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class CustomerForm(FlaskForm):
    """The customer's name, email and address on one order, as the page showed them."""

    version = HiddenField(id="customer-version",
                          validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    # Stripped before validation: a name of spaces is no name.
    customer_name = StringField("Name", id="customer-name", filters=[_stripped], validators=[
        DataRequired(message="Enter the customer's name"), Length(max=200)])
    email = StringField("Email", id="customer-email", filters=[_stripped], validators=[
        DataRequired(message="Enter the customer's email"),
        Email(message="Enter a valid email address"), Length(max=254)])
    address = TextAreaField("Address", id="customer-address", filters=[_stripped], validators=[
        DataRequired(message="Enter the customer's address"), Length(max=1000)])


class VersionForm(FlaskForm):
    """A button that acts on an order as the page showed it."""

    version = HiddenField(id="release-version", validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class PaymentForm(VersionForm):
    version = HiddenField(id="payment-version", validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    amount = MoneyField("Amount", places=2, validators=[
        InputRequired(message="Enter an amount"),
        NumberRange(0.01, MAX_PRICE, message="Enter an amount above zero")])
    method = SelectField("Method", choices=["Bank deposit", "Cash", "Card", "Cheque", "Other"])
    reference = StringField("Reference", id="payment-reference",
                            validators=[Optional(), Length(max=100)])
