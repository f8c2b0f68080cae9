"""A product import runs a fixed number of SQL statements per thousand rows, however many
products it adds or updates, and their categories."""
import csv
import io

import pytest

from app.extensions import db
from app.services import product_csv

from tests.integration.test_receipt_statements import add_waiting_backorders
from tests.support.services import assert_stock_invariants, figures, product


def categories(sku: str) -> list[str]:
    return [category.name for category in product(sku).categories]


def products_file(count: int, *, price: str, on_hand: int, start: int = 0,
                  shift: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["SKU", "Name", "Price", "On hand", "Categories"])
    for n in range(start, start + count):
        writer.writerow([f"SKU-{n:05d}", f"Product {n}", price, on_hand,
                         f"Group {(n + shift) % 7}, All"])
    return out.getvalue().encode()


def count_import(count_queries, data: bytes) -> int:
    db.session.close()
    with count_queries() as counter:
        product_csv.import_file(data, None)
    return counter.count


@pytest.mark.parametrize("kind", ["add", "update"])
def test_an_import_runs_the_same_statements_for_1000_rows_as_for_10_and_as_many_more_per_1000(
        ctx, count_queries, kind):
    figures_by_size = {}
    # The categories exist already (making new ones costs three statements, once).
    product_csv.import_file(products_file(7, price="1.00", on_hand=0, start=90_000), None)
    for size, start in ((10, 0), (1000, 10_000), (2000, 20_000), (3000, 30_000)):
        if kind == "update":  # the products exist; the file changes price, stock, categories
            product_csv.import_file(products_file(size, price="1.00", on_hand=1, start=start),
                                    None)
        figures_by_size[size] = count_import(
            count_queries, products_file(size, price="2.00", on_hand=5, start=start, shift=1))
    print(f"\nimport statements ({kind}): {figures_by_size}")
    assert figures_by_size[1000] == figures_by_size[10]
    per_batch = figures_by_size[2000] - figures_by_size[1000]
    assert 0 < per_batch <= 8
    assert figures_by_size[3000] - figures_by_size[2000] == per_batch
    assert figures("SKU-30000") == (5, 0, 0)
    assert categories("SKU-30000") == ["All", f"Group {30_001 % 7}"]
    assert_stock_invariants()


def test_stock_serving_waiting_orders_of_5_or_50_products_runs_the_same_statements(
        ctx, shop, count_queries):
    """Each product has two orders waiting for 2 units; the file gives it 3 on hand: the
    first order is filled, the second allocated in part. (Releasing a backorder, with
    the setting on, writes its status, timeline and email: statements per order
    released, as after a receipt.)"""
    counts = {}
    number = 10_001
    for size, start in ((5, 0), (50, 100)):
        skus = [f"SKU-{n:05d}" for n in range(start, start + size)]
        product_csv.import_file(products_file(size, price="1.00", on_hand=0, start=start),
                                None)
        for sku in skus:
            add_waiting_backorders(sku, 2, first_number=number)
            number += 2
        counts[size] = count_import(count_queries, products_file(size, price="1.00",
                                                                 on_hand=3, start=start))
        assert figures(skus[-1]) == (3, 3, 1)
    print(f"\nimport statements serving waiting orders: {counts}")
    assert counts[50] == counts[5]
    assert_stock_invariants()
