"""A real Huey consumer: the receipt returns with the charge queued, not made; the worker
then charges the released backorder. A cancellation returns with its refund pending; the
worker makes it."""
import time
from decimal import Decimal

import pytest

from app import jobs
from app.queue import huey
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, Payment
from app.services.orders import change_status
from tests.payments.test_release_charges import backorder, checkout_by_card, receive_pots


@pytest.fixture
def real_queue(app, tmp_path, monkeypatch):
    """The queue in a SQLite file of the test's own, jobs no longer run at once."""
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", huey.storage_class(
        huey.name, filename=str(tmp_path / "queue.sqlite3")))
    monkeypatch.setattr(jobs, "_worker_app", app)  # the worker's jobs use the test database
    return huey


def test_a_receipt_queues_the_charge_and_a_worker_makes_it(client, admin_client, shop, cards,
                                                           real_queue):
    checkout_by_card(client, shop, cards)
    shop.settings(auto_release=True)
    assert receive_pots(admin_client).status_code == 302
    assert backorder(shop)[1:3] == ("New", Decimal("0.00"))  # released; the charge waits
    assert len(real_queue) == 1

    run_worker_until(real_queue, lambda: backorder(shop)[2] == Decimal("20.00"))
    assert backorder(shop)[1:3] == ("New", Decimal("20.00"))
    assert len(real_queue) == 0


def run_worker_until(queue, done) -> None:
    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False,
                                     check_worker_health=False, initial_delay=0.05)
    consumer._set_signal_handlers = lambda: None  # pytest keeps its own
    consumer.start()
    try:
        for _ in range(600):  # the worker's pace, not asserted: up to a minute on a busy box
            if done():
                break
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)


def test_a_cancellation_leaves_its_refund_pending_and_a_worker_makes_it(client, shop, cards,
                                                                       real_queue):
    checkout_by_card(client, shop, cards)

    def cancel():
        order = db.session.scalars(db.select(Order).where(Order.parent_id.is_(None))).one()
        change_status(order.id, order.version, OrderStatus.CANCELLED, None)
    shop.read(cancel)

    def refunds():
        return shop.read(lambda: [(p.amount, p.reference.split()[1]) for p in db.session.scalars(
            db.select(Payment).where(Payment.amount < 0))])
    assert refunds() == [(Decimal("-30.00"), "pending")]  # off the order; Stripe waits
    assert len(real_queue) == 1
    run_worker_until(real_queue, lambda: refunds()[0][1] != "pending")
    assert refunds() == [(Decimal("-30.00"), "refund")]
    assert len(real_queue) == 0
