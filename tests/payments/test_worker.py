"""A real Huey consumer: the receipt returns with the charge queued, not made; the worker
then charges the released backorder. A cancellation returns with its refund pending; the
worker makes it."""
from decimal import Decimal

import pytest

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, Payment
from app.services.orders import change_status
from tests.payments.test_release_charges import backorder, checkout_by_card, receive_pots
from tests.support.queue import REDIS_URL, consumer, real_queue, wait_for


@pytest.fixture(params=["redis", "sqlite"])
def broker(request, app, tmp_path):
    """The app's queue on a real broker, jobs no longer run at once."""
    url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    with real_queue(app, url) as queue:
        yield queue


def test_a_receipt_queues_the_charge_and_a_worker_makes_it(client, admin_client, shop, cards,
                                                           broker):
    checkout_by_card(client, shop, cards)
    shop.settings(auto_release=True)
    assert receive_pots(admin_client).status_code == 302
    assert backorder(shop)[1:3] == ("New", Decimal("0.00"))  # released; the charge waits
    assert broker.storage.queue_size() == 1

    with consumer():
        wait_for(lambda: backorder(shop)[2] == Decimal("20.00"), "the worker charged the card")
    assert backorder(shop)[1:3] == ("New", Decimal("20.00"))
    assert broker.storage.queue_size() == 0


def test_a_cancellation_leaves_its_refund_pending_and_a_worker_makes_it(client, shop, cards,
                                                                       broker):
    checkout_by_card(client, shop, cards)

    def cancel():
        order = db.session.scalars(db.select(Order).where(Order.parent_id.is_(None))).one()
        change_status(order.id, order.version, OrderStatus.CANCELLED, None)
    shop.read(cancel)

    def refunds():
        return shop.read(lambda: [(p.amount, p.reference.split()[1]) for p in db.session.scalars(
            db.select(Payment).where(Payment.amount < 0))])
    assert refunds() == [(Decimal("-30.00"), "pending")]  # off the order; Stripe waits
    assert broker.storage.queue_size() == 1
    with consumer():
        wait_for(lambda: refunds()[0][1] != "pending", "the worker made the refund")
    assert refunds() == [(Decimal("-30.00"), "refund")]
    assert broker.storage.queue_size() == 0
