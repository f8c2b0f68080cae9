"""The product import and export pages as staff use them."""
import csv
import io
from decimal import Decimal

import pytest

from app.domain.product_csv import EXPORT_HEADER, MAX_BYTES
from tests.support import bad_input as bad
from tests.support.rows import changes
from tests.web.pages import Page

IMPORT = "/admin/products/import"
TOO_LARGE = "The file is larger than 10 MB: split it into smaller files"


def csv_file(*rows: list[str], name: str = "products.csv") -> tuple[io.BytesIO, str]:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return io.BytesIO(out.getvalue().encode()), name


def preview(client, *rows, name: str = "products.csv"):
    return client.submit(IMPORT, {"csv_file": csv_file(*rows, name=name)},
                         content_type="multipart/form-data")


def press_import(client, page: Page):
    return client.submit(IMPORT, page.form_data("Import"))


def price(shop, sku: str) -> Decimal:
    from tests.support.services import product
    return shop.read(lambda: product(sku).price)


def test_the_products_list_links_to_the_import_and_the_export(admin_client):
    links = Page(admin_client.get("/admin/products")).links()
    assert links["Export CSV"] == "/admin/products/export.csv"
    assert links["Import CSV"] == IMPORT


def test_the_import_page_asks_for_a_csv_file_with_a_preview_button(staff_client):
    response = staff_client.get(IMPORT)
    assert response.status_code == 200
    page = Page(response)
    assert page.control("CSV file").attrs["type"] == "file"
    assert page.form_of("Preview").attrs["enctype"] == "multipart/form-data"
    assert "Import" not in page.button_texts()


def test_a_preview_lists_rows_to_add_to_update_and_each_bad_row_with_its_line(admin_client,
                                                                              shop, snapshot):
    shop.product("TEA-1", on_hand=5)
    before = snapshot()
    response = preview(admin_client, ["SKU", "Name", "Price", "Qty"], ["TEA-1", "Tea", "4.50", "7"],
                       ["NEW-1", "New, thing", "1.00", "3"], ["BAD-1", "Bad", "free", "1"])
    assert response.status_code == 200
    page = Page(response)
    assert "1 to add, 1 to update, 0 unchanged, 1 bad." in page
    assert page.table_rows("Bad rows") == [
        ["4", "BAD-1", "Price must be an amount such as 14.50, not 'free'"]]
    assert page.table_rows("Products to add") == [["3", "NEW-1", "New, thing", "$1.00", "3"]]
    assert page.table_rows("Products to update") == [
        ["2", "TEA-1", "Name: Product TEA-1 → Tea Price: 10.00 → 4.50 On hand: 5 → 7"]]
    assert "Import" not in page.button_texts()  # fix the file first
    assert snapshot() == before


def test_import_applies_the_preview_and_shows_the_products(admin_client, shop):
    shop.product("TEA-1", on_hand=5)
    page = Page(preview(admin_client, ["SKU", "Name", "Price"], ["TEA-1", "Tea", "4.50"],
                        ["NEW-1", "New thing", "1.00"]))
    response = press_import(admin_client, page)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/products"
    products = Page(admin_client.get("/admin/products"))
    assert products.flashes() == ["Imported: 1 added, 1 updated, 0 unchanged"]
    assert [row[:3] for row in products.table_rows("Products")] == [
        ["NEW-1", "New thing", "$1.00"], ["TEA-1", "Tea", "$4.50"]]
    # The same Import again (a double click, the back button) imports nothing more.
    again = press_import(admin_client, page)
    assert again.status_code == 409
    assert "This preview is no longer open" in Page(again)


def test_an_import_after_the_products_changed_shows_the_new_preview(admin_client, shop,
                                                                    snapshot):
    shop.product("TEA-1", on_hand=5)
    page = Page(preview(admin_client, ["SKU", "Qty"], ["TEA-1", "9"]))
    admin_client.submit("/admin/products/TEA-1/receive", {"quantity": "2", "reference": "PO-1"})
    before = snapshot()
    response = press_import(admin_client, page)
    assert response.status_code == 409
    fresh = Page(response)
    assert fresh.all_errors()[0].startswith("The products changed since this preview")
    assert fresh.table_rows("Products to update") == [["2", "TEA-1", "On hand: 7 → 9"]]
    # Nothing imported; the file is kept again, for the new preview's Import.
    assert set(changes(before, snapshot())) == {"product_imports"}
    assert press_import(admin_client, fresh).status_code == 302


@pytest.mark.parametrize("bad", bad.IMPORT_FILES, ids=[row.name for row in bad.IMPORT_FILES])
def test_a_bad_file_comes_back_with_its_message_and_saves_nothing(admin_client, shop, bad,
                                                                   snapshot):
    shop.product("TEA", on_hand=5)
    shop.order({"TEA": 5})
    before = snapshot()
    response = admin_client.submit(IMPORT, {"csv_file": (io.BytesIO(bad.data), "p.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == bad.status
    page = Page(response)
    if bad.status == 200:  # a preview listing the bad rows, with nothing to import
        assert bad.message in [row[2] for row in page.table_rows("Bad rows")]
        assert "Import" not in page.button_texts()
    else:
        assert page.errors("CSV file") == [bad.message]
    assert snapshot() == before


def test_a_preview_without_a_file_asks_for_one(admin_client):
    response = admin_client.submit(IMPORT, {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert Page(response).errors("CSV file") == ["Choose a CSV file to preview"]


@pytest.mark.parametrize("size", [MAX_BYTES + 1, 50 * 2**20], ids=["just over", "50 MB"])
def test_a_file_over_the_limit_gets_a_message_not_an_error_page(admin_client, size, snapshot):
    before = snapshot()
    data = b"SKU,Name,Price\n" + b"A-1,x,1\n" * (size // 8)
    response = admin_client.submit(IMPORT, {"csv_file": (io.BytesIO(data[:size]), "big.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == 413
    assert Page(response).errors("CSV file") == [TOO_LARGE]
    assert snapshot() == before


def test_signed_out_the_import_and_export_send_to_sign_in(client):
    for response in (client.get(IMPORT), client.get("/admin/products/export.csv"),
                     client.submit(IMPORT, {"csv_file": (io.BytesIO(b"x" * (11 * 2**20)),
                                                         "big.csv")},
                                   content_type="multipart/form-data")):
        assert response.status_code == 302
        assert "/admin/login" in response.headers["Location"]


def test_the_export_is_a_csv_file_of_every_product_in_the_import_columns(staff_client, shop):
    shop.product("TEA-1", on_hand=5, price="4.50")
    response = staff_client.get("/admin/products/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=products.csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [EXPORT_HEADER, ["TEA-1", "Product TEA-1", "", "4.50", "5",
                                    "Use store setting", "", "", "", "", ""]]


def test_the_exported_file_imports_as_no_change(admin_client, shop, snapshot):
    shop.product("TEA-1", on_hand=5, price="4.50")
    exported = admin_client.get("/admin/products/export.csv").get_data()
    before = snapshot()
    response = admin_client.submit(IMPORT, {"csv_file": (io.BytesIO(exported), "products.csv")},
                                   content_type="multipart/form-data")
    page = Page(response)
    assert "0 to add, 0 to update, 1 unchanged, 0 bad." in page
    assert "Nothing to import" in page
    assert snapshot() == before


def test_an_import_shows_on_the_catalogue_at_once(app, client, shop, ctx):
    """Kept storefront pages are dropped when the import commits (in this process at
    once; other processes learn of it from the page cache's watcher). Bulk statements
    show in no flush: on PostgreSQL, whose watcher hears of a commit a moment later,
    this fails unless the import tells the page cache itself."""
    from tests.web.test_page_cache import view, wait_until_watching
    from app.services import product_csv

    wait_until_watching(app)
    shop.product("TEA-1", on_hand=9, name="Assam")
    for url in ("/", "/products/TEA-1"):
        view(client, url)
        assert "Assam" in view(client, url)
    product_csv.import_file(b"SKU,Name,Price\nTEA-1,Darjeeling,10.00\nNEW-1,Oolong,3.00\n",
                            None)
    assert "Darjeeling" in view(client, "/products/TEA-1")
    catalogue = view(client, "/")
    assert "Darjeeling" in catalogue and "Oolong" in catalogue


def test_a_file_over_the_limit_is_refused_before_the_body_is_read(admin_client):
    """The limit holds before the CSRF check reads the form: a 50 MB upload without a
    token gets the size message (413), not the missing-token error (400)."""
    response = admin_client.post(IMPORT, data={"csv_file": (io.BytesIO(b"x" * 50 * 2**20),
                                                            "big.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 413
    assert Page(response).errors("CSV file") == [TOO_LARGE]
