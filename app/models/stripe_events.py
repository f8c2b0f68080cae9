"""Stripe events already applied: Stripe may deliver one event many times."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import Timestamp


class StripeEvent(db.Model):
    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[Timestamp]

    def __repr__(self) -> str:
        return f"<StripeEvent {self.id} {self.kind}>"
