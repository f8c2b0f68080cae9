"""Emails to shoppers: written to the outbox with the change, sent after commit."""
import logging
import smtplib
from datetime import date
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderEvent, OutboxEmail, Product
from app.models.types import utcnow

log = logging.getLogger(__name__)

SUBJECTS = {
    "order_placed": "Your order {reference} is placed",
    "backorder_created": "Backorder {reference}: we will ship these items when they arrive",
    "backorder_released": "Backorder {reference} is released: every item is in stock",
    "order_dispatched": "Your order {reference} has been dispatched",
    "backorder_held": "Backorder {reference}: these items will ship later",
    "order_cancelled": "Your order {reference} is cancelled",
}
MAX_ATTEMPTS = 10
PENDING = "outbox_pending"


def queue(order: Order, kind: str, backorder: Order | None = None,
          arrival_dates: dict[int, date] | None = None) -> None:
    """Write the email to the outbox inside the caller's transaction.

    `arrival_dates` (product id -> date) saves a query when the caller has them.
    """
    db.session.flush()  # a new order gets its token, for the status link, when flushed
    # Loaded here, not by the template.
    lines = [*order.lines, *(backorder.lines if backorder is not None else [])]
    if arrival_dates is None:
        waiting = {line.product_id for line in lines if line.unallocated}
        arrival_dates = dict(db.session.execute(
            select(Product.id, Product.arrival_date)
            .where(Product.id.in_(waiting), Product.arrival_date.is_not(None))).all()) \
            if waiting else {}
    body = render_template(
        f"email/{kind}.txt", order=order, backorder=backorder, arrival_dates=arrival_dates,
        status_url=public_url("shop.order_status", token=order.token))
    db.session.add(OutboxEmail(order=order, to=order.email,
                               subject=SUBJECTS[kind].format(reference=order.reference),
                               body=body))
    db.session.info[PENDING] = True


def public_url(endpoint: str, **values) -> str:
    """A link for an email: built from SHOP_URL, since no request is at hand."""
    shop = urlsplit(current_app.config["SHOP_URL"])
    adapter = current_app.url_map.bind(shop.netloc, script_name=shop.path or "/",
                                       url_scheme=shop.scheme)
    return adapter.build(endpoint, values, force_external=True)


def send_due(limit: int = 100) -> tuple[int, int]:
    """Send what the outbox holds; a failed send stays there for the next try.

    Each email is claimed under a row lock, sent, and marked sent in its own
    transaction, so two senders never send the same email.
    Returns (sent, failed).
    """
    sent = failed = 0
    ids = db.session.scalars(
        select(OutboxEmail.id).where(OutboxEmail.sent_at.is_(None),
                                     OutboxEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxEmail.id).limit(limit)).all()
    db.session.rollback()
    for email_id in ids:
        email = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.id == email_id, OutboxEmail.sent_at.is_(None))
            .with_for_update(skip_locked=True)).first()
        if email is None:
            db.session.rollback()
            continue
        try:
            deliver(email)
        except (OSError, smtplib.SMTPException) as error:
            email.attempts += 1
            email.last_error = str(error)[:1000]
            failed += 1
            log.warning("Could not send email %s: %s", email.id, error)
        else:
            email.attempts += 1
            email.sent_at = utcnow()
            sent += 1
            if email.order_id is not None:
                db.session.add(OrderEvent(order_id=email.order_id, kind="email",
                                          message=f"Email sent to {email.to}: {email.subject}"))
        db.session.commit()
    return sent, failed


def deliver(email: OutboxEmail) -> None:
    """Hand one email to SMTP, or to the log when no mail server is set."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    if not config["MAIL_SERVER"]:
        log.info("Email (no MAIL_SERVER set):\n%s", message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
