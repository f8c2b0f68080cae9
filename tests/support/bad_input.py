"""The one table of bad form values: per form field, what to type and what the page must say.

Two suites read it. tests/web/test_forms.py posts each row to a form of its own small shop
and finds the message next to the field's label; tests/security/test_bad_input.py posts
each row to one shared shop and checks the status code and that no row of any table
changed. Add a row here and both try it.

A row's `field` is the form field's name, `label` the text of its `<label for>`,
`message` the error shown next to it, `status` the code the refused form comes back with
(400: the form's own checks; 409: a rule of the shop, checked by a service).
"""
from typing import NamedTuple

LONG = "x" * 10_000
DIGITS = "9" * 10_000  # too many digits for Python's int(): "Not a valid integer value."
HUGE = str(10**30)
SCRIPT = "<script>alert(1)</script>"
LONG_CATEGORY = "Tea, " + "x" * 101  # one name past the 100 characters a category may have

WHOLE_1_999 = "Enter a whole number from 1 to 999"
WHOLE_0_999 = "Enter a whole number from 0 to 999"
NOT_INTEGER = "Not a valid integer value."
NOT_DECIMAL = "Not a valid decimal value."
NOT_DATE = "Not a valid date value."
NOT_CHOICE = "Not a valid choice."
PRICE_RANGE = "Enter a price from 0 to 1,000,000"
STOCK_RANGE = "Enter a whole number from 0 to 1,000,000"
RECEIVE_RANGE = "Enter a whole number from 1 to 1,000,000"
ADJUST_RANGE = "Enter a whole number of units"
SKU_RULE = "Use up to 64 letters, digits, dots, dashes or underscores"
PREFIX_RULE = "Use 1 to 10 letters"
BKO_RANGE = "Enter a whole number from 0 to the Qty"
AMOUNT_RULE = "Enter an amount above zero"
NO_REFERENCE = "Enter a reference, such as the supplier's delivery number"


def too_long(n: int) -> str:
    return f"Field cannot be longer than {n} characters."


class Bad(NamedTuple):
    field: str
    value: str
    label: str
    message: str
    status: int = 400


def quantities(label: str = "Quantity", empty: str = "Enter a quantity") -> list[Bad]:
    """A quantity from 1 to 999 (add to cart, a cart line, an order line's Qty).

    `empty` is the form's own words for a blank field.
    """
    return [Bad("quantity", value, label, message) for value, message in [
        ("-1", WHOLE_1_999),
        ("0", WHOLE_1_999),
        ("1.5", NOT_INTEGER),
        ("abc", NOT_INTEGER),
        ("", empty),
        (" ", NOT_INTEGER),
        ("1000", WHOLE_1_999),
        ("99999999999999999999", WHOLE_1_999),
        (HUGE, WHOLE_1_999),
        ("-" + HUGE, WHOLE_1_999),
        (DIGITS, NOT_INTEGER),
        ("1e3", NOT_INTEGER),
        (SCRIPT, NOT_INTEGER),
    ]]


def order_quantities(sku: str) -> list[Bad]:
    """The Qty of an order's line of `sku` on the order page: 0 removes the line, up to 999.

    The order these rows are posted to has one line, so 0 is refused by the shop (409):
    an order keeps its last line (cancel the order instead).
    """
    return [Bad("quantity", value, "Qty", message, status) for value, message, status in [
        ("0", f"Qty for {sku} cannot be 0: it is the order's last line, cancel the order "
              "instead", 409),
        ("-1", WHOLE_0_999, 400),
        ("1.5", NOT_INTEGER, 400),
        ("abc", NOT_INTEGER, 400),
        ("", "Enter a Qty", 400),
        (" ", NOT_INTEGER, 400),
        ("1000", WHOLE_0_999, 400),
        ("99999999999999999999", WHOLE_0_999, 400),
        (HUGE, WHOLE_0_999, 400),
        ("-" + HUGE, WHOLE_0_999, 400),
        (DIGITS, NOT_INTEGER, 400),
        ("1e3", NOT_INTEGER, 400),
        (SCRIPT, NOT_INTEGER, 400),
    ]]


# BKO on an order line, from 0 to the line's Qty (the Qty itself is the shop's business).
BKO = [
    Bad("bko", "-1", "BKO", BKO_RANGE),
    Bad("bko", "1.5", "BKO", NOT_INTEGER),
    Bad("bko", "0.5", "BKO", NOT_INTEGER),
    Bad("bko", "abc", "BKO", NOT_INTEGER),
    Bad("bko", "1000", "BKO", BKO_RANGE),
]

CHECKOUT = [
    Bad("name", "", "Name", "Enter your name"),
    Bad("name", "   ", "Name", "Enter your name"),
    Bad("name", LONG, "Name", too_long(200)),
    Bad("email", "", "Email", "Enter your email"),
    Bad("email", "not-an-email", "Email", "Enter a valid email address"),
    Bad("email", "sam@", "Email", "Enter a valid email address"),
    Bad("email", "sam example@example.com", "Email", "Enter a valid email address"),
    Bad("email", SCRIPT, "Email", "Enter a valid email address"),
    Bad("email", LONG + "@example.com", "Email", "Enter a valid email address"),
    Bad("address", "", "Address", "Enter the delivery address"),
    Bad("address", "  ", "Address", "Enter the delivery address"),
    Bad("address", " \n ", "Address", "Enter the delivery address"),
    Bad("address", LONG, "Address", too_long(1000)),
    Bad("payment_method", "Bitcoin", "Payment method", NOT_CHOICE),
    Bad("payment_method", "", "Payment method", "This field is required."),
]

# Checkout's `Delivery`, where it is asked (a cart that would split, the choice allowed).
DELIVERY = [
    Bad("delivery", "Ship by drone", "Delivery", "Choose Ship what is in stock now or Ship "
        "everything together"),
    Bad("delivery", "ship everything together", "Delivery", "Choose Ship what is in stock now "
        "or Ship everything together"),
    Bad("delivery", SCRIPT, "Delivery", "Choose Ship what is in stock now or Ship everything "
        "together"),
    Bad("delivery", LONG, "Delivery", "Choose Ship what is in stock now or Ship everything "
        "together"),
]

PRODUCT = [
    Bad("price", "-1", "Price", PRICE_RANGE),
    Bad("price", "-0.01", "Price", PRICE_RANGE),
    Bad("price", "1.234", "Price", "Enter a price in dollars and cents"),
    Bad("price", "1000000.01", "Price", PRICE_RANGE),
    Bad("price", "1e12", "Price", PRICE_RANGE),
    Bad("price", HUGE, "Price", PRICE_RANGE),
    Bad("price", DIGITS, "Price", PRICE_RANGE),
    Bad("price", "1" * 40 + ".5", "Price", PRICE_RANGE),
    Bad("price", "abc", "Price", NOT_DECIMAL),
    Bad("price", "", "Price", "Enter a price"),
    Bad("price", "NaN", "Price", PRICE_RANGE),
    Bad("price", "sNaN", "Price", PRICE_RANGE),
    Bad("price", "Infinity", "Price", PRICE_RANGE),
    Bad("price", "-Infinity", "Price", PRICE_RANGE),
    Bad("on_hand", "-1", "On hand", STOCK_RANGE),
    Bad("on_hand", "-5", "On hand", STOCK_RANGE),
    Bad("on_hand", "1.5", "On hand", NOT_INTEGER),
    Bad("on_hand", "10000000", "On hand", STOCK_RANGE),
    Bad("on_hand", HUGE, "On hand", STOCK_RANGE),
    Bad("on_hand", "abc", "On hand", NOT_INTEGER),
    Bad("on_hand", "", "On hand", "Enter the units on hand"),
    Bad("arrival_date", "2025-13-45", "Date of arrival", NOT_DATE),
    Bad("arrival_date", "tomorrow", "Date of arrival", NOT_DATE),
    Bad("arrival_date", "99999-01-01", "Date of arrival", NOT_DATE),
    Bad("arrival_date", LONG, "Date of arrival", NOT_DATE),
    Bad("sku", "", "SKU", "Enter a SKU"),
    Bad("sku", "TWO WORDS", "SKU", SKU_RULE),
    Bad("sku", SCRIPT, "SKU", SKU_RULE),
    Bad("sku", "-LEADING-DASH", "SKU", SKU_RULE),
    Bad("sku", "A" * 65, "SKU", SKU_RULE),
    Bad("sku", LONG, "SKU", SKU_RULE),
    Bad("sku", "CAFÉ-1", "SKU", SKU_RULE),
    Bad("name", "", "Name", "Enter a name"),
    Bad("name", "   ", "Name", "Enter a name"),
    Bad("name", LONG, "Name", too_long(200)),
    Bad("description", LONG, "Description", too_long(5000)),
    Bad("backorder_limit", "-1", "Backorder limit", STOCK_RANGE),
    Bad("backorder_limit", "1.5", "Backorder limit", NOT_INTEGER),
    Bad("backorder_limit", "2.5", "Backorder limit", NOT_INTEGER),
    Bad("backorder_limit", "x", "Backorder limit", NOT_INTEGER),
    Bad("backorder_limit", HUGE, "Backorder limit", STOCK_RANGE),
    Bad("backorder_policy", "Sometimes", "Backorders", NOT_CHOICE),
    Bad("category_names", LONG_CATEGORY, "Categories",
        "A category name has at most 100 characters: xxxxxxxxxxxxxxxxxxxx…"),
    Bad("category_names", LONG, "Categories", too_long(2000)),
]

# The edit form shares the new form's fields: one row per field and kind of mistake.
PRODUCT_EDIT = [row for row in PRODUCT if row.value in (
    "-1", "-0.01", "-5", "1.234", HUGE, "abc", "", "sNaN", "Infinity", "1.5", "2025-13-45",
    "TWO WORDS", SCRIPT, "   ", "Sometimes", LONG_CATEGORY)]

RECEIPT = [
    Bad("quantity", "0", "Quantity", RECEIVE_RANGE),
    Bad("quantity", "-1", "Quantity", RECEIVE_RANGE),
    Bad("quantity", "-5", "Quantity", RECEIVE_RANGE),
    Bad("quantity", "x", "Quantity", NOT_INTEGER),
    Bad("quantity", "abc", "Quantity", NOT_INTEGER),
    Bad("quantity", "1.5", "Quantity", NOT_INTEGER),
    Bad("quantity", "10000000", "Quantity", RECEIVE_RANGE),
    Bad("quantity", HUGE, "Quantity", RECEIVE_RANGE),
    Bad("quantity", DIGITS, "Quantity", NOT_INTEGER),
    Bad("quantity", "", "Quantity", "Enter the units received"),
    Bad("reference", "", "Reference", NO_REFERENCE),
    Bad("reference", "  ", "Reference", NO_REFERENCE),
    Bad("reference", "   ", "Reference", NO_REFERENCE),
    Bad("reference", LONG, "Reference", too_long(100)),
]

ADJUSTMENT = [
    Bad("quantity", "0", "Change", "Enter a change other than 0"),
    Bad("quantity", "x", "Change", NOT_INTEGER),
    Bad("quantity", "abc", "Change", NOT_INTEGER),
    Bad("quantity", "1.5", "Change", NOT_INTEGER),
    Bad("quantity", "-1.5", "Change", NOT_INTEGER),
    Bad("quantity", "-10000000", "Change", ADJUST_RANGE),
    Bad("quantity", "-" + HUGE, "Change", ADJUST_RANGE),
    Bad("quantity", HUGE, "Change", ADJUST_RANGE),
    Bad("quantity", "", "Change", "Enter the change in units, such as -2"),
    Bad("reason", "", "Reason", "Enter the reason"),
    Bad("reason", "  ", "Reason", "Enter the reason"),
    Bad("reason", "   ", "Reason", "Enter the reason"),
    Bad("reason", LONG, "Reason", too_long(100)),
]

PAYMENT = [
    Bad("amount", "0", "Amount", AMOUNT_RULE),
    Bad("amount", "-5", "Amount", AMOUNT_RULE),
    Bad("amount", "abc", "Amount", NOT_DECIMAL),
    Bad("amount", SCRIPT, "Amount", NOT_DECIMAL),
    Bad("amount", "", "Amount", "Enter an amount"),
    Bad("amount", "1.234", "Amount", "Enter an amount above zero, in dollars and cents", 409),
    Bad("amount", "1e9", "Amount", AMOUNT_RULE),
    Bad("amount", HUGE, "Amount", AMOUNT_RULE),
    Bad("amount", DIGITS, "Amount", AMOUNT_RULE),
    Bad("amount", "NaN", "Amount", AMOUNT_RULE),
    Bad("amount", "sNaN", "Amount", AMOUNT_RULE),
    Bad("amount", "Infinity", "Amount", AMOUNT_RULE),
    Bad("amount", "-Infinity", "Amount", AMOUNT_RULE),
    Bad("method", "Bitcoin", "Method", NOT_CHOICE),
    Bad("reference", LONG, "Reference", too_long(100)),
]

ORDER_PREFIX = [
    Bad("order_prefix", "", "Order ID prefix", "Enter a prefix"),
    Bad("order_prefix", "N1", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", "1", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", "N-", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", "N N", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", "<b>", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", SCRIPT, "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", "ABCDEFGHIJK", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", "ÑO", "Order ID prefix", PREFIX_RULE),
    Bad("order_prefix", LONG, "Order ID prefix", PREFIX_RULE),
]

# Purchase orders (the PO page's forms post these; tests/web/test_purchase_orders.py).
PO_UNITS = "Enter a whole number from 1 to 1,000,000"
PO_RECEIVE = "Enter a whole number from 0 to 1,000,000"

SUPPLIER = [
    Bad("name", "", "Name", "Enter the supplier's name"),
    Bad("name", "   ", "Name", "Enter the supplier's name"),
    Bad("name", LONG, "Name", too_long(200)),
    Bad("email", "", "Email", "Enter the email purchase orders go to"),
    Bad("email", "not-an-email", "Email", "Enter a valid email address"),
    Bad("email", SCRIPT, "Email", "Enter a valid email address"),
    Bad("lead_time_days", "-1", "Lead time (days)", "Enter a whole number of days from 0 to 3,650"),
    Bad("lead_time_days", "1.5", "Lead time (days)", NOT_INTEGER),
    Bad("lead_time_days", HUGE, "Lead time (days)", "Enter a whole number of days from 0 to 3,650"),
    Bad("lead_time_days", "", "Lead time (days)", "Enter the days a delivery takes"),
]

NEW_PO = [
    Bad("supplier_id", "999", "Supplier", NOT_CHOICE),
    Bad("supplier_id", "abc", "Supplier", "Invalid Choice: could not coerce."),
    Bad("expected_date", "", "Expected date", "Enter the date the delivery is expected"),
    Bad("expected_date", "2025-13-45", "Expected date", NOT_DATE),
    Bad("expected_date", LONG, "Expected date", NOT_DATE),
    Bad("expected_date", "2020-01-01", "Expected date", "Enter today's date or a later one", 409),
]

PO_LINE = [
    Bad("sku", "", "SKU", "Enter a SKU"),
    Bad("sku", "NOPE-1", "SKU", "There is no product NOPE-1", 409),
    Bad("sku", "OTHER-1", "SKU", "OTHER-1 is not bought from Tea Co: set its Supplier on its "
                                 "product form first", 409),
    Bad("sku", SCRIPT, "SKU", f"There is no product {SCRIPT}", 409),
    Bad("quantity", "0", "Quantity", PO_UNITS),
    Bad("quantity", "-1", "Quantity", PO_UNITS),
    Bad("quantity", "1.5", "Quantity", NOT_INTEGER),
    Bad("quantity", HUGE, "Quantity", PO_UNITS),
    Bad("quantity", DIGITS, "Quantity", NOT_INTEGER),
    Bad("quantity", "", "Quantity", "Enter the units to order"),
    Bad("unit_cost", "-1", "Unit cost", "Enter a cost from 0 to 1,000,000"),
    Bad("unit_cost", "1.234", "Unit cost", "Enter a cost in dollars and cents"),
    Bad("unit_cost", "NaN", "Unit cost", "Enter a cost from 0 to 1,000,000"),
    Bad("unit_cost", "", "Unit cost", "Enter the unit cost"),
]

# Posted as `Receive for TEA-1` on a PO of 6 units, 2 of them received.
PO_RECEIPT = [
    Bad("receive", "-1", "Receive for TEA-1", PO_RECEIVE),
    Bad("receive", "1.5", "Receive for TEA-1", NOT_INTEGER),
    Bad("receive", HUGE, "Receive for TEA-1", PO_RECEIVE),
    Bad("receive", "abc", "Receive for TEA-1", NOT_INTEGER),
    Bad("receive", "5", "Receive for TEA-1",
        "Only 4 of TEA-1 are still to come on this purchase order", 409),
    Bad("receive", "0", "Receive for TEA-1", "Enter the units received on at least one line", 409),
]

# Staff accounts (/admin/users): Add an account; a stale or forged row button is its own test.
NO_STAFF_EMAIL = "Enter the email of the person"
STAFF_ACCOUNT = [
    Bad("email", "", "Email", NO_STAFF_EMAIL),
    Bad("email", "   ", "Email", NO_STAFF_EMAIL),
    Bad("email", "not-an-email", "Email", "Enter a valid email address"),
    Bad("email", "sam@", "Email", "Enter a valid email address"),
    Bad("email", "sam example@example.com", "Email", "Enter a valid email address"),
    Bad("email", SCRIPT, "Email", "Enter a valid email address"),
    Bad("email", LONG + "@example.com", "Email", "Enter a valid email address"),
    Bad("role", "owner", "Role", NOT_CHOICE),
    Bad("role", "", "Role", NOT_CHOICE),
    Bad("role", "ADMIN", "Role", NOT_CHOICE),
]

# Posted as `Role for staff@example.com` with the account's Change role button.
STAFF_ROLE = [
    Bad("role", "owner", "Role for staff@example.com", NOT_CHOICE),
    Bad("role", "", "Role for staff@example.com", NOT_CHOICE),
    Bad("role", SCRIPT, "Role for staff@example.com", NOT_CHOICE),
    Bad("role", "staff", "Role for staff@example.com", "staff@example.com is already Staff",
        409),
]


# CSV files of products uploaded to the import page (`CSV file`, then `Preview`). A file
# that cannot be read comes back with the message next to the field; a file whose rows
# are bad comes back as a preview listing them (200) with no Import button. Either way
# nothing is saved. tests/web/test_product_csv_pages.py uploads each to a shop of its
# own; tests/security/test_bad_input.py to the shared shop (whose TEA has 5 committed).
class BadCsv(NamedTuple):
    name: str
    data: bytes
    message: str
    status: int = 400


CSV_TOO_LARGE = "The file is larger than 10 MB: split it into smaller files"
NO_SKU_COLUMN = ("The file has no SKU column: its first row must name the columns, one of "
                 "them SKU")
NOT_UTF8 = ("This file is not text in UTF-8 or Windows-1252: save it from the spreadsheet as "
            "CSV UTF-8")
NOT_TEXT = ("This file is not CSV text (it holds control characters): save it from the "
            "spreadsheet as CSV UTF-8")

IMPORT_FILES = [
    BadCsv("empty", b"", "The file is empty"),
    BadCsv("only blank lines", b"\r\n \r\n", "The file is empty"),
    BadCsv("only empty cells", b",,\r\n , ,\r\n", "The file is empty"),
    BadCsv("header only", b"SKU,Name,Price\r\n", "The file has a header but no products"),
    BadCsv("no SKU column", b"Name,Price\nTea,1.00\n", NO_SKU_COLUMN),
    BadCsv("SKU column twice", b"SKU,Code\nA,B\n",
           "The columns SKU and Code both give the SKU: keep one of them"),
    BadCsv("not UTF-8 or cp1252", b"SKU,Name\nTEA,\x81\x8d\x8f\x90\n", NOT_UTF8),
    BadCsv("UTF-16", "SKU,Name\nTEA,Tea\n".encode("utf-16"), NOT_TEXT),
    BadCsv("NUL bytes", b"SKU,Name\nTEA,T\x00ea\n", NOT_TEXT),
    BadCsv("binary junk", bytes(range(256)) * 64, NOT_UTF8),
    BadCsv("an Excel workbook", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100,
           "This is a spreadsheet file (such as .xlsx), not CSV: in the spreadsheet choose "
           "Save As, CSV UTF-8, and upload that file"),
    BadCsv("a million columns", b"SKU" + b"," * 1_000_000 + b"\n",
           "Line 1 is longer than 65,536 characters: is this a CSV of products?"),
    BadCsv("a million columns, one row", b"SKU,Name\nTEA" + b",x" * 1_000_000 + b"\n",
           "Line 2 is longer than 65,536 characters: is this a CSV of products?"),
    BadCsv("101 columns", b"SKU" + b",c" * 100 + b"\n",
           "The file has 101 columns: at most 100 are read. Is it a CSV of products?"),
    BadCsv("an unclosed quote", b'SKU,Name\nTEA,"Tea\n',
           "Line 2 cannot be read as CSV (unexpected end of data): check its quotes"),
    BadCsv("50 MB", b"SKU,Name,Price\n" + b"A-1,x,1\n" * (50 * 2**20 // 8), CSV_TOO_LARGE, 413),
    BadCsv("duplicate SKUs", b"SKU,Name,Price\nNEW-9,a,1\nNEW-9,b,2\n",
           "SKU NEW-9 is also on line 3", 200),
    BadCsv("a bad price", b"SKU,Name,Price\nNEW-9,a,=1+1\n",
           "Price must be an amount such as 14.50, not '=1+1'", 200),
    BadCsv("a new product without a price", b"SKU,Name\nNEW-9,a\n",
           "A new product needs a Price", 200),
    BadCsv("a SKU the form refuses", "SKU,Name,Price\nCAFÉ-1,a,1\n".encode(),
           "SKU 'CAFÉ-1': Use up to 64 letters, digits, dots, dashes or underscores", 200),
    BadCsv("on hand below committed", b"SKU,Qty\nTEA,3\n",
           "On hand cannot go below the 5 units committed to orders", 200),
    BadCsv("a huge quantity", b"SKU,Qty\nTEA," + b"9" * 5000 + b"\n",
           "On hand must be a whole number, not '9999999999999999999999999999999999999999...'",
           200),
]
