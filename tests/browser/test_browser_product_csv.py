"""Staff import a CSV of products in Chromium: the preview shows a bad row, they fix the
file, preview again and import. With SCREENSHOTS_DIR set, the two previews are saved too."""
import re

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.test_journeys import screenshot

pytestmark = pytest.mark.browser

WITH_A_BAD_ROW = ("SKU,Product name,Sale price,Qty,Category\n"
                  "TEA-1,Assam tea,14.50,12,Tea\n"
                  "POT-1,\"Teapot, cast iron\",free,3,Teaware\n")
FIXED = WITH_A_BAD_ROW.replace(",free,", ",89.00,")


def choose_file(page: Page, text: str) -> None:
    page.get_by_label("CSV file", exact=True).set_input_files(files=[{
        "name": "products.csv", "mimeType": "text/csv", "buffer": text.encode()}])


def test_staff_fix_a_bad_row_the_preview_shows_then_import_and_see_the_products(
        page, shop, sign_in_as):
    shop.product("TEA-1", name="Tea", on_hand=2)
    sign_in_as(Role.STAFF)
    page.goto("/admin/products")
    page.get_by_role("link", name="Import CSV", exact=True).click()
    expect(page).to_have_url(re.compile("/admin/products/import$"))

    choose_file(page, WITH_A_BAD_ROW)
    page.get_by_role("button", name="Preview", exact=True).click()
    bad = page.get_by_role("table", name="Bad rows")
    expect(bad.get_by_role("row", name=re.compile(
        r"^3 POT-1 Price must be an amount such as 14\.50, not 'free'$"))).to_have_count(1)
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    screenshot(page, "product-import-bad-row")

    choose_file(page, FIXED)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#summary")).to_contain_text("1 to add, 1 to update, 0 unchanged, 0 bad.")
    expect(page.get_by_role("table", name="Products to update")).to_contain_text(
        "On hand: 2 → 12")
    screenshot(page, "product-import-preview")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page).to_have_url(re.compile("/admin/products$"))
    expect(page.get_by_role("status")).to_contain_text("Imported: 1 added, 1 updated, 0 unchanged")
    products = page.get_by_role("table", name="Products")
    expect(products.get_by_role("row", name=re.compile(r"^POT-1 Teapot, cast iron \$89\.00 3 "))) \
        .to_have_count(1)
    expect(products.get_by_role("row", name=re.compile(r"^TEA-1 Assam tea \$14\.50 12 "))) \
        .to_have_count(1)
