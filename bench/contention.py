"""Checkout under contention, on PostgreSQL: `DATABASE_URL=... python bench/contention.py`.

Calls app.services.checkout.place_order directly (not over HTTP) from 200 threads,
each with its own app context and so its own session and connection, released
together. The threads live in 4 processes of 50, as checkouts would come from
several gunicorn workers: in one process, the thread holding the stock row lock
would wait for the interpreter lock behind 199 others.

- spread: 200 checkouts of one unit each of 200 different products (20 units each);
- hot: 200 checkouts of one unit of ONE product with 20 units that never allows
  backorders: exactly 20 commit, 180 are refused (InsufficientStock);
- hot_backorders: the same on a product that always allows backorders: all 200 are
  placed, 20 units committed and 180 waiting, so every checkout does the work of a
  spread one and only the row lock differs.

Throughput is checkouts finished (placed or refused) per second, from the release
to the last one done; the median of a few rounds. Each checkout also reports how
long it held the stock row lock (from the SELECT ... FOR NO KEY UPDATE returning to
place_order returning, commit included) and how long it took in all.

Prints one JSON line. Exits non-zero if a round commits other than exactly the
stock there was, an order took stock that an earlier order waits for (FIFO), or a
checkout fails otherwise.
"""
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402
from app.domain.buttons import Policy  # noqa: E402
from app.domain.errors import InsufficientStock  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Order, OrderLine, Product, StockMovement  # noqa: E402
from app.services.catalog import ProductData, create_product  # noqa: E402
from app.services.checkout import Customer, place_order  # noqa: E402

CHECKOUTS = int(os.environ.get("BENCH_CHECKOUTS", "200"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "4"))
THREADS = CHECKOUTS // PROCESSES
STOCK = 20
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Connections per process. PostgreSQL allows 100 and others share it, so the 200
# checkouts queue for 4 x 12 connections: at most 48 are in the database at once.
POOL = int(os.environ.get("BENCH_POOL", "12"))


class BenchConfig(Config):
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": POOL, "max_overflow": 0, "pool_timeout": 300}
    MAIL_JOBS = False  # checkouts only: the emails stay in the outbox, no worker runs


def make_products(skus: list[str], policy: Policy = Policy.NEVER) -> None:
    for sku in skus:
        create_product(ProductData(sku=sku, name=f"Bench {sku}", description="",
                                   price=Decimal("10.00"), on_hand=STOCK, backorder_policy=policy,
                                   arrival_date=None, backorder_limit=None), user=None)


# One worker process -------------------------------------------------------------

def worker(index: int, gate, tasks, results) -> None:
    """Run each task's carts, one thread each, released by `gate` with all the others."""
    app = create_app(BenchConfig)
    locked_at = threading.local()

    with app.app_context():
        @event.listens_for(db.engine, "after_cursor_execute")
        def note_lock(conn, cursor, statement, parameters, context, executemany):
            # The first statement that locks a stock row: a SELECT ... FOR NO KEY UPDATE,
            # or an UPDATE of the row (checkout's single-product UPDATE ... RETURNING).
            if getattr(locked_at, "moment", None) is None and (
                    "UPDATE products" in statement
                    or ("FROM products" in statement and " FOR " in statement)):
                locked_at.moment = time.perf_counter()

        @event.listens_for(db.engine, "rollback")
        def note_unlock(conn):
            locked_at.moment = None  # a rolled-back try's lock is gone; the next one counts

        held = [db.engine.connect() for _ in range(POOL)]  # open the pool before timing
        for connection in held:
            connection.close()
    results.put(("ready", index))
    for carts in iter(tasks.get, None):
        outcome = {"placed": 0, "refused": 0, "errors": [], "ends": [], "holds": [],
                   "totals": []}
        counting = threading.Lock()

        def checkout(i: int, cart: dict[str, int]) -> None:
            with app.app_context():
                gate.wait()
                started = time.perf_counter()
                locked_at.moment = None
                try:
                    place_order(cart, Customer(
                        name=f"Bench shopper {index}-{i}", email=f"bench{index}-{i}@example.com",
                        address="1 Bench St\nSydney NSW 2000", payment_method="Bank deposit"))
                    with counting:
                        outcome["placed"] += 1
                except InsufficientStock:
                    with counting:
                        outcome["refused"] += 1
                except Exception as error:  # noqa: BLE001 - reported, and fails the run
                    outcome["errors"].append(f"{type(error).__name__}: {str(error)[:300]}")
                finally:
                    ended = time.perf_counter()
                    db.session.remove()
                    outcome["ends"].append(ended)
                    outcome["totals"].append(ended - started)
                    if locked_at.moment is not None:
                        outcome["holds"].append(ended - locked_at.moment)

        threads = [threading.Thread(target=checkout, args=(i, cart))
                   for i, cart in enumerate(carts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results.put(("done", outcome))


# The run ---------------------------------------------------------------------

def run_case(gate, tasks, results, carts: list[dict[str, int]]) -> dict:
    """All carts at once across the workers; seconds from the release to the last one done."""
    for i, queue in enumerate(tasks):
        queue.put(carts[i * THREADS:(i + 1) * THREADS])
    gate.wait()
    started = time.perf_counter()
    outcomes = [results.get(timeout=1200)[1] for _ in tasks]
    holds = [h for o in outcomes for h in o["holds"]]
    totals = [t for o in outcomes for t in o["totals"]]
    return {"seconds": round(max(e for o in outcomes for e in o["ends"]) - started, 3),
            "placed": sum(o["placed"] for o in outcomes),
            "refused": sum(o["refused"] for o in outcomes),
            "errors": [e for o in outcomes for e in o["errors"]][:3],
            "lock_ms": round(statistics.median(holds) * 1000, 1) if holds else 0.0,
            "checkout_ms": round(statistics.median(totals) * 1000, 1) if totals else 0.0}


def figures(skus: list[str]) -> dict[str, tuple[int, int, int, int, int]]:
    """Per SKU: committed, units allocated on lines, lines, the ledger's committed, waiting."""
    rows = db.session.execute(
        select(Product.sku, Product.committed,
               select(func.coalesce(func.sum(OrderLine.allocated), 0))
               .where(OrderLine.product_id == Product.id).scalar_subquery(),
               select(func.count(OrderLine.id))
               .where(OrderLine.product_id == Product.id).scalar_subquery(),
               select(func.coalesce(func.sum(StockMovement.committed_delta), 0))
               .where(StockMovement.product_id == Product.id).scalar_subquery(),
               Product.waiting)
        .where(Product.sku.in_(skus))).all()
    return {sku: (c, int(a), int(n), int(m), w) for sku, c, a, n, m, w in rows}


def served_out_of_turn(sku: str) -> int:
    """Lines of `sku` holding stock whose order was placed after one that waits (FIFO)."""
    lines = db.session.execute(
        select(Order.placed_at, OrderLine.allocated, OrderLine.quantity)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.id == OrderLine.product_id).where(Product.sku == sku)).all()
    waits = [placed for placed, allocated, quantity in lines if allocated < quantity]
    return sum(1 for placed, allocated, _ in lines
               if allocated > 0 and waits and placed > min(waits))


def main() -> int:
    app = create_app(BenchConfig)
    if app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0] != "postgresql+psycopg":
        print("contention.py runs on PostgreSQL: set DATABASE_URL", file=sys.stderr)
        return 2
    spawn = multiprocessing.get_context("spawn")
    gate = spawn.Barrier(PROCESSES * THREADS + 1)
    tasks = [spawn.Queue() for _ in range(PROCESSES)]
    results = spawn.Queue()
    workers = [spawn.Process(target=worker, args=(i, gate, tasks[i], results), daemon=True)
               for i in range(PROCESSES)]
    for process in workers:
        process.start()
    for _ in workers:
        results.get(timeout=300)  # ready
    runs = {"spread": [], "hot": [], "hot_backorders": []}
    failures = []
    try:
        with app.app_context():
            for r in range(ROUNDS):
                tag = f"{os.getpid()}-{r}"
                hot, waits = f"HOT-{tag}", f"WAITS-{tag}"
                spread = [f"SPREAD-{tag}-{i:03d}" for i in range(CHECKOUTS)]
                make_products([hot, *spread])
                make_products([waits], Policy.ALWAYS)
                db.session.remove()
                # case: (carts, placed wanted, figures wanted per SKU)
                cases = {
                    "spread": ([{sku: 1} for sku in spread], CHECKOUTS,
                               {sku: (1, 1, 1, 1, 0) for sku in spread}),
                    "hot": ([{hot: 1}] * CHECKOUTS, STOCK,
                            {hot: (STOCK, STOCK, STOCK, STOCK, 0)}),
                    "hot_backorders": ([{waits: 1}] * CHECKOUTS, CHECKOUTS,
                                       {waits: (STOCK, STOCK, CHECKOUTS, STOCK,
                                                CHECKOUTS - STOCK)}),
                }
                for case, (carts, want_placed, want) in cases.items():
                    run = run_case(gate, tasks, results, carts)
                    runs[case].append(run)
                    got = figures(list(want))
                    db.session.remove()
                    if run["errors"] or run["placed"] != want_placed:
                        failures.append(f"{case} round {r}: placed {run['placed']} (want "
                                        f"{want_placed}), refused {run['refused']}, errors "
                                        f"{run['errors']}")
                    if case == "hot_backorders" and (late := served_out_of_turn(waits)):
                        failures.append(f"{case} round {r}: {late} orders took stock an "
                                        f"earlier order waits for (FIFO)")
                    wrong = [sku for sku in want if got.get(sku) != want[sku]]
                    if wrong:
                        failures.append(f"{case} round {r}: (committed, allocated, lines, "
                                        f"ledger committed, waiting) = {got.get(wrong[0])}, "
                                        f"want {want[wrong[0]]}")
                if failures:
                    break  # a failed round can take minutes (deadlocks): one is enough
    finally:
        for queue in tasks:
            queue.put(None)
        for process in workers:
            process.join(timeout=30)
    rate = {case: statistics.median(CHECKOUTS / run["seconds"] for run in case_runs)
            if case_runs else 0.0 for case, case_runs in runs.items()}
    spread = rate["spread"] or float("inf")
    print(json.dumps({
        "checkouts": CHECKOUTS, "stock": STOCK, "rounds": len(runs["spread"]),
        "processes": PROCESSES, "threads": THREADS, "pool": POOL,
        "per_s": {case: round(value, 1) for case, value in rate.items()},
        "ratio": round(rate["hot"] / spread, 2),
        "ratio_backorders": round(rate["hot_backorders"] / spread, 2),
        "lock_ms": {case: statistics.median(r["lock_ms"] for r in case_runs) if case_runs else 0
                    for case, case_runs in runs.items()},
        "checkout_ms": {case: statistics.median(r["checkout_ms"] for r in case_runs)
                        if case_runs else 0 for case, case_runs in runs.items()},
        "runs": runs, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
