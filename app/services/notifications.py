"""Emails to shoppers: written to the outbox with the change, sent after commit.

`queue` writes an email in the transaction of the change it tells of; once that
transaction commits, a job on the task queue sends it (app/jobs.py `send_emails`, with
the ids of what the transaction wrote); a rollback leaves nothing to send. Each email
is claimed in the table before it is sent, so it goes out once however many jobs (or
`flask send-mail`) try it. A failed try is tried again later, waiting twice as long
each time; `sweep_outbox` sends what a lost job left behind.
"""
import logging
import re
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import and_, or_, select, update

from app.domain import outbox
from app.extensions import db
from app.models import Order, OrderEvent, OutboxEmail, ProductPicture
from app.pictures.files import file_name
from app.models.types import utcnow
from app.services import OUTBOX, transaction
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
# An email whose try was due this long ago and that is still unsent has lost its job
# (a broker that lost it, a worker that died): the sweeper sends it.
OVERDUE = timedelta(minutes=2)
# Emails per job: a receipt that releases 500 backorders gives the workers 10 jobs to share.
BATCH = 50


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
    subject = SUBJECTS[kind].format(reference=order.reference)
    write(OutboxEmail(order=order, to=order.email, subject=subject, body=body,
                      html=html_version(subject, body, lines)))


def write(email: OutboxEmail) -> None:
    """Add an email to the outbox in the caller's transaction, to be sent once it commits
    (by a job: app/services/__init__.py `transaction`)."""
    db.session.add(email)
    db.session.info.setdefault(OUTBOX, []).append(email)


def queue_to_staff(to: str, kind: str, **context) -> None:
    """Write an email about a staff account to the outbox inside the caller's transaction."""
    body = render_template(f"email/{kind}.txt", shop_url=current_app.config["SHOP_URL"],
                           **context)
    write(OutboxEmail(order_id=None, to=to, subject=STAFF_SUBJECTS[kind], body=body))


@dataclass(frozen=True)
class Thumb:
    """A line's picture in an email: an absolute address (SHOP_URL), alt text and size."""

    src: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class TextLine:
    """A line of the email's text: its parts (text, whether it is a link) and, for an
    item line, its product's main picture."""

    parts: list[tuple[str, bool]]
    thumb: Thumb | None = None


LINK = re.compile(r"(https?://\S+)")
THUMB_BOX = 80  # CSS pixels an email shows a thumbnail at, at most


def html_version(subject: str, body: str, lines) -> str:
    """The email as HTML: the same text, each item line beside its product's main
    picture (one query for all of them), the links as links."""
    pictures = main_pictures({line.product_id for line in lines})
    thumbs = {}
    for line in lines:
        picture = pictures.get(line.product_id)
        if picture is not None and line.sku not in thumbs:
            scale = min(1, THUMB_BOX / max(picture.thumb_width, picture.thumb_height))
            thumbs[line.sku] = Thumb(
                src=public_url("shop.picture", name=file_name(picture.key, "thumb")),
                alt=picture.alt_text, width=round(picture.thumb_width * scale),
                height=round(picture.thumb_height * scale))
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        paragraphs.append([_text_line(text, thumbs) for text in paragraph.splitlines()])
    return render_template("email/message.html", subject=subject, paragraphs=paragraphs)


def _text_line(text: str, thumbs: dict[str, Thumb]) -> TextLine:
    """An item line of email/_lines.txt ("- 2 x Tea (TEA-1), ...") gets its picture."""
    parts = [(part, i % 2 == 1) for i, part in enumerate(LINK.split(text)) if part]
    if text.startswith("- "):
        for sku, thumb in thumbs.items():
            if f"({sku})" in text:
                return TextLine(parts, thumb)
    return TextLine(parts)


def main_pictures(product_ids: set[int]) -> dict[int, ProductPicture]:
    if not product_ids:
        return {}
    return {picture.product_id: picture for picture in db.session.scalars(
        select(ProductPicture).where(ProductPicture.product_id.in_(product_ids),
                                     ProductPicture.position == 0))}


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


def send(email_ids: list[int]) -> timedelta | None:
    """Send these outbox emails (a job's); how long until the failed ones are tried again.

    None when nothing is left to retry: each was sent (by this call or another sender),
    or failed too often (MAX_ATTEMPTS).
    """
    failed = [email_id for email_id in email_ids if _send_one(email_id) is False]
    if not failed:
        return None
    retry_at = db.session.scalar(
        select(OutboxEmail.next_attempt_at)
        .where(OutboxEmail.id.in_(failed), OutboxEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxEmail.next_attempt_at).limit(1))
    db.session.rollback()
    return None if retry_at is None else max(retry_at - utcnow(), timedelta(0))


def send_due(limit: int = 100) -> tuple[int, int]:
    """Send every unsent email now, whatever its next try says (`flask send-mail`).

    Returns (sent, failed); a failed one stays in the outbox and its job tries again.
    """
    ids = db.session.scalars(_unsent(utcnow()).order_by(OutboxEmail.id).limit(limit)).all()
    db.session.rollback()
    results = [_send_one(email_id) for email_id in ids]
    return results.count(True), results.count(False)


def overdue_batches(limit: int = 1000) -> list[list[int]]:
    """The unsent emails whose job was lost, in batches of BATCH, oldest first.

    Overdue: the email's first try (its creation) or its next try was due more than
    OVERDUE ago, and no sender holds it.
    """
    now = utcnow()
    cutoff = now - OVERDUE
    ids = db.session.scalars(
        _unsent(now).where(or_(
            OutboxEmail.next_attempt_at < cutoff,
            and_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.created_at < cutoff)))
        .order_by(OutboxEmail.id).limit(limit)).all()
    db.session.rollback()
    return batches(list(ids))


def batches(email_ids: list[int]) -> list[list[int]]:
    """The ids in jobs of at most BATCH emails each."""
    return [email_ids[i:i + BATCH] for i in range(0, len(email_ids), BATCH)]


def _unsent(now):
    """Emails still to send, that no sender holds now."""
    return select(OutboxEmail.id).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS,
        or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now))


def _send_one(email_id: int) -> bool | None:
    """Claim, deliver and mark one email: True sent, False failed, None not ours to send.

    The claim is a conditional UPDATE in a transaction of its own, so two senders
    (jobs, threads or processes, on SQLite as on PostgreSQL) never send one email
    twice, and no transaction stays open while SMTP answers. The result is written in
    another short transaction.
    """
    email = _claim(email_id)
    if email is None:  # another sender has it, or it was sent already
        return None
    try:
        deliver(email)
    except Exception as error:  # noqa: BLE001 - SMTP down, refused, a bad address: try later
        _failed(email_id, error)
        log.warning("Could not send email %s: %s", email_id, error)
        return False
    _sent(email_id)
    return True


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
    """How long an email waits after a failed try: MAIL_RETRY_SECONDS, doubling, up to an
    hour (app/domain/outbox.py)."""
    return outbox.retry_delay(attempts, current_app.config["MAIL_RETRY_SECONDS"])


def deliver(email: OutboxEmail) -> None:
    """Hand one email to SMTP, or to the log when no mail server is set."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    if email.html:
        message.add_alternative(email.html, subtype="html")
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
            f"{_text_part(message).get_content().rstrip()}\n")


def _text_part(message: EmailMessage) -> EmailMessage:
    return message.get_body(preferencelist=("plain",)) or message
