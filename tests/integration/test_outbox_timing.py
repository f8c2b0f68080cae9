"""An email queued by a committed change goes out without waiting for another request.

The sender thread of app/mail_sender.py is woken by the commit and retries on a
timer; claims keep two senders from sending one email twice. Emails go to a real
SMTP server on loopback.
"""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import mail_sender
from app.extensions import db
from app.models import OutboxEmail
from app.models.types import utcnow
from app.services import notifications, transaction
from app.services.notifications import send_due

from tests.support.services import order, outbox, place
from tests.integration.test_email_outbox import mail_server  # noqa: F401 - the SMTP server fixture

PATIENCE = 20.0  # seconds before a wait gives up: only reached when something hangs


def wait_for(condition, what: str) -> None:
    """Return once condition() holds; fail if it never does (no timing is asserted)."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.02)


@pytest.fixture
def sender(app, monkeypatch):
    """A running sender for the session's app, as each production process has one."""
    def starting(retry_seconds: float) -> mail_sender.MailSender:
        monkeypatch.setitem(app.config, "MAIL_SENDER", True)
        monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", retry_seconds)
        running = mail_sender.MailSender(app)
        monkeypatch.setitem(app.extensions, "mail_sender", running)
        started.append(running)
        return running

    started: list[mail_sender.MailSender] = []
    yield starting
    for running in started:
        running.stop()


class Wakes:
    """Stands in for the sender: counts the wakes."""

    def __init__(self):
        self.count = 0

    def wake(self) -> None:
        self.count += 1


def check_out(client, sku: str) -> None:
    client.submit(f"/cart/add/{sku}", {"quantity": "1"})
    placed = client.submit("/checkout", {"name": "Sam Shopper", "email": "sam@example.com",
                                         "address": "1 Main St",
                                         "payment_method": "Bank deposit"})
    assert placed.status_code == 302


def test_an_order_placed_email_is_sent_by_the_commit_without_another_request(
        client, shop, sender, mail_server):  # noqa: F811
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    # The timer alone would take an hour: only the commit's wake can send it in time.
    sender(retry_seconds=3600).ensure_running()

    check_out(client, "TEA-1")

    wait_for(lambda: mail_server.received, "the order-placed email reached the SMTP server")
    assert mail_server.subjects == ["Your order N1001 is placed"]
    wait_for(lambda: shop.read(lambda: outbox()[0].sent_at is not None), "marked sent")


def test_an_email_whose_send_failed_is_retried_by_the_timer_without_another_request(
        client, shop, sender, mail_server):  # noqa: F811
    shop.product("TEA-1", on_hand=5)
    running = sender(retry_seconds=0.05)
    running.ensure_running()

    check_out(client, "TEA-1")  # the SMTP server is down: the first send fails
    wait_for(lambda: shop.read(lambda: outbox()[0].attempts) >= 1, "the first try")
    mail_server.start()

    wait_for(lambda: mail_server.received, "the retry reached the SMTP server")
    assert mail_server.subjects == ["Your order N1001 is placed"]
    wait_for(lambda: shop.read(lambda: outbox()[0].sent_at is not None), "marked sent")


def test_a_sender_started_later_sends_what_was_left_waiting(
        shop, sender, mail_server):  # noqa: F811
    """Queued by a process that died before sending, say: the next process sends it."""
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    shop.order({"TEA-1": 1})

    sender(retry_seconds=3600).ensure_running()

    wait_for(lambda: mail_server.received, "the waiting email reached the SMTP server")
    assert mail_server.subjects == ["Your order N1001 is placed"]


def test_a_commit_that_queued_an_email_wakes_the_sender_and_a_rollback_does_not(
        ctx, shop, monkeypatch):
    wakes = Wakes()
    monkeypatch.setitem(ctx.extensions, "mail_sender", wakes)
    shop.product("TEA-1", on_hand=5)

    place({"TEA-1": 1})
    assert wakes.count == 1

    with pytest.raises(RuntimeError), transaction():
        notifications.queue(order("N1001"), "order_dispatched")
        raise RuntimeError("a rule said no after the email was queued")
    assert notifications.PENDING not in db.session.info
    with transaction():
        pass  # a later commit with no email of its own
    assert wakes.count == 1
    assert [email.subject for email in outbox()] == ["Your order N1001 is placed"]


def test_two_senders_at_once_send_each_email_once(
        ctx, shop, mail_server, monkeypatch):  # noqa: F811
    mail_server.start()
    shop.product("TEA-1", on_hand=20)
    for _ in range(5):
        shop.order({"TEA-1": 1})
    real_deliver = notifications.deliver
    other: list[tuple[int, int]] = []
    started = threading.Event()

    def deliver_while_another_sender_runs(email):
        if not started.is_set():  # the first email: another sender runs while this one sends it
            started.set()

            def second_sender():
                with ctx.app_context():
                    other.append(send_due())
                    db.session.remove()
            thread = threading.Thread(target=second_sender)
            thread.start()
            thread.join()
        real_deliver(email)

    monkeypatch.setattr(notifications, "deliver", deliver_while_another_sender_runs)
    first = send_due()

    assert sorted(mail_server.subjects) == [f"Your order N100{i} is placed" for i in range(1, 6)]
    assert (first[0] + other[0][0], first[1] + other[0][1]) == (5, 0)
    assert [(e.sent_at is not None, e.attempts) for e in outbox()] == [(True, 1)] * 5


@pytest.mark.parametrize("claimed_for, sent", [
    (timedelta(minutes=5), 0),    # another sender is sending it now
    (timedelta(seconds=-1), 1),   # its sender died mid-send: the claim lapsed
], ids=["claimed", "claim-lapsed"])
def test_an_email_another_sender_claimed_is_left_to_it_until_the_claim_lapses(
        ctx, shop, mail_server, claimed_for, sent):  # noqa: F811
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    db.session.execute(update(OutboxEmail).values(claimed_until=utcnow() + claimed_for))
    db.session.commit()

    assert send_due() == (sent, 0)
    assert len(mail_server.received) == sent


def test_after_a_failure_the_sender_waits_before_trying_again_but_send_mail_does_not(
        ctx, shop, mail_server):  # noqa: F811
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    assert send_due(wait_after_failure=True) == (0, 1)  # the SMTP server is down
    [email] = outbox()
    assert email.next_attempt_at > utcnow()
    mail_server.start()

    assert send_due(wait_after_failure=True) == (0, 0)  # not yet due
    assert send_due() == (1, 0)                          # flask send-mail sends it now
    assert db.session.scalar(select(OutboxEmail.attempts)) == 2


def test_each_failure_waits_twice_as_long_up_to_an_hour(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAIL_RETRY_SECONDS", 30)
    assert [notifications.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 9)] == \
        [30, 60, 120, 3600, 3600]
