"""Staff users, and the audit list of changes to their accounts."""
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.staff import Account, Change, Role
from app.extensions import db
from app.models.types import Timestamp, UTCDateTime

__all__ = ["Role", "StaffAudit", "User"]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept in lower case (app.domain.staff.normal_email): one account per address.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # "" while the account has no password yet (or after a reset): nothing matches it.
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16, validate_strings=True))
    created_at: Mapped[Timestamp]
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised by every change an Admin makes: a form opened before it is refused.
    version: Mapped[int] = mapped_column(default=1)
    # Part of the id a session carries (get_id): raising it ends every session at once.
    session_version: Mapped[int] = mapped_column(default=1)
    # The SHA-256 of the one-time set-password link's token (the token itself is never kept).
    password_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def get_id(self) -> str:
        """The session's user id: the id and the session version, so raising the version
        signs the account out of every session, in every process."""
        return f"{self.id}:{self.session_version}"

    def account(self) -> Account:
        return Account(id=self.id, email=self.email, role=self.role, active=self.is_active)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        # check_password_hash("", ...) is False: an account without a password never matches.
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class StaffAudit(db.Model):
    """One change to a staff account: who made it, what, when, to whom."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[Timestamp]
    # None: from the command line (flask create-user).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    change: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(200), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target: Mapped[User] = relationship(foreign_keys=[target_id])

    @property
    def what(self) -> str:
        """The change as the audit list reads it, e.g. "Changed the role: Staff to Admin"."""
        label = Change(self.change).label
        return f"{label}: {self.detail}" if self.detail else label

    def __repr__(self) -> str:
        return f"<StaffAudit {self.change} {self.target_id} by {self.actor_id}>"
