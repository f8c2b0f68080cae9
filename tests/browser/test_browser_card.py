"""A shopper pays by card in Chromium, through the fake Stripe.js that localstripe serves
(the page's CSP must let it load and talk to localstripe's origin). With SCREENSHOTS_DIR
set (`make screenshots`), the card checkout and the Payments tab are saved too."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Order, Role
from app.services.settings import get_settings
from tests.browser.test_journeys import screenshot
from tests.payments.conftest import cards, localstripe  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def fill_card(page: Page, number: str) -> None:
    """Type a card into localstripe's Card Element."""
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill(number)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")


def check_out_a_cup(page: Page, shop, card_number: str) -> None:
    """One Cup in the cart, the checkout filled in and paid with `card_number`."""
    shop.product("CUP-1", on_hand=5, price="30.00", name="Cup")
    page.goto("/products/CUP-1")
    page.get_by_role("button", name="Add to Cart", exact=True).click()
    page.goto("/checkout")
    page.get_by_label("Name").fill("Sam Shopper")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Address").fill("1 Main St")
    fill_card(page, card_number)
    page.get_by_role("button", name="Place order").click()


def test_a_shopper_pays_by_card_for_what_ships_now(page: Page, shop, cards):  # noqa: F811
    shop.settings(create_backorder=True, out_of_stock_checkout=True)
    shop.product("CUP-1", on_hand=5, price="30.00", name="Cup")
    shop.product("POT-1", on_hand=0, price="20.00", name="Teapot")
    for sku, button in (("CUP-1", "Add to Cart"), ("POT-1", "Backorder")):
        page.goto(f"/products/{sku}")
        page.get_by_role("button", name=button, exact=True).click()
        expect(page).to_have_url(re.compile(r"/cart$"))
    page.get_by_role("button", name="Checkout").click()
    page.get_by_label("Name").fill("Sam Shopper")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Address").fill("1 Main St")
    page.get_by_label("Payment method").select_option("Card")
    expect(page.get_by_text("Test mode")).to_be_visible()
    fill_card(page, "4242424242424242")
    page.locator("#card-element").get_by_placeholder("postal_code").fill("2000")
    screenshot(page, "checkout-card")
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/orders/"))
    expect(page.get_by_text("Paid $30.00 by card")).to_be_visible()
    paid = shop.read(lambda: [(o.amount_paid, o.payment_method) for o in db.session.scalars(
        db.select(Order).order_by(Order.id))])
    assert paid == [(Decimal("30.00"), "Card"), (Decimal("0.00"), "Card")]


def test_a_declined_card_is_said_next_to_the_card_and_places_no_order(page: Page, shop,
                                                                      cards):  # noqa: F811
    check_out_a_cup(page, shop, "4000000000000002")
    expect(page.locator("#card-error")).to_contain_text("declined")
    assert shop.read(lambda: db.session.scalar(db.select(db.func.count(Order.id)))) == 0


def test_an_admin_chooses_to_charge_backordered_items_at_checkout_on_the_payments_tab(
        page: Page, shop, cards, sign_in_as):  # noqa: F811
    sign_in_as(Role.ADMIN)
    page.goto("/admin/settings")
    page.get_by_role("link", name="Payments", exact=True).click()
    expect(page.get_by_label("Charge for backordered items")).to_have_value("When they ship")

    page.get_by_label("Charge for backordered items").select_option("At checkout")
    page.get_by_role("button", name="Save Changes", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Payments settings saved")
    expect(page.get_by_label("Charge for backordered items")).to_have_value("At checkout")
    assert shop.read(lambda: get_settings().charge_backorders) == "At checkout"
    screenshot(page, "payments-tab")

def test_a_card_the_bank_asks_to_confirm_is_confirmed_in_its_box_and_pays(
        page: Page, shop, cards):  # noqa: F811
    """localstripe's fake Stripe.js shows the bank's box twice: saving the card, then the
    payment; the shopper completes both and the order is paid and New."""
    check_out_a_cup(page, shop, "4000002760003184")
    page.get_by_role("button", name="Complete authentication").click()  # saving the card
    expect(page).to_have_url(re.compile(r"/orders/"))
    expect(page.get_by_text("Your bank asks you to confirm the payment")).to_be_visible()
    page.get_by_role("button", name="Complete authentication").click()  # the payment
    expect(page.get_by_text("Paid $30.00 by card: thank you")).to_be_visible()
    expect(page.get_by_role("button", name="Pay now")).to_have_count(0)
    assert shop.read(lambda: [(o.status.value, o.amount_paid) for o in db.session.scalars(
        db.select(Order))]) == [("New", Decimal("30.00"))]


def test_a_shopper_who_fails_the_banks_check_can_pay_now_with_another_card(
        page: Page, shop, cards):  # noqa: F811
    check_out_a_cup(page, shop, "4000002760003184")
    page.get_by_role("button", name="Complete authentication").click()
    expect(page).to_have_url(re.compile(r"/orders/"))
    page.get_by_role("button", name="Fail authentication").click()
    expect(page.get_by_text("Your bank did not confirm the payment")).to_be_visible()
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Pay now").click()
    expect(page.get_by_text("Paid $30.00 by card: thank you")).to_be_visible()
    assert shop.read(lambda: [(o.status.value, o.amount_paid) for o in db.session.scalars(
        db.select(Order))]) == [("New", Decimal("30.00"))]
