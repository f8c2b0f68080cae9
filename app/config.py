"""Configuration, read from the environment (the README lists the variables)."""
import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def database_url(env_value: str | None) -> str:
    """Turn DATABASE_URL as people write it into a SQLAlchemy URL.

    `postgresql://user:pw@host/db` works as written: we pin it to psycopg 3, the
    driver we install. Unset means a SQLite file in instance/.
    """
    if not env_value:
        return f"sqlite:///{INSTANCE_DIR / 'shop.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if env_value.startswith(prefix):
            return "postgresql+psycopg://" + env_value[len(prefix):]
    return env_value


DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    # Recycle connections after 30 min instead of a ping per checkout from the pool
    # (a round trip on every request, ~20% of a product page).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 1800}
    # Failed sign-ins (app/throttle.py): in memory, or shared by every instance
    # through e.g. redis://127.0.0.1:6379.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = "backorders"
    RATELIMIT_ENABLED = True
    # Per account (the email typed) and IP; and per IP over all accounts, looser, so
    # that staff behind one office address are not locked out by one person's typos.
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_IP_RATE_LIMIT = "20 per minute"
    # "Find my order" requests per IP: each match emails the shopper their status link.
    FIND_ORDER_RATE_LIMIT = "5 per 10 minutes"
    # Card testing (bots trying stolen cards): every card a visitor tries needs a card
    # setup from us, so those are counted per IP and, tighter, per browser session.
    CARD_IP_RATE_LIMIT = "10 per hour"
    CARD_SESSION_RATE_LIMIT = "5 per hour"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    # scrypt at N=2^17, r=8, p=1 (128 MiB, a few hundred ms): slow enough that a stolen
    # password table is costly to guess through, quick enough for a sign-in.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    # The shop's public address, for links in emails.
    SHOP_URL = os.environ.get("SHOP_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
    MAIL_FROM = os.environ.get("MAIL_FROM", "shop@localhost")
    # MAIL_JOBS: a commit that wrote emails enqueues the job that sends them (app/jobs.py
    # send_emails); after a failed try the job runs again MAIL_RETRY_SECONDS later, twice
    # as long after each failure (up to an hour). `flask send-mail` sends them by hand.
    MAIL_JOBS = True
    MAIL_RETRY_SECONDS = float(os.environ.get("MAIL_RETRY_SECONDS", "30"))
    # The task queue (app/queue.py): Redis in production (workers on any hosts), else a
    # SQLite file for one machine. QUEUE_NAME keeps two shops on one Redis apart.
    # QUEUE_IMMEDIATE runs each job at once in the thread that enqueues it (the tests).
    QUEUE_URL = os.environ.get("QUEUE_URL") or f"sqlite:///{INSTANCE_DIR / 'queue.sqlite3'}"
    QUEUE_NAME = os.environ.get("QUEUE_NAME", "backorders")
    QUEUE_IMMEDIATE = False
    # How many proxies in front of the app set X-Forwarded-For (0: none).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Card payments (Stripe). Without both keys the shop offers Bank deposit only.
    # STRIPE_API_BASE and STRIPE_JS_URL point at a local fake (localstripe) in
    # development and tests; unset, they are Stripe's own.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    STRIPE_CURRENCY = os.environ.get("STRIPE_CURRENCY", "aud")
    CATALOGUE_PAGE_SIZE = 24
    # Rendered catalogue and product pages kept per process (app/page_cache/); 0: off.
    PAGE_CACHE_SIZE = int(os.environ.get("PAGE_CACHE_SIZE", "4096"))
    ADMIN_PAGE_SIZE = 50
    # Product pictures (app/pictures/): the folder of their files, shared by every
    # process that serves the shop (a shared volume when there are several hosts).
    PICTURES_DIR = os.environ.get("PICTURES_DIR", str(INSTANCE_DIR / "pictures"))
    # The largest upload taken, per picture, and the most pixels one may unpack to.
    PICTURE_MAX_BYTES = int(os.environ.get("PICTURE_MAX_BYTES", str(10 * 2**20)))
    PICTURE_MAX_PIXELS = int(os.environ.get("PICTURE_MAX_PIXELS", "40000000"))
    # A request larger than this is refused before it is read (413): room for a product
    # form with its twelve pictures at the limit.
    MAX_CONTENT_LENGTH = 12 * PICTURE_MAX_BYTES + 2**20


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL")) if os.environ.get(
        "TEST_DATABASE_URL") else "sqlite://"
    # Cheap hashes keep the suite fast; production keeps the costly default above.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    RATELIMIT_ENABLED = False
    MAIL_SERVER = ""
    # Jobs run at once, in the thread that enqueues them; the worker tests run a consumer.
    QUEUE_IMMEDIATE = True
    # Emails stay in the outbox unless a test sends them: the outbox tests turn this on.
    MAIL_JOBS = False
    # Card payments are off unless a test turns them on against localstripe.
    STRIPE_SECRET_KEY = ""
    STRIPE_PUBLISHABLE_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""


def config_from_environment() -> type[Config]:
    """The configuration a web or worker process runs with: FLASK_ENV=production or not."""
    return ProductionConfig if os.environ.get("FLASK_ENV") == "production" else Config


def check_production(config: dict) -> None:
    """Refuse to start in production without a strong secret key."""
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise RuntimeError(
            "SECRET_KEY must be set to a random string of at least 32 characters in "
            "production (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
