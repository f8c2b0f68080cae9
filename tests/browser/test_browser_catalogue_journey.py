"""A merchant brings a catalogue in and a shopper finds things in it, in Chromium: staff
import a CSV whose preview shows one bad row, fix the file and import it, give a product
a picture; a shopper searches, filters by category and sees the picture. With
SCREENSHOTS_DIR set, the search, a category and the product form are saved too."""
import re

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.test_browser_catalogue_search import cards
from tests.browser.test_browser_pictures import loaded
from tests.browser.test_journeys import screenshot
from tests.browser.test_browser_product_csv import choose_file
from tests.support.pictures import picture

pytestmark = pytest.mark.browser

WITH_A_BAD_ROW = ("SKU,Product name,Description,Sale price,Qty,Category\n"
                  "TEA-1,Assam tea,\"Malty, strong\",14.50,12,Tea\n"
                  "POT-1,Cast iron teapot,Holds a litre,free,3,Teaware\n"
                  "CUP-1,Stoneware cup,A pair,32.00,0,\"Teaware, Gifts\"\n")
FIXED = WITH_A_BAD_ROW.replace(",free,", ",89.00,")


def test_staff_import_a_catalogue_and_a_shopper_searches_filters_and_sees_pictures(
        page: Page, new_page, shop, sign_in_as, tmp_path):
    sign_in_as(Role.STAFF)
    page.goto("/admin/products")
    page.get_by_role("link", name="Import CSV", exact=True).click()

    choose_file(page, WITH_A_BAD_ROW)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_role("table", name="Bad rows").get_by_role("row", name=re.compile(
        r"^3 POT-1 Price must be an amount such as 14\.50, not 'free'$"))).to_have_count(1)
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)

    choose_file(page, FIXED)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#summary")).to_contain_text("3 to add, 0 to update, 0 unchanged, 0 bad.")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Imported: 3 added, 0 updated")

    upload = tmp_path / "teapot.png"
    upload.write_bytes(picture(800, 800, (40, 40, 48)))
    page.goto("/admin/products/POT-1")
    expect(page.get_by_label("Categories", exact=True)).to_have_value("Teaware")
    page.get_by_label("Pictures", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("POT-1 saved")
    screenshot(page, "product-form-pictures")
    page.get_by_label("Alt text", exact=True).fill("A black cast iron teapot")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("POT-1 saved")

    shopper = new_page()
    shopper.goto("/")
    shopper.get_by_label("Search", exact=True).fill("teapot")
    shopper.get_by_role("button", name="Search", exact=True).click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Search results for “teapot”")
    teapot = shopper.get_by_role("img", name="A black cast iron teapot", exact=True)
    expect(teapot).to_be_visible()
    assert loaded(shopper, teapot)
    expect(shopper.get_by_text("Assam tea")).to_have_count(0)
    screenshot(shopper, "catalogue-search")

    shopper.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Teaware", exact=True).click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Teaware")
    expect(cards(shopper)).to_have_text(["Cast iron teapot", "Stoneware cup"])
    screenshot(shopper, "catalogue-category")
    expect(shopper.get_by_role("img", name="A black cast iron teapot", exact=True)).to_be_visible()
    shopper.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Gifts", exact=True).click()
    expect(cards(shopper)).to_have_text(["Stoneware cup"])
    shopper.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Teaware", exact=True).click()

    shopper.get_by_role("link", name="Cast iron teapot", exact=True).click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Cast iron teapot")
    main = shopper.get_by_role("img", name="A black cast iron teapot", exact=True)
    expect(main).to_be_visible()
    assert loaded(shopper, main)
