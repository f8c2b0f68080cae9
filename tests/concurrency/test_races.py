"""Many people at once: shoppers racing for the last units, staff splitting and receiving.

Each thread has its own app context, so its own session and connection. The module
runs on the SQLite file database (BEGIN IMMEDIATE and a busy timeout serialize the
writers) and, with TEST_DATABASE_URL, on PostgreSQL (row locks).
"""
import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.domain.buttons import Policy
from app.domain.errors import InsufficientStock, StaleOrder
from app.domain.orders import OPEN_STATUSES, OrderStatus
from app.extensions import db
from app.models import Order, OrderLine, Product, StockMovement
from app.services.checkout import Customer, place_order
from app.services.inventory import receive_stock
from app.services.orders import save_order

SHOPPERS = 40
ON_HAND = 10
# A thread still running after this long is stuck: a deadlock, or a lock never released.
JOIN_TIMEOUT = 120
REFUSALS = (StaleOrder, InsufficientStock)


def shopper(number: int) -> Customer:
    return Customer(name=f"Shopper {number}", email=f"shopper{number}@example.com",
                    address=f"{number} Main St", payment_method="Bank deposit")


def run_together(app, jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at once (behind a barrier), each in its own app context.

    Returns what each job returned or raised, in the order of `jobs`; fails if a
    thread has not finished within JOIN_TIMEOUT.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def work(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=JOIN_TIMEOUT)
                outcomes[index] = job()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                outcomes[index] = error

    threads = [threading.Thread(target=work, args=(index, job), daemon=True)
               for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} of {len(threads)} threads never finished (deadlock?)"
    return outcomes


def unexpected(outcomes: list[object]) -> list[BaseException]:
    """What went wrong beyond the domain's refusals."""
    return [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, REFUSALS)]


def stock_report(app) -> dict[str, dict[str, int]]:
    """Per SKU: the product's figures, what its open order lines say, and the ledger replayed."""
    with app.app_context():
        try:
            open_lines = dict(
                (sku, (allocated, unallocated)) for sku, allocated, unallocated in
                db.session.execute(
                    select(Product.sku, func.coalesce(func.sum(OrderLine.allocated), 0),
                           func.coalesce(func.sum(OrderLine.quantity - OrderLine.allocated), 0))
                    .join(Order, Order.id == OrderLine.order_id)
                    .join(Product, Product.id == OrderLine.product_id)
                    .where(Order.status.in_(OPEN_STATUSES)).group_by(Product.sku)))
            replayed = {sku: (on_hand, committed, waiting) for sku, on_hand, committed, waiting in
                        db.session.execute(
                            select(Product.sku, func.sum(StockMovement.on_hand_delta),
                                   func.sum(StockMovement.committed_delta),
                                   func.sum(StockMovement.waiting_delta))
                            .join(Product, Product.id == StockMovement.product_id)
                            .group_by(Product.sku))}
            report = {}
            for product in db.session.scalars(select(Product).order_by(Product.sku)):
                allocated, unallocated = open_lines.get(product.sku, (0, 0))
                report[product.sku] = {
                    "on_hand": product.on_hand, "committed": product.committed,
                    "waiting": product.waiting, "allocated_on_open_lines": int(allocated),
                    "unallocated_on_open_lines": int(unallocated),
                    "ledger": tuple(int(n) for n in replayed.get(product.sku, (0, 0, 0)))}
            return report
        finally:
            db.session.remove()


def assert_stock_adds_up(app) -> dict[str, dict[str, int]]:
    """committed = allocated on open lines <= on hand; waiting = unallocated; ledger agrees."""
    report = stock_report(app)
    for sku, figures in report.items():
        assert figures["committed"] == figures["allocated_on_open_lines"], (sku, figures)
        assert figures["committed"] <= figures["on_hand"], (sku, figures)
        assert figures["waiting"] == figures["unallocated_on_open_lines"], (sku, figures)
        assert figures["ledger"] == (figures["on_hand"], figures["committed"],
                                     figures["waiting"]), (sku, figures)
    return report


def assert_first_come_first_served(app, sku: str) -> None:
    """FIFO across the race: no order holding stock of `sku` was placed after one that
    waits for it (placed_at is stamped while the stock row is locked)."""
    with app.app_context():
        try:
            lines = db.session.execute(
                select(Order.placed_at, OrderLine.allocated, OrderLine.quantity)
                .join(OrderLine, OrderLine.order_id == Order.id)
                .join(Product, Product.id == OrderLine.product_id)
                .where(Product.sku == sku, Order.status.in_(OPEN_STATUSES))).all()
        finally:
            db.session.remove()
    served = [placed for placed, allocated, _ in lines if allocated > 0]
    waits = [placed for placed, allocated, quantity in lines if allocated < quantity]
    assert served and waits
    assert max(served) < min(waits), "a later order took stock an earlier one waits for"


def orders_by_status(app) -> Counter:
    with app.app_context():
        try:
            return Counter(db.session.scalars(select(Order.status)))
        finally:
            db.session.remove()


# -- the checkout race: forty shoppers, ten units ----------------------------------------

def test_the_pool_lets_every_shopper_hold_a_connection_at_once(app):
    """Else fewer threads than it claims run the race below (pool_size + max_overflow)."""
    with app.app_context():
        pool = db.engine.pool
    capacity = pool.size() + max(getattr(pool, "_max_overflow", 0), 0)
    assert capacity >= SHOPPERS, f"{type(pool).__name__} holds {capacity} connections"


def buy_one(app, sku: str) -> list[object]:
    def buy(number: int) -> Callable[[], object]:
        return lambda: place_order({sku: 1}, shopper(number)).order.reference
    return run_together(app, [buy(number) for number in range(SHOPPERS)])


@pytest.mark.parametrize("split", [False, True], ids=["orders wait whole", "backorders split off"])
def test_forty_shoppers_buying_ten_units_commit_ten_and_backorder_thirty(app, shop, split):
    shop.product("SKU-1", on_hand=ON_HAND)
    shop.settings(out_of_stock_checkout=True, create_backorder=split)

    outcomes = buy_one(app, "SKU-1")

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert len(set(outcomes)) == SHOPPERS  # forty orders, forty numbers
    figures = assert_stock_adds_up(app)["SKU-1"]
    assert (figures["on_hand"], figures["committed"], figures["waiting"]) == \
        (ON_HAND, ON_HAND, SHOPPERS - ON_HAND)
    assert_first_come_first_served(app, "SKU-1")
    if split:  # every unit is on backorder in 30 orders: each order becomes the backorder
        assert orders_by_status(app) == {OrderStatus.NEW: ON_HAND,
                                         OrderStatus.NEW_BACKORDER: SHOPPERS - ON_HAND}
    else:
        assert orders_by_status(app) == {OrderStatus.NEW: SHOPPERS}


def test_forty_shoppers_buying_ten_units_without_backorders_leave_thirty_refused(app, shop):
    shop.product("SKU-1", on_hand=ON_HAND)

    outcomes = buy_one(app, "SKU-1")

    assert unexpected(outcomes) == []
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert len(refused) == SHOPPERS - ON_HAND
    assert {error.message for error in refused} == {"SKU-1 is out of stock"}
    assert len({o for o in outcomes if isinstance(o, str)}) == ON_HAND
    figures = assert_stock_adds_up(app)["SKU-1"]
    assert (figures["on_hand"], figures["committed"], figures["waiting"]) == (ON_HAND, ON_HAND, 0)
    assert orders_by_status(app) == {OrderStatus.NEW: ON_HAND}


# -- shoppers, staff splitting and stock arriving, all at once ------------------------------

ROUNDS = 6
CARTS = [{"A": 1}, {"B": 1}, {"C": 1}, {"A": 1, "B": 1}, {"A": 1, "C": 1}, {"B": 2}]
WAITING_ORDERS = [{"A": 3, "B": 1}, {"A": 2}, {"B": 2, "A": 1}, {"A": 1, "B": 1}]


def place_waiting_orders(app, round_number: int) -> list[dict]:
    """Orders placed while backorders are not split: New, with units waiting on their lines."""
    placed = []
    with app.app_context():
        try:
            for number, items in enumerate(WAITING_ORDERS):
                try:
                    order = place_order(items, shopper(1000 * round_number + number)).order
                except InsufficientStock:  # B's backorder limit is reached
                    continue
                placed.append({"id": order.id, "version": order.version,
                               "lines": {line.id: (line.quantity, line.unallocated)
                                         for line in order.lines}})
        finally:
            db.session.remove()
    return placed


def oldest_waiting_backorder(app) -> dict | None:
    """The backorder first in line for stock: the one a receipt completes and releases."""
    with app.app_context():
        try:
            backorder = db.session.scalars(
                select(Order).where(Order.status == OrderStatus.NEW_BACKORDER,
                                    Order.lines.any(OrderLine.allocated < OrderLine.quantity))
                .order_by(Order.placed_at, Order.id).limit(1)).first()
            return None if backorder is None else {"id": backorder.id,
                                                   "version": backorder.version}
        finally:
            db.session.remove()


def split_job(order: dict, bko: dict[int, int]) -> Callable[[], object]:
    return lambda: save_order(order["id"], order["version"], status=OrderStatus.NEW,
                              quantities={}, bko=bko, user=None)


def staff_jobs(orders: list[dict]) -> list[tuple[str, Callable[[], object]]]:
    """Backorder Out of Stock Products (twice, from two open forms), a partial BKO,
    a cancel and a larger quantity, each on its own order."""
    jobs = []
    for index, order in enumerate(orders):
        lines = order["lines"]
        first = min(lines)
        if index == 0:
            bko = {line_id: unallocated for line_id, (_, unallocated) in lines.items()}
            if not any(bko.values()):
                bko = {first: 1}
            jobs += [("same form", split_job(order, bko)), ("same form", split_job(order, bko))]
        elif index == 1:
            jobs.append(("partial BKO", split_job(order, {first: 1})))
        elif index == 2:
            jobs.append(("cancel", lambda order=order: save_order(
                order["id"], order["version"], status=OrderStatus.CANCELLED, quantities={},
                bko={}, user=None)))
        else:
            jobs.append(("more units", lambda order=order, first=first: save_order(
                order["id"], order["version"], status=OrderStatus.NEW,
                quantities={first: order["lines"][first][0] + 1}, bko={}, user=None)))
    return jobs


def test_shoppers_staff_and_stock_arriving_together_keep_stock_consistent(app, shop):
    shop.product("A", on_hand=3)
    shop.product("B", on_hand=2, limit=30)
    shop.product("C", on_hand=1, policy=Policy.NEVER)
    shop.settings(out_of_stock_checkout=True)

    for round_number in range(ROUNDS):
        rng = random.Random(round_number)
        shop.settings(create_backorder=False)
        orders = place_waiting_orders(app, round_number)
        backorder = oldest_waiting_backorder(app)
        shop.settings(create_backorder=True, auto_release=round_number % 2 == 1,
                      keep_empty_parent=round_number % 4 == 2,
                      disable_partial_backorder=round_number == 4)
        carts = rng.sample(CARTS * 2, 8)
        jobs = [("shopper", lambda n=n, cart=cart: place_order(
            cart, shopper(100 * round_number + n))) for n, cart in enumerate(carts)]
        jobs += staff_jobs(orders)
        if backorder is not None:  # staff cancel it while a receipt may be releasing it
            jobs.append(("cancel backorder", lambda: save_order(
                backorder["id"], backorder["version"], status=OrderStatus.CANCELLED,
                quantities={}, bko={}, user=None)))
        jobs += [("receipt", lambda sku=sku, units=units: receive_stock(
            sku, units, f"PO-{round_number}", None))
                 for sku, units in (("A", 2), ("B", 2), ("C", 1), ("A", 1))]
        rng.shuffle(jobs)

        outcomes = run_together(app, [job for _, job in jobs])

        assert unexpected(outcomes) == [], f"round {round_number}"
        same_form = [o for (name, _), o in zip(jobs, outcomes, strict=True) if name == "same form"]
        assert sum(isinstance(o, StaleOrder) for o in same_form) == 1, \
            "the same form posted twice saves once"
        assert_stock_adds_up(app)
