"""Importing products from CSV: one transaction, the stock rules, the kept preview."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.domain.product_csv import BadFile
from app.extensions import db
from app.models import Category, OrderEvent, Product, ProductImport
from app.models.types import utcnow
from app.services import product_csv
from app.services.catalog import find_product
from app.services.inventory import receive_stock

from tests.support.rows import changes, snapshot
from tests.support.services import (assert_stock_invariants, figures, fresh, ledger, lines,
                                    order, place, product, user)


def csv_bytes(*rows: list[str], bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def export() -> bytes:
    fresh()
    out = io.StringIO()
    csv.writer(out).writerows(product_csv.export_rows())
    fresh()
    return out.getvalue().encode()


def events(reference: str) -> list[str]:
    fresh()
    return list(db.session.scalars(select(OrderEvent.message).where(
        OrderEvent.order_id == order(reference).id, OrderEvent.kind == "allocated")
        .order_by(OrderEvent.id)))


def categories(sku: str) -> list[str]:
    fresh()
    return [c.name for c in product(sku).categories]


def signed_in(email: str):
    """The user as a request has it: loaded once, apart from the session's transactions."""
    found = user(email)
    db.session.expunge(found)
    fresh()
    return found


@pytest.fixture
def admin(ctx, shop):
    shop.user("admin@example.com")
    return signed_in("admin@example.com")


def test_a_file_adds_and_updates_products_with_every_column(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    imported = product_csv.import_file(csv_bytes(
        ["SKU", "Product name", "Sale price", "Qty", "Backorders", "Date Arrival",
         "PreOrder Quantity", "Category", "Supplier SKU", "Cost", "Weight"],
        ["TEA-1", "Assam", "14.50", "8", "Always allow", "2026-03-31", "4", "Tea, Gifts",
         "S-1", "7.00", "250 g"],
        ["POT-1", "Teapot", "89", "", "never allow", "", "", "", "", "", ""]), None)
    assert (imported.added, imported.updated, imported.unchanged) == (1, 1, 0)
    tea = product("TEA-1")
    assert (tea.name, tea.price, tea.on_hand, tea.backorder_policy, tea.arrival_date,
            tea.backorder_limit, tea.supplier_sku, tea.cost_price) == (
        "Assam", Decimal("14.50"), 8, Policy.ALWAYS, date(2026, 3, 31), 4, "S-1",
        Decimal("7.00"))
    assert categories("TEA-1") == ["Gifts", "Tea"]
    pot = product("POT-1")
    assert (pot.name, pot.price, pot.on_hand, pot.backorder_policy) == (
        "Teapot", Decimal("89.00"), 0, Policy.NEVER)
    assert ledger("TEA-1") == [("opening stock", 5, 0, 0), ("adjustment", 3, 0, 0)]
    assert ledger("POT-1") == []  # no stock, no movement
    assert_stock_invariants()


def test_columns_left_out_keep_what_the_product_has(ctx, shop):
    shop.product("TEA-1", on_hand=5, price="3.00", policy=Policy.ALWAYS, limit=2)
    product_csv.import_file(csv_bytes(["sku", "NAME"], ["TEA-1", "Renamed"]), None)
    tea = product("TEA-1")
    assert (tea.name, tea.price, tea.on_hand, tea.backorder_policy, tea.backorder_limit) == (
        "Renamed", Decimal("3.00"), 5, Policy.ALWAYS, 2)


def test_what_the_export_writes_the_import_reads_back_unchanged(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    awkward = {"name": 'Thé «vert», "Sencha" 緑茶', "description": "=1+1\nline two, with \"quotes\"\r\nand '@three'",
               "supplier_sku": "-5", "arrival_date": date(2026, 1, 2), "backorder_limit": 0,
               "cost_price": Decimal("0.10")}
    fresh()
    db.session.execute(update(Product).where(Product.sku == "TEA-1").values(**awkward))
    db.session.commit()
    product_csv.import_file(csv_bytes(["SKU", "Categories"], ["TEA-1", "Thé, +Gifts boxed"]),
                            None)
    first = export()
    before = snapshot()
    imported = product_csv.import_file(first, None)
    assert (imported.added, imported.updated, imported.unchanged) == (0, 0, 1)
    assert changes(before, snapshot()) == {}
    # Into an empty shop, the same file makes the same products.
    db.session.execute(db.text("DELETE FROM product_categories"))
    db.session.execute(db.text("DELETE FROM stock_movements"))
    db.session.execute(db.text("DELETE FROM products"))
    db.session.commit()
    assert product_csv.import_file(first, None).added == 1
    assert export() == first
    assert first.decode().count("'=1+1") == 1


def test_a_bad_row_refuses_the_whole_file_and_changes_nothing(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    before = snapshot()
    with pytest.raises(BadFile, match="1 bad rows, nothing imported; the first, line 3: "
                                      "Price must be an amount"):
        product_csv.import_file(csv_bytes(["SKU", "Name", "Price"], ["TEA-1", "x", "1"],
                                          ["NEW-1", "y", "free"]), None)
    assert changes(before, snapshot()) == {}


def test_skipping_bad_rows_imports_the_others(ctx, shop):
    imported = product_csv.import_file(csv_bytes(["SKU", "Name", "Price"], ["NEW-1", "y", "1"],
                                                 ["NEW-2", "z", "free"]), None,
                                       skip_bad_rows=True)
    assert (imported.added, imported.skipped) == (1, 1)
    assert find_product("NEW-2") is None


def test_on_hand_below_committed_is_a_bad_row(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 4})
    with pytest.raises(BadFile, match="On hand cannot go below the 4 units committed"):
        product_csv.import_file(csv_bytes(["SKU", "On hand"], ["TEA-1", "3"]), None)
    product_csv.import_file(csv_bytes(["SKU", "On hand"], ["TEA-1", "4"]), None)
    assert figures("TEA-1") == (4, 4, 0)
    assert ledger("TEA-1")[-1] == ("adjustment", -1, 0, 0)
    assert_stock_invariants()


def test_new_stock_serves_waiting_orders_oldest_first_as_a_receipt_does(ctx, shop):
    shop.settings(out_of_stock_checkout=True, create_backorder=True, auto_release=True)
    shop.product("TEA-1", on_hand=0)
    first = place({"TEA-1": 2}).backorder.reference
    second = place({"TEA-1": 2}).backorder.reference
    imported = product_csv.import_file(csv_bytes(["SKU", "Qty"], ["TEA-1", "3"]), None)
    assert [o.reference for o in imported.ready] == [first]
    assert order(first).status is OrderStatus.NEW
    assert lines(first) == [("TEA-1", 2, 2)] and lines(second) == [("TEA-1", 2, 1)]
    assert figures("TEA-1") == (3, 3, 1)
    assert [row[0] for row in ledger("TEA-1")][-3:] == ["adjustment", "allocate", "allocate"]
    assert_stock_invariants()


def test_one_import_serves_the_waiting_orders_of_several_products_each_oldest_first(ctx, shop):
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA-1", on_hand=0)
    shop.product("CUP-1", on_hand=0)
    both = place({"TEA-1": 1, "CUP-1": 2}).order.reference
    cups = place({"CUP-1": 2}).order.reference
    teas = place({"TEA-1": 3}).order.reference
    product_csv.import_file(csv_bytes(["SKU", "Qty"], ["TEA-1", "2"], ["CUP-1", "3"]), None)
    assert sorted(lines(both)) == [("CUP-1", 2, 2), ("TEA-1", 1, 1)]
    assert lines(cups) == [("CUP-1", 2, 1)]
    assert lines(teas) == [("TEA-1", 3, 1)]
    assert (figures("TEA-1"), figures("CUP-1")) == ((2, 2, 2), (3, 3, 1))
    assert sorted(events(both)) == ["1 x TEA-1 allocated (CSV import)",
                                    "2 x CUP-1 allocated (CSV import)"]
    assert events(cups) == ["1 x CUP-1 allocated (CSV import)"]
    assert_stock_invariants()


def test_categories_match_by_name_in_any_case_and_are_replaced(ctx, shop):
    shop.product("TEA-1")
    product_csv.import_file(csv_bytes(["SKU", "Categories"], ["TEA-1", "Tea, Gifts"]), None)
    product_csv.import_file(csv_bytes(["SKU", "Categories"], ["TEA-1", "tea,Black"]), None)
    assert categories("TEA-1") == ["Black", "Tea"]
    fresh()
    assert sorted(db.session.scalars(select(Category.name))) == ["Black", "Gifts", "Tea"]
    product_csv.import_file(csv_bytes(["SKU", "Categories"], ["TEA-1", ""]), None)
    assert categories("TEA-1") == []


# --- the preview kept for its Import

def test_a_preview_keeps_the_file_for_its_import_under_a_token(ctx, shop, admin):
    shop.product("TEA-1", on_hand=5)
    preview = product_csv.preview_file(csv_bytes(["SKU", "Price"], ["TEA-1", "2.00"]),
                                       "p.csv", admin)
    assert preview.token and len(preview.plan.updates) == 1
    assert product("TEA-1").price == Decimal("10.00")  # a preview saves nothing
    imported = product_csv.import_staged(preview.token, admin)
    assert imported.updated == 1
    assert product("TEA-1").price == Decimal("2.00")
    fresh()
    assert db.session.scalars(select(ProductImport)).all() == []


def test_a_preview_with_bad_rows_or_nothing_to_do_keeps_nothing(ctx, shop, admin):
    shop.product("TEA-1", on_hand=5)
    for data in (csv_bytes(["SKU", "Price"], ["TEA-1", "x"]),
                 csv_bytes(["SKU", "Price"], ["TEA-1", "10.00"])):
        assert product_csv.preview_file(data, "p.csv", admin).token is None
    fresh()
    assert db.session.scalars(select(ProductImport)).all() == []


def test_an_import_is_refused_once_the_products_changed_since_its_preview(ctx, shop, admin):
    shop.product("TEA-1", on_hand=5)
    preview = product_csv.preview_file(csv_bytes(["SKU", "Qty"], ["TEA-1", "9"]), "p.csv", admin)
    receive_stock("TEA-1", 1, "PO-1", None)  # the preview said 5 -> 9
    before = snapshot()
    with pytest.raises(product_csv.StaleImport, match="The products changed since this preview"):
        product_csv.import_staged(preview.token, admin)
    assert changes(before, snapshot()) == {}
    again = product_csv.preview_again(preview.token, admin)
    assert again.plan.updates[0].before.on_hand == 6
    assert product_csv.import_staged(again.token, admin).updated == 1
    assert figures("TEA-1") == (9, 0, 0)


def test_an_import_runs_once_and_only_for_whoever_previewed_it(ctx, shop, admin):
    shop.user("staff@example.com")
    staff = signed_in("staff@example.com")
    preview = product_csv.preview_file(csv_bytes(["SKU", "Name", "Price"], ["NEW-1", "n", "1"]),
                                       "p.csv", admin)
    with pytest.raises(product_csv.StaleImport, match="no longer open"):
        product_csv.import_staged(preview.token, staff)
    with pytest.raises(product_csv.StaleImport, match="no longer open"):
        product_csv.import_staged("not-a-token", admin)
    product_csv.import_staged(preview.token, admin)
    with pytest.raises(product_csv.StaleImport, match="no longer open"):
        product_csv.import_staged(preview.token, admin)
    fresh()
    assert db.session.scalar(select(db.func.count(Product.id))) == 1


def test_a_newer_preview_replaces_the_last_and_old_ones_expire(ctx, shop, admin):
    first = product_csv.preview_file(csv_bytes(["SKU", "Name", "Price"], ["A-1", "a", "1"]),
                                     "a.csv", admin)
    second = product_csv.preview_file(csv_bytes(["SKU", "Name", "Price"], ["B-1", "b", "1"]),
                                      "b.csv", admin)
    with pytest.raises(product_csv.StaleImport):
        product_csv.import_staged(first.token, admin)
    fresh()
    db.session.execute(update(ProductImport).values(
        created_at=utcnow() - product_csv.PREVIEW_OPEN - timedelta(seconds=1)))
    db.session.commit()
    with pytest.raises(product_csv.StaleImport, match="expired"):
        product_csv.import_staged(second.token, admin)


def test_the_export_lists_every_product_by_sku_past_one_batch(ctx, shop, monkeypatch):
    monkeypatch.setattr(product_csv, "BATCH", 2)
    for sku in ("C-1", "A-1", "B-1", "E-1", "D-1"):
        shop.product(sku)
    rows = list(product_csv.export_rows())
    assert [r[0] for r in rows] == ["SKU", "A-1", "B-1", "C-1", "D-1", "E-1"]


@pytest.mark.postgres_only  # on SQLite the other writer waits for the import's write lock
def test_a_product_added_by_someone_else_during_the_import_refuses_it(ctx, shop, admin,
                                                                     monkeypatch):
    preview = product_csv.preview_file(csv_bytes(["SKU", "Name", "Price"], ["NEW-1", "n", "1"]),
                                       "p.csv", admin)
    real_plan = product_csv.read_plan

    def plan_then_someone_adds_it(data, *, lock=False):
        planned = real_plan(data, lock=lock)
        shop.product("NEW-1")  # another connection commits it after our plan
        return planned
    monkeypatch.setattr(product_csv, "read_plan", plan_then_someone_adds_it)
    before = snapshot()
    with pytest.raises(product_csv.StaleImport, match="The products changed"):
        product_csv.import_staged(preview.token, admin)
    assert set(changes(before, snapshot())) == {"products"}  # only the other one's NEW-1
