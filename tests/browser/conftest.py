"""Browser fixtures: the app served on a free port, and Debian's chromium driven by Playwright.

One browser for the session, a fresh context (cookies, cart) per test. The server
runs the session `app`, so tests set up data with the `shop` factories and the pages
see it, and every test still starts from the empty database.
"""
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Order, Role

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a browser test's password"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM}: "
                    "run `apt-get install chromium`", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `page` knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, live_server, request, tmp_path) -> Iterator[Page]:
    """A page in a fresh browser context; on failure a screenshot goes to tmp_path."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            shot = tmp_path / "failure.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failing page: {shot}")
        context.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open another page in a browser context of its own (own cookies and cart): one per person.

    Keyword arguments go to `browser.new_context`, such as `bypass_csp=True`.
    """
    contexts = []

    def opening(**options) -> Page:
        context = browser.new_context(base_url=live_server, **options)
        contexts.append(context)
        return context.new_page()

    yield opening
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in_as(page, shop) -> Callable[..., str]:
    """Make a user with this role and sign in at /admin/login through the form (on `page`
    unless told `on=` another one)."""
    def signing_in(role: Role, on: Page | None = None) -> str:
        on = on or page
        email = shop.user(f"{role.value}@example.com", role, password=PASSWORD)
        on.goto("/admin/login")
        on.get_by_label("Email", exact=True).fill(email)
        on.get_by_label("Password", exact=True).fill(PASSWORD)
        on.get_by_role("button", name="Sign in", exact=True).click()
        expect(on.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
        return email

    return signing_in


@pytest.fixture
def stored_orders(shop) -> Callable[[], list[dict]]:
    """The orders in the database, oldest first, as plain data: what the pages should show."""
    def reading() -> list[dict]:
        orders = db.session.scalars(select(Order).order_by(Order.id)).all()
        return [{"reference": o.reference, "status": o.status.value, "token": o.token,
                 "parent": o.parent.reference if o.parent else None,
                 "lines": {line.sku: (line.quantity, line.allocated) for line in o.lines}}
                for o in orders]

    return lambda: shop.read(reading)
