"""The catalogue's Search box and category links, as a shopper uses them: filtering by
category and searching, one page at a time with Next and Previous keeping the filter,
unknown categories and search syntax answered with a page (never an error), category
pages kept like the catalogue's until a product goes in or out of the category."""
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from app.extensions import db
from app.services import transaction
from app.services.categories import set_product_categories
from app.services.catalog import find_product
from tests.web.pages import Page
from tests.web.test_page_cache import eventually, kept_view, view, wait_until_watching


def put_in(shop, sku: str, *names: str) -> None:
    def put():
        with transaction():
            set_product_categories(find_product(sku), names)
    shop.read(put)


def skus(page: Page) -> list[str]:
    hrefs = (a.attrs.get("href", "") for a in page.root.find_all("a"))
    return [href.removeprefix("/products/") for href in hrefs if href.startswith("/products/")]


def category_links(page: Page) -> dict[str, str]:
    nav = page.root.find("nav", aria_label="Categories")
    return {a.text: a.attrs["href"] for a in nav.find_all("a")} if nav else {}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def teas(shop):
    shop.product("TEA-1", on_hand=5, name="Green tea, gunpowder")
    shop.product("TEA-2", on_hand=5, name="Green tea, sencha")
    shop.product("POT-1", on_hand=5, name="Teapot")
    shop.product("CUP-1", on_hand=5, name="Cup")
    put_in(shop, "TEA-1", "Tea", "Thé & Café")
    put_in(shop, "TEA-2", "Tea")
    put_in(shop, "POT-1", "Teaware")


def test_the_catalogue_links_each_category_by_name(client, teas):
    page = Page(client.get("/"))
    assert category_links(page) == {"All products": "/", "Tea": "/?category=tea",
                                    "Teaware": "/?category=teaware",
                                    "Thé & Café": "/?category=th%C3%A9-caf%C3%A9"}
    assert skus(page) == ["CUP-1", "TEA-1", "TEA-2", "POT-1"]


def test_a_category_link_shows_only_that_categorys_products(client, teas):
    page = Page(client.get("/?category=tea"))
    assert page.root.find("h1").text == "Tea"
    assert skus(page) == ["TEA-1", "TEA-2"]
    current = page.root.find("nav", aria_label="Categories").find("a", aria_current="page")
    assert current.text == "Tea"
    assert skus(Page(client.get("/?category=th%C3%A9-caf%C3%A9"))) == ["TEA-1"]


@pytest.mark.parametrize("slug", ["nope", "TEA", "x" * 5000, "<script>", "%", "'",
                                  "tea&category=teaware"])
def test_an_unknown_category_is_a_404_page_that_says_so(client, teas, slug):
    response = client.get("/", query_string={"category": slug})
    assert response.status_code == 404
    page = Page(response)
    assert "There is no category" in page.text
    assert category_links(page)["Tea"] == "/?category=tea"
    assert "<script>" not in response.get_data(as_text=True)


def test_spaces_around_a_category_are_dropped(client, teas):
    assert skus(Page(client.get("/", query_string={"category": " tea "}))) == ["TEA-1", "TEA-2"]


def test_an_empty_category_says_it_has_no_products_yet(client, shop, teas):
    put_in(shop, "POT-1")
    page = Page(client.get("/?category=teaware"))
    assert skus(page) == []
    assert "No products in Teaware yet." in page.text


def test_the_search_box_is_labelled_search_with_a_search_button(client, teas):
    page = Page(client.get("/"))
    search = page.root.find("form", role="search")
    assert search.attrs["method"] == "get" and search.attrs["action"] == "/"
    box = Page(search).control("Search")
    assert box.attrs["name"] == "q" and box.attrs["type"] == "search"
    assert Page(search).button_texts() == ["Search"]


def test_search_shows_name_matches_first_and_says_what_was_searched(client, teas):
    page = Page(client.get("/?q=tea"))
    assert page.root.find("h1").text == "Search results for “tea”"
    assert skus(page) == ["TEA-1", "TEA-2", "POT-1"]
    assert page.value("Search") == "tea"


def test_search_from_a_category_page_searches_that_category(client, teas):
    page = Page(client.get("/?category=tea"))
    search = page.root.find("form", role="search")
    assert Page(search).hidden("category") == "tea"
    assert "Searches Tea only" in search.text
    found = Page(client.get("/?category=tea&q=sencha"))
    assert found.root.find("h1").text == "Search results for “sencha” in Tea"
    assert skus(found) == ["TEA-2"]
    assert skus(Page(client.get("/?category=teaware&q=green"))) == []
    assert Page(client.get("/?category=teaware&q=green")).links()["Search every category"] \
        == "/?q=green"


def test_a_search_that_finds_nothing_says_so(client, teas):
    page = Page(client.get("/?q=kettle"))
    assert "No products match “kettle”." in page.text
    assert skus(page) == []


@pytest.mark.parametrize("typed", [
    '"', '"green', "'", "*", "tea*", "-tea", "tea OR cup", "NEAR(tea cup)", "name:tea",
    "{name}:tea", "(tea", "tea & cup", "!tea", "tea <-> cup", "tea:*", "\\", "%", "_",
    "<script>alert(1)</script>", "🍵", "a" * 10_000, " ".join(["tea"] * 2000), "\u200b",
])
def test_search_syntax_and_odd_input_always_give_a_page(client, teas, typed):
    response = client.get("/", query_string={"q": typed})
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_a_nul_byte_in_the_search_is_refused(client, teas):
    assert client.get("/?q=tea%00").status_code == 400


def test_next_and_previous_keep_the_category(client, shop):
    for i in range(60):
        shop.product(f"P-{i:02}", on_hand=1, name=f"Tea {i:02}")
        if i % 3:
            put_in(shop, f"P-{i:02}", "Tea")
    first = Page(client.get("/?category=tea"))
    nxt = first.links()["Next"]
    assert query(nxt)["category"] == ["tea"] and "q" not in query(nxt)
    second = Page(client.get(nxt))
    assert "Next" not in second.links()
    assert (len(skus(first)), len(skus(second))) == (24, 16)
    assert skus(first) + skus(second) == [f"P-{i:02}" for i in range(60) if i % 3]
    back = second.links()["Previous"]
    assert query(back)["category"] == ["tea"]
    assert skus(Page(client.get(back))) == skus(first)


def test_next_and_previous_keep_the_search_and_the_category(client, shop):
    for i in range(80):
        shop.product(f"P-{i:02}", on_hand=1, name=f"Tea {i:02}" if i % 2 else f"Cup {i:02}")
        if i % 4 < 3:
            put_in(shop, f"P-{i:02}", "Gifts")
    url, pages = "/?q=tea&category=gifts", []
    while url:
        page = Page(client.get(url))
        pages.append(skus(page))
        url = page.links().get("Next")
        if url:
            assert query(url)["q"] == ["tea"] and query(url)["category"] == ["gifts"]
    # Teas have odd numbers, gifts i % 4 of 0, 1 or 2: the teas among the gifts, i % 4 == 1.
    assert sum(pages, []) == [f"P-{i:02}" for i in range(80) if i % 4 == 1]
    assert [len(p) for p in pages] == [20]
    everything, url = [], "/?q=tea"
    while url:
        page = Page(client.get(url))
        everything.append(skus(page))
        url = page.links().get("Next")
    assert [len(p) for p in everything] == [24, 16]
    assert sum(everything, []) == [f"P-{i:02}" for i in range(80) if i % 2]


def test_a_category_page_is_kept_and_dropped_when_a_product_joins_or_leaves(
        client, shop, teas, count_queries):
    wait_until_watching(client.application)
    view(client, "/?category=teaware")
    kept_view(client, "/?category=teaware", count_queries, "Teapot")
    put_in(shop, "CUP-1", "Teaware")
    assert skus(Page(view(client, "/?category=teaware"))) == ["CUP-1", "POT-1"]
    put_in(shop, "POT-1")
    assert skus(Page(view(client, "/?category=teaware"))) == ["CUP-1"]


def test_a_category_page_changed_by_another_process_shows(client, shop, teas, app):
    wait_until_watching(app)
    assert "Cup" not in Page(view(client, "/?category=teaware")).root.find("ul", class_="cards").text
    view(client, "/?category=teaware")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO product_categories (product_id, category_id) "
                "SELECT p.id, c.id FROM products p, categories c "
                "WHERE p.sku = 'CUP-1' AND c.slug = 'teaware'"))
        db.session.remove()
    page = eventually(client, "/?category=teaware", ">Cup<")
    assert skus(Page(page)) == ["CUP-1", "POT-1"]


def test_a_new_category_shows_in_the_links_of_kept_pages(client, shop, teas, app):
    wait_until_watching(app)
    view(client, "/")
    view(client, "/")
    put_in(shop, "CUP-1", "Crockery")
    assert "Crockery" in category_links(Page(view(client, "/")))


def test_search_pages_are_rendered_each_time(client, teas, app, count_queries):
    wait_until_watching(app)
    view(client, "/?q=tea")
    with count_queries() as counter:
        assert skus(Page(view(client, "/?q=tea"))) == ["TEA-1", "TEA-2", "POT-1"]
    assert counter.count > 0


# --- Statements per page: the same however many products and categories -------------

def grow(shop, products: int, categories: int):
    """More products in the category Tea (all named Tea n, so all found by "tea"), and
    more categories."""
    def more():
        for i in range(products):
            shop.product(f"G-{i:02}", on_hand=i % 3, name=f"Tea {i:02}")
            put_in(shop, f"G-{i:02}", "Tea", *(f"Kind {i}-{k}" for k in range(categories)))
    return more


@pytest.mark.parametrize("url", ["/?category=tea", "/?q=tea", "/?q=green+tea&category=tea",
                                 "/?q=tea&after=1", "/?category=tea&before=2"])
def test_category_and_search_pages_run_the_same_statements_for_1_and_24_products(
        client, shop, count_queries, url):
    from tests.web.test_query_counts import assert_constant
    shop.product("TEA-0", on_hand=1, name="Green tea")
    put_in(shop, "TEA-0", "Tea")
    shop.product("TEA-00", on_hand=1, name="Green tea, too")
    put_in(shop, "TEA-00", "Tea")
    statements = assert_constant(f"{url} (2 vs 26 products, 1 vs 49 categories)",
                                 count_queries, client, url, grow(shop, 24, 2))
    assert len(statements) <= 4, "\n".join(statements)


def test_a_kept_category_page_shows_a_new_price_of_its_product(client, shop, teas, app,
                                                                count_queries):
    from sqlalchemy import update

    from app.models import Product
    wait_until_watching(app)
    view(client, "/?category=teaware")
    kept_view(client, "/?category=teaware", count_queries, "$10.00")

    def reprice():
        db.session.execute(update(Product).where(Product.sku == "POT-1").values(price=42))
        db.session.commit()
    shop.read(reprice)
    assert "$42.00" in eventually(client, "/?category=teaware", "$42.00")
