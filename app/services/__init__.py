"""Use cases. Each owns its transaction: it commits when it finishes, else rolls back."""
from collections.abc import Iterator
from contextlib import contextmanager

from app.database import read_latest_options
from app.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Run a use case in one write transaction.

    On SQLite the transaction starts with BEGIN IMMEDIATE, taking the write lock
    before the first read, so two writers never both read and then fail to
    upgrade. PostgreSQL uses row locks, taken by the services where they matter.
    """
    session = db.session()
    if session.in_transaction():
        # Whatever the request read so far was read-only; start afresh.
        session.rollback()
    session.connection(execution_options={"write_transaction": True})
    try:
        yield
        # What the purchase orders cover follows the units this use case moved.
        from app.services import approvals  # it uses services: imported when first needed
        approvals.settle()
        session.commit()
    except BaseException:
        session.info.pop(AFTER_COMMIT, None)
        session.info.pop(OUTBOX, None)  # the emails were rolled back with the change
        session.info.pop(PROMISE_PRODUCTS, None)
        session.rollback()
        raise
    from app.jobs import JOBS, send_emails_after_commit  # they call services: imported late
    for name, args in session.info.pop(AFTER_COMMIT, []):
        JOBS[name](*args)
    send_emails_after_commit(session.info.pop(OUTBOX, []))


def read_latest() -> None:
    """The request's reads from here on each see the latest commit, outside any
    transaction: no BEGIN before them, no ROLLBACK after. For a page drawn from one read
    or a few that need not agree to the instant (the storefront's product and catalogue
    pages: the page cache notices a change that lands while they render). A use case's
    transaction() later in the request starts on a connection of its own, as ever."""
    session = db.session()
    if not session.in_transaction():
        session.connection(execution_options=read_latest_options(db.engine))


AFTER_COMMIT = "jobs_after_commit"
# The outbox emails the transaction wrote (app/services/notifications.py queue).
OUTBOX = "outbox_written"
PROMISE_PRODUCTS = "promise_products"  # app/services/approvals.py: products to settle


def after_commit(job: str, *args) -> None:
    """Enqueue the job named `job` once the current transaction commits (never if it
    rolls back)."""
    db.session.info.setdefault(AFTER_COMMIT, []).append((job, args))
