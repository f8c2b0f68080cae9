"""Error pages come in the shop's look."""
import pytest
from flask import render_template
from playwright.sync_api import Page, expect

from app.models import Role

pytestmark = pytest.mark.browser

HEADER_INK = "rgb(31, 41, 51)"  # shop.css --shop-ink: proof the shop's stylesheet is applied


def expect_the_shop_look(page: Page, heading: str) -> None:
    """The page has the shop's header and menu, its own heading and a way back, styled."""
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Backorders Shop", exact=True)).to_be_visible()
    expect(page.locator("header.site")).to_have_css("background-color", HEADER_INK)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name="Back to the shop", exact=True)).to_be_visible()


@pytest.mark.parametrize("role, path, code, heading", [
    pytest.param(None, "/products/UNKNOWN", 404, "Not found", id="unknown-sku"),
    pytest.param(None, "/orders/not-a-real-token", 404, "Not found", id="unknown-status-page"),
    pytest.param(Role.STAFF, "/admin/orders/N9999", 404, "Not found", id="unknown-order-id"),
    pytest.param(Role.STAFF, "/admin/products/UNKNOWN", 404, "Not found", id="unknown-sku-staff"),
    pytest.param(Role.STAFF, "/admin/settings", 403, "Not allowed", id="staff-on-admin-page"),
])
def test_error_pages_come_in_the_shops_look(page, shop, sign_in_as, role, path, code, heading):
    if role is not None:
        sign_in_as(role)
    response = page.goto(path)
    assert response.status == code
    expect_the_shop_look(page, heading)


def test_a_form_without_its_csrf_token_gets_the_400_page_in_the_shops_look(page, shop):
    shop.product("CUP-1", name="Cup", on_hand=5)
    page.goto("/products/CUP-1")
    page.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Add to Cart", exact=True).click()
    assert posted.value.status == 400
    expect_the_shop_look(page, "Bad request")


def test_the_500_page_comes_in_the_shops_look(page, app):
    """The test app re-raises errors (TESTING), so the page the 500 handler renders is served
    to the browser as it would be, with the shop's stylesheets."""
    with app.test_request_context():
        html = render_template("errors/500.html")
    page.route("**/broken", lambda route: route.fulfill(status=500, body=html,
                                                        content_type="text/html"))
    response = page.goto("/broken")
    assert response.status == 500
    expect_the_shop_look(page, "Something went wrong")
