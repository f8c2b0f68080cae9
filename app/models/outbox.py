"""Emails written in the same transaction as the change, sent after commit."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import Timestamp, UTCDateTime


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The same email as HTML, with the items' pictures (sent as the alternative part).
    html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # A sender's claim while it sends (see notifications.send_due), and after a
    # failure, when the background sender tries again.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped["Order | None"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.subject!r} to {self.to} sent={self.sent_at}>"
