"""Security headers on every response; the session cookie's flags; production's secret key."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import Config, ProductionConfig
from app.domain.buttons import Policy
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]

RESPONSES = [
    # (who, method, url, status)
    ("shopper", "GET", "/", 200),
    ("shopper", "GET", "/products/TEA-1", 200),
    ("shopper", "GET", "/products/NOPE", 404),
    ("shopper", "GET", "/cart", 200),
    ("shopper", "GET", "/checkout", 302),
    ("shopper", "POST", "/cart/add/TEA-1", 400),  # no CSRF token
    ("shopper", "DELETE", "/", 405),
    ("shopper", "GET", "/orders/not-a-token", 404),
    ("shopper", "GET", "/static/shop.css", 200),
    ("shopper", "GET", "/admin/login", 200),
    ("shopper", "GET", "/admin/orders", 302),
    ("staff", "GET", "/admin/settings", 403),
    ("staff", "GET", "/admin/orders", 200),
    ("staff", "GET", "/admin/reports/backorders?format=csv", 200),
]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = [w.lower() for w in words[1:]]
    return parsed


@pytest.mark.parametrize(("who", "method", "url", "status"), RESPONSES,
                         ids=[f"{m} {u} as {w}" for w, m, u, _ in RESPONSES])
def test_every_response_carries_the_security_headers(client, shop, who, method, url, status):
    shop.product("TEA-1", on_hand=3)
    if who == "staff":
        shop.user("staff@example.com")
        assert client.sign_in("staff@example.com").status_code == 302
    response = client.open(url, method=method)
    assert response.status_code == status
    policy = directives(response.headers["Content-Security-Policy"])
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts is not None, "no script-src nor default-src"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "*" not in scripts
    assert policy.get("frame-ancestors") in (["'none'"], ["'self'"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "same-origin", "strict-origin", "strict-origin-when-cross-origin", "no-referrer")


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_the_session_cookie_of_a_signed_in_user_is_http_only_and_same_site_lax(client, shop):
    shop.user("staff@example.com")
    response = client.sign_in("staff@example.com")
    assert response.status_code == 302
    cookie = flags(session_cookie(response))
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_the_cart_cookie_of_a_shopper_is_http_only_and_same_site_lax(client, shop):
    shop.product("TEA-1", on_hand=3, policy=Policy.STORE)
    response = client.submit("/cart/add/TEA-1", {"quantity": "1"})
    assert response.status_code == 302
    cookie = flags(session_cookie(response))
    assert {"httponly", "samesite=lax"} <= cookie


@pytest.fixture
def production(monkeypatch, app):
    """ProductionConfig itself, with the test database and a key set as a test wishes."""
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI",
                        app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_ENABLED", False, raising=False)
    made = []

    def make(key):
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
        made.append(create_app(ProductionConfig))
        return made[-1]
    yield make
    for instance in made:
        with instance.app_context():
            db.engine.dispose()


def test_in_production_the_session_cookie_is_also_secure(production):
    app = production(secrets.token_hex(32))
    response = app.test_client().get("/admin/login", base_url="https://shop.example")
    assert response.status_code == 200
    cookie = flags(session_cookie(response))
    assert {"secure", "httponly", "samesite=lax"} <= cookie


@pytest.mark.parametrize("key", [None, "", "short", "x" * 31, Config.SECRET_KEY],
                         ids=["missing", "empty", "short", "31 characters", "the development key"])
def test_production_refuses_to_start_with_a_weak_secret_key(production, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production(key)


def start_wsgi(database_uri: str, **env) -> subprocess.CompletedProcess:
    """Import wsgi.py as gunicorn would, with the environment a deployment sets."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_ENV")}
    environment.update(FLASK_ENV="production", DATABASE_URL=database_uri, **env)
    return subprocess.run([sys.executable, "-c", "import wsgi; print('started')"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_production_starts_with_a_strong_secret_key_from_the_environment(app):
    started = start_wsgi(app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=secrets.token_hex(32))
    assert started.returncode == 0, started.stderr[-2000:]
    assert "started" in started.stdout


def test_production_refuses_to_start_without_a_secret_key_in_the_environment(app):
    started = start_wsgi(app.config["SQLALCHEMY_DATABASE_URI"])
    assert started.returncode != 0
    assert "RuntimeError: SECRET_KEY must be set" in started.stderr


def test_a_config_derived_from_production_is_held_to_the_same_key_rule(app):
    class Deployment(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        SECRET_KEY = "short"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Deployment)
