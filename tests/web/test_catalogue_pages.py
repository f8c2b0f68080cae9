"""The catalogue pages through every product by name with Next and Previous (keyset:
each page costs the same however deep), never skipping or repeating a product."""
import pytest

from app.extensions import db
from app.models import Product
from app.pagination import keyset
from tests.web.pages import Page


@pytest.fixture
def products(shop):
    """60 products, a third of them sharing one name, so the id breaks the ties."""
    for i in range(60):
        shop.product(f"P-{i:02}", on_hand=1, name="Same name" if i % 3 == 0 else f"Name {i:02}")


def skus_in_order(app) -> list[str]:
    with app.app_context():
        return [p.sku for p in db.session.scalars(
            db.select(Product).order_by(Product.name, Product.id))]


def skus(page: Page) -> list[str]:
    hrefs = (a.attrs.get("href", "") for a in page.root.find_all("a"))
    return [href.removeprefix("/products/") for href in hrefs if href.startswith("/products/")]


def walk(client, url: str, link: str) -> list[list[str]]:
    """The SKUs of each page from `url` on, following the `link` ("Next" or "Previous")."""
    pages = []
    while url:
        page = Page(client.get(url))
        pages.append(skus(page))
        url = page.links().get(link)
    return pages


def test_next_walks_every_product_once_and_previous_walks_back(client, app, products):
    forward = walk(client, "/", "Next")
    assert [len(p) for p in forward] == [24, 24, 12]
    assert sum(forward, []) == skus_in_order(app)
    assert "Previous" not in Page(client.get("/")).links()
    last = f"/?after={id_of(app, forward[1][-1])}"
    assert skus(Page(client.get(last))) == forward[2]
    backward = walk(client, last, "Previous")
    assert backward == forward[::-1]


def id_of(app, sku: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Product.id).where(Product.sku == sku))


def test_a_cursor_to_no_product_shows_the_first_page(client, products):
    first = skus(Page(client.get("/")))
    assert skus(Page(client.get("/?after=99999"))) == first
    assert skus(Page(client.get("/?before=99999"))) == first


def test_keyset_reads_both_ways_in_one_query(ctx, products, count_queries):
    forward = keyset(Product, ("name", "id"), 10, after=None)
    second = keyset(Product, ("name", "id"), 10, after=forward.after)
    with count_queries() as counter:
        back = keyset(Product, ("name", "id"), 10, before=second.before)
    assert counter.count == 1
    assert [p.id for p in back.items] == [p.id for p in forward.items]
    assert back.before is None and back.after == forward.after
