"""Jobs the worker runs, each in an app context of its own. A job is enqueued after the
transaction that asked for it commits (`app.services.after_commit`), so it never runs
for a change that was rolled back, and it reads what that change wrote."""
import stripe
from flask import Flask, current_app
from huey import crontab
from huey.exceptions import RetryTask
from sqlalchemy import inspect

from app.extensions import huey

# Stripe or the network had a hiccup: try again later, waiting longer each time.
TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def app_for_job() -> Flask:
    """The web process's app when the job runs in it (immediate mode), else the worker's
    (app/worker.py serves it)."""
    return huey.app()


@huey.task(retries=8, retry_delay=10, retry_backoff=2)
def charge_released_backorder(order_id: int) -> None:
    """Charge a released backorder to the card saved for its order (off session)."""
    from app.services import release_charges

    with app_for_job().app_context():
        release_charges.charge_released(order_id)


@huey.task(retries=8, retry_delay=10, retry_backoff=2)
def refund_card(order_id: int, key: str) -> None:
    """Send an order's card refunds pending under `key` to Stripe."""
    from app.services import cards

    with app_for_job().app_context():
        cards.refund(order_id, key)


JOBS = {"charge_released_backorder": charge_released_backorder, "refund_card": refund_card}


# Emails: written to the outbox with their change, sent by these jobs once it commits.

@huey.task(retries=5, retry_delay=10, retry_backoff=2)
def send_emails(email_ids: list[int]) -> None:
    """Send outbox emails over SMTP; run again, later each time, while some fail.

    An SMTP failure is the outbox's to pace (`notifications.retry_delay`, kept in the
    email's row), so the retry never counts against Huey's retries, which are for the
    job's own errors (the database unreachable, say). Sending twice sends once: each
    email is claimed in its row first.
    """
    from app.services import notifications

    with huey.app_context():
        retry_in = notifications.send(email_ids)
    if retry_in is not None:
        raise RetryTask(delay=retry_in.total_seconds())


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: a job for each batch of emails whose own job was lost."""
    from app.services import notifications

    with huey.app_context():
        batches = notifications.overdue_batches()
    for email_ids in batches:
        send_emails(email_ids)


def send_emails_after_commit(emails: list) -> None:
    """Enqueue the jobs for the emails a transaction wrote, once it has committed: one,
    or one per `notifications.BATCH` emails.

    Their ids come from the identity the flush gave them: no query. An email a rollback
    inside the transaction discarded has none, and nothing to send.
    """
    from app.services import notifications

    if not emails or not current_app.config["MAIL_JOBS"]:
        return
    ids = [state.identity[0] for state in map(inspect, emails) if state.identity is not None]
    for batch in notifications.batches(ids):
        send_emails(batch)
