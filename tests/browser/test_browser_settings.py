"""An admin turns on out-of-stock checkout and the storefront follows."""
import pytest
from playwright.sync_api import expect

from app.models import Role
from app.services.settings import get_settings

pytestmark = pytest.mark.browser


def test_admin_turns_on_out_of_stock_checkout_and_an_empty_product_offers_backorder(
        page, shop, sign_in_as):
    shop.product("TEA-1", on_hand=0, name="Teapot")
    page.goto("/products/TEA-1")
    expect(page.get_by_role("button", name="Out Of Stock", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Backorder", exact=True)).to_have_count(0)

    sign_in_as(Role.ADMIN)
    page.goto("/admin/settings")
    page.get_by_role("link", name="Web Store", exact=True).click()
    setting = page.get_by_label("Enable Out Of Stock Checkout", exact=True)
    expect(setting).not_to_be_checked()
    setting.check()
    page.get_by_role("button", name="Save Changes", exact=True).click()
    expect(page.get_by_text("Web Store settings saved")).to_be_visible()
    expect(page.get_by_label("Enable Out Of Stock Checkout", exact=True)).to_be_checked()
    assert shop.read(lambda: get_settings().out_of_stock_checkout) is True

    page.goto("/products/TEA-1")
    expect(page.get_by_role("button", name="Backorder", exact=True)).to_be_enabled()
    expect(page.get_by_role("button", name="Out Of Stock", exact=True)).to_have_count(0)
