"""The product import at scale: 10,000 rows added, then the same 10,000 updated.

    .venv/bin/python bench/import_products.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/import_products.py --databases sqlite --rows 2000

Each database is made for the run and dropped after it (PostgreSQL on BENCH_PG, default
postgresql://postgres@127.0.0.1:5432; SQLite a file in a temporary folder), with the
schema from the migrations. It times, as the import page and `flask import-products` do
them: the preview (reading the file and the products it names), the import (one
transaction), and the export of every product; and counts the SQL statements each runs.
The file has every column the export writes, a description of 200 characters, two
categories per product out of 20; the update changes each product's price, on hand and
one category. Prints a Markdown table for bench/README.md, with the wall time and this
process's CPU time (the database server's is not in it), and the load average around it.
"""
import argparse
import csv
import io
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.config import Config, database_url  # noqa: E402
from tests.support.databases import scratch_database  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def products_file(rows: int, *, update: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["SKU", "Name", "Description", "Price", "On hand", "Backorders",
                     "Date of arrival", "Backorder limit", "Categories", "Supplier SKU",
                     "Cost price"])
    for n in range(rows):
        writer.writerow([
            f"BENCH-{n:06d}", f"Product {n}, \"bench\" édition", ("Lorem ipsum, dolor. " * 10),
            f"{(n % 500) + (2 if update else 1)}.50", (n % 50) + (5 if update else 0),
            "Always allow" if n % 3 == 0 else "Use store setting",
            "2027-01-15" if n % 4 == 0 else "", "10" if n % 5 == 0 else "",
            f"Group {(n + (1 if update else 0)) % 20}, Group {(n + 7) % 20}",
            f"SUP-{n}", f"{(n % 500)}.25"])
    return out.getvalue().encode()


@contextmanager
def database(kind: str):
    """An empty database of the run's own, dropped after it."""
    with tempfile.TemporaryDirectory() as folder:
        server = database_url(PG + "/postgres") if kind == "postgresql" else ""
        with scratch_database("bench_import", Path(folder), server) as url:
            yield url


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def timed(engine, fn) -> tuple[tuple[float, float], int, object]:
    """((wall seconds, this process's CPU seconds), statements, fn's result)."""
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return (time.perf_counter() - start, time.process_time() - cpu), counter.count, result


def run(kind: str, rows: int) -> list[tuple]:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.services import product_csv

    with database(kind) as url:
        class BenchConfig(Config):
            SQLALCHEMY_DATABASE_URI = url
            MAIL_JOBS = False  # the emails stay in the outbox: no worker runs here
            PAGE_CACHE_SIZE = 0

        app = create_app(BenchConfig)
        results = []
        with app.app_context():
            upgrade()
            engine = db.engine
            for label, data in (("add", products_file(rows, update=False)),
                                ("update", products_file(rows, update=True))):
                seconds, statements, _ = timed(engine, lambda: product_csv.read_plan(data))
                db.session.rollback()
                results.append((kind, f"preview ({label})", rows, seconds, statements))
                seconds, statements, imported = timed(
                    engine, lambda: product_csv.import_file(data, None))
                assert (imported.added if label == "add" else imported.updated) == rows
                results.append((kind, f"import ({label})", rows, seconds, statements))
                db.session.remove()
            seconds, statements, exported = timed(
                engine, lambda: sum(1 for _ in product_csv.export_rows()))
            assert exported == rows + 1
            results.append((kind, "export", rows, seconds, statements))
            db.session.remove()
            db.engine.dispose()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    print("| database | step | rows | seconds | CPU seconds (app) | rows/s | SQL statements "
          "| per 1,000 rows |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind in args.databases:
        for kind_, step, rows, (seconds, cpu), statements in run(kind, args.rows):
            print(f"| {kind_} | {step} | {rows:,} | {seconds:.2f} | {cpu:.2f} | "
                  f"{rows / seconds:,.0f} | {statements:,} | {statements / (rows / 1000):.1f} |",
                  flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
