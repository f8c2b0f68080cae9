"""The catalogue and product pages are kept rendered (app/page_cache/): a view of a
kept page runs no SQL, carries the visitor's own tokens, and is never older than the
last commit that changed a product or the settings, whichever process made it."""
import re
import time

import pytest
from markupsafe import escape
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.extensions import db, page_cache
from app.page_cache import CSRF_MARK, ONCE_MARK, Kept, Store
from app.page_cache.watchers import Unwatched
from app.services.inventory import receive_stock

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


@pytest.fixture
def watching(app):
    """Wait for this process's watcher: on PostgreSQL its listener starts on first use."""
    deadline = time.monotonic() + 10
    with app.app_context():
        while not page_cache.watching(app):
            assert time.monotonic() < deadline, "the page cache never started watching"
            time.sleep(0.02)


def test_a_kept_page_runs_no_sql(client, shop, count_queries, watching):
    shop.product("P-1", on_hand=5)
    for url in ("/products/P-1", "/"):
        # On PostgreSQL our own commit's NOTIFY may still be on its way and mark the
        # first rendering stale once more: a few views, then no SQL at all.
        deadline = time.monotonic() + 5
        while True:
            with count_queries() as counter:
                page = view(client, url)
            if counter.count == 0 or time.monotonic() > deadline:
                break
        assert counter.count == 0, counter.statements
        assert "5 in stock" in page


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
    shop.product("P-1", on_hand=5)
    assert "5 in stock" in view(client, "/products/P-1")
    assert "5 in stock" in view(client, "/products/P-1")
    receive_stock("P-1", 3, "PO-1", user=None)
    assert "8 in stock" in view(client, "/products/P-1")
    assert "8 in stock" in view(client, "/")


def test_a_settings_change_turns_the_button_at_once(client, shop, watching):
    shop.product("P-1", on_hand=0)
    assert "Out Of Stock" in view(client, "/products/P-1")
    shop.settings(out_of_stock_checkout=True)
    assert ">Backorder</button>" in view(client, "/products/P-1")


def test_a_change_made_by_another_process_shows(client, shop, other_process, watching):
    shop.product("P-1", on_hand=5)
    assert "5 in stock" in view(client, "/products/P-1")
    with other_process.begin() as conn:
        conn.execute(text("UPDATE products SET on_hand = 9 WHERE sku = 'P-1'"))
    assert "9 in stock" in eventually(client, "/products/P-1", "9 in stock")


@postgres_only
def test_when_the_listener_is_lost_pages_render_afresh_until_it_is_back(client, shop, app,
                                                                        other_process, watching):
    shop.product("P-1", on_hand=5)
    assert "5 in stock" in eventually(client, "/products/P-1", "5 in stock")
    assert page_cache.listening(app)
    with other_process.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'page-cache-listener' "
                          "AND datname = current_database()"))
        conn.execute(text("UPDATE products SET on_hand = 7 WHERE sku = 'P-1'"))
    assert "7 in stock" in eventually(client, "/products/P-1", "7 in stock")
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
    assert "1 in stock" in view(client, "/products/NOPE")


def test_a_page_is_split_at_the_markers_only():
    name = escape(f"Evil {CSRF_MARK} {ONCE_MARK}")  # data is escaped: it cannot fake one
    kept = Kept(1, f"<p>{name}</p><i>{CSRF_MARK}</i><b>{ONCE_MARK}</b><b>{ONCE_MARK}</b>")
    first, second = kept.fill("TOKEN"), kept.fill("TOKEN")
    shape = re.compile(rf"<p>{re.escape(name)}</p><i>TOKEN</i><b>([\w-]+)</b><b>([\w-]+)</b>")
    one, other = shape.fullmatch(first).groups(), shape.fullmatch(second).groups()
    assert len({*one, *other}) == 4  # unique per form and per response
    assert all(len(token) <= 64 for token in one)  # what the once field accepts


def test_the_store_keeps_the_most_recently_used_pages():
    store = Store(2)
    for key in "abc":
        store.put(key, Kept(1, key))
    assert store.keys() == ["b", "c"]
    assert store.get("b", 1) is not None and store.get("b", 2) is None
    store.put("d", Kept(1, "d"))
    assert store.keys() == ["b", "d"]


def test_an_unwatched_database_serves_nothing_kept(app, client, shop, count_queries):
    shop.product("P-1", on_hand=5)
    page_cache.close(app)
    with app.app_context():
        page_cache.init_app(app, db.engine, watcher=Unwatched())
    try:
        view(client, "/products/P-1")
        with count_queries() as counter:
            view(client, "/products/P-1")
        assert counter.count > 0
    finally:
        page_cache.close(app)
        with app.app_context():
            page_cache.init_app(app, db.engine)
