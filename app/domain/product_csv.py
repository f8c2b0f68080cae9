"""Products as CSV: which columns a file may have, how a row reads, and what an import
would do (docs/rules.md, Products as CSV). Plain functions over text and plain values:
the service loads the products a file names and writes the plan in one transaction.
"""
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from app.domain.buttons import Policy
from app.domain.categories import CategoryNameError, name_key, split_names
from app.domain.errors import DomainError
from app.domain.stock import MAX_ON_HAND

# The same rules as the product form, so a file can hold nothing the form would refuse.
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SKU_RULE = "Use up to 64 letters, digits, dots, dashes or underscores"
MAX_PRICE = 1_000_000
MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_SUPPLIER_SKU = 64

# What a file may be: a spreadsheet's worth of products, never a way to tie up the server.
MAX_BYTES = 10 * 1024 * 1024  # 10 MB, about 50,000 products with descriptions
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_LINE = 65_536  # characters on one line of the file: a row far longer is not a product

# Several categories in one cell are separated by commas, as in the product form's
# Categories field: "Tea, Gifts" (a CSV cell holding commas is quoted).
CATEGORY_SEPARATOR = ","


class BadFile(DomainError):
    """The file as a whole cannot be read: nothing in it is imported."""

    field = "csv_file"


# Each field of a product, the column the export writes for it, and the other names a
# column may have (compared without case, spaces, dashes and underscores: "Qty",
# "QTY", "Pre-Order Quantity"). The first name is the export's.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("SKU", "Product SKU", "Item SKU", "Product code", "Item code", "Code"),
    "name": ("Name", "Product name", "Item name", "Title", "Product title"),
    "description": ("Description", "Product description", "Body"),
    "price": ("Price", "Sale price", "Selling price", "Retail price", "Unit price"),
    "on_hand": ("On hand", "Qty", "Quantity", "Qty on hand", "Quantity on hand", "Stock",
                "Stock on hand", "In stock", "Warehouse quantity", "Inventory"),
    "backorder_policy": ("Backorders", "Backorder", "Allow backorders", "Backorder policy"),
    "arrival_date": ("Date of arrival", "Date arrival", "Arrival date", "Expected date",
                     "Expected arrival", "ETA"),
    "backorder_limit": ("Backorder limit", "PreOrder Quantity", "Pre-order quantity",
                        "Preorder qty", "Pre-order limit", "Preorder limit"),
    "categories": ("Categories", "Category"),
    "supplier_sku": ("Supplier SKU", "Supplier code", "Vendor SKU", "Supplier item code"),
    "cost_price": ("Cost price", "Cost", "Unit cost", "Purchase price", "Buy price"),
}
EXPORT_HEADER = [names[0] for names in COLUMNS.values()]


def column_key(name: str) -> str:
    """A column's name as compared: "Pre-Order  Quantity" and "preorder_quantity" match."""
    return re.sub(r"[\s_\-*]+", "", name).casefold()


ALIASES = {column_key(name): field_name
           for field_name, names in COLUMNS.items() for name in names}


@dataclass(frozen=True)
class Header:
    """Which column of the file holds which field; the columns no field reads."""

    columns: dict[str, int]
    ignored: tuple[str, ...] = ()
    width: int = 0  # the header's cells: a row may not have more (but blank ones)


def read_header(cells: list[str]) -> Header:
    """Match the header's columns to fields. Refuses a file without a SKU column, and
    two columns for one field (which of them would be meant?)."""
    if len(cells) > MAX_COLUMNS:
        raise BadFile(f"The file has {len(cells):,} columns: at most {MAX_COLUMNS} are read. "
                      "Is it a CSV of products?")
    columns: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(cells):
        name = cell.strip()
        field_name = ALIASES.get(column_key(name))
        if field_name is None:
            if name:
                ignored.append(name)
            continue
        if field_name in columns:
            first = cells[columns[field_name]].strip()
            raise BadFile(f"The columns {first} and {name} both give the "
                          f"{COLUMNS[field_name][0]}: keep one of them")
        columns[field_name] = index
    if "sku" not in columns:
        raise BadFile("The file has no SKU column: its first row must name the columns, "
                      "one of them SKU")
    return Header(columns, tuple(ignored), len(cells))


@dataclass(frozen=True)
class ProductRow:
    """One good row: its SKU and the fields it gives (a column left out, or a blank
    name, price, on hand or backorders, keeps what the product has)."""

    line: int
    sku: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BadRow:
    line: int
    sku: str
    reason: str


class _Refused(Exception):
    pass


_SKU = re.compile(SKU_PATTERN)
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")  # 1,000
_WHOLE = re.compile(r"[+-]?\d{1,12}")
_DOLLARS = re.compile(r"\$?\d{1,3}(,\d{3})+(\.\d*)?|\$\d*(\.\d*)?")  # $1,234.50, $12
_AMOUNT = re.compile(r"[+-]?(\d{1,12}(\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value: str, limit: int, label: str) -> str:
    if len(value) > limit:
        raise _Refused(f"{label} is longer than {limit:,} characters")
    return value


def _units(value: str, label: str) -> int:
    plain = value.replace(",", "") if _GROUPED.fullmatch(value) else value
    if not _WHOLE.fullmatch(plain):
        raise _Refused(f"{label} must be a whole number, not {_shown(value)}")
    units = int(plain)
    if not 0 <= units <= MAX_ON_HAND:
        raise _Refused(f"{label} must be a whole number from 0 to {MAX_ON_HAND:,}")
    return units


def _money(value: str, label: str) -> Decimal:
    plain = value.removeprefix("$").replace(",", "") \
        if _DOLLARS.fullmatch(value) else value
    if not _AMOUNT.fullmatch(plain):
        raise _Refused(f"{label} must be an amount such as 14.50, not {_shown(value)}")
    amount = Decimal(plain)  # the pattern lets only plain numbers through
    if not 0 <= amount <= MAX_PRICE:
        raise _Refused(f"{label} must be from 0 to {MAX_PRICE:,}")
    if amount != amount.quantize(Decimal("0.01")):
        raise _Refused(f"{label} must be in dollars and cents")
    return amount.quantize(Decimal("0.01"))


def _date(value: str, label: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise _Refused(f"{label} must be a date written as YYYY-MM-DD, such as 2026-03-31, "
                       f"not {_shown(value)}") from None


def _policy(value: str, label: str) -> Policy:
    for policy in Policy:
        if value.casefold() == policy.value.casefold():
            return policy
    choices = ", ".join(p.value for p in Policy)
    raise _Refused(f"{label} must be one of {choices}, not {_shown(value)}")


def split_categories(value: str) -> tuple[str, ...]:
    """The category names in a cell, in order, each once, as the product form reads
    them (split_names: case and spacing aside): "Tea, Gifts, tea " is two."""
    try:
        return tuple(split_names(value))
    except CategoryNameError as error:
        raise _Refused(str(error)) from None


def join_categories(names: Iterable[str]) -> str:
    return f"{CATEGORY_SEPARATOR} ".join(names)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def unescape_cell(value: str) -> str:
    """A cell as the export meant it: the apostrophe it put before a cell a spreadsheet
    would run as a formula (or that began with an apostrophe) is taken off again."""
    return value[1:] if value[:1] == "'" else value


# Per field: how a non-blank cell reads (a blank one: _CLEARED, below).
_READERS = {
    "name": lambda v: _text(v, MAX_NAME, "Name"),
    "description": lambda v: _text(v, MAX_DESCRIPTION, "Description"),
    "price": lambda v: _money(v, "Price"),
    "on_hand": lambda v: _units(v, "On hand"),
    "backorder_policy": lambda v: _policy(v, "Backorders"),
    "arrival_date": lambda v: _date(v, "Date of arrival"),
    "backorder_limit": lambda v: _units(v, "Backorder limit"),
    "categories": split_categories,
    "supplier_sku": lambda v: _text(v, MAX_SUPPLIER_SKU, "Supplier SKU"),
    "cost_price": lambda v: _money(v, "Cost price"),
}
# A blank cell clears these (what the export writes for "none")...
_CLEARED = {"description": "", "arrival_date": None, "backorder_limit": None,
            "categories": (), "supplier_sku": "", "cost_price": None}
# ...and keeps what the product has for the others (name, price, on hand, backorders).
# Text cells keep their inner spaces and line breaks; only the ends are trimmed.


def parse_row(line: int, cells: list[str], header: Header) -> ProductRow | BadRow:
    """Read one row of the file: a ProductRow, or a BadRow saying what is wrong."""
    def cell(index: int) -> str:
        return unescape_cell(cells[index].strip()).strip() if index < len(cells) else ""

    sku = cell(header.columns["sku"])
    if any(value.strip() for value in cells[header.width:]):
        return BadRow(line, sku[:64], f"This row has {len(cells):,} cells, more than the "
                                      f"header's {header.width}: is a comma missing its quotes?")
    if not sku:
        return BadRow(line, sku, "Enter a SKU")
    if not _SKU.fullmatch(sku):
        return BadRow(line, sku[:64], f"SKU {_shown(sku)}: {SKU_RULE}")
    values = {}
    for field_name, index in header.columns.items():
        if field_name == "sku":
            continue
        value = cell(index)
        if not value:
            if field_name in _CLEARED:
                values[field_name] = _CLEARED[field_name]
            continue
        try:
            values[field_name] = _READERS[field_name](value)
        except _Refused as refusal:
            return BadRow(line, sku, str(refusal))
    return ProductRow(line, sku, values)


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read in: UTF-8, with or without the byte
    order mark Excel writes; else Windows-1252, what Excel's plain "CSV" saves on Windows.
    Refuses what is not text."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadFile("This is a spreadsheet file (such as .xlsx), not CSV: in the spreadsheet "
                      "choose Save As, CSV UTF-8, and upload that file")
    if not data.strip():
        raise BadFile("The file is empty")
    try:
        # Codec names are read without case: "UTF-8-SIG" is the same codec.
        text, encoding = data.decode("utf-8-sig"), "UTF-8"  # pragma: no mutate
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"  # pragma: no mutate
        except UnicodeDecodeError:
            raise BadFile("This file is not text in UTF-8 or Windows-1252: save it from the "
                          "spreadsheet as CSV UTF-8") from None
    # (\x0b and \x0B are one character: the pattern's case does not matter.)
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):  # pragma: no mutate
        raise BadFile("This file is not CSV text (it holds control characters): save it from "
                      "the spreadsheet as CSV UTF-8")
    return text, encoding


def _lines(text: str) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE:
            raise BadFile(f"Line {number:,} is longer than {MAX_LINE:,} characters: "
                          "is this a CSV of products?")
        yield line


def read_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) per record of CSV text, blank records left out.

    A record may span lines (a quoted description with line breaks): its number is the
    line it starts on, as a spreadsheet shows it.
    """
    reader = csv.reader(_lines(text), strict=True)
    start = 1
    try:
        for count, cells in enumerate(reader):
            if count > MAX_ROWS:
                raise BadFile(f"The file has more than {MAX_ROWS:,} rows: split it in parts")
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise BadFile(f"Line {reader.line_num:,} cannot be read as CSV ({error}): check its "
                      "quotes") from None


@dataclass(frozen=True)
class Existing:
    """What a product has now, as the plan compares it (and keeps what a file leaves out)."""

    sku: str
    name: str
    description: str
    price: Decimal
    on_hand: int
    backorder_policy: Policy
    arrival_date: date | None
    backorder_limit: int | None
    supplier_sku: str
    cost_price: Decimal | None
    committed: int = 0
    categories: tuple[str, ...] = ()


FIELD_LABELS = {field_name: names[0] for field_name, names in COLUMNS.items()}


@dataclass(frozen=True)
class Change:
    """One row the import writes: the product after it and before it (None for a
    product added), and the fields that change."""

    line: int
    sku: str
    product: Existing
    before: Existing | None = None
    changed: tuple[str, ...] = ()

    @property
    def on_hand_delta(self) -> int:
        return self.product.on_hand - (self.before.on_hand if self.before else 0)


@dataclass(frozen=True)
class Plan:
    """What importing a file does: products to add, products to update (only those with
    a change), how many rows change nothing, and the bad rows, by line."""

    additions: list[Change]
    updates: list[Change]
    unchanged: int
    bad: list[BadRow]
    ignored_columns: tuple[str, ...] = ()
    has_categories: bool = False

    @property
    def rows(self) -> int:
        return len(self.additions) + len(self.updates) + self.unchanged + len(self.bad)

    def digest(self) -> tuple:
        """What the preview showed, to compare with the plan the import finds."""
        return (tuple(self.additions), tuple(self.updates), self.unchanged, tuple(self.bad))


def plan_import(rows: Iterable[ProductRow | BadRow], existing: dict[str, Existing],
                header: Header | None = None) -> Plan:
    """What the rows do to the products `existing` (by SKU): add, update or nothing.

    A new product needs a name and a price. On hand may not go below what is committed
    to orders. A SKU on two rows makes both bad: which one is meant?
    """
    rows = list(rows)
    lines_of: dict[str, list[int]] = {}
    for row in rows:
        if row.sku:
            lines_of.setdefault(row.sku, []).append(row.line)
    additions, updates, bad, unchanged = [], [], [], 0
    for row in rows:
        if isinstance(row, BadRow):
            bad.append(row)
            continue
        others = [line for line in lines_of[row.sku] if line != row.line]
        if others:
            bad.append(BadRow(row.line, row.sku, f"SKU {row.sku} is also on line "
                              + ", ".join(f"{line:,}" for line in others)))
            continue
        before = existing.get(row.sku)
        if before is None:
            missing = [label for key, label in (("name", "Name"), ("price", "Price"))
                       if key not in row.values]
            if missing:
                bad.append(BadRow(row.line, row.sku, f"A new product needs a "
                                  f"{' and a '.join(missing)}"))
                continue
            product = Existing(sku=row.sku, name=row.values["name"],
                               description=row.values.get("description", ""),
                               price=row.values["price"], on_hand=row.values.get("on_hand", 0),
                               backorder_policy=row.values.get("backorder_policy",
                                                               Policy.STORE),
                               arrival_date=row.values.get("arrival_date"),
                               backorder_limit=row.values.get("backorder_limit"),
                               supplier_sku=row.values.get("supplier_sku", ""),
                               cost_price=row.values.get("cost_price"),
                               categories=row.values.get("categories", ()))
            additions.append(Change(row.line, row.sku, product))
            continue
        after = replace(before, **row.values)
        if after.on_hand < before.committed:
            bad.append(BadRow(row.line, row.sku, f"On hand cannot go below the "
                              f"{before.committed:,} units committed to orders"))
            continue
        changed = tuple(name for name in row.values
                        if _differs(name, getattr(before, name), getattr(after, name)))
        if changed:
            updates.append(Change(row.line, row.sku, after, before, changed))
        else:
            unchanged += 1
    return Plan(additions, updates, unchanged, sorted(bad, key=lambda b: b.line),
                header.ignored if header else (),
                has_categories=bool(header and "categories" in header.columns))


def _differs(name: str, before, after) -> bool:
    if name == "categories":  # the same categories in any order and case are no change
        return before != after and sorted(map(name_key, before)) != sorted(map(name_key, after))
    return before != after


def read_file(data: bytes, existing_for) -> tuple[Plan, str]:
    """Read a whole file into a plan: `existing_for(skus, with_categories)` gives the
    products it names (with their categories when the file has that column).

    Returns the plan and the encoding the file was read in.
    """
    text, encoding = decode(data)
    records = read_records(text)
    first = next(records, None)
    if first is None:
        raise BadFile("The file is empty")
    header = read_header(first[1])
    rows = [parse_row(line, cells, header) for line, cells in records]
    if not rows:
        raise BadFile("The file has a header but no products")
    skus = {row.sku for row in rows if isinstance(row, ProductRow)}
    return plan_import(rows, existing_for(skus, "categories" in header.columns), header), \
        encoding


def export_cell(value) -> str:
    """A cell the export writes, read back unchanged by parse_row: text that a spreadsheet
    would run as a formula, or that starts with an apostrophe, gets one in front."""
    if value is None:
        return ""
    if isinstance(value, Policy):
        return value.value
    if isinstance(value, (date, Decimal, int)):
        return str(value) if not isinstance(value, Decimal) else f"{value:.2f}"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "'") else text


def export_row(product: Existing) -> list[str]:
    """A product as the export's row, in EXPORT_HEADER's order."""
    return [export_cell(cell) for cell in (
        product.sku, product.name, product.description, product.price, product.on_hand,
        product.backorder_policy, product.arrival_date, product.backorder_limit,
        join_categories(product.categories), product.supplier_sku, product.cost_price)]


def shown_changes(change: Change) -> list[tuple[str, str, str]]:
    """(column, before, after) per field a row changes, as the preview lists them."""
    return [(FIELD_LABELS[name], _plain(getattr(change.before, name)),
             _plain(getattr(change.product, name))) for name in change.changed]


def _plain(value) -> str:
    if isinstance(value, tuple):
        return join_categories(value) or "none"
    if value is None or value == "":
        return "none"
    return str(value)  # a Policy is a StrEnum: its str is its label
