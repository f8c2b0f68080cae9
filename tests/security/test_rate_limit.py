"""Sign-in is throttled after 5 failures a minute at one account from one IP (and, more
loosely, per IP: tests/security/test_sign_in_throttle.py), and the count lives in Redis,
so every app instance behind a load balancer sees the same count.

Needs Redis on 127.0.0.1:6379: when it is down these tests fail, they never skip.
"""
import uuid

import pytest
import redis

from app import create_app
from app.config import TestConfig
from app.extensions import db

REDIS_URI = "redis://127.0.0.1:6379"
# One prefix per test run, so that the tests find their own keys in Redis.
PREFIX = f"test-{uuid.uuid4().hex[:12]}"
ATTEMPTS = 5


@pytest.fixture
def store():
    """Redis, emptied of this run's keys before and after each test."""
    connection = redis.Redis.from_url(REDIS_URI)
    connection.ping()  # Redis down: the test fails here, loudly

    def ours() -> list[bytes]:
        return list(connection.scan_iter(match=f"*{PREFIX}*"))

    for key in ours():
        connection.delete(key)
    connection.ours = ours
    yield connection
    for key in ours():
        connection.delete(key)
    assert ours() == []
    connection.close()


@pytest.fixture
def instances(app, store, shop):
    """Two app instances sharing the test database and Redis, as two servers would."""
    class Throttled(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = REDIS_URI
        RATELIMIT_KEY_PREFIX = PREFIX

    made = [create_app(Throttled), create_app(Throttled)]
    for instance in made:
        instance.test_client_class = app.test_client_class
    shop.user("staff@example.com")
    yield made
    for instance in made:
        with instance.app_context():
            db.engine.dispose()


def fail(client, ip: str = "127.0.0.1"):
    client.environ_base["REMOTE_ADDR"] = ip
    return client.sign_in("staff@example.com", "not the password")


def counted(store) -> int:
    """The failures Redis holds for this run, counted per account and IP (each failure
    is also counted per IP alone, under the scope sign-in-ip)."""
    return sum(int(store.get(key) or 0) for key in store.ours() if b"/sign-in/" in key)


def test_the_sixth_failed_sign_in_in_a_minute_is_refused_with_429(instances, store):
    client = instances[0].test_client()
    for _ in range(ATTEMPTS):
        response = fail(client)
        assert response.status_code == 200
        assert "That email and password do not match" in response.get_data(as_text=True)
    assert counted(store) == ATTEMPTS
    response = fail(client)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # Throttled is throttled: even the right password waits for the minute to pass.
    assert client.sign_in("staff@example.com").status_code == 429


def test_a_successful_sign_in_does_not_count_against_the_limit(instances, store):
    first, second = instances[0].test_client(), instances[0].test_client()
    for _ in range(ATTEMPTS - 1):
        assert fail(first).status_code == 200
    assert second.sign_in("staff@example.com").status_code == 302
    assert counted(store) == ATTEMPTS - 1
    assert fail(first).status_code == 200  # the fifth failure is still allowed
    assert fail(first).status_code == 429


def test_failures_on_one_instance_count_on_the_other(instances, store):
    one, other = (instance.test_client() for instance in instances)
    for attempt in range(ATTEMPTS):
        assert fail(one if attempt % 2 else other).status_code == 200
    assert counted(store) == ATTEMPTS
    assert fail(one).status_code == 429
    assert fail(other).status_code == 429


def test_the_limit_is_per_ip(instances, store):
    one, other = (instance.test_client() for instance in instances)
    for _ in range(ATTEMPTS):
        assert fail(one, "10.0.0.1").status_code == 200
    assert fail(other, "10.0.0.2").status_code == 200
    assert fail(other, "10.0.0.1").status_code == 429
    assert fail(one, "10.0.0.2").status_code == 200


def test_with_redis_unreachable_failures_are_counted_in_memory(app, shop):
    class Unreachable(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1"  # nothing listens there

    instance = create_app(Unreachable)
    instance.test_client_class = app.test_client_class
    shop.user("staff@example.com")
    client = instance.test_client()
    try:
        for _ in range(ATTEMPTS):
            assert fail(client).status_code == 200
        assert fail(client).status_code == 429
    finally:
        with instance.app_context():
            db.engine.dispose()
