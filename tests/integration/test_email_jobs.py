"""Emails go out through the task queue: a job per committed change sends what it wrote.

The first tests run a real Huey consumer (threads of this process, as `huey_consumer
app.worker.huey` runs them) against Redis on 127.0.0.1:6379 and against a SQLite file,
and a real SMTP server on loopback. The rest call the sending code directly: claims that
keep two senders from sending one email twice, the pace of retries, the sweeper's pick.
"""
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from huey.exceptions import RetryTask
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from app import create_app, jobs
from app.config import TestConfig
from app.extensions import db, huey, page_cache
from app.models import OrderEvent, OutboxEmail
from app.models.types import utcnow
from app.services import notifications, transaction

from tests.support.queue import REDIS_URL, consumer, real_queue, wait_for
from tests.support.services import order, outbox, place


@pytest.fixture
def mail_jobs(app, monkeypatch):
    """Committed emails are sent by their job, as in production (off in the other tests)."""
    monkeypatch.setitem(app.config, "MAIL_JOBS", True)


@pytest.fixture(params=["redis", "sqlite"])
def broker(request, app, tmp_path, mail_jobs):
    """The app's queue on a real broker: Redis (production) or a SQLite file (`make run`)."""
    url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    with real_queue(app, url) as queue:
        yield queue


def check_out(client, sku: str) -> None:
    client.submit(f"/cart/add/{sku}", {"quantity": "1"})
    placed = client.submit("/checkout", {"name": "Sam Shopper", "email": "sam@example.com",
                                         "address": "1 Main St",
                                         "payment_method": "Bank deposit"})
    assert placed.status_code == 302


def sent(shop) -> list[bool]:
    return shop.read(lambda: [email.sent_at is not None for email in outbox()])


def test_an_email_caused_by_a_checkout_arrives_through_the_worker(
        client, shop, mail_server, broker):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)

    check_out(client, "TEA-1")
    assert broker.storage.queue_size() == 1  # the request only enqueued it

    with consumer():
        wait_for(lambda: mail_server.received, "the order-placed email reached the SMTP server")
        wait_for(lambda: sent(shop) == [True], "marked sent")
    assert mail_server.subjects == ["Your order N1001 is placed"]
    assert mail_server.received[0]["To"] == "sam@example.com"
    assert shop.read(lambda: db.session.scalars(
        select(OrderEvent.message).where(OrderEvent.kind == "email")).all()) == \
        ["Email sent to sam@example.com: Your order N1001 is placed"]


def test_the_worker_process_sends_the_email_of_a_checkout(
        app, client, shop, mail_server, broker, tmp_path):
    """`huey_consumer app.worker.huey`, as the Procfile and production start it."""
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    env = {**os.environ, "DATABASE_URL": database.render_as_string(hide_password=False),
           "QUEUE_URL": broker.url, "QUEUE_NAME": broker.name,
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_server.port)}
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "app.worker.huey",
             "--workers", "1", "--worker-type", "thread"],
            cwd=Path(app.root_path).parent, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        check_out(client, "TEA-1")
        wait_for(lambda: mail_server.received or worker.poll() is not None,
                 "the worker sent the email")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert mail_server.subjects == ["Your order N1001 is placed"], log.read_text()
    assert sent(shop) == [True]


def test_with_the_smtp_server_down_the_job_tries_again_until_the_email_arrives(
        client, shop, mail_server, broker, monkeypatch, app):
    monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", 1)  # 1 s, then 2 s, 4 s...
    shop.product("TEA-1", on_hand=5)

    check_out(client, "TEA-1")  # the SMTP server is down
    with consumer():
        wait_for(lambda: shop.read(lambda: outbox()[0].attempts) >= 2, "a second try")
        assert mail_server.received == [] and sent(shop) == [False]
        assert "Connection refused" in shop.read(lambda: outbox()[0].last_error)
        mail_server.start()
        wait_for(lambda: sent(shop) == [True], "a later try sent it")
    assert mail_server.subjects == ["Your order N1001 is placed"]


def test_a_change_that_rolls_back_sends_nothing(ctx, shop, mail_server, broker):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    reference, _ = shop.order({"TEA-1": 1})
    with consumer():
        wait_for(lambda: sent(shop) == [True], "the order-placed email was sent")

        with pytest.raises(RuntimeError), transaction():
            notifications.queue(order(reference), "order_dispatched")
            raise RuntimeError("a rule said no after the email was written")
        assert broker.storage.queue_size() == 0  # no job was enqueued
        with transaction():
            notifications.queue(order(reference), "order_cancelled")  # a later change that stands
        wait_for(lambda: sent(shop) == [True, True], "the later change's email was sent")

    assert mail_server.subjects == ["Your order N1001 is placed", "Your order N1001 is cancelled"]
    assert [email.subject for email in outbox()] == ["Your order N1001 is placed",
                                                     "Your order N1001 is cancelled"]


def test_a_job_that_runs_twice_sends_its_email_once(app, shop, mail_server, broker,
                                                    monkeypatch):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    monkeypatch.setitem(app.config, "MAIL_JOBS", False)
    shop.order({"TEA-1": 1})  # in the outbox, with no job yet
    [email_id] = shop.read(lambda: [email.id for email in outbox()])
    with app.app_context():
        jobs.send_emails([email_id])
        jobs.send_emails([email_id])  # the same job again: a redelivery, a second worker
    assert broker.storage.queue_size() == 2

    with consumer(workers=2) as finished:
        wait_for(lambda: finished.of("send_emails") == 2, "both jobs ran")
    assert mail_server.subjects == ["Your order N1001 is placed"]
    assert shop.read(lambda: [(e.sent_at is not None, e.attempts) for e in outbox()]) == \
        [(True, 1)]


def test_the_sweeper_sends_an_email_whose_job_was_lost(app, shop, mail_server, broker,
                                                       monkeypatch):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    monkeypatch.setitem(app.config, "MAIL_JOBS", False)
    shop.order({"TEA-1": 1})  # its job never reaches the queue: lost
    shop.order({"TEA-1": 1})
    shop.read(lambda: (db.session.execute(  # the first was written three minutes ago
        update(OutboxEmail).where(OutboxEmail.id == outbox()[0].id)
        .values(created_at=utcnow() - timedelta(minutes=3))), db.session.commit()))

    with app.app_context():
        jobs.sweep_outbox()
    with consumer() as finished:
        wait_for(lambda: finished.of("send_emails") == 1, "the sweeper's job ran")
    # The second may still have its own job on the way: not the sweeper's to send yet.
    assert mail_server.subjects == ["Your order N1001 is placed"]
    assert sent(shop) == [True, False]


def test_the_sweeper_runs_every_minute():
    minutes = [datetime(2026, 12, 4, 17, minute) for minute in range(60)]
    assert all(jobs.sweep_outbox.task_class().validate_datetime(at) for at in minutes)


def test_a_commit_that_wrote_emails_enqueues_one_job_with_their_ids(ctx, shop, broker):
    shop.product("TEA-1", on_hand=5)
    reference, _ = shop.order({"TEA-1": 1})

    placed = order(reference)
    with transaction():
        notifications.queue(placed, "order_dispatched")
        notifications.queue(placed, "status_link")
    with transaction():
        pass  # a commit with no email of its own enqueues nothing

    tasks = [huey.deserialize_task(data) for data in broker.storage.enqueued_items()]
    ids = [email.id for email in outbox()]
    assert [(task.name, task.args) for task in tasks] == \
        [("send_emails", ([ids[0]],)), ("send_emails", ([ids[1], ids[2]],))]


def test_a_commit_that_wrote_many_emails_shares_them_among_jobs(ctx, shop, broker,
                                                               monkeypatch):
    monkeypatch.setattr(notifications, "BATCH", 2)
    shop.product("TEA-1", on_hand=5)
    reference, _ = shop.order({"TEA-1": 1})
    placed = order(reference)

    with transaction():
        for _ in range(5):
            notifications.queue(placed, "status_link")

    tasks = [huey.deserialize_task(data) for data in broker.storage.enqueued_items()]
    ids = [email.id for email in outbox()]
    assert [task.args for task in tasks] == [([ids[0]],), (ids[1:3],), (ids[3:5],), (ids[5:],)]


def test_creating_the_app_opens_no_queue_until_a_job_is_enqueued(app, tmp_path, monkeypatch):
    """The queue's file is made by the first job, not by create_app or a request."""
    filename = tmp_path / "instance" / "queue.sqlite3"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        QUEUE_URL = f"sqlite:///{filename}"
        QUEUE_IMMEDIATE = False

    made = create_app(Config)
    assert made.test_client().get("/").status_code == 200
    assert not filename.parent.exists()

    with made.app_context():
        jobs.send_emails([1])
        assert made.extensions["task_queue"].storage.queue_size() == 1
        made.extensions["task_queue"].storage.close()
        db.engine.dispose()
    page_cache.close(made)
    assert filename.exists()


# The sending itself, called directly (jobs run at once in these tests) ------------------

def test_a_job_whose_email_failed_asks_to_run_again_when_the_email_is_due(
        ctx, shop, mail_server, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAIL_RETRY_SECONDS", 30)
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    [email] = outbox()

    with pytest.raises(RetryTask) as retry:
        jobs.send_emails.call_local([email.id])  # the SMTP server is down

    assert 29 <= retry.value.delay <= 30
    [email] = outbox()
    assert (email.attempts, email.sent_at, email.claimed_until) == (1, None, None)
    mail_server.start()
    jobs.send_emails.call_local([email.id])  # the retry: sent, nothing more to ask
    assert mail_server.subjects == ["Your order N1001 is placed"]


def test_a_job_stops_asking_once_the_email_failed_too_often(ctx, shop, mail_server):
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    db.session.execute(update(OutboxEmail).values(attempts=notifications.MAX_ATTEMPTS - 1))
    db.session.commit()

    assert notifications.send([outbox()[0].id]) is None  # the SMTP server is down: the last try

    [email] = outbox()
    assert (email.attempts, email.sent_at) == (notifications.MAX_ATTEMPTS, None)


def test_two_senders_at_once_send_each_email_once(ctx, shop, mail_server, monkeypatch):
    mail_server.start()
    shop.product("TEA-1", on_hand=20)
    for _ in range(5):
        shop.order({"TEA-1": 1})
    ids = [email.id for email in outbox()]
    db.session.rollback()
    real_deliver = notifications.deliver
    other: list[timedelta | None] = []
    started = threading.Event()

    def deliver_while_another_sender_runs(email):
        if not started.is_set():  # the first email: another job runs while this one sends it
            started.set()

            def second_sender():
                with ctx.app_context():
                    other.append(notifications.send(ids))
                    db.session.remove()
            thread = threading.Thread(target=second_sender)
            thread.start()
            thread.join()
        real_deliver(email)

    monkeypatch.setattr(notifications, "deliver", deliver_while_another_sender_runs)

    assert (notifications.send(ids), other) == (None, [None])
    assert sorted(mail_server.subjects) == [f"Your order N100{i} is placed" for i in range(1, 6)]
    assert [(e.sent_at is not None, e.attempts) for e in outbox()] == [(True, 1)] * 5


@pytest.mark.parametrize("claimed_for, sent_now", [
    (timedelta(minutes=5), 0),    # another sender is sending it now
    (timedelta(seconds=-1), 1),   # its sender died mid-send: the claim lapsed
], ids=["claimed", "claim-lapsed"])
def test_an_email_another_sender_claimed_is_left_to_it_until_the_claim_lapses(
        ctx, shop, mail_server, claimed_for, sent_now):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    db.session.execute(update(OutboxEmail).values(claimed_until=utcnow() + claimed_for))
    db.session.commit()

    assert notifications.send([outbox()[0].id]) is None
    assert len(mail_server.received) == sent_now


@pytest.mark.parametrize("created_ago, next_try_in, claimed, overdue", [
    (timedelta(minutes=1), None, False, False),            # its job is on the way
    (timedelta(minutes=3), None, False, True),             # its job never came
    (timedelta(minutes=3), timedelta(seconds=10), False, False),  # a retry is due soon
    (timedelta(hours=1), -timedelta(minutes=1), False, False),  # a retry just came due
    (timedelta(hours=1), -timedelta(minutes=3), False, True),   # the retry never came
    (timedelta(minutes=3), None, True, False),             # a sender holds it now
], ids=["fresh", "lost", "retry-pending", "retry-just-due", "retry-lost", "claimed"])
def test_the_sweeper_picks_the_emails_whose_job_was_lost(
        ctx, shop, created_ago, next_try_in, claimed, overdue):
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    now = utcnow()
    db.session.execute(update(OutboxEmail).values(
        created_at=now - created_ago,
        next_attempt_at=None if next_try_in is None else now + next_try_in,
        claimed_until=now + timedelta(minutes=5) if claimed else None))
    db.session.commit()

    assert notifications.overdue_batches() == ([[outbox()[0].id]] if overdue else [])


def test_the_sweeper_sends_in_batches_and_leaves_sent_emails_alone(ctx, shop, monkeypatch):
    monkeypatch.setattr(notifications, "BATCH", 2)
    shop.product("TEA-1", on_hand=9)
    for _ in range(6):
        place({"TEA-1": 1})
    ids = [email.id for email in outbox()]
    db.session.execute(update(OutboxEmail).values(created_at=utcnow() - timedelta(hours=1)))
    db.session.execute(update(OutboxEmail).where(OutboxEmail.id == ids[0])
                       .values(sent_at=utcnow()))
    db.session.commit()

    assert notifications.overdue_batches() == [ids[1:3], ids[3:5], ids[5:]]


def test_after_a_failure_the_job_waits_but_send_mail_sends_now(ctx, shop, mail_server):
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    assert notifications.send([outbox()[0].id]) is not None  # the SMTP server is down
    [email] = outbox()
    assert email.next_attempt_at > utcnow()
    mail_server.start()

    assert notifications.send_due() == (1, 0)  # flask send-mail sends it now
    assert db.session.scalar(select(OutboxEmail.attempts)) == 2


def test_each_failure_waits_twice_as_long_up_to_an_hour(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAIL_RETRY_SECONDS", 30)
    assert [notifications.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 9)] == \
        [30, 60, 120, 3600, 3600]
