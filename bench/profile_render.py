"""Where a rendered page's time goes: CPU per request, in process, and a profile.

    DATABASE_URL=sqlite:///instance/bench_1000_3000.sqlite3 \\
        .venv/bin/python bench/profile_render.py [--requests 200] [--profile product]

Renders each page through Flask's test client with the page cache off (every request
renders), one request at a time, and prints the CPU milliseconds per request
(time.process_time: this process only, so other load on the machine moves it little).
`--profile PAGE` prints the functions that take the most time for that page, by
cumulative and by own time. Run it on a database `seed-bench` filled (see README).
"""
import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Product  # noqa: E402
from in_process import ensure_staff, hidden_fields  # noqa: E402

EMAIL, PASSWORD = "profile-staff@example.com", "profile-staff-password"


class ProfileConfig(Config):
    PAGE_CACHE_SIZE = 0
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_JOBS = False  # nothing here sends email
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


def staff_client(app):
    ensure_staff(app, EMAIL, PASSWORD)
    client = app.test_client()
    response = client.post("/admin/login", data={**hidden_fields(client.get("/admin/login").text),
                                                 "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def cart_client(app, skus):
    client = app.test_client()
    for sku in skus:
        form = hidden_fields(client.get(f"/products/{sku}").text)
        assert client.post(f"/cart/add/{sku}", data={**form, "quantity": "1"}).status_code == 302
    return client


def pages(app):
    with app.app_context():
        skus = db.session.scalars(db.select(Product.sku).order_by(Product.id).limit(500)).all()
        stocked = db.session.scalars(db.select(Product.sku).where(
            Product.on_hand - Product.committed > 5, Product.waiting == 0).limit(2)).all()
        waiting = db.session.scalar(db.select(Product.sku).where(
            Product.waiting > 0, Product.backorder_limit.is_(None)).limit(1))
    shopper = app.test_client(use_cookies=False)  # as wrk: a new visitor each time
    staff = staff_client(app)
    cart = cart_client(app, [*stocked, waiting])
    turn = iter(range(10**9))
    return {
        "catalogue": (shopper, lambda: "/"),
        "product": (shopper, lambda: f"/products/{skus[next(turn) % len(skus)]}"),
        "cart": (cart, lambda: "/cart"),
        "orders": (staff, lambda: "/admin/orders?status=New Backorder"),
        "order": (staff, lambda: "/admin/orders?status=New"),
    }


def measure(client, path, requests: int) -> float:
    for _ in range(5):
        assert client.get(path()).status_code == 200
    start = time.process_time()
    for _ in range(requests):
        response = client.get(path())
        assert response.status_code == 200, response.status_code
    return (time.process_time() - start) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="a page to profile: " + ", ".join(
        ("catalogue", "product", "cart", "orders", "order")))
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a database seed-bench filled")
    app = create_app(ProfileConfig)
    targets = pages(app)
    if args.profile:
        client, path = targets[args.profile]
        measure(client, path, 5)
        profiler = cProfile.Profile()
        profiler.enable()
        measure(client, path, args.requests)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        return
    for name, (client, path) in targets.items():
        print(f"{name:10} {measure(client, path, args.requests):7.2f} CPU ms/request")


if __name__ == "__main__":
    main()
