"""The header's Cart link counts the visitor's units, also on kept pages (app/page_cache/)."""
import re
import time

import pytest

from app.extensions import page_cache
from tests.web.pages import Page
from tests.web.test_page_cache import watching  # noqa: F401 - waits for the page cache

CART_LINK = re.compile(r'<a href="/cart"[^>]*>([^<]*)</a>')


def cart_link(client, url: str, count_queries) -> tuple[str, int]:
    """The Cart link's text on the page, and the SQL statements the view ran."""
    with count_queries() as counter:
        page = client.get(url).get_data(as_text=True)
    return CART_LINK.search(page).group(1), counter.count


def kept_view(client, url: str, count_queries) -> tuple[str, int]:
    """A view served from the kept page (on PostgreSQL our own commit's NOTIFY may
    still be on its way: a few views, then none runs SQL)."""
    deadline = time.monotonic() + 5
    while True:
        label, statements = cart_link(client, url, count_queries)
        if statements == 0 or time.monotonic() > deadline:
            return label, statements


@pytest.mark.parametrize("url", ["/", "/products/TEA-1"])
def test_two_visitors_each_see_their_own_cart_count_on_a_kept_page(app, client, shop,
                                                                   count_queries, watching,
                                                                   url):  # noqa: F811
    shop.product("TEA-1", on_hand=9)
    shop.product("CUP-1", on_hand=9)
    other = app.test_client()
    client.submit("/cart/add/TEA-1", {"quantity": "3"})
    other.submit("/cart/add/CUP-1", {"quantity": "1"})
    client.get("/cart"), other.get("/cart")  # the "Added ..." messages are shown and gone
    empty = app.test_client()

    assert kept_view(client, url, count_queries) == ("Cart (3)", 0)
    assert kept_view(other, url, count_queries) == ("Cart (1)", 0)
    assert kept_view(empty, url, count_queries) == ("Cart (0)", 0)
    # Kept pages hold a marker where the count goes, never one visitor's count.
    kept = page_cache.kept_pages(app)
    assert kept and all("cart_count" in page.parts for page in kept)
    assert not any("Cart (3)" in part for page in kept for part in page.parts)


def test_the_cart_page_and_checkout_count_every_unit_of_every_line(client, shop):
    shop.product("TEA-1", on_hand=9)
    shop.product("CUP-1", on_hand=9)
    client.submit("/cart/add/TEA-1", {"quantity": "2"})
    client.submit("/cart/add/CUP-1", {"quantity": "5"})
    for url in ("/cart", "/checkout"):
        assert "Cart (7)" in Page(client.get(url)).root.find("header").text
