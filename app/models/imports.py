"""A CSV file of products between its preview and its import."""
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import Timestamp


class ProductImport(db.Model):
    """The uploaded file, kept in the database (not on one host's disk) so that the
    Import that follows its preview may reach any process on any host; bound to the
    person who uploaded it, and to the preview they saw."""

    __tablename__ = "product_imports"

    # A random token, the Import form's only reference to the file.
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # What the preview showed (a hash of the plan): an import that would do anything
    # else, because the products changed since, is refused.
    plan_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp]

    def __repr__(self) -> str:
        return f"<ProductImport {self.filename!r} by user {self.user_id}>"
