"""Back-office forms. The labels are a contract: screen readers and browser tests find the
fields by them, so keep them exactly as written (docs/guide.md names each one)."""
from decimal import Decimal

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, HiddenField, IntegerField,
                     MultipleFileField, SelectField, StringField, TextAreaField)
from wtforms.fields import SelectChoice
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from app.domain.buttons import Policy
from app.domain.categories import CategoryNameError, split_names
from app.domain.orders import MAX_LINE_QUANTITY, OrderStatus
from app.domain.payments import BackorderCharge
from app.domain.product_csv import SKU_PATTERN, SKU_RULE
from app.domain.stock import MAX_ON_HAND
from app.forms import once_field
from app.pictures.images import PictureRefused, Prepared, prepare
from app.services.pictures import MAX_ALT_TEXT, MAX_PICTURES

MAX_PRICE = 1_000_000
UNITS_RANGE = f"Enter a whole number from 0 to {MAX_ON_HAND:,}"


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
                                   "keep_empty_parent", "auto_release",
                                   "approve_covered", "ask_delay_confirmation"],
        "Order Numbering": ["order_prefix", "backorder_suffix"],
    }
    create_backorder = BooleanField(
        "Create backorder when backorder items",
        description="Items that cannot ship now (put on BKO by staff, or bought beyond stock "
                    "at checkout) move to a new backorder order of their own. When off, an "
                    "order ships or waits whole.")
    disable_partial_backorder = BooleanField(
        "Disable partial backorder",
        description="When any item must wait, the whole order is backordered, never single "
                    "lines: it all ships together.")
    keep_empty_parent = BooleanField(
        "Keep original empty order if all items backordered",
        description="When every item goes to backorder, the original order stays as an empty "
                    "order holding the payment, which pays for the backorder. When off, the "
                    "order itself becomes the backorder.")
    auto_release = BooleanField(
        "Release backorders automatically when stock arrives",
        description="When stock that arrives or is freed (a receipt, a stock adjustment, a "
                    "cancelled order's units) gives a backorder all its items, the backorder "
                    "moves to New by itself and the shopper is emailed. A backorder that a "
                    "split leaves with all its stock (the shopper asked to wait) is released "
                    "by staff with Mark as New.")
    approve_covered = BooleanField(
        "Approve backorders covered by a purchase order",
        description="A New Backorder whose waiting items are all on purchase orders that "
                    "are ordered (or partly received) moves to Backorder Approved by itself, "
                    "and back to New Backorder if a change to those purchase orders leaves "
                    "an item uncovered. Each move is on the order's timeline. Turning it on "
                    "applies it to the backorders waiting now.")
    ask_delay_confirmation = BooleanField(
        "Ask shoppers to confirm when a backorder is delayed",
        description="When a purchase order change moves a waiting order's expected date "
                    "later, the shopper's email links to their order page, which asks them "
                    "to keep waiting or cancel the items still waiting. Either way their "
                    "answer is on the order's timeline.")
    order_prefix = StringField(
        "Order ID prefix",
        description="The letters before each order number: with N, orders are N1001, N1002 "
                    "and so on. Orders already placed keep their numbers.",
        validators=[InputRequired(message="Enter a prefix"),
                    Regexp(r"^[A-Za-z]{1,10}$", message="Use 1 to 10 letters")])
    backorder_suffix = BooleanField(
        "Enable Backorder Suffix",
        description="A backorder is numbered after its order with a suffix: N1354-1, then "
                    "N1354-2. When off, a backorder takes the next order number.")


class WebStoreForm(SettingsForm):
    sections = {"Webshop Settings > Checkout Settings": ["out_of_stock_checkout",
                                                         "show_arrival_date"]}
    out_of_stock_checkout = BooleanField(
        "Enable Out Of Stock Checkout",
        description="Shoppers can buy items that are out of stock: their Out Of Stock buttons "
                    "become Backorder buttons. A product's own Backorders choice comes first.")
    show_arrival_date = BooleanField(
        "Show expected arrival date",
        description="The Backorder button, the cart, the order status page and the emails "
                    "say when an item is expected: from the purchase orders on their way, "
                    "else the product's Date of arrival. When off, shoppers see no dates.")


class PaymentsForm(SettingsForm):
    sections = {"Card payments": ["charge_backorders", "offer_ship_together"]}
    charge_backorders = SelectField(
        "Charge for backordered items",
        choices=[charge.value for charge in BackorderCharge],
        validators=[InputRequired()],
        description="At checkout: a card pays for the whole order, backordered items "
                    "included. When they ship: the card pays now for what ships now and is "
                    "saved for that order only; each backorder is charged when it is "
                    "released to New.")
    offer_ship_together = BooleanField(
        "Let shoppers choose to ship everything together",
        description="When a cart holds items in stock and items that must wait, checkout "
                    "asks Delivery: Ship what is in stock now (the order splits, as without "
                    "this) or Ship everything together (no backorder: the items in stock are "
                    "kept for the order, which ships whole when the rest arrives; a card is "
                    "charged then, or at checkout with At checkout).")


SETTINGS_TABS = {
    "sales-orders": ("Sales Orders & Invoices", SalesOrdersForm),
    "web-store": ("Web Store", WebStoreForm),
    "payments": ("Payments", PaymentsForm),
}


class ProductForm(FlaskForm):
    sku = StringField("SKU", validators=[
        DataRequired(message="Enter a SKU"),
        Regexp(SKU_PATTERN, message=SKU_RULE)])
    name = StringField("Name", validators=[DataRequired(message="Enter a name"),
                                           Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    # Not "categories": the form would read Product.categories, a list of rows, into it.
    category_names = StringField("Categories", validators=[Optional(), Length(max=2000)])
    price = MoneyField("Price", places=2, validators=[
        InputRequired(message="Enter a price"),
        NumberRange(0, MAX_PRICE, message=f"Enter a price from 0 to {MAX_PRICE:,}")])
    on_hand = IntegerField("On hand", default=0, validators=[
        InputRequired(message="Enter the units on hand")])
    backorder_policy = SelectField("Backorders", choices=[p.value for p in Policy],
                                   default=Policy.STORE.value)
    arrival_date = DateField("Date of arrival", validators=[Optional()])
    backorder_limit = IntegerField("Backorder limit", validators=[
        Optional(), NumberRange(0, MAX_ON_HAND, message=UNITS_RANGE)])
    # Choices are "no supplier" (0) and the suppliers, set by the view (supplier_choices).
    supplier_id = SelectField("Supplier", coerce=int, choices=[SelectChoice(0, "None")],
                              default=0)
    supplier_sku = StringField("Supplier SKU", validators=[Optional(), Length(max=64)])
    cost_price = MoneyField("Cost price", places=2, validators=[
        Optional(), NumberRange(0, MAX_PRICE, message=f"Enter a cost from 0 to {MAX_PRICE:,}")])
    pictures = MultipleFileField(
        "Pictures", render_kw={"accept": "image/jpeg,image/png,image/webp"},
        description="JPEG, PNG or WebP. The first picture of a product is its main one, "
                    "shown in the catalogue, the cart and emails.")

    # The product's on hand as saved, set by the view when editing. A figure above the
    # limit, saved before receipts were held to it, can be kept; a change must be within.
    saved_on_hand: int | None = None
    # The product's pictures (id, position) when editing: one `Alt text` field each.
    picture_ids: list[int] = []
    # The uploaded pictures, checked and made into every size by validate_pictures.
    prepared: list[Prepared]

    def alt_field(self, picture_id: int):
        return self[f"alt_{picture_id}"]

    def alt_texts(self) -> dict[int, str]:
        """The `Alt text` of each picture, by picture id."""
        return {pid: self.alt_field(pid).data.strip() for pid in self.picture_ids}

    def validate_pictures(self, field):
        """Each file must be a JPEG, PNG or WebP picture within the size limit; the
        message names the file. Pillow reads the content: the file name proves nothing."""
        self.prepared = []
        uploads = [f for f in field.data or [] if getattr(f, "filename", None)]
        if len(uploads) + len(self.picture_ids) > MAX_PICTURES:
            raise ValidationError(f"A product has at most {MAX_PICTURES} pictures")
        limit = current_app.config["PICTURE_MAX_BYTES"]
        for upload in uploads:
            name = upload.filename[:80]
            data = upload.stream.read(limit + 1)
            if len(data) > limit:
                raise ValidationError(f"{name}: a picture may be at most {file_size(limit)}")
            try:
                self.prepared.append(prepare(data, current_app.config["PICTURE_MAX_PIXELS"]))
            except PictureRefused as refused:
                raise ValidationError(f"{name}: {refused.message}") from None

    def validate_on_hand(self, field):
        if field.data is not None and field.data != self.saved_on_hand \
                and not 0 <= field.data <= MAX_ON_HAND:
            raise ValidationError(UNITS_RANGE)

    def validate_price(self, field):
        if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError("Enter a price in dollars and cents")

    def validate_category_names(self, field):
        try:
            split_names(field.data or "")
        except CategoryNameError as error:
            raise ValidationError(str(error)) from None

    def validate_cost_price(self, field):
        if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError("Enter a cost in dollars and cents")


class PictureButtonForm(FlaskForm):
    """`Remove picture` or `Make main picture` (no fields but the CSRF token)."""


def file_size(size: int) -> str:
    """10 MB, 64 KB: how a size in bytes reads in a message."""
    return f"{size / 2**20:g} MB" if size >= 2**20 else f"{size / 2**10:g} KB"


def product_form(pictures=(), **kwargs) -> ProductForm:
    """A ProductForm with an `Alt text` field for each of the product's pictures."""
    class PicturesForm(ProductForm):
        pass

    PicturesForm.picture_ids = [picture.id for picture in pictures]
    for picture in pictures:
        setattr(PicturesForm, f"alt_{picture.id}", StringField(
            "Alt text", id=f"alt-{picture.id}", default=picture.alt_text, validators=[
                Length(max=MAX_ALT_TEXT,
                       message=f"Use at most {MAX_ALT_TEXT} characters")]))
    form = PicturesForm(**kwargs)
    form.prepared = []
    return form


class ReceiveStockForm(FlaskForm):
    once = once_field("receive-once")
    quantity = IntegerField("Quantity", validators=[
        InputRequired(message="Enter the units received"),
        NumberRange(1, MAX_ON_HAND, message=f"Enter a whole number from 1 to {MAX_ON_HAND:,}")])
    reference = StringField("Reference", validators=[
        DataRequired(message="Enter a reference, such as the supplier's delivery number"),
        Length(max=100)])


class AdjustStockForm(FlaskForm):
    once = once_field("adjust-once")
    # Its own id: the receive form on the same page has a "quantity" too.
    quantity = IntegerField("Change", id="adjust-quantity", validators=[
        InputRequired(message="Enter the change in units, such as -2"),
        NumberRange(-MAX_ON_HAND, MAX_ON_HAND, message="Enter a whole number of units")])
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


class RefundForm(VersionForm):
    """`Refund`: an amount back to the cards that paid this order."""

    version = HiddenField(id="refund-version", validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    once = once_field("refund-once")
    amount = MoneyField("Amount", id="refund-amount", places=2, validators=[
        InputRequired(message="Enter an amount"),
        NumberRange(0.01, MAX_PRICE, message="Enter an amount above zero")])


class PaymentForm(VersionForm):
    version = HiddenField(id="payment-version", validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    amount = MoneyField("Amount", places=2, validators=[
        InputRequired(message="Enter an amount"),
        NumberRange(0.01, MAX_PRICE, message="Enter an amount above zero")])
    method = SelectField("Method", choices=["Bank deposit", "Cash", "Card", "Cheque", "Other"])
    reference = StringField("Reference", id="payment-reference",
                            validators=[Optional(), Length(max=100)])
