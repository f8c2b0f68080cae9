"""Forms of the supplier and purchase order pages. The labels are a contract (docs/guide.md,
Purchase orders): screen readers and browser tests find the fields by them."""
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange,
                                Optional, Regexp, ValidationError)

from app.admin.forms import MAX_PRICE, MoneyField
from app.domain.promise import MAX_PO_QUANTITY
from app.forms import once_field

PO_QUANTITY_RANGE = f"Enter a whole number from 1 to {MAX_PO_QUANTITY:,}"
RECEIVE_RANGE = f"Enter a whole number from 0 to {MAX_PO_QUANTITY:,}"
MAX_LEAD_TIME = 3650


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class SupplierForm(FlaskForm):
    name = StringField("Name", filters=[_stripped], validators=[
        DataRequired(message="Enter the supplier's name"), Length(max=200)])
    email = StringField("Email", filters=[_stripped], validators=[
        DataRequired(message="Enter the email purchase orders go to"),
        Email(message="Enter a valid email address"), Length(max=254)])
    lead_time_days = IntegerField("Lead time (days)", default=0, validators=[
        InputRequired(message="Enter the days a delivery takes"),
        NumberRange(0, MAX_LEAD_TIME,
                    message=f"Enter a whole number of days from 0 to {MAX_LEAD_TIME:,}")])


class NewPurchaseOrderForm(FlaskForm):
    # Choices are the suppliers, set by the view; anything else is "Not a valid choice."
    supplier_id = SelectField("Supplier", coerce=int, choices=[])
    expected_date = DateField("Expected date", validators=[
        InputRequired(message="Enter the date the delivery is expected")])


class VersionedForm(FlaskForm):
    """A form that acts on a PO as the page showed it."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class AddLineForm(VersionedForm):
    version = HiddenField(id="line-version", validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    sku = StringField("SKU", filters=[_stripped], validators=[
        DataRequired(message="Enter a SKU"), Length(max=64)])
    quantity = IntegerField("Quantity", validators=[
        InputRequired(message="Enter the units to order"),
        NumberRange(1, MAX_PO_QUANTITY, message=PO_QUANTITY_RANGE)])
    unit_cost = MoneyField("Unit cost", places=2, validators=[
        InputRequired(message="Enter the unit cost"),
        NumberRange(0, MAX_PRICE, message=f"Enter a cost from 0 to {MAX_PRICE:,}")])

    def validate_unit_cost(self, field):
        if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError("Enter a cost in dollars and cents")


class PurchaseOrderForm(VersionedForm):
    """The PO page's Save form; po_form() adds `Qty for <SKU>` per line."""

    expected_date = DateField("Expected date", validators=[
        InputRequired(message="Enter the date the delivery is expected")])
    line_ids: list[int] = []


def po_form(lines, **kwargs) -> PurchaseOrderForm:
    class LinesForm(PurchaseOrderForm):
        pass

    LinesForm.line_ids = [line.id for line in lines]
    for line in lines:
        setattr(LinesForm, f"qty_{line.id}", IntegerField(
            f"Qty for {line.sku}", default=line.quantity, validators=[
                InputRequired(message="Enter a Qty"),
                NumberRange(1, MAX_PO_QUANTITY, message=PO_QUANTITY_RANGE)]))
    return LinesForm(**kwargs)


class ReceiveForm(VersionedForm):
    """The PO page's Receive form; receive_form() adds `Receive for <SKU>` per line."""

    version = HiddenField(id="receive-version", validators=[InputRequired(),
                                                            Regexp(r"^\d{1,9}$")])
    once = once_field("po-receive-once")
    reference = StringField("Reference", id="receive-reference", filters=[_stripped],
                            validators=[Optional(), Length(max=80)])
    close_short = BooleanField("Close short: the units still to come will not come")
    line_ids: list[int] = []


def receive_form(lines, **kwargs) -> ReceiveForm:
    class LinesForm(ReceiveForm):
        pass

    LinesForm.line_ids = [line.id for line in lines]
    for line in lines:
        setattr(LinesForm, f"receive_{line.id}", IntegerField(
            f"Receive for {line.sku}", default=0, validators=[
                Optional(), NumberRange(0, MAX_PO_QUANTITY, message=RECEIVE_RANGE)]))
    return LinesForm(**kwargs)


class CancelForm(VersionedForm):
    version = HiddenField(id="cancel-version", validators=[InputRequired(),
                                                           Regexp(r"^\d{1,9}$")])


class OrderedForm(VersionedForm):
    version = HiddenField(id="ordered-version", validators=[InputRequired(),
                                                            Regexp(r"^\d{1,9}$")])


class DraftForm(FlaskForm):
    """`Draft purchase orders` on the coverage page; a double click drafts once."""

    once = once_field("draft-once")

