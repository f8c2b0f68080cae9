"""Emails to shoppers: written to the outbox with the change, sent after commit."""
import logging
import smtplib
from collections.abc import Mapping
from datetime import date, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import Order, OrderEvent, OutboxEmail
from app.models.types import utcnow
from app.services import transaction
from app.services.promises import line_dates, placed_promise
from app.services.settings import get_settings

log = logging.getLogger(__name__)

SUBJECTS = {
    "order_placed": "Your order {reference} is placed",
    "backorder_created": "Backorder {reference}: we will ship these items when they arrive",
    "backorder_released": "Backorder {reference} is released: every item is in stock",
    "order_dispatched": "Your order {reference} has been dispatched",
    "backorder_held": "Backorder {reference}: these items will ship later",
    "order_cancelled": "Your order {reference} is cancelled",
    "status_link": "Your link to follow order {reference}",
    "backorder_delayed": "Order {reference}: your waiting items are delayed",
    "payment_failed": "Order {reference}: we could not charge your card",
}
STAFF_SUBJECTS = {
    "staff_account_added": "Your staff account: set your password",
    "staff_password_reset": "Your staff account: set a new password",
}
MAX_ATTEMPTS = 10
# A sender's claim on an email lapses after this long (a sender that died mid-send):
# well beyond SMTP's 10 s timeout.
CLAIM_SECONDS = 300
PENDING = "outbox_pending"


def queue(order: Order, kind: str, backorder: Order | None = None,
          arrival_dates: dict[int, date] | None = None,
          dates: Mapping[int, date | None] | None = None, **context) -> None:
    """Write the email to the outbox inside the caller's transaction.

    `arrival_dates` (product id -> Date of arrival, for those that have one) saves a
    query when the caller has them. Each waiting line says its promised date
    (app/services/promises.py line_dates) when the shop shows dates; `dates` (order
    line id -> date) are those dates when the caller has worked them out already.
    """
    db.session.flush()  # a new order gets its token, for the status link, when flushed
    # Loaded here, not by the template.
    orders = [order] if backorder is None or backorder.id == order.id else [order, backorder]
    lines = [line for each in orders for line in each.lines]
    promised = placed_promise(orders)
    # The shop promises no dates: none in emails.
    if not get_settings().show_arrival_date:
        dates = {}
    elif dates is None:
        dates = line_dates(orders, arrival_dates)
    body = render_template(
        f"email/{kind}.txt", order=order, backorder=backorder, line_dates=dates,
        promise=promised,
        status_url=public_url("shop.order_status", token=order.token), **context)
    db.session.add(OutboxEmail(order=order, to=order.email,
                               subject=SUBJECTS[kind].format(reference=order.reference),
                               body=body))
    db.session.info[PENDING] = True


def queue_to_staff(to: str, kind: str, **context) -> None:
    """Write an email about a staff account to the outbox inside the caller's transaction."""
    body = render_template(f"email/{kind}.txt", shop_url=current_app.config["SHOP_URL"],
                           **context)
    db.session.add(OutboxEmail(order_id=None, to=to, subject=STAFF_SUBJECTS[kind], body=body))
    db.session.info[PENDING] = True


def send_status_link(reference: str, email: str) -> None:
    """Email an order's status link to its shopper, if the number and email match.

    Says nothing either way: the page that asks shows the same message whether or
    not they matched, so nobody learns who ordered what.
    """
    reference, email = reference.strip(), email.strip().lower()
    with transaction():
        order = db.session.scalar(select(Order).where(
            Order.reference.in_({reference, reference.upper()}), Order.email == email))
        if order is not None:
            queue(order, "status_link")


def public_url(endpoint: str, **values) -> str:
    """A link for an email: built from SHOP_URL, since no request is at hand."""
    shop = urlsplit(current_app.config["SHOP_URL"])
    adapter = current_app.url_map.bind(shop.netloc, script_name=shop.path or "/",
                                       url_scheme=shop.scheme)
    return adapter.build(endpoint, values, force_external=True)


def send_due(limit: int = 100, *, wait_after_failure: bool = False) -> tuple[int, int]:
    """Send what the outbox holds; a failed send stays there for the next try.

    Each email is first claimed by a conditional UPDATE in a transaction of its
    own, so two senders (threads or processes, on SQLite as on PostgreSQL) never
    send it twice; no transaction stays open while SMTP answers. The result is
    written in another short transaction. `wait_after_failure` leaves alone the
    emails whose last try failed until their next try is due (the background
    sender); without it every unsent email is tried (`flask send-mail`).
    Returns (sent, failed).
    """
    sent = failed = 0
    now = utcnow()
    due = select(OutboxEmail.id).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS,
        or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now))
    if wait_after_failure:
        due = due.where(or_(OutboxEmail.next_attempt_at.is_(None),
                            OutboxEmail.next_attempt_at <= now))
    ids = db.session.scalars(due.order_by(OutboxEmail.id).limit(limit)).all()
    db.session.rollback()
    for email_id in ids:
        email = _claim(email_id)
        if email is None:  # another sender has it, or sent it already
            continue
        try:
            deliver(email)
        except Exception as error:  # noqa: BLE001 - SMTP down, refused, a bad address: try later
            _failed(email_id, error)
            failed += 1
            log.warning("Could not send email %s: %s", email_id, error)
        else:
            _sent(email_id)
            sent += 1
    return sent, failed


def _claim(email_id: int) -> OutboxEmail | None:
    """Claim an unsent email for CLAIM_SECONDS; None if another sender holds or sent it."""
    now = utcnow()
    with transaction():
        claimed = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == email_id, OutboxEmail.sent_at.is_(None),
                   OutboxEmail.attempts < MAX_ATTEMPTS,
                   or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                    attempts=OutboxEmail.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        email = db.session.get(OutboxEmail, email_id, populate_existing=True) if claimed else None
        if email is not None:
            db.session.expunge(email)  # what deliver() reads, held outside any transaction
    return email


def _sent(email_id: int) -> None:
    with transaction():
        email = db.session.get(OutboxEmail, email_id, populate_existing=True)
        email.sent_at, email.claimed_until, email.last_error = utcnow(), None, ""
        if email.order_id is not None:
            db.session.add(OrderEvent(order_id=email.order_id, kind="email",
                                      message=f"Email sent to {email.to}: {email.subject}"))


def _failed(email_id: int, error: Exception) -> None:
    with transaction():
        email = db.session.get(OutboxEmail, email_id, populate_existing=True)
        email.claimed_until, email.last_error = None, str(error)[:1000]
        email.next_attempt_at = utcnow() + retry_delay(email.attempts)


def retry_delay(attempts: int) -> timedelta:
    """How long the background sender waits after a failed try: doubling, up to an hour."""
    base = current_app.config["MAIL_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def deliver(email: OutboxEmail) -> None:
    """Hand one email to SMTP, or to the log when no mail server is set."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    if not config["MAIL_SERVER"]:
        log.info("%s", readable(message))
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def readable(message: EmailMessage) -> str:
    """The email as its reader sees it, for the log when no mail server is set.

    The message itself is MIME, quoted-printable (`Th=C3=A9 vert`, long links cut by
    `=` line ends): the decoded headers and body are what a developer can read and follow.
    """
    return (f"Email (no MAIL_SERVER set, so written here instead of sent)\n"
            f"From: {message['From']}\nTo: {message['To']}\nSubject: {message['Subject']}\n\n"
            f"{message.get_content().rstrip()}\n")
