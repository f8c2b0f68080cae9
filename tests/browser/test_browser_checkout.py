"""A shopper backorders, checks out, and sees the order and its backorder."""
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PRODUCTS = {"CUP-1": ("Cup", 5), "TEA-1": ("Teapot", 0)}  # sku: (name, on hand)


def add_to_cart(page: Page, sku: str, quantity: int) -> None:
    """Open the product page and press its buy button with this quantity."""
    page.goto(f"/products/{sku}")
    page.get_by_label("Quantity", exact=True).fill(str(quantity))
    button = "Add to Cart" if PRODUCTS[sku][1] else "Backorder"
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/cart$"))


def cart_line(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def order_cards(page: Page) -> dict[str, list[list[str]]]:
    """Each order on the status page: its heading, and per line its Item, Qty, In stock for you."""
    cards = {}
    for card in page.get_by_role("region").all():
        heading = " ".join(card.get_by_role("heading").inner_text().split())
        cards[heading] = [row.get_by_role("cell").all_inner_texts()[:3]
                          for row in card.locator("tbody tr").all()]
    return cards


@pytest.mark.parametrize("cart, keep_empty_parent, order_holds, backorder_holds", [
    pytest.param({"TEA-1": 2}, True, [], [["Teapot", "2", "0"]], id="out-of-stock-only"),
    pytest.param({"CUP-1": 1, "TEA-1": 2}, False, [["Cup", "1", "1"]], [["Teapot", "2", "0"]],
                 id="in-stock-and-out-of-stock"),
])
def test_shopper_backorders_and_sees_the_order_and_its_backorder_after_checkout(
        page, shop, stored_orders, cart, keep_empty_parent, order_holds, backorder_holds):
    for sku, (name, on_hand) in PRODUCTS.items():
        shop.product(sku, name=name, on_hand=on_hand)
    shop.settings(out_of_stock_checkout=True, create_backorder=True,
                  keep_empty_parent=keep_empty_parent)

    for sku, quantity in cart.items():
        add_to_cart(page, sku, quantity)
    teapot = cart_line(page, "Teapot")
    expect(teapot.get_by_label("Quantity", exact=True)).to_have_value("2")
    expect(teapot.get_by_role("cell").nth(3)).to_have_text("0")
    expect(teapot.get_by_role("cell").nth(4)).to_have_text("2 on backorder")

    page.get_by_role("button", name="Checkout", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Sam Shopper")
    page.get_by_label("Email", exact=True).fill("sam@example.com")
    page.get_by_label("Address", exact=True).fill("1 Main St\nSpringfield")
    page.get_by_label("Payment method", exact=True).select_option("Bank deposit")
    page.get_by_role("button", name="Place order", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Thank you: order")

    order, backorder = stored_orders()
    assert backorder["parent"] == order["reference"]
    expect(page).to_have_url(re.compile(f"/orders/{order['token']}$"))
    expect(page.get_by_role("status")).to_have_text(f"Thank you: order {order['reference']} is placed")
    assert order_cards(page) == {
        f"Order {order['reference']} New": order_holds,
        f"Backorder {backorder['reference']} New Backorder": backorder_holds,
    }
