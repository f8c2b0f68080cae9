"""A real Huey consumer: the receipt returns with the charge queued, not made; the worker
then charges the released backorder."""
import time
from decimal import Decimal

import pytest

from app import jobs
from app.queue import huey
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

    consumer = real_queue.create_consumer(workers=1, worker_type="thread", periodic=False,
                                          check_worker_health=False, initial_delay=0.05)
    consumer._set_signal_handlers = lambda: None  # pytest keeps its own
    consumer.start()
    try:
        for _ in range(600):  # the worker's pace, not asserted: up to a minute on a busy box
            if backorder(shop)[2] == Decimal("20.00"):
                break
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)
    assert backorder(shop)[1:3] == ("New", Decimal("20.00"))
    assert len(real_queue) == 0
