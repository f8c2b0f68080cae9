"""Who may open which back-office page, CSRF, and where signing in leads."""
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
from flask import url_for

from app.models import Role
from tests.web.pages import Page

SIGN_IN = "/admin/login"


# Staff pages that need no sign-in: signing in, and a one-time set-password link.
OPEN_PAGES = {"auth.login", "auth.set_password"}


def admin_rules(app, prefix: str = "/admin"):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith(prefix) and rule.endpoint not in OPEN_PAGES),
                  key=lambda rule: rule.rule)


@pytest.fixture
def url_args(shop):
    """Values that exist for every argument an /admin rule takes."""
    sku = shop.product("ACC-1", on_hand=3)
    reference, _ = shop.order({sku: 1})
    return {"sku": sku, "reference": reference, "tab": "sales-orders", "supplier_id": 1,
            "user_id": 1, "action": "deactivate", "picture_id": 1}


def build(app, rule, args) -> str:
    missing = set(rule.arguments) - set(args)
    assert not missing, f"{rule.rule}: no test value for {missing}; add one to url_args"
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})


def location(response) -> tuple[str, dict[str, list[str]], str]:
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query), parts.netloc


def test_the_url_map_has_admin_pages_to_check(app):
    endpoints = {rule.endpoint for rule in admin_rules(app)}
    assert {"admin.home", "admin.orders_list", "admin.order", "admin.settings",
            "admin.settings_tab", "admin.products", "admin.product",
            "admin.backorder_report", "auth.logout"} <= endpoints


def test_every_admin_page_sends_an_anonymous_visitor_to_sign_in(app, client, url_args):
    checked = []
    for rule in admin_rules(app):
        url = build(app, rule, url_args)
        for method in sorted({"GET", "POST"} & rule.methods):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.submit(url, {})
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            path, query, netloc = location(response)
            assert (netloc, path) in {("", SIGN_IN), ("localhost", SIGN_IN)}, f"{method} {url}"
            if rule.endpoint != "auth.logout":  # signing out needs no way back
                assert query.get("next") == [url], f"{method} {url}: {query}"
            checked.append((method, url))
    assert len(checked) >= 15


def test_an_anonymous_post_changes_nothing(client, url_args, snapshot):
    before = snapshot()
    client.submit(f"/admin/orders/{url_args['reference']}", {"status": "Cancelled", "version": "1"})
    client.submit(f"/admin/products/{url_args['sku']}/receive",
                  {"quantity": "5", "reference": "x"})
    client.submit("/admin/settings/sales-orders", {"order_prefix": "X", "create_backorder": "y"})
    assert snapshot() == before


def settings_urls(app, args):
    return [build(app, rule, args) for rule in admin_rules(app, "/admin/settings")
            if "GET" in rule.methods] + ["/admin/settings/web-store"]


def test_staff_get_403_on_every_settings_page(app, staff_client, url_args, snapshot):
    urls = settings_urls(app, url_args)
    assert len(urls) >= 3
    for url in urls:
        assert staff_client.get(url).status_code == 403, url
    before = snapshot()
    for tab in ("sales-orders", "web-store", "payments"):
        response = staff_client.submit(f"/admin/settings/{tab}",
                                       {"order_prefix": "X", "create_backorder": "y",
                                        "out_of_stock_checkout": "y",
                                        "charge_backorders": "At checkout"})
        assert response.status_code == 403
    assert snapshot() == before


def test_admins_open_every_settings_page(app, admin_client, url_args):
    for url in settings_urls(app, url_args):
        assert admin_client.get(url).status_code == 200, url


def test_staff_hide_the_settings_link_but_admins_see_it(admin_client, shop, app):
    assert "Setup & tools" in Page(admin_client.get("/admin/")).links()
    shop.user("staff@example.com", Role.STAFF)
    staff = app.test_client()
    staff.sign_in("staff@example.com")
    assert "Setup & tools" not in Page(staff.get("/admin/")).links()


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/orders", "/admin/orders?status=New", "/admin/orders/{reference}",
    "/admin/products", "/admin/products/new", "/admin/products/{sku}",
    "/admin/suppliers", "/admin/suppliers/new", "/admin/purchase-orders",
    "/admin/purchase-orders/new", "/admin/purchase-orders/coverage",
    "/admin/reports/backorders", "/admin/reports/backorders?format=csv",
])
def test_staff_work_orders_products_and_reports(staff_client, url_args, url):
    response = staff_client.get(url.format(**url_args))
    assert response.status_code == 200


def test_unknown_settings_tab_is_404_for_admins(admin_client):
    assert admin_client.get("/admin/settings/no-such-tab").status_code == 404


# --- CSRF -----------------------------------------------------------------------------

@pytest.mark.parametrize("url, data", [
    ("/admin/login", {"email": "admin@example.com", "password": "correct horse battery staple"}),
    ("/cart/add/{sku}", {"quantity": "1"}),
    ("/admin/products/new", {"sku": "NEW-1", "name": "New", "price": "1.00", "on_hand": "1",
                             "backorder_policy": "Use store setting"}),
    ("/admin/products/{sku}", {"sku": "{sku}", "name": "Renamed", "price": "1.00",
                               "on_hand": "3", "backorder_policy": "Use store setting"}),
    ("/admin/products/{sku}/receive", {"quantity": "5", "reference": "PO-1"}),
    ("/admin/products/{sku}/adjust", {"quantity": "1", "reason": "count"}),
    ("/admin/settings/sales-orders", {"order_prefix": "X", "create_backorder": "y"}),
    ("/admin/orders/{reference}", {"status": "Cancelled", "version": "1"}),
    ("/admin/orders/{reference}/payments", {"amount": "1.00", "method": "Cash", "version": "1"}),
    ("/admin/logout", {}),
])
def test_a_post_without_csrf_token_is_refused_with_400(admin_client, url_args, snapshot,
                                                        url, data):
    assert admin_client.application.config.get("WTF_CSRF_ENABLED", True) is True
    data = {key: value.format(**url_args) for key, value in data.items()}
    before = snapshot()
    response = admin_client.post(url.format(**url_args), data=data)
    assert response.status_code == 400
    assert snapshot() == before
    assert admin_client.get("/admin/").status_code == 200  # still signed in


def test_a_post_with_a_forged_csrf_token_is_refused(admin_client, url_args, snapshot):
    before = snapshot()
    response = admin_client.post(f"/admin/products/{url_args['sku']}/receive",
                                 data={"csrf_token": "forged", "quantity": "5", "reference": "x"})
    assert response.status_code == 400
    assert snapshot() == before


def test_checkout_without_csrf_token_places_no_order(client, shop, snapshot):
    sku = shop.product("CSRF-1", on_hand=5)
    client.submit(f"/cart/add/{sku}", {"quantity": "1"})
    before = snapshot()
    response = client.post("/checkout", data={"name": "Sam", "email": "sam@example.com",
                                              "address": "1 Main St",
                                              "payment_method": "Bank deposit"})
    assert response.status_code == 400
    assert snapshot() == before


# --- Signing in and out -----------------------------------------------------------------

@pytest.fixture
def admin(shop):
    return shop.user("admin@example.com", Role.ADMIN)


def sign_in(client, email, password="correct horse battery staple", next_url=None):
    url = SIGN_IN if next_url is None else f"{SIGN_IN}?next={quote(next_url, safe='')}"
    return client.submit(url, {"email": email, "password": password})


def test_sign_in_page_has_its_labels(client):
    page = Page(client.get(SIGN_IN))
    assert page.control("Email").attrs["name"] == "email"
    assert page.control("Password").attrs["type"] == "password"
    assert "Sign in" in page.button_texts()


@pytest.mark.parametrize("email, password", [
    ("admin@example.com", "wrong password"),
    ("nobody@example.com", "correct horse battery staple"),
    ("ADMIN@example.com", "Correct horse battery staple"),
])
def test_a_wrong_password_shows_the_form_with_a_message(client, admin, email, password):
    response = sign_in(client, email, password)
    assert response.status_code in (200, 400, 401)
    page = Page(response)
    assert "That email and password do not match" in page.errors("Password")
    assert page.value("Email") == email
    assert page.value("Password") == ""  # never echoed back
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("email, password, message, label", [
    ("", "x", "Enter your email", "Email"),
    ("admin@example.com", "", "Enter your password", "Password"),
    ("a" * 10_000 + "@example.com", "x", "Field cannot be longer than 254 characters.", "Email"),
])
def test_an_incomplete_sign_in_shows_the_message_next_to_the_field(client, admin, email,
                                                                   password, message, label):
    response = sign_in(client, email, password)
    assert response.status_code != 500
    assert message in Page(response).errors(label)


def test_email_is_matched_without_regard_to_case(client, admin):
    assert sign_in(client, "  Admin@Example.COM ").status_code == 302


@pytest.mark.parametrize("target", [
    "///evil.example", "/\\/evil.example", "\\\\evil.example", " //evil.example",
    "/%5Cevil.example", "https:/evil.example", "\t//evil.example", "//evil.example/admin/",
])
def test_next_never_leads_to_another_site(client, admin, target):
    response = sign_in(client, admin, next_url=target)
    assert response.status_code == 302
    # Read the Location as a browser does: tabs and newlines dropped, \\ taken for /.
    seen = "".join(response.headers["Location"].split("\t")).strip().replace("\\", "/")
    assert urlsplit(urljoin("http://localhost/admin/login", seen)).netloc == "localhost"


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https://evil.example/x", "http:evil.example",
])
def test_next_to_another_site_lands_on_the_dashboard(client, admin, target):
    response = sign_in(client, admin, next_url=target)
    assert response.headers["Location"] in ("/admin/", "http://localhost/admin/")


def test_signed_in_visit_to_sign_in_page_also_refuses_foreign_next(client, admin):
    sign_in(client, admin)
    response = client.get(f"{SIGN_IN}?next={quote('//evil.example', safe='')}")
    assert response.headers["Location"] in ("/admin/", "http://localhost/admin/")


def test_a_local_next_is_followed(client, admin):
    response = sign_in(client, admin, next_url="/admin/orders?status=New")
    path, query, netloc = location(response)
    assert (path, query) == ("/admin/orders", {"status": ["New"]})
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_redirect_to_sign_in_comes_back_after_signing_in(client, admin):
    response = client.get("/admin/orders?status=On Hold")
    _, query, _ = location(response)
    back = sign_in(client, admin, next_url=query["next"][0])
    assert urlsplit(back.headers["Location"]).path == "/admin/orders"
    assert parse_qs(urlsplit(back.headers["Location"]).query) == {"status": ["On Hold"]}


def test_sign_out_is_a_post(client, admin):
    sign_in(client, admin)
    assert client.get("/admin/logout").status_code == 405
    assert client.get("/admin/").status_code == 200
    response = client.submit("/admin/logout")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == SIGN_IN
    assert client.get("/admin/").status_code == 302


def test_every_admin_page_offers_sign_out_as_a_button(client, admin):
    sign_in(client, admin)
    page = Page(client.get("/admin/orders"))
    form = page.form_of("Sign out")
    assert form.attrs["method"].lower() == "post"
    assert form.attrs["action"] == "/admin/logout"
