"""A shopper finds products with the catalogue's Search box and category links, in
Chromium: search, narrow to a category, page through it, search within it."""
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(shop):
    """30 teas in the category Tea (two pages of 24), a teapot and a cup in Teaware."""
    for i in range(30):
        shop.product(f"TEA-{i:02}", on_hand=5, name=f"Tea number {i:02}")
        shop.categories(f"TEA-{i:02}", "Tea")
    shop.product("POT-1", on_hand=2, name="Cast iron teapot")
    shop.product("CUP-1", on_hand=0, name="Stoneware cup")
    shop.categories("POT-1", "Teaware")
    shop.categories("CUP-1", "Teaware", "Gifts")


def cards(page: Page):
    return page.locator("ul.cards h2")


def test_a_shopper_searches_filters_by_category_and_pages_through_it(page: Page, catalogue):
    page.goto("/")
    categories = page.get_by_role("navigation", name="Categories")
    expect(categories.get_by_role("link")).to_have_text(["All products", "Gifts", "Tea",
                                                          "Teaware"])

    page.get_by_label("Search", exact=True).fill('teapot "cast')
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text('Search results for “teapot "cast”')
    expect(cards(page)).to_have_text(["Cast iron teapot"])

    categories.get_by_role("link", name="Teaware", exact=True).click()
    assert page.url.endswith("/?category=teaware")
    expect(page.get_by_role("heading", level=1)).to_have_text("Teaware")
    expect(cards(page)).to_have_text(["Cast iron teapot", "Stoneware cup"])
    expect(page.get_by_role("button", name="Out Of Stock")).to_be_disabled()

    page.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Tea", exact=True).click()
    expect(cards(page)).to_have_count(24)
    expect(cards(page).first).to_have_text("Tea number 00")
    page.get_by_role("link", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tea")
    expect(cards(page)).to_have_text([f"Tea number {i:02}" for i in range(24, 30)])
    page.get_by_role("link", name="Previous", exact=True).click()
    expect(cards(page)).to_have_count(24)

    # A search from the category's page searches that category only, and says so.
    expect(page.get_by_text("Searches Tea only.")).to_be_visible()
    page.get_by_label("Search", exact=True).fill("number 1")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “number 1” in Tea")
    expect(cards(page)).to_have_text([f"Tea number {i:02}" for i in range(10, 20)])
    page.get_by_role("link", name="Search every category").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “number 1”")
    expect(page.get_by_label("Search", exact=True)).to_have_value("number 1")


def test_a_search_that_finds_nothing_says_so(page: Page, catalogue):
    page.goto("/")
    page.get_by_label("Search", exact=True).fill("kettle NEAR(")
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_text("No products match “kettle NEAR(”.")).to_be_visible()


def test_staff_put_a_product_in_categories_and_shoppers_find_it_there(page: Page, new_page,
                                                                      shop, sign_in_as):
    from app.models import Role
    shop.product("MUG-1", on_hand=3, name="Enamel mug")
    shop.product("POT-1", on_hand=2, name="Cast iron teapot")
    shop.categories("POT-1", "Teaware")
    sign_in_as(Role.STAFF)
    page.goto("/admin/products/MUG-1")
    categories = page.get_by_label("Categories", exact=True)
    expect(categories).to_have_value("")
    expect(page.get_by_text("In use: Teaware.")).to_be_visible()
    categories.fill("teaware, Camping")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("MUG-1 saved")).to_be_visible()
    expect(page.get_by_label("Categories", exact=True)).to_have_value("Camping, Teaware")

    shopper = new_page()
    shopper.goto("/")
    shopper.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Camping", exact=True).click()
    expect(cards(shopper)).to_have_text(["Enamel mug"])
    shopper.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Teaware", exact=True).click()
    expect(cards(shopper)).to_have_text(["Cast iron teapot", "Enamel mug"])
