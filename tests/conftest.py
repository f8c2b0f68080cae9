"""Fixtures shared by every suite.

The database is SQLite in a temporary file unless TEST_DATABASE_URL names a
PostgreSQL server: then the suite creates its own database there and drops it
at the end. The schema comes from the migrations, so they are tested too.
"""
import os
import re
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestConfig
from app.domain.buttons import Policy
from app.extensions import db, page_cache
from app.models import Role, StoreSettings
from app.services.catalog import ProductData, create_product
from app.services.settings import update_settings
from tests.support.databases import scratch_database, test_database_url

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                        r'|name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery staple"


def pytest_report_header(config):
    server = test_database_url()
    where = make_url(server).render_as_string(hide_password=True) if server else "SQLite file"
    return f"database: {where}"


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> Iterator[str]:
    with scratch_database("backorders_test", tmp_path_factory.mktemp("db")) as uri:
        yield uri


class ShopClient(FlaskClient):
    """A test client that fills in the CSRF token, as a browser's form would."""

    csrf_token: str | None = None

    def token(self) -> str:
        if self.csrf_token is None:
            page = self.get("/admin/login").get_data(as_text=True)
            match = CSRF_INPUT.search(page)
            assert match, "no CSRF token on the sign-in page"
            self.csrf_token = match.group(1) or match.group(2)
        return self.csrf_token

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form the way the page would, with its CSRF token."""
        data = {"csrf_token": self.token(), **(data or {})}
        return self.post(url, data=data, **kwargs)

    def sign_in(self, email: str, password: str = PASSWORD):
        self.token()
        return self.submit("/admin/login", {"email": email, "password": password})


@pytest.fixture(scope="session")
def app(database_uri) -> Flask:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_uri
        # Room for the concurrency tests' 40 shoppers to hold a connection each.
        SQLALCHEMY_ENGINE_OPTIONS = {**TestConfig.SQLALCHEMY_ENGINE_OPTIONS,
                                     "pool_size": 5, "max_overflow": 45}

    app = create_app(Config)
    app.test_client_class = ShopClient
    with app.app_context():
        upgrade()
    yield app
    page_cache.close(app)
    with app.app_context():
        db.engine.dispose()


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            # DELETE is far cheaper than TRUNCATE on tables this small.
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            if conn.dialect.name == "postgresql":
                numbered = [t.name for t in db.metadata.sorted_tables if "id" in t.c]
                conn.execute(text("SELECT setval(pg_get_serial_sequence(t, 'id'), 1, false) "
                                  "FROM unnest(CAST(:tables AS text[])) AS t"),
                             {"tables": numbered})
            conn.execute(StoreSettings.__table__.insert().values(id=1))
        db.session.remove()


@pytest.fixture(scope="session", autouse=True)
def jobs_run_at_once() -> Iterator[None]:
    """Jobs run in the calling thread as soon as they are enqueued (Huey's immediate mode):
    the tests check the rules; tests/payments/test_worker.py runs a real consumer."""
    from app.queue import huey
    huey.immediate = True
    yield


@pytest.fixture(autouse=True)
def clean_database(app) -> Iterator[None]:
    """Every test starts from an empty shop with the default settings."""
    yield
    _empty_tables(app)


@pytest.fixture
def client(app) -> ShopClient:
    return app.test_client()


@pytest.fixture
def ctx(app) -> Iterator[Flask]:
    """An app context for calling services directly (not while using the client)."""
    with app.app_context():
        yield app
        db.session.remove()


class Shop:
    """Factories for the things tests need: products, settings, users, orders."""

    def __init__(self, app: Flask):
        self.app = app

    def product(self, sku: str = "SKU-1", *, on_hand: int = 0, price: str = "10.00",
                policy: Policy = Policy.STORE, limit: int | None = None, arrival=None,
                name: str | None = None) -> str:
        with self.app.app_context():
            create_product(ProductData(sku=sku, name=name or f"Product {sku}", description="",
                                       price=Decimal(price), on_hand=on_hand,
                                       backorder_policy=policy, arrival_date=arrival,
                                       backorder_limit=limit), user=None)
            db.session.remove()
        return sku

    def categories(self, sku: str, *names: str) -> None:
        """Put the product in exactly these categories (made when new)."""
        from app.services import transaction
        from app.services.catalog import find_product
        from app.services.categories import set_product_categories
        with self.app.app_context():
            with transaction():
                set_product_categories(find_product(sku), names)
            db.session.remove()

    def settings(self, **changes) -> None:
        with self.app.app_context():
            update_settings(changes, user=None)
            db.session.remove()

    def user(self, email: str, role: Role = Role.STAFF, password: str = PASSWORD) -> str:
        from app.cli import save_user
        with self.app.app_context():
            save_user(email, role, password)
            db.session.remove()
        return email

    def order(self, items: dict[str, int], email: str = "shopper@example.com"):
        """Place an order as a shopper would; returns (order reference, backorder reference)."""
        from tests.support.services import place
        with self.app.app_context():
            placed = place(items, email)
            refs = (placed.order.reference,
                    placed.backorder.reference if placed.backorder is not None else None)
            db.session.remove()
        return refs

    def status_token(self, reference: str) -> str:
        """The token of the order's status page, /orders/<token>."""
        from app.models import Order
        return self.read(lambda: db.session.scalar(
            db.select(Order.token).where(Order.reference == reference)))

    def read(self, fn):
        """Run fn() in an app context and return its result (plain values, please)."""
        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()


@pytest.fixture
def shop(app) -> Shop:
    return Shop(app)


@pytest.fixture
def admin_client(client, shop) -> ShopClient:
    shop.user("admin@example.com", Role.ADMIN)
    assert client.sign_in("admin@example.com").status_code == 302
    return client


@pytest.fixture
def staff_client(client, shop) -> ShopClient:
    shop.user("staff@example.com", Role.STAFF)
    assert client.sign_in("staff@example.com").status_code == 302
    return client


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


def pytest_collection_modifyitems(config, items):
    """postgres_only tests are left out of the SQLite run (deselected, not skipped)."""
    if test_database_url():
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: a missing browser or database must not pass."""
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        print(f"\nCI: {len(_skipped)} tests were skipped; failing the run: {_skipped[:5]}")
        session.exitstatus = 1


class QueryInTemplate(AssertionError):
    pass


@pytest.fixture(autouse=True)
def templates_never_query(app):
    """Any SQL run while a template renders fails the test: views load, templates show."""
    from flask import before_render_template, template_rendered

    local = threading.local()  # per thread: concurrency tests render emails in threads

    def stack() -> list[str]:
        if not hasattr(local, "rendering"):
            local.rendering = []
        return local.rendering

    def started(sender, template, context, **extra):
        stack().append(template.name)

    def finished(sender, template, context, **extra):
        stack().pop()

    def guard(conn, cursor, statement, parameters, context, executemany):
        if stack():
            raise QueryInTemplate(f"{stack()[-1]} ran SQL: {statement[:200]}")

    with app.app_context():
        engine = db.engine
    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    event.listen(engine, "before_cursor_execute", guard)
    yield
    event.remove(engine, "before_cursor_execute", guard)
    before_render_template.disconnect(started, app)
    template_rendered.disconnect(finished, app)
