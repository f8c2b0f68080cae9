"""Staff accounts: who may change which account how, the last Admin, passwords and
one-time set-password links."""
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.errors import DomainError


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Change(enum.StrEnum):
    """A change to an account, as the audit list stores it (`label` is how it reads)."""

    ADD = "add"
    ROLE = "role"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    RESET_PASSWORD = "reset_password"
    # Not an Admin's: the account's owner through their link, or the command line.
    SET_PASSWORD = "set_password"
    COMMAND_LINE = "command_line"

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self]


CHANGE_LABELS = {
    Change.ADD: "Added the account",
    Change.ROLE: "Changed the role",
    Change.DEACTIVATE: "Deactivated",
    Change.REACTIVATE: "Reactivated",
    Change.RESET_PASSWORD: "Reset the password",
    Change.SET_PASSWORD: "Set a password through a one-time link",
    Change.COMMAND_LINE: "Set from the command line",
}


ADMIN_CHANGES = frozenset({Change.ROLE, Change.DEACTIVATE, Change.REACTIVATE,
                           Change.RESET_PASSWORD})
# A deactivated account, or one whose password was reset, is signed out everywhere at once.
ENDS_SESSIONS = frozenset({Change.DEACTIVATE, Change.RESET_PASSWORD})

# A set-password link works once, for this long.
LINK_LIFETIME = timedelta(hours=72)
MIN_PASSWORD = 8
MAX_PASSWORD = 200


@dataclass(frozen=True)
class Account:
    """An account as the rules see it."""

    id: int
    email: str
    role: Role
    active: bool

    @property
    def is_active_admin(self) -> bool:
        return self.active and self.role is Role.ADMIN


class StaffChangeRefused(DomainError):
    # Shown on the account's row (a refused role change: next to its Role).
    field = "form"


class StaleAccount(StaffChangeRefused):
    def __init__(self, email: str):
        super().__init__(f"{email} changed since you opened this page: look again and retry")


class DuplicateAccount(DomainError):
    field = "email"

    def __init__(self, email: str):
        super().__init__(f"There is already an account for {email}")


class PasswordRefused(DomainError):
    field = "password"


def check_staff_change(actor: Account, target: Account, change: Change,
                       active_admins: int, role: Role | None = None) -> None:
    """Raise StaffChangeRefused unless `actor` may make `change` to `target`.

    `active_admins` is how many active Admin accounts there are now (the actor among
    them, when they are one); `role` is the new role of a Change.ROLE.
    """
    check_actor(actor)
    if change not in ADMIN_CHANGES:
        raise ValueError(f"{change} is not a change an Admin makes to an account")
    own = actor.id == target.id
    if change is Change.ROLE:
        if role is None:
            raise ValueError("a role change needs the new role")
        if role is target.role:
            raise StaffChangeRefused(f"{target.email} is already {role.label}", field="role")
    elif change is Change.DEACTIVATE:
        if own:
            raise StaffChangeRefused(
                "You cannot deactivate your own account: ask another Admin")
        if not target.active:
            raise StaffChangeRefused(f"{target.email} is already deactivated")
    elif change is Change.REACTIVATE:
        if target.active:
            raise StaffChangeRefused(f"{target.email} is already active")
    elif change is Change.RESET_PASSWORD:
        if own:
            raise StaffChangeRefused(
                "You cannot reset your own password here: ask another Admin")
        if not target.active:
            raise StaffChangeRefused(
                f"Reactivate {target.email} before resetting its password")
    # An active Admin's role change that gets here is to Staff ("already Admin" is above),
    # so passing `role` or not cannot change the answer.
    if removes_an_admin(target, change, role) and active_admins <= 1:  # pragma: no mutate
        raise StaffChangeRefused(
            f"{target.email} is the last active Admin: make another account Admin first",
            field="role" if change is Change.ROLE else None)


def check_actor(actor: Account) -> None:
    """Only an active Admin adds or changes accounts (read again in the change's
    transaction: an Admin demoted a moment ago is refused)."""
    if not actor.is_active_admin:
        raise StaffChangeRefused("Only an active Admin can change staff accounts")


def row_buttons(actor: Account, target: Account) -> list[Change]:
    """The buttons an account's row offers besides Change role: what check_staff_change
    could allow whatever the count of Admins (one's own account offers none)."""
    if not target.active:
        return [Change.REACTIVATE]
    if actor.id == target.id:
        return []
    return [Change.DEACTIVATE, Change.RESET_PASSWORD]


def removes_an_admin(target: Account, change: Change, role: Role | None = None) -> bool:
    """Whether the change leaves one active Admin fewer."""
    if not target.is_active_admin:
        return False
    return change is Change.DEACTIVATE or (change is Change.ROLE and role is not Role.ADMIN)


def normal_email(email: str) -> str:
    """Emails are kept and compared in lower case: one account per address, however typed."""
    return email.strip().lower()


def check_new_password(password: str, confirm: str) -> None:
    """A new password: MIN_PASSWORD to MAX_PASSWORD characters, typed the same twice."""
    if len(password) < MIN_PASSWORD:
        raise PasswordRefused(f"Use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PasswordRefused(f"Use at most {MAX_PASSWORD} characters")
    if password.strip() == "":
        raise PasswordRefused("Use letters, digits or signs, not only spaces")
    if confirm != password:
        raise PasswordRefused("The two passwords differ", field="confirm")


def link_expires(issued_at: datetime) -> datetime:
    return issued_at + LINK_LIFETIME


def link_works(expires_at: datetime | None, now: datetime) -> bool:
    """A set-password link works until the moment it expires (and only once: using it
    clears it)."""
    return expires_at is not None and now < expires_at
