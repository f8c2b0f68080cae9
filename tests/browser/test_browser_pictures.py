"""Staff give a product its pictures on the product form; shoppers see them, in Chromium."""
import re

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.support.pictures import SCRIPT_PNG, picture

pytestmark = pytest.mark.browser


def loaded(page: Page, img) -> bool:
    """The browser fetched and decoded the picture (a broken one has no natural width)."""
    return img.evaluate("img => img.complete && img.naturalWidth > 0")


def test_staff_upload_a_picture_describe_it_and_shoppers_see_it_in_the_catalogue(
        page, new_page, shop, sign_in_as, tmp_path):
    shop.product("TEA-1", name="Teapot", on_hand=3)
    shop.product("CUP-1", name="Cup", on_hand=3)
    upload = tmp_path / "teapot.png"
    upload.write_bytes(picture(900, 600, (30, 90, 160)))

    sign_in_as(Role.STAFF)
    page.goto("/admin/products/TEA-1")
    page.get_by_label("Pictures", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("TEA-1 saved")

    alt = page.get_by_label("Alt text", exact=True)
    expect(alt).to_have_value("Teapot")
    alt.fill("A blue cast iron teapot")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("TEA-1 saved")
    expect(page.get_by_role("button", name="Remove picture", exact=True)).to_have_count(1)

    shopper = new_page()
    shopper.goto("/")
    card_picture = shopper.get_by_role("img", name="A blue cast iron teapot", exact=True)
    expect(card_picture).to_be_visible()
    assert re.fullmatch(r"/pictures/[0-9a-f]{32}-thumb\.jpg", card_picture.get_attribute("src"))
    assert (card_picture.get_attribute("width"), card_picture.get_attribute("height")) \
        == ("400", "267")
    assert loaded(shopper, card_picture)
    # The cup has none: the placeholder, which a screen reader skips (alt="").
    placeholder = shopper.locator("img.placeholder")
    expect(placeholder).to_have_count(1)
    assert placeholder.get_attribute("alt") == "" and loaded(shopper, placeholder)

    shopper.get_by_role("link", name="Teapot", exact=True).click()
    large = shopper.get_by_role("img", name="A blue cast iron teapot", exact=True)
    expect(large).to_have_attribute("width", "900")
    assert loaded(shopper, large)


def test_a_script_named_png_comes_back_with_the_message_and_staff_can_remove_a_picture(
        page, shop, sign_in_as, tmp_path):
    shop.product("TEA-1", name="Teapot", on_hand=3)
    script, good = tmp_path / "teapot.png", tmp_path / "real.png"
    script.write_bytes(SCRIPT_PNG)
    good.write_bytes(picture(50, 50))
    sign_in_as(Role.STAFF)
    page.goto("/admin/products/TEA-1")

    page.get_by_label("Pictures", exact=True).set_input_files([str(good), str(script)])
    page.get_by_role("button", name="Save", exact=True).click()
    field = page.locator(".field", has=page.get_by_label("Pictures", exact=True))
    expect(field.locator(".error")).to_have_text("teapot.png: Choose a JPEG, PNG or WebP picture")
    expect(page.get_by_role("button", name="Remove picture")).to_have_count(0)

    page.get_by_label("Pictures", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("button", name="Remove picture", exact=True)).to_have_count(1)
    page.get_by_role("button", name="Remove picture", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Picture removed")
    expect(page.get_by_role("button", name="Remove picture")).to_have_count(0)
