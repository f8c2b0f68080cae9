"""Every page is usable by everyone: axe-core finds no serious or critical violations,
and no page scrolls sideways on a phone (375 px).

axe-core comes inside the axe-playwright-python wheel (a dev dependency in
pyproject.toml: no Node or npm needed); its version is the one that package pins.
Playwright injects it as an inline script, which the app's CSP (`script-src 'self'`)
blocks, so these pages open in a context that bypasses the CSP.
"""
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.support.pictures import add_pictures, picture

pytestmark = pytest.mark.browser

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
BLOCKING = {"serious", "critical"}
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}


@pytest.fixture
def axe_page(new_page) -> Page:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `pip install -e '.[dev]'`",
                    pytrace=False)
    return new_page(bypass_csp=True)


@pytest.fixture
def split_order(shop, stored_orders) -> dict[str, str]:
    """A shop with backorders on and an order split at checkout; its references and token."""
    shop.product("CUP-1", name="Cup", price="12.50", on_hand=4)
    shop.product("TEA-1", name="Teapot", price="39.00", on_hand=0,
                 arrival=date.today() + timedelta(days=21))
    shop.settings(create_backorder=True, out_of_stock_checkout=True, show_arrival_date=True)
    # Pictures: the teapot two (the product form shows Alt text and the buttons of each),
    # the cup none (the placeholder).
    add_pictures(shop.app, "TEA-1", picture(600, 400, (70, 78, 90)),
                 picture(400, 600, (200, 150, 60)))
    order, backorder = shop.order({"CUP-1": 3, "TEA-1": 1})
    shop.categories("CUP-1", "Teaware", "Gifts")
    shop.categories("TEA-1", "Teaware")
    return {"order": order, "backorder": backorder, "token": stored_orders()[0]["token"]}


def axe_violations(page: Page) -> list[str]:
    """Run axe-core on the page as it is: print every violation, return the serious and
    critical ones as "rule: help, at [targets]"."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # resultTypes: only violations get their full details (the passes are many and slow).
    violations = page.evaluate(
        "axe.run({resultTypes: ['violations']}).then(results => results.violations)")
    found = [f"{v['impact']} {v['id']}: {v['help']}, at {[n['target'] for n in v['nodes']][:5]}"
             for v in violations]
    for line in found:
        print(page.url, line)
    return [line for line, v in zip(found, violations) if v["impact"] in BLOCKING]


def sideways_overflow(page: Page) -> list[str]:
    """WCAG 1.4.10 Reflow: the page must not scroll sideways (a wide table may, inside itself)."""
    extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return [f"the page is {extra}px wider than the screen"] if extra > 0 else []


def fill_cart(page: Page) -> None:
    """3 cups (1 left: 1 ships now, 2 wait) and a teapot (none: it waits)."""
    for sku, quantity, button in (("CUP-1", 3, "Add to Cart"), ("TEA-1", 1, "Backorder")):
        page.goto(f"/products/{sku}")
        page.get_by_label("Quantity", exact=True).fill(str(quantity))
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("heading", name="Your cart")).to_be_visible()


def press(button: str, page: Page) -> None:
    """Submit the form empty (or as it is) to show its errors."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".field .error").first).to_be_visible()


def checkout_with_errors(page: Page, refs) -> None:
    page.goto("/checkout")
    page.get_by_label("Email", exact=True).fill("not an email")
    press("Place order", page)


def product_with_an_error(page: Page, refs) -> None:
    page.goto("/products/CUP-1")
    page.get_by_label("Quantity", exact=True).fill("0")
    press("Add to Cart", page)


def order_page_with_an_error(page: Page, refs) -> None:
    page.goto(f"/admin/orders/{refs['order']}")
    page.get_by_label("BKO for CUP-1", exact=True).fill("9")
    press("Save", page)


def new_product_with_errors(page: Page, refs) -> None:
    page.goto("/admin/products/new")
    page.get_by_label("Price", exact=True).fill("-1")
    press("Save", page)


def import_preview_with_a_bad_row(page: Page, refs) -> None:
    page.goto("/admin/products/import")
    page.get_by_label("CSV file", exact=True).set_input_files(files=[{
        "name": "products.csv", "mimeType": "text/csv",
        "buffer": b"SKU,Name,Price,Qty\nCUP-1,Cup,12.50,9\nNEW-1,New,free,1\n"}])
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_role("table", name="Bad rows")).to_be_visible()


def sign_in_with_errors(page: Page, refs) -> None:
    page.goto("/admin/login")
    press("Sign in", page)


def staff_accounts_with_a_link(page: Page, refs) -> None:
    page.goto("/admin/users")
    page.get_by_label("Email", exact=True).fill("kim@example.com")
    page.get_by_role("button", name="Add account", exact=True).click()
    expect(page.get_by_label("Set-password link", exact=True)).to_be_visible()


def staff_accounts_with_errors(page: Page, refs) -> None:
    page.goto("/admin/users")
    page.get_by_label("Email", exact=True).fill("not an email")
    press("Add account", page)


def staff_accounts_with_a_refusal(page: Page, refs) -> None:
    page.goto("/admin/users")
    page.get_by_label("Role for admin@example.com", exact=True).select_option(label="Staff")
    page.get_by_role("button", name="Change role").first.click()
    expect(page.locator(".field .error").first).to_be_visible()


def visit(path: str) -> Callable[[Page, dict], None]:
    return lambda page, refs: page.goto(path.format(**refs))


SHOP_PAGES = [
    ("catalogue", visit("/")),
    ("catalogue, a category", visit("/?category=teaware")),
    ("catalogue, a search in a category", visit("/?q=cup&category=gifts")),
    ("catalogue, a search that finds nothing", visit("/?q=kettle")),
    ("unknown category", visit("/?category=nope")),
    ("product", visit("/products/TEA-1")),
    ("product with an error", product_with_an_error),
    ("cart", lambda page, refs: fill_cart(page)),
    ("checkout", visit("/checkout")),
    ("checkout with errors", checkout_with_errors),
    ("order status", visit("/orders/{token}")),
    ("not found", visit("/products/UNKNOWN")),
    ("sign in", visit("/admin/login")),
    ("sign in with errors", sign_in_with_errors),
]
BACK_OFFICE_PAGES = [
    ("dashboard", visit("/admin/")),
    ("orders list", visit("/admin/orders?status=New Backorder")),
    ("order page", visit("/admin/orders/{order}")),
    ("order page with an error", order_page_with_an_error),
    ("backorder page", visit("/admin/orders/{backorder}")),
    ("products", visit("/admin/products")),
    ("product form", visit("/admin/products/TEA-1")),
    ("new product with errors", new_product_with_errors),
    ("product import", visit("/admin/products/import")),
    ("product import preview with a bad row", import_preview_with_a_bad_row),
    ("backorder report", visit("/admin/reports/backorders")),
    ("settings", visit("/admin/settings")),
    ("settings tab", visit("/admin/settings/sales-orders")),
    ("staff accounts", visit("/admin/users")),
    ("staff accounts with a link", staff_accounts_with_a_link),
    ("staff accounts with errors", staff_accounts_with_errors),
    ("staff accounts refusing the last Admin", staff_accounts_with_a_refusal),
]


@pytest.mark.parametrize("role, pages", [
    pytest.param(None, SHOP_PAGES, id="shop"),
    pytest.param(Role.ADMIN, BACK_OFFICE_PAGES, id="back-office"),
])
def test_pages_have_no_serious_or_critical_accessibility_violations_and_fit_a_phone(
        axe_page, sign_in_as, split_order, role, pages):
    if role is not None:
        sign_in_as(role, on=axe_page)
    found = {}
    for name, go in pages:
        axe_page.set_viewport_size(WIDTHS["desktop"])
        go(axe_page, split_order)
        for width, size in WIDTHS.items():
            axe_page.set_viewport_size(size)
            if blocking := axe_violations(axe_page) + sideways_overflow(axe_page):
                found[f"{name} ({width})"] = blocking
    assert found == {}
