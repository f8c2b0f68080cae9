"""The catalogue and product pages are kept rendered (app/page_cache/): a view of a
kept page runs no SQL, carries the visitor's own tokens, and is never older than the
last commit that changed what it shows, whichever process made it; a commit that
changes only other products, or nothing a page shows, leaves it kept."""
import re
import time

import pytest
from markupsafe import escape
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app import create_app
from app.config import TestConfig
from app.extensions import db, page_cache
from app.page_cache import CSRF_MARK, ONCE_MARK, Kept, Store
from app.services import purchasing
from app.services.inventory import receive_stock
from app.services.settings import update_settings

ONCE = re.compile(r'name="once" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
postgres_only = pytest.mark.postgres_only


def view(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def eventually(client, url: str, expected: str, seconds: float = 5.0) -> str:
    """The page, once it shows `expected` (another process's commit reaches us by NOTIFY)."""
    deadline = time.monotonic() + seconds
    while True:
        page = view(client, url)
        if expected in page or time.monotonic() > deadline:
            return page
        time.sleep(0.02)


@pytest.fixture
def other_process(app):
    """A connection of its own, as another gunicorn worker or psql would have."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    yield engine
    engine.dispose()


def wait_until_watching(app) -> None:
    """On PostgreSQL the listener starts on first use: wait for it."""
    deadline = time.monotonic() + 10
    with app.app_context():
        while not page_cache.ready(app):
            assert time.monotonic() < deadline, "the page cache never started watching"
            time.sleep(0.02)


@pytest.fixture
def watching(app):
    wait_until_watching(app)


@pytest.fixture
def other_worker(app, watching):
    """A second app in this process, as another gunicorn worker would be: its own
    engine, connections, watcher and kept pages; it learns of our commits as any
    other process does (NOTIFY on PostgreSQL, the change log on SQLite)."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    other = create_app(Config)
    wait_until_watching(other)
    yield other
    page_cache.close(other)
    with other.app_context():
        db.engine.dispose()


def kept_view(client, url: str, count_queries, expected: str) -> str:
    """The page, once it is served kept (on PostgreSQL our own commit's NOTIFY may
    still be on its way and drop the first rendering once more)."""
    deadline = time.monotonic() + 5
    while True:
        with count_queries() as counter:
            page = view(client, url)
        if counter.count == 0 or time.monotonic() > deadline:
            break
    assert counter.count == 0, counter.statements
    assert expected in page
    return page


def test_a_kept_page_runs_no_sql(client, shop, count_queries, watching):
    shop.product("P-1", on_hand=5)
    for url in ("/products/P-1", "/"):
        kept_view(client, url, count_queries, "Only 5 left")


def test_every_view_carries_the_sessions_csrf_token_and_fresh_one_time_tokens(client, shop,
                                                                              watching):
    for sku in ("P-1", "P-2", "P-3"):
        shop.product(sku, on_hand=5)
    first, second = view(client, "/products/P-1"), view(client, "/products/P-1")
    assert ONCE.findall(first) != ONCE.findall(second)
    catalogue = view(client, "/")
    tokens = ONCE.findall(catalogue)
    assert len(tokens) == len(set(tokens)) == 3
    # The kept page's tokens are this session's: the buy form posts.
    response = client.post("/cart/add/P-1", data={"csrf_token": CSRF.search(second).group(1),
                                                  "once": ONCE.search(second).group(1),
                                                  "quantity": "2"}, follow_redirects=True)
    assert "Added 2 x Product P-1 to your cart" in response.get_data(as_text=True)


def test_another_visitor_gets_their_own_csrf_token(app, shop, watching):
    shop.product("P-1", on_hand=5)
    one, other = app.test_client(), app.test_client()
    view(one, "/products/P-1")
    mine, theirs = view(one, "/products/P-1"), view(other, "/products/P-1")
    assert CSRF.search(mine).group(1) != CSRF.search(theirs).group(1)
    refused = other.post("/cart/add/P-1", data={"csrf_token": CSRF.search(mine).group(1),
                                                "once": "x", "quantity": "1"})
    assert refused.status_code == 400


def test_a_change_made_in_this_process_shows_on_the_next_view(client, shop, ctx, watching):
    shop.product("P-1", on_hand=2)
    assert "Only 2 left" in view(client, "/products/P-1")
    assert "Only 2 left" in view(client, "/products/P-1")
    receive_stock("P-1", 3, "PO-1", user=None)
    assert "Only 5 left" in view(client, "/products/P-1")
    assert "Only 5 left" in view(client, "/")


def test_a_settings_change_turns_the_button_at_once(client, shop, watching):
    shop.product("P-1", on_hand=0)
    assert "Out Of Stock" in view(client, "/products/P-1")
    shop.settings(out_of_stock_checkout=True)
    assert ">Backorder</button>" in view(client, "/products/P-1")


def test_a_change_made_by_another_process_shows(client, shop, other_process, watching):
    shop.product("P-1", on_hand=5)
    assert "Only 5 left" in view(client, "/products/P-1")
    with other_process.begin() as conn:
        conn.execute(text("UPDATE products SET on_hand = 4 WHERE sku = 'P-1'"))
    assert "Only 4 left" in eventually(client, "/products/P-1", "Only 4 left")


@postgres_only
def test_when_the_listener_is_lost_pages_render_afresh_until_it_is_back(client, shop, app,
                                                                        other_process, watching):
    shop.product("P-1", on_hand=5)
    assert "Only 5 left" in eventually(client, "/products/P-1", "Only 5 left")
    assert page_cache.listening(app)
    with other_process.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'page-cache-listener' "
                          "AND datname = current_database()"))
        conn.execute(text("UPDATE products SET on_hand = 3 WHERE sku = 'P-1'"))
    assert "Only 3 left" in eventually(client, "/products/P-1", "Only 3 left")
    deadline = time.monotonic() + 10
    while not page_cache.listening(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page_cache.listening(app), "the listener did not come back"


def test_staff_and_flashed_messages_get_a_page_of_their_own(app, shop, staff_client, watching):
    shop.product("P-1", on_hand=5)
    anonymous = app.test_client()
    view(anonymous, "/products/P-1")
    assert "Back office" not in view(anonymous, "/products/P-1")
    assert "Back office" in view(staff_client, "/products/P-1")
    with anonymous.session_transaction() as session:
        session["_flashes"] = [("info", "A message for you")]
    assert "A message for you" in view(anonymous, "/products/P-1")
    assert "A message for you" not in view(anonymous, "/products/P-1")


def test_a_missing_product_is_a_404_and_is_not_kept(client, shop):
    assert client.get("/products/NOPE").status_code == 404
    shop.product("NOPE", on_hand=1)
    assert "Only 1 left" in view(client, "/products/NOPE")


def test_a_page_is_split_at_the_markers_only():
    name = escape(f"Evil {CSRF_MARK} {ONCE_MARK}")  # data is escaped: it cannot fake one
    kept = Kept(f"<p>{name}</p><i>{CSRF_MARK}</i><b>{ONCE_MARK}</b><b>{ONCE_MARK}</b>")
    first, second = kept.fill("TOKEN"), kept.fill("TOKEN")
    shape = re.compile(rf"<p>{re.escape(name)}</p><i>TOKEN</i><b>([\w-]+)</b><b>([\w-]+)</b>")
    one, other = shape.fullmatch(first).groups(), shape.fullmatch(second).groups()
    assert len({*one, *other}) == 4  # unique per form and per response
    assert all(len(token) <= 64 for token in one)  # what the once field accepts


def test_the_store_keeps_the_most_recently_used_pages():
    store = Store(2)
    for key in "abc":
        store.put(key, Kept(key), store.mark())
    assert store.keys() == ["b", "c"]
    assert store.get("b") is not None and store.get("a") is None
    store.put("d", Kept("d"), store.mark())
    assert store.keys() == ["b", "d"]


def test_the_store_drops_only_the_pages_whose_products_look_different():
    store = Store(10)
    store.put("x", Kept("x", {1: "one"}), store.mark())
    store.put("y", Kept("y", {2: "two"}), store.mark())
    store.put("list", Kept("list", {1: "one", 2: "two"}, lists=True), store.mark())
    store.touch({1, 2})
    store.settle({1: "one", 2: "TWO"})
    assert store.keys() == ["x"]
    store.touch({3}, listed=True)  # a product added: the list changes, x does not
    store.settle({3: "three"})
    assert store.keys() == ["x"]
    store.settle({1: None})  # product 1 is gone
    assert store.keys() == []


def test_a_page_rendered_while_its_product_changed_is_served_but_not_kept():
    store = Store(10)
    since = store.mark()
    store.touch({1})  # a commit lands while the page renders from older data
    assert not store.put("x", Kept("x", {1: "old"}), since)
    assert store.put("y", Kept("y", {2: "two"}), since)
    assert store.put("x", Kept("x", {1: "new"}), store.mark())
    store.clear()
    assert store.keys() == [] and not store.put("y", Kept("y", {2: "two"}), since)


def test_an_unwatched_database_serves_nothing_kept(app, client, shop, count_queries):
    shop.product("P-1", on_hand=5)
    with page_cache.unwatched(app):
        view(client, "/products/P-1")
        with count_queries() as counter:
            view(client, "/products/P-1")
        assert counter.count > 0


def checkout(app, sku: str, quantity: int) -> None:
    """A sale, in this process (the shop's services, committed through its session)."""
    from app.services.checkout import Customer, place_order
    with app.app_context():
        place_order({sku: quantity}, Customer(name="Sam", email="sam@example.com",
                                              address="1 Main St",
                                              payment_method="Bank deposit"))
        db.session.remove()


def test_a_sale_of_one_product_leaves_another_products_kept_page_running_no_sql(
        app, client, shop, count_queries, other_process, watching):
    shop.product("X-1", on_hand=3)
    shop.product("Y-1", on_hand=3)
    kept_view(client, "/products/Y-1", count_queries, "Only 3 left")
    kept_view(client, "/products/X-1", count_queries, "Only 3 left")
    checkout(app, "X-1", 1)
    assert "Only 2 left" in view(client, "/products/X-1")
    with count_queries() as counter:
        assert "Only 3 left" in view(client, "/products/Y-1")
    assert counter.count == 0, counter.statements
    with other_process.begin() as conn:  # and a sale that another process commits
        conn.execute(text("UPDATE products SET committed = committed + 1 WHERE sku = 'X-1'"))
    assert "Only 1 left" in eventually(client, "/products/X-1", "Only 1 left")
    with count_queries() as counter:
        assert "Only 3 left" in view(client, "/products/Y-1")
    assert counter.count == 0, counter.statements


def test_a_sale_that_leaves_plenty_in_stock_keeps_the_page(app, client, shop, count_queries,
                                                            other_worker):
    shop.product("P-1", on_hand=38)
    shop.product("S-1", on_hand=3)  # a sentinel: its change tells the sale has arrived
    other = other_worker.test_client()
    for one in (client, other):
        kept_view(one, "/products/P-1", count_queries, "In stock")
    checkout(app, "P-1", 1)  # 37 left: the page says the same
    with count_queries() as counter:
        assert "In stock" in view(client, "/products/P-1")
    assert counter.count == 0, counter.statements
    # The other worker learns of the sale (commits arrive in order: once the sentinel's
    # change shows, the sale's has been read), finds the face unchanged, keeps the page.
    checkout(app, "S-1", 1)
    assert "Only 2 left" in eventually(other, "/products/S-1", "Only 2 left")
    with count_queries() as counter:
        assert "In stock" in view(other, "/products/P-1")
    assert counter.count == 0, counter.statements


@pytest.mark.parametrize("url", ["/products/P-1", "/"])
def test_a_sale_that_takes_the_last_unit_turns_the_button_in_every_worker(
        app, client, shop, other_worker, url):
    shop.product("P-1", on_hand=1)
    other = other_worker.test_client()
    for one in (client, other):
        view(one, url)
        assert "Add to Cart" in view(one, url)
    checkout(app, "P-1", 1)
    # In the process that sold it, at once; in the other, once the commit reaches it.
    assert "Out Of Stock" in view(client, url) and "Add to Cart" not in view(client, url)
    assert "Out Of Stock" in eventually(other, url, "Out Of Stock")
    assert "Add to Cart" not in view(other, url)
    # Stock received in the other worker turns it back everywhere.
    with other_worker.app_context():
        receive_stock("P-1", 2, "PO-1", user=None)
        db.session.remove()
    assert "Add to Cart" in view(other, url)
    assert "Add to Cart" in eventually(client, url, "Add to Cart")


def test_the_backorder_limit_reached_turns_the_button_in_every_worker(app, client, shop,
                                                                       other_worker):
    shop.settings(out_of_stock_checkout=True)
    shop.product("P-1", on_hand=0, limit=2)
    other = other_worker.test_client()
    for one in (client, other):
        view(one, "/products/P-1")
        assert ">Backorder</button>" in view(one, "/products/P-1")
    checkout(app, "P-1", 1)  # one of two may still wait: the page stays as it is
    assert ">Backorder</button>" in view(client, "/products/P-1")
    checkout(app, "P-1", 1)  # the limit is reached
    assert "Out Of Stock" in view(client, "/products/P-1")
    assert "Out Of Stock" in eventually(other, "/products/P-1", "Out Of Stock")


def test_a_settings_change_turns_every_button_in_every_worker(client, shop, other_worker):
    for sku in ("P-1", "P-2"):
        shop.product(sku, on_hand=0)
    other = other_worker.test_client()
    for one in (client, other):
        for url in ("/products/P-1", "/products/P-2", "/"):
            view(one, url)
            assert "Out Of Stock" in view(one, url)
    shop.settings(out_of_stock_checkout=True)
    for url in ("/products/P-1", "/products/P-2", "/"):
        assert ">Backorder</button>" in view(client, url)
        assert ">Backorder</button>" in eventually(other, url, ">Backorder</button>")
        assert "Out Of Stock" not in view(other, url)


def test_a_product_added_or_renamed_shows_in_the_catalogue_of_every_worker(
        client, shop, other_process, other_worker):
    shop.product("A-1", on_hand=9, name="Apple")
    other = other_worker.test_client()
    for one in (client, other):
        view(one, "/")
        assert "Apple" in view(one, "/")
    shop.product("B-1", on_hand=9, name="Banana")
    assert "Banana" in view(client, "/")
    assert "Banana" in eventually(other, "/", "Banana")
    with other_process.begin() as conn:
        conn.execute(text("UPDATE products SET name = 'Cherry' WHERE sku = 'B-1'"))
    for one in (client, other):
        assert "Cherry" in eventually(one, "/", "Cherry")


def test_a_picture_added_described_or_removed_shows_in_every_worker(app, client, shop,
                                                                   other_worker, count_queries):
    """A picture change updates the product's row (pictures_version): its kept pages are
    dropped here at once and in other workers once the commit reaches them."""
    from app.services import pictures
    from tests.support.pictures import add_pictures, picture

    shop.product("P-1", on_hand=5)
    other = other_worker.test_client()
    for one in (client, other):
        for url in ("/", "/products/P-1"):
            view(one, url)
            assert "placeholder.svg" in view(one, url)
    kept_view(client, "/products/P-1", count_queries, "placeholder.svg")

    add_pictures(app, "P-1", picture(30, 30, (5, 5, 5)))
    for url in ("/", "/products/P-1"):
        for one in (client, other):
            page = eventually(one, url, 'alt="Product P-1"')
            assert 'alt="Product P-1"' in page and "placeholder.svg" not in page
    kept_view(client, "/products/P-1", count_queries, 'alt="Product P-1"')

    picture_id = shop.read(lambda: db.session.scalar(text("SELECT id FROM product_pictures")))
    add_pictures(app, "P-1", alt={picture_id: "Five grey pixels"})
    for url in ("/", "/products/P-1"):
        for one in (client, other):
            assert 'alt="Five grey pixels"' in eventually(one, url, 'alt="Five grey pixels"')

    with app.app_context():
        pictures.remove("P-1", picture_id, user=None)
        db.session.remove()
    for url in ("/", "/products/P-1"):
        for one in (client, other):
            assert "placeholder.svg" in eventually(one, url, "placeholder.svg")


# The date a unit bought now would arrive, from the purchase orders

def buying_tea(app) -> int:
    """A backorderable product out of stock, bought from a supplier, dates shown."""
    from tests.support.purchasing import bought_product, supplier
    with app.app_context():
        update_settings({"out_of_stock_checkout": True, "show_arrival_date": True}, None)
        tea = supplier()
        bought_product("TEA-1", tea)
        bought_product("POT-1", tea)
        db.session.remove()
    return tea


def in_app(app, fn):
    with app.app_context():
        result = fn()
        db.session.remove()
    return result


def about(days: int) -> str:
    from tests.support.purchasing import in_days
    return f"Backorder: expected about {in_days(days):%d %b %Y}"


def test_a_po_date_change_turns_the_product_pages_date_in_every_worker(
        app, client, shop, other_worker, count_queries):
    from tests.support.purchasing import in_days, po, version
    tea = buying_tea(app)
    reference = in_app(app, lambda: po(tea, in_days(10), {"TEA-1": 5}))
    other = other_worker.test_client()
    for one in (client, other):
        assert about(10) in eventually(one, "/products/TEA-1", about(10))
        kept_view(one, "/products/TEA-1", count_queries, about(10))
    kept_view(client, "/products/POT-1", count_queries, "Out of stock")

    in_app(app, lambda: purchasing.save_po(reference, version(reference), in_days(20), {}))
    # In this process at once; in the other once the commit reaches it.
    assert about(20) in view(client, "/products/TEA-1")
    assert about(20) in eventually(other, "/products/TEA-1", about(20))
    assert about(20) in view(client, "/")
    # The other product's page was not touched: still kept, no SQL.
    kept_view(client, "/products/POT-1", count_queries, "Out of stock")

    in_app(app, lambda: purchasing.cancel_po(reference, version(reference)))
    assert "expected about" not in view(client, "/products/TEA-1")
    deadline = time.monotonic() + 5
    while "expected about" in view(other, "/products/TEA-1") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "expected about" not in view(other, "/products/TEA-1")


def test_shoppers_taking_the_incoming_units_move_the_date_to_the_next_po(
        app, client, shop, watching):
    from tests.support.purchasing import in_days, po
    tea = buying_tea(app)
    in_app(app, lambda: po(tea, in_days(10), {"TEA-1": 2}))
    in_app(app, lambda: po(tea, in_days(30), {"TEA-1": 2}))
    assert about(10) in view(client, "/products/TEA-1")
    checkout(app, "TEA-1", 2)
    assert about(30) in view(client, "/products/TEA-1")
    checkout(app, "TEA-1", 2)
    page = view(client, "/products/TEA-1")
    assert "expected about" not in page and ">Backorder</button>" in page
