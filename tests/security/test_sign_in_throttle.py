"""Failed sign-ins are counted per account (the email typed) and IP, with a looser count
per IP over all accounts: one person's wrong passwords do not lock out the office.

Each test runs with the in-memory storage and with Redis (127.0.0.1:6379, as in
production): when Redis is down the Redis half fails, it never skips.
"""
import uuid

import pytest
import redis

from app import create_app
from app.config import TestConfig
from app.extensions import db

REDIS_URI = "redis://127.0.0.1:6379"
PER_ACCOUNT = 5
PER_IP = 20
OFFICE, HOME = "10.1.0.1", "10.2.0.2"


@pytest.fixture(params=["memory://", REDIS_URI], ids=["memory", "redis"])
def instance(request, app, shop):
    """An app instance with the throttle on, counting in memory or in Redis."""
    prefix = f"test-throttle-{uuid.uuid4().hex[:12]}"

    class Throttled(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = request.param
        RATELIMIT_KEY_PREFIX = prefix
        LOGIN_RATE_LIMIT = f"{PER_ACCOUNT} per minute"
        LOGIN_IP_RATE_LIMIT = f"{PER_IP} per minute"

    connection = None
    if request.param == REDIS_URI:
        connection = redis.Redis.from_url(REDIS_URI)
        connection.ping()  # Redis down: the test fails here, loudly
    made = create_app(Throttled)
    made.test_client_class = app.test_client_class
    for name in ("alice", "bob", "carol"):
        shop.user(f"{name}@example.com")
    yield made
    with made.app_context():
        db.engine.dispose()
    if connection is not None:
        keys = list(connection.scan_iter(match=f"*{prefix}*"))
        assert keys, "the Redis half counted nothing in Redis"
        connection.delete(*keys)
        connection.close()


def attempt(client, email: str, ip: str = OFFICE, password: str = "not the password"):
    client.environ_base["REMOTE_ADDR"] = ip
    if password is None:
        return client.sign_in(email)
    return client.sign_in(email, password)


def test_one_persons_wrong_passwords_do_not_lock_out_others_at_the_same_address(instance):
    alice, bob = instance.test_client(), instance.test_client()
    for _ in range(PER_ACCOUNT):
        assert attempt(alice, "alice@example.com").status_code == 200
    assert attempt(alice, "alice@example.com").status_code == 429
    assert attempt(bob, "bob@example.com", password=None).status_code == 302


def test_an_account_waits_after_its_failures_even_with_the_right_password(instance):
    client = instance.test_client()
    for _ in range(PER_ACCOUNT):
        assert attempt(client, "alice@example.com").status_code == 200
    response = attempt(client, "alice@example.com", password=None)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_email_counts_as_typed_whatever_its_case_and_spaces(instance):
    client = instance.test_client()
    for email in ("alice@example.com", "Alice@Example.com", " ALICE@example.com ",
                  "alice@EXAMPLE.com", "alice@example.com"):
        assert attempt(client, email).status_code == 200
    assert attempt(client, "alice@example.com").status_code == 429


def test_the_same_account_from_another_address_is_counted_apart(instance):
    client = instance.test_client()
    for _ in range(PER_ACCOUNT):
        assert attempt(client, "alice@example.com", OFFICE).status_code == 200
    assert attempt(client, "alice@example.com", HOME).status_code == 200
    assert attempt(client, "alice@example.com", OFFICE).status_code == 429


def test_one_address_trying_many_accounts_waits_at_the_looser_limit(instance):
    client = instance.test_client()
    for number in range(PER_IP):  # never more than 4 at one account
        assert attempt(client, f"guess{number % 5}@example.com").status_code == 200
    assert attempt(client, "guess9@example.com").status_code == 429
    assert attempt(client, "bob@example.com", password=None).status_code == 429
    assert attempt(client, "bob@example.com", HOME, password=None).status_code == 302


def test_a_successful_sign_in_is_not_counted(instance):
    client = instance.test_client()
    for _ in range(PER_ACCOUNT + 1):
        assert attempt(client, "carol@example.com", password=None).status_code == 302
        client.submit("/admin/logout")
    for _ in range(PER_ACCOUNT):
        assert attempt(client, "carol@example.com").status_code == 200
    assert attempt(client, "carol@example.com").status_code == 429


def test_a_deactivated_accounts_right_password_counts_as_a_failure(instance, shop):
    from sqlalchemy import update

    from app.models import User
    from app.models.types import utcnow
    shop.read(lambda: (db.session.execute(update(User).where(User.email == "carol@example.com")
                                          .values(deactivated_at=utcnow())),
                       db.session.commit()))
    client = instance.test_client()
    for _ in range(PER_ACCOUNT):
        response = attempt(client, "carol@example.com", password=None)
        assert response.status_code == 200
        assert "That email and password do not match" in response.get_data(as_text=True)
    assert attempt(client, "carol@example.com", password=None).status_code == 429
