"""Products as CSV: the columns a file may have, how a row reads, what an import does."""
import csv
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.buttons import Policy
from tests.support import bad_input
from app.domain.product_csv import (EXPORT_HEADER, MAX_COLUMNS, MAX_LINE, MAX_ROWS, BadFile,
                                    BadRow, Change, Existing, Header, ProductRow, decode,
                                    export_cell, export_row, parse_row, plan_import,
                                    read_file, read_header, read_records, shown_changes,
                                    split_categories)

ALL = read_header(EXPORT_HEADER)


def tea(**changes) -> Existing:
    return replace(Existing(sku="TEA-1", name="Assam tea", description="", price=Decimal("14.50"),
                            on_hand=10, backorder_policy=Policy.STORE, arrival_date=None,
                            backorder_limit=None, supplier_sku="", cost_price=None,
                            committed=0), **changes)


# --- the header: column names and their other names

@pytest.mark.parametrize("name, field", [
    ("SKU", "sku"), ("sku", "sku"), (" Sku ", "sku"), ("Product code", "sku"),
    ("Name", "name"), ("Product name", "name"), ("PRODUCT NAME", "name"),
    ("Description", "description"),
    ("Price", "price"), ("Sale price", "price"), ("sale_price", "price"),
    ("On hand", "on_hand"), ("Qty", "on_hand"), ("QTY", "on_hand"), ("Quantity", "on_hand"),
    ("Backorders", "backorder_policy"),
    ("Date of arrival", "arrival_date"), ("Date Arrival", "arrival_date"),
    ("date-arrival", "arrival_date"),
    ("Backorder limit", "backorder_limit"), ("PreOrder Quantity", "backorder_limit"),
    ("Pre-Order Quantity", "backorder_limit"), ("preorder_quantity", "backorder_limit"),
    ("Categories", "categories"), ("Category", "categories"),
    ("Supplier SKU", "supplier_sku"), ("Cost price", "cost_price"), ("Cost", "cost_price"),
])
def test_a_column_is_found_by_its_name_or_a_common_other_name_in_any_case(name, field):
    header = read_header(["SKU", name] if field != "sku" else [name])
    assert header.columns[field] == (1 if field != "sku" else 0)


def test_columns_no_field_reads_are_listed_and_left_alone():
    header = read_header(["Weight", "SKU", "", "Colour"])
    assert header.columns == {"sku": 1}
    assert header.ignored == ("Weight", "Colour")
    assert header.width == 4


@pytest.mark.parametrize("cells, message", [
    (["Name", "Price"], "The file has no SKU column"),
    ([""], "The file has no SKU column"),
    (["SKU", "Qty", "On hand"], "The columns Qty and On hand both give the On hand"),
    (["SKU", "sku"], "The columns SKU and sku both give the SKU"),
    (["SKU"] + [f"c{n}" for n in range(MAX_COLUMNS)], f"at most {MAX_COLUMNS} are read"),
])
def test_a_header_without_sku_or_with_a_field_twice_is_refused(cells, message):
    with pytest.raises(BadFile, match=message):
        read_header(cells)


def test_the_column_limit_is_a_boundary():
    read_header(["SKU"] + [f"c{n}" for n in range(MAX_COLUMNS - 1)])


# --- a row

def row(**cells) -> list[str]:
    """A row in EXPORT_HEADER's order, blank but the cells given (by field name)."""
    order = ["sku", "name", "description", "price", "on_hand", "backorder_policy",
             "arrival_date", "backorder_limit", "categories", "supplier_sku", "cost_price"]
    return [cells.get(name, "") for name in order]


@pytest.mark.parametrize("cells, values", [
    (row(sku="TEA-1"), {"description": "", "arrival_date": None, "backorder_limit": None,
                        "categories": (), "supplier_sku": "", "cost_price": None}),
    (row(sku="TEA-1", name=" Assam, 250 g ", price="14.5", on_hand="0",
         backorder_policy="always allow", arrival_date="2026-03-31", backorder_limit="0",
         categories="Tea, Gifts", supplier_sku="SUP-9", cost_price="7.25"),
     {"name": "Assam, 250 g", "description": "", "price": Decimal("14.50"), "on_hand": 0,
      "backorder_policy": Policy.ALWAYS, "arrival_date": date(2026, 3, 31),
      "backorder_limit": 0, "categories": ("Tea", "Gifts"), "supplier_sku": "SUP-9",
      "cost_price": Decimal("7.25")}),
    (row(sku="T", price="$1,234.50", on_hand="1,000", backorder_limit="1000000"),
     {"price": Decimal("1234.50"), "on_hand": 1000, "backorder_limit": 1_000_000}),
    (row(sku="T", price="0", on_hand="1000000", backorder_policy="Never allow"),
     {"price": Decimal("0.00"), "on_hand": 1_000_000, "backorder_policy": Policy.NEVER}),
    (row(sku="T", price="1000000.00", backorder_policy="USE STORE SETTING"),
     {"price": Decimal("1000000.00"), "backorder_policy": Policy.STORE}),
    (row(sku="T", name="'=HYPERLINK(1)", description="'-5 off\nsecond line"),
     {"name": "=HYPERLINK(1)", "description": "-5 off\nsecond line"}),
    (row(sku="T", name="''quoted"), {"name": "'quoted"}),
    (row(sku="T", name="Thé «vert» 緑茶"), {"name": "Thé «vert» 緑茶"}),
])
def test_a_good_row_reads_as_its_values(cells, values):
    parsed = parse_row(2, cells, ALL)
    assert isinstance(parsed, ProductRow), parsed
    assert parsed.sku == cells[0].strip()
    expected = {"description": "", "arrival_date": None, "backorder_limit": None,
                "categories": (), "supplier_sku": "", "cost_price": None, **values}
    assert parsed.values == expected


@pytest.mark.parametrize("cells, reason", [
    (row(), "Enter a SKU"),
    (row(sku="TWO WORDS"), "Use up to 64 letters, digits, dots, dashes or underscores"),
    (row(sku="A" * 65), "Use up to 64 letters"),
    (row(sku="-LEAD"), "Use up to 64 letters"),
    (row(sku="CAFÉ-1"), "Use up to 64 letters"),
    (row(sku="T", name="x" * 201), "Name is longer than 200 characters"),
    (row(sku="T", description="x" * 5001), "Description is longer than 5,000 characters"),
    (row(sku="T", price="abc"), "Price must be an amount such as 14.50, not 'abc'"),
    (row(sku="T", price="-1"), "Price must be from 0 to 1,000,000"),
    (row(sku="T", price="1000000.01"), "Price must be from 0 to 1,000,000"),
    (row(sku="T", price="1.234"), "Price must be in dollars and cents"),
    (row(sku="T", price="NaN"), "Price must be an amount"),
    (row(sku="T", price="Infinity"), "Price must be an amount"),
    (row(sku="T", price="1e3"), "Price must be an amount"),
    (row(sku="T", price="9" * 400), "Price must be an amount"),
    (row(sku="T", on_hand="-1"), "On hand must be a whole number from 0 to 1,000,000"),
    (row(sku="T", on_hand="1000001"), "On hand must be a whole number from 0 to 1,000,000"),
    (row(sku="T", on_hand="1.5"), "On hand must be a whole number, not '1.5'"),
    (row(sku="T", on_hand="9" * 5000), "On hand must be a whole number"),
    (row(sku="T", on_hand="ten"), "On hand must be a whole number"),
    (row(sku="T", backorder_limit="-1"), "Backorder limit must be a whole number from 0"),
    (row(sku="T", backorder_policy="Sometimes"),
     "Backorders must be one of Use store setting, Always allow, Never allow, not 'Sometimes'"),
    (row(sku="T", arrival_date="31/03/2026"), "Date of arrival must be a date written as "
                                              "YYYY-MM-DD"),
    (row(sku="T", arrival_date="2026-02-30"), "Date of arrival must be a date"),
    (row(sku="T", arrival_date="99999-01-01"), "Date of arrival must be a date"),
    (row(sku="T", categories="Tea, " + "x" * 101), "A category name has at most 100"),
    (row(sku="T", supplier_sku="x" * 65), "Supplier SKU is longer than 64 characters"),
    (row(sku="T", cost_price="-0.01"), "Cost price must be from 0 to 1,000,000"),
    (row(sku="T", cost_price="1.005"), "Cost price must be in dollars and cents"),
    (row(sku="T") + ["surplus"], "This row has 12 cells, more than the header's 11"),
])
def test_a_bad_row_says_what_is_wrong(cells, reason):
    parsed = parse_row(7, cells, ALL)
    assert isinstance(parsed, BadRow), parsed
    assert parsed.line == 7
    assert reason in parsed.reason


def test_blank_cells_past_the_header_and_short_rows_are_fine():
    assert isinstance(parse_row(2, row(sku="T") + ["", " "], ALL), ProductRow)
    header = read_header(["SKU", "Name", "Price"])
    assert parse_row(2, ["T"], header) == ProductRow(2, "T", {})


def test_a_blank_cell_keeps_name_price_stock_and_backorders_but_clears_the_rest():
    parsed = parse_row(2, row(sku="T"), ALL)
    for kept in ("name", "price", "on_hand", "backorder_policy"):
        assert kept not in parsed.values


@pytest.mark.parametrize("cell, names", [
    ("", ()),
    ("Tea", ("Tea",)),
    ("Tea,Gifts", ("Tea", "Gifts")),
    (" Tea  , Gifts ,tea, ", ("Tea", "Gifts")),
    ("Tea | Gifts", ("Tea | Gifts",)),
    ("Black  tea", ("Black tea",)),
])
def test_categories_are_separated_by_commas_each_once_as_on_the_product_form(cell, names):
    assert split_categories(cell) == names


# --- decoding and reading the file

@pytest.mark.parametrize("data, text, encoding", [
    ("SKU\nTHÉ\n".encode(), "SKU\nTHÉ\n", "UTF-8"),
    ("\ufeffSKU\nTHÉ\n".encode(), "SKU\nTHÉ\n", "UTF-8"),
    ("SKU\nTHÉ – €\n".encode("cp1252"), "SKU\nTHÉ – €\n", "Windows-1252"),
    (b"SKU\tName\r\n", "SKU\tName\r\n", "UTF-8"),
])
def test_utf8_with_or_without_bom_and_windows_1252_are_read(data, text, encoding):
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    (b" \r\n\n", "The file is empty"),
    (b"PK\x03\x04\x14\x00\x06\x00", "This is a spreadsheet file (such as .xlsx), not CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is a spreadsheet file"),
    (b"SKU\n\x81\x8d\x8f\x90", "not text in UTF-8 or Windows-1252"),
    (b"SKU,Name\nA,\x00\x01\x02", "not CSV text (it holds control characters)"),
    (bytes(range(256)) * 4, "not"),
])
def test_what_is_not_text_is_refused(data, message):
    with pytest.raises(BadFile, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode(data)


def test_records_carry_the_line_they_start_on_and_blank_lines_are_left_out():
    text = 'SKU,Description\r\nA,"one\r\ntwo"\r\n\r\n,\r\nB,"say ""hi"""\r\n'
    assert list(read_records(text)) == [
        (1, ["SKU", "Description"]), (2, ["A", "one\r\ntwo"]), (6, ["B", 'say "hi"'])]


@pytest.mark.parametrize("text, message", [
    ("SKU\n" + "," * MAX_LINE + "\n", "Line 2 is longer than 65,536 characters"),
    ("SKU\n" + "x" * (MAX_LINE + 1), "Line 2 is longer"),
    ('SKU,Name\nA,"open quote\n', "cannot be read as CSV"),
    ('SKU,Name\nA,"x"y\n', "cannot be read as CSV"),
    ("SKU\n" + "A\n" * (MAX_ROWS + 1), f"more than {MAX_ROWS:,} rows"),
])
def test_a_column_bomb_a_huge_line_and_broken_quotes_are_refused(text, message):
    with pytest.raises(BadFile, match=message):
        list(read_records(text))


def test_a_row_of_the_longest_line_allowed_is_read():
    assert len(list(read_records("SKU\n" + "x" * (MAX_LINE - 1) + "\n"))) == 2


# --- the plan

def plan_of(rows, existing=()):
    return plan_import(rows, {p.sku: p for p in existing})


def test_a_new_product_needs_a_name_and_a_price():
    plan = plan_of([ProductRow(2, "NEW-1", {"name": "New"}),
                    ProductRow(3, "NEW-2", {}),
                    ProductRow(4, "NEW-3", {"name": "New", "price": Decimal("1.00")})])
    assert [(b.line, b.reason) for b in plan.bad] == [
        (2, "A new product needs a Price"), (3, "A new product needs a Name and a Price")]
    added = plan.additions[0].product
    assert (added.sku, added.on_hand, added.backorder_policy) == ("NEW-3", 0, Policy.STORE)


def test_an_update_keeps_what_the_file_leaves_out_and_names_what_changes():
    plan = plan_of([ProductRow(2, "TEA-1", {"price": Decimal("15.00"), "on_hand": 10})],
                   [tea()])
    (update,) = plan.updates
    assert update.changed == ("price",)
    assert update.product == tea(price=Decimal("15.00"))
    assert update.on_hand_delta == 0
    assert shown_changes(update) == [("Price", "14.50", "15.00")]


def test_a_row_that_changes_nothing_is_counted_as_unchanged():
    plan = plan_of([ProductRow(2, "TEA-1", {"name": "Assam tea", "categories": ()})], [tea()])
    assert (plan.updates, plan.unchanged) == ([], 1)


def test_the_same_categories_in_another_order_and_case_are_no_change():
    plan = plan_of([ProductRow(2, "TEA-1", {"categories": ("gifts", "Tea")})],
                   [tea(categories=("Gifts", "Tea"))])
    assert plan.unchanged == 1


@pytest.mark.parametrize("on_hand, committed, bad", [
    (3, 4, True),     # below what is committed
    (4, 4, False),    # the last unit not committed may go
    (0, 0, False),
    (12, 4, False),
])
def test_on_hand_never_goes_below_what_is_committed(on_hand, committed, bad):
    plan = plan_of([ProductRow(2, "TEA-1", {"on_hand": on_hand})], [tea(committed=committed)])
    assert bool(plan.bad) == bad
    if bad:
        assert plan.bad[0].reason == "On hand cannot go below the 4 units committed to orders"
    else:
        assert plan.updates[0].on_hand_delta == on_hand - 10


def test_a_sku_on_two_rows_makes_every_one_of_them_bad():
    plan = plan_of([ProductRow(2, "A", {"name": "x", "price": Decimal(1)}),
                    BadRow(3, "A", "Price must be from 0 to 1,000,000"),
                    ProductRow(4, "A", {"name": "y", "price": Decimal(1)}),
                    ProductRow(5, "B", {"name": "z", "price": Decimal(1)})])
    assert [(b.line, b.reason) for b in plan.bad] == [
        (2, "SKU A is also on line 3, 4"), (3, "Price must be from 0 to 1,000,000"),
        (4, "SKU A is also on line 2, 3")]
    assert [a.sku for a in plan.additions] == ["B"]


def test_the_digest_changes_when_the_products_change():
    rows = [ProductRow(2, "TEA-1", {"on_hand": 12})]
    assert plan_of(rows, [tea()]).digest() == plan_of(rows, [tea()]).digest()
    assert plan_of(rows, [tea()]).digest() != plan_of(rows, [tea(on_hand=11)]).digest()


# --- export and read back

@pytest.mark.parametrize("value, cell", [
    ("plain", "plain"), ("=1+1", "'=1+1"), ("+61 400", "'+61 400"), ("-5 off", "'-5 off"),
    ("@SUM(A1)", "'@SUM(A1)"), ("'quoted", "''quoted"), ("", ""), (None, ""),
    (Decimal("14.5"), "14.50"), (0, "0"), (date(2026, 3, 1), "2026-03-01"),
    (Policy.ALWAYS, "Always allow"),
])
def test_an_exported_cell_cannot_run_as_a_formula(value, cell):
    assert export_cell(value) == cell


# Any text a person could type, line breaks and tabs included (the ends are trimmed, as
# the product form trims them).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r\t"),
               max_size=40).map(str.strip)


# No deadline: on a busy machine (or under `make mutate`) one example may take longer.
@settings(deadline=None)
@given(name=TEXT.filter(bool), description=TEXT, supplier_sku=TEXT,
       price=st.decimals(0, 1_000_000, places=2),
       cost=st.none() | st.decimals(0, 1_000_000, places=2),
       on_hand=st.integers(0, 1_000_000), limit=st.none() | st.integers(0, 1_000_000),
       arrival=st.none() | st.dates(), policy=st.sampled_from(list(Policy)))
def test_what_the_export_writes_the_import_reads_back_unchanged(
        name, description, supplier_sku, price, cost, on_hand, limit, arrival, policy):
    product = tea(name=name, description=description, supplier_sku=supplier_sku,
                  price=price, cost_price=cost, on_hand=on_hand, backorder_limit=limit,
                  arrival_date=arrival, backorder_policy=policy, categories=("Tea", "Gifts"))
    out = io.StringIO()
    csv.writer(out).writerows([EXPORT_HEADER, export_row(product)])
    plan, _ = read_file(("\ufeff" + out.getvalue()).encode(),
                        lambda skus, with_categories: {})
    assert plan.bad == []
    assert plan.additions[0].product == replace(product, committed=0)


def test_a_header_of_one_field_is_enough_to_update():
    header = Header({"sku": 0}, (), 1)
    assert parse_row(2, ["TEA-1"], header) == ProductRow(2, "TEA-1", {})


# --- every bad file of the shared table, and the boundaries of each rule

FILES_REFUSED = [row for row in bad_input.IMPORT_FILES if row.status == 400]
FILES_WITH_BAD_ROWS = [row for row in bad_input.IMPORT_FILES if row.status == 200]


def shared_shop(skus, with_categories):
    """The products the shared bad-input shop has: TEA, its 5 units committed."""
    return {"TEA": tea(sku="TEA", on_hand=5, committed=5)} if "TEA" in skus else {}


@pytest.mark.parametrize("bad", FILES_REFUSED, ids=[row.name for row in FILES_REFUSED])
def test_each_bad_file_is_refused_with_its_message(bad):
    with pytest.raises(BadFile) as refused:
        read_file(bad.data, shared_shop)
    assert refused.value.message == bad.message


@pytest.mark.parametrize("bad", FILES_WITH_BAD_ROWS, ids=[row.name for row in FILES_WITH_BAD_ROWS])
def test_each_file_with_a_bad_row_names_its_line_sku_and_reason(bad):
    plan, _ = read_file(bad.data, shared_shop)
    assert (plan.bad[0].line, plan.bad[0].reason) == (2, bad.message)
    assert plan.bad[0].sku == bad.data.decode().splitlines()[1].split(",")[0]


def test_a_file_over_the_row_limit_is_refused_only_past_it():
    assert len(list(read_records("SKU\n" + "A\n" * MAX_ROWS))) == MAX_ROWS + 1


def test_old_mac_line_ends_are_lines_too():
    assert list(read_records("SKU,Name\rA,x\rB,y\r")) == [
        (1, ["SKU", "Name"]), (2, ["A", "x"]), (3, ["B", "y"])]


@pytest.mark.parametrize("cells, values", [
    (row(sku="T", name="n" * 200), {"name": "n" * 200}),
    (row(sku="T", description="d" * 5000), {"description": "d" * 5000}),
    (row(sku="T", supplier_sku="s" * 64), {"supplier_sku": "s" * 64}),
    (row(sku="S" * 64), {}),
])
def test_text_may_reach_its_limit(cells, values):
    parsed = parse_row(2, cells, ALL)
    assert isinstance(parsed, ProductRow)
    assert {k: parsed.values[k] for k in values} == values


@pytest.mark.parametrize("cells, sku, reason", [
    (row(sku="T", on_hand="1,0"), "T", "On hand must be a whole number, not '1,0'"),
    (row(sku="T", on_hand="12,34"), "T", "On hand must be a whole number, not '12,34'"),
    (row(sku="T", price="1,2"), "T", "Price must be an amount such as 14.50, not '1,2'"),
    (row(sku="T", price="x" * 40), "T",
     f"Price must be an amount such as 14.50, not '{'x' * 40}'"),
    (row(sku="T", price="x" * 41), "T",
     f"Price must be an amount such as 14.50, not '{'x' * 40}...'"),
    (row(), "", "Enter a SKU"),
    (row(sku="S" * 70), "S" * 64,
     f"SKU '{'S' * 40}...': Use up to 64 letters, digits, dots, dashes or underscores"),
    (row(sku="S" * 70) + ["surplus"], "S" * 64,
     "This row has 12 cells, more than the header's 11: is a comma missing its quotes?"),
    (row(sku="T", price="free"), "T", "Price must be an amount such as 14.50, not 'free'"),
])
def test_a_bad_row_keeps_its_sku_and_says_exactly_what_is_wrong(cells, sku, reason):
    assert parse_row(9, cells, ALL) == BadRow(9, sku, reason)


def test_a_new_product_from_a_name_and_a_price_gets_the_defaults():
    plan = plan_of([ProductRow(5, "NEW-1", {"name": "New", "price": Decimal("1.00")}),
                    ProductRow(6, "NEW-2", {"name": "Two", "price": Decimal("2.00")})])
    assert plan.additions[0] == Change(5, "NEW-1", Existing(
        sku="NEW-1", name="New", description="", price=Decimal("1.00"), on_hand=0,
        backorder_policy=Policy.STORE, arrival_date=None, backorder_limit=None,
        supplier_sku="", cost_price=None, committed=0, categories=()))
    assert [a.sku for a in plan.additions] == ["NEW-1", "NEW-2"]


def test_every_row_is_planned_after_a_bad_one_an_addition_or_an_update():
    plan = plan_of([ProductRow(2, "TEA-1", {"on_hand": 0}),
                    ProductRow(3, "NEW-1", {"name": "New", "price": Decimal("1.00")}),
                    ProductRow(4, "TEA-2", {"price": Decimal("9.00")}),
                    ProductRow(5, "TEA-3", {}),
                    ProductRow(6, "TEA-4", {})],
                   [tea(committed=3), tea(sku="TEA-2"), tea(sku="TEA-3"), tea(sku="TEA-4")])
    assert plan.bad == [BadRow(2, "TEA-1", "On hand cannot go below the 3 units committed "
                                           "to orders")]
    assert [(c.line, c.sku) for c in plan.additions] == [(3, "NEW-1")]
    assert [(c.line, c.sku) for c in plan.updates] == [(4, "TEA-2")]
    assert plan.unchanged == 2


def test_bad_rows_of_the_plan_keep_their_sku():
    plan = plan_of([ProductRow(2, "A", {}), ProductRow(3, "A", {}), ProductRow(4, "N", {})])
    assert [b.sku for b in plan.bad] == ["A", "A", "N"]


def test_other_categories_are_a_change():
    plan = plan_of([ProductRow(2, "TEA-1", {"categories": ("Gifts",)})],
                   [tea(categories=("Tea",))])
    assert plan.updates[0].changed == ("categories",)


def test_reading_a_file_asks_for_the_products_of_its_good_rows_and_notes_its_columns():
    asked = []

    def existing_for(skus, with_categories):
        asked.append((skus, with_categories))
        return {"TEA-1": tea()}

    plan, _ = read_file(b"SKU,Price,Weight,Category\nTEA-1,15.00,1 kg,Tea\nNEW-1,x,,\n",
                        existing_for)
    assert asked == [({"TEA-1"}, True)]
    assert (plan.ignored_columns, plan.has_categories) == (("Weight",), True)
    assert [b.line for b in plan.bad] == [3]
    plan, _ = read_file(b"SKU,Price\nTEA-1,15.00\n", existing_for)
    assert asked[-1] == ({"TEA-1"}, False)
    assert (plan.ignored_columns, plan.has_categories) == ((), False)


@pytest.mark.parametrize("before, after, shown", [
    (tea(), tea(arrival_date=date(2026, 3, 1)), [("Date of arrival", "none", "2026-03-01")]),
    (tea(supplier_sku="S-1"), tea(), [("Supplier SKU", "S-1", "none")]),
    (tea(), tea(categories=("Tea", "Gifts")), [("Categories", "none", "Tea, Gifts")]),
    (tea(), tea(backorder_policy=Policy.NEVER),
     [("Backorders", "Use store setting", "Never allow")]),
    (tea(), tea(on_hand=0), [("On hand", "10", "0")]),
])
def test_the_preview_shows_each_change_in_words(before, after, shown):
    changed = tuple(name for name, *_ in [
        ("arrival_date",), ("supplier_sku",), ("categories",), ("backorder_policy",),
        ("on_hand",)] if getattr(before, name) != getattr(after, name))
    assert shown_changes(Change(2, "TEA-1", after, before, changed)) == shown
