"""flask --app wsgi import-products FILE: the preview's rules, a progress bar, all or nothing."""
from decimal import Decimal

from tests.support.rows import changes, snapshot
from tests.support.services import assert_stock_invariants, ledger, product

GOOD = "SKU,Name,Price,Qty\nTEA-1,Tea,4.50,7\nNEW-1,New thing,1.00,3\n"
ONE_BAD = GOOD + "BAD-1,Bad,free,1\n"


def run(app, tmp_path, text: str, *options: str):
    path = tmp_path / "products.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["import-products", str(path), *options])


def test_the_command_imports_a_file_with_a_progress_bar(app, ctx, shop, tmp_path):
    shop.product("TEA-1", on_hand=5)
    result = run(app, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "products.csv (UTF-8): 1 to add, 1 to update, 0 unchanged, 0 bad." in result.output
    assert "Importing" in result.output
    assert "Imported: 1 added, 1 updated, 0 unchanged." in result.output
    assert product("NEW-1").price == Decimal("1.00")
    assert ledger("TEA-1")[-1] == ("adjustment", 2, 0, 0)
    assert_stock_invariants()


def test_a_bad_row_stops_the_command_and_saves_nothing(app, ctx, shop, tmp_path):
    shop.product("TEA-1", on_hand=5)
    before = snapshot()
    result = run(app, tmp_path, ONE_BAD)
    assert result.exit_code == 1
    assert "line 4 (BAD-1): Price must be an amount such as 14.50, not 'free'" in result.output
    assert "Nothing imported: fix the bad rows, or import the others with --skip-bad-rows" \
        in result.output
    assert changes(before, snapshot()) == {}


def test_skip_bad_rows_imports_the_good_ones(app, ctx, shop, tmp_path):
    shop.product("TEA-1", on_hand=5)
    result = run(app, tmp_path, ONE_BAD, "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert "Imported: 1 added, 1 updated, 0 unchanged, 1 bad rows left out." in result.output
    assert product("TEA-1").on_hand == 7


def test_a_file_that_cannot_be_read_is_refused(app, ctx, tmp_path):
    result = run(app, tmp_path, "Name,Price\nTea,1\n")
    assert result.exit_code == 1
    assert "The file has no SKU column" in result.output
