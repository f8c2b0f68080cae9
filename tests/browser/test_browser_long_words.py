"""Long words wrap: no page is wider than the screen, at 1280 px or on a 375 px phone.

A product named with 200 characters and no space, and one whose name is markup,
shown on every page that lists them: the storefront, the cart, checkout, the
shopper's status page and the staff's products list and order page.
"""
import pytest
from playwright.sync_api import Page, expect

from app.models import Role

pytestmark = pytest.mark.browser

LONG_SKU = "L" * 64
LONG_NAME = "Teapot" + "x" * 194
EVIL_SKU = "EVIL-1"
EVIL_NAME = "<script>window.__pwned=1</script>Evil" + "y" * 100
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_no_page_is_wider_than_the_screen_with_a_long_product_name(
        new_page, shop, sign_in_as, stored_orders, width):
    shop.product(LONG_SKU, name=LONG_NAME, on_hand=5)
    shop.product(EVIL_SKU, name=EVIL_NAME, on_hand=0)
    shop.settings(out_of_stock_checkout=True, create_backorder=True)
    reference, _ = shop.order({LONG_SKU: 1, EVIL_SKU: 1})
    token = stored_orders()[0]["token"]

    page = new_page(viewport=WIDTHS[width])
    page.goto(f"/products/{LONG_SKU}")
    page.get_by_role("button", name="Add to Cart", exact=True).click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    shopper_pages = ["/", f"/products/{LONG_SKU}", f"/products/{EVIL_SKU}", "/cart",
                     "/checkout", f"/orders/{token}"]
    widths = {}
    for path in shopper_pages:
        page.goto(path)
        widths[path] = overflow(page)

    sign_in_as(Role.ADMIN, on=page)
    for path in ["/admin/products", f"/admin/orders/{reference}"]:
        page.goto(path)
        widths[path] = overflow(page)

    assert widths == dict.fromkeys(widths, 0)
    assert page.evaluate("window.__pwned === undefined")
