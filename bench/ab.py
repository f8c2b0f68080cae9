"""A/B in process: the CPU a page costs under one commit of the code against another.

    git worktree add --detach /tmp/before <commit>
    .venv/bin/python bench/ab.py --before /tmp/before [--after .] [--pages product,orders]
                                 [--rounds 3] [--requests 300]

For each bench database (small, as `make bench` seeds them: PostgreSQL
`bench_1000_3000` and SQLite `instance/bench_1000_3000.sqlite3`), each page is rendered
by the before and the after code in turn, each in an interpreter of its own, through
Flask's test client with the page cache off: the product page (a new visitor each time,
going through 500 products, as wrk does), the catalogue, and the staff orders list
filtered by New Backorder (a staff user signed in). It prints CPU ms per request
(time.process_time, over --requests after a warm-up) for every round, alternating which
code goes first, and the medians. The databases are copied first (SQLite to a temporary
file, PostgreSQL with CREATE DATABASE ... TEMPLATE) and the copies dropped at the end.
An older commit's models are a subset of today's schema, so it reads the same copy.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from in_process import ensure_staff, hidden_fields

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("product", "catalogue", "orders")
EMAIL, PASSWORD = "ab-staff@example.com", "ab-staff-password"
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SMALL = "bench_1000_3000"



def make_app(code: str, url: str):
    """The app of the code tree at `code`, on `url`, with the page cache off."""
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, code)
    from app import create_app
    from app.config import Config

    class ABConfig(Config):
        PAGE_CACHE_SIZE = 0
        RATELIMIT_STORAGE_URI = "memory://"
        MAIL_JOBS = False                # nothing here sends email (today's name,
        MAIL_SEND_AFTER_REQUEST = False  # and an older one)
        MAIL_SERVER = ""
        PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

    return create_app(ABConfig)


def add_staff(code: str, url: str) -> None:
    ensure_staff(make_app(code, url), EMAIL, PASSWORD)


def measure(code: str, url: str, page: str, requests: int, warmup: int) -> float:
    """CPU ms per request of `page` under the code at `code`."""
    app = make_app(code, url)
    from app.extensions import db
    from app.models import Product
    if page == "orders":
        client = app.test_client()
        login = hidden_fields(client.get("/admin/login").text)
        signed_in = client.post("/admin/login",
                                data={**login, "email": EMAIL, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.status_code
        paths = ["/admin/orders?status=New Backorder"]
    else:
        client = app.test_client(use_cookies=False)  # as wrk: a new visitor each time
        with app.app_context():
            skus = db.session.scalars(db.select(Product.sku).order_by(Product.id)
                                      .limit(500)).all()
        paths = [f"/products/{sku}" for sku in skus] if page == "product" else ["/"]
    turn = iter(range(10**9))
    for _ in range(warmup):
        assert client.get(paths[next(turn) % len(paths)]).status_code == 200
    start = time.process_time()
    for _ in range(requests):
        response = client.get(paths[next(turn) % len(paths)])
        assert response.status_code == 200, response.status_code
    return (time.process_time() - start) / requests * 1000


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-q", "-c", sql], check=True)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(args) -> None:
    copy_name = f"{SMALL}_ab"
    sqlite_copy = Path(tempfile.mkdtemp()) / "ab.sqlite3"
    shutil.copyfile(ROOT / "instance" / f"{SMALL}.sqlite3", sqlite_copy)
    psql(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{copy_name}" TEMPLATE "{SMALL}"')
    urls = {"postgresql": f"{PG_SERVER}/{copy_name}", "sqlite": f"sqlite:///{sqlite_copy}"}
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    try:
        for url in urls.values():
            subprocess.run([sys.executable, __file__, "add-staff", "--code", args.after,
                            "--db", url], check=True)
        print(f"load average at the start: {load()}")
        rows = []
        for kind, url in urls.items():
            for page in pages:
                found = {"before": [], "after": []}
                for n in range(args.rounds):
                    for side in (("before", "after") if n % 2 == 0 else ("after", "before")):
                        code = args.before if side == "before" else args.after
                        out = subprocess.run(
                            [sys.executable, __file__, "measure", "--code", code, "--db", url,
                             "--page", page, "--requests", str(args.requests)],
                            check=True, capture_output=True, text=True).stdout
                        found[side].append(json.loads(out.strip().splitlines()[-1]))
                        print(f"{kind:10} {page:9} round {n + 1} {side:6} "
                              f"{found[side][-1]:6.2f} CPU ms/request (load {load()})",
                              flush=True)
                before, after = (statistics.median(found[s]) for s in ("before", "after"))
                rows.append((kind, page, before, after))
        print(f"\nload average at the end: {load()}\n")
        print("| database | page | before CPU ms | after CPU ms | after / before |")
        print("|---|---|---:|---:|---:|")
        for kind, page, before, after in rows:
            print(f"| {kind} | {page} | {before:.2f} | {after:.2f} | {after / before:.2f} |")
    finally:
        shutil.rmtree(sqlite_copy.parent)
        psql(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="run",
                        choices=("run", "measure", "add-staff"))
    parser.add_argument("--before", help="the older code tree (a git worktree)")
    parser.add_argument("--after", default=str(ROOT))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--code")
    parser.add_argument("--db")
    parser.add_argument("--page", choices=PAGES)
    args = parser.parse_args()
    if args.command == "measure":
        print(json.dumps(measure(args.code, args.db, args.page, args.requests, warmup=20)))
    elif args.command == "add-staff":
        add_staff(args.code, args.db)
    else:
        if not args.before:
            parser.error("--before: a worktree of the older commit")
        run(args)


if __name__ == "__main__":
    main()
