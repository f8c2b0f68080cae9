"""Forms already applied: a double click or a resent form must not apply twice."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import Timestamp


class Submission(db.Model):
    __tablename__ = "submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[Timestamp]

    def __repr__(self) -> str:
        return f"<Submission {self.token}>"
