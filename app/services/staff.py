"""Staff accounts: add one, change its role, deactivate, reactivate, reset its password;
set a password through a one-time link; sign-ins; the audit list of changes.

Every change an Admin makes locks the active Admins' rows and the two accounts concerned
(by id), then asks app.domain.staff whether it may happen, so two Admins demoting each
other at once cannot leave the shop without one.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.domain.errors import DomainError
from app.domain.staff import (ENDS_SESSIONS, Change, DuplicateAccount, Role, StaleAccount,
                              check_actor, check_new_password, check_staff_change,
                              link_expires, link_works, normal_email)
from app.extensions import db
from app.models import StaffAudit, User
from app.models.types import utcnow
from app.pagination import Page, paginate
from app.services import notifications, transaction
from app.services.records import claim_submission


class NoSuchAccount(DomainError):
    """The id names no account (a forged or mistyped URL)."""


class LinkRefused(DomainError):
    field = "password"

    def __init__(self):
        super().__init__("This link has expired or was already used: ask an Admin for a new one")


@dataclass(frozen=True)
class Issued:
    """A one-time set-password link, to show the Admin once (it is also emailed)."""

    email: str
    link: str
    expires_at: datetime


# Reading

def accounts() -> list[User]:
    """Every account, by email."""
    return list(db.session.scalars(select(User).order_by(User.email)))


def audit_page(number: int, size: int) -> Page:
    """Changes to accounts, newest first, with who made each and to whom."""
    return paginate(select(StaffAudit)
                    .options(joinedload(StaffAudit.actor), joinedload(StaffAudit.target))
                    .order_by(StaffAudit.id.desc()), number, size)


def signed_in_user(session_id: str) -> User | None:
    """The account a session's id (get_id: "<id>:<session version>") names, if that
    session still stands: the account is active and its sessions were not ended since."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 12:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user


def link_account(token: str) -> User | None:
    """The account a set-password link is for, while the link works."""
    user = db.session.scalar(select(User).where(User.password_token_hash == _digest(token)))
    if user is None or not user.is_active or not link_works(user.password_token_expires_at,
                                                            utcnow()):
        return None
    return user


# Changing

def add_account(email: str, role: Role, actor_id: int, once: str | None = None) -> Issued:
    """A new account with no password yet, and a one-time link to set one. `once` is the
    form's one-time token: the same form posted twice adds the account once."""
    email = normal_email(email)
    try:
        with transaction():
            claim_submission(once)
            actor = db.session.get(User, actor_id)
            if actor is None:
                raise NoSuchAccount("Your account is gone")
            check_actor(actor.account())
            if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
                raise DuplicateAccount(email)
            user = User(email=email, role=role, password_hash="")
            db.session.add(user)
            db.session.flush()
            issued = _issue_link(user, "staff_account_added")
            _audit(actor.id, user, Change.ADD, f"as {role.label}")
    except IntegrityError as error:  # another Admin added the same address a moment before
        raise DuplicateAccount(email) from error
    return issued


def change_role(user_id: int, version: int, role: Role, actor_id: int) -> User:
    """Make an account Admin or Staff."""
    return _change(user_id, version, Change.ROLE, actor_id, role)[0]


def deactivate(user_id: int, version: int, actor_id: int) -> User:
    """Deactivate an account: it cannot sign in, and its sessions end at once."""
    return _change(user_id, version, Change.DEACTIVATE, actor_id)[0]


def reactivate(user_id: int, version: int, actor_id: int) -> User:
    """Let a deactivated account sign in again (with its password; its old sessions stay ended)."""
    return _change(user_id, version, Change.REACTIVATE, actor_id)[0]


def reset_password(user_id: int, version: int, actor_id: int) -> Issued:
    """Clear an account's password, end its sessions, and give a one-time link to set one."""
    issued = _change(user_id, version, Change.RESET_PASSWORD, actor_id)[1]
    assert issued is not None
    return issued


def _change(user_id: int, version: int, change: Change, actor_id: int,
            role: Role | None = None) -> tuple[User, Issued | None]:
    issued = None
    with transaction():
        actor, target, active_admins = _lock_accounts(actor_id, user_id)
        if target.version != version:
            raise StaleAccount(target.email)
        check_staff_change(actor.account(), target.account(), change, active_admins, role)
        detail = ""
        if change is Change.ROLE:
            detail = f"{target.role.label} to {role.label}"
            target.role = role
        elif change is Change.DEACTIVATE:
            target.deactivated_at = utcnow()
            _clear_link(target)
        elif change is Change.REACTIVATE:
            target.deactivated_at = None
        elif change is Change.RESET_PASSWORD:
            target.password_hash = ""
            issued = _issue_link(target, "staff_password_reset")
        if change in ENDS_SESSIONS:
            target.session_version += 1
        target.version += 1
        _audit(actor.id, target, change, detail)
    return target, issued


def _lock_accounts(actor_id: int, target_id: int) -> tuple[User, User, int]:
    """Lock (by id) the actor, the target and every active Admin; count the active Admins."""
    rows = db.session.scalars(
        select(User).where(or_(User.id.in_({actor_id, target_id}),
                               and_(User.role == Role.ADMIN, User.deactivated_at.is_(None))))
        .order_by(User.id).with_for_update()).all()
    by_id = {user.id: user for user in rows}
    if target_id not in by_id:
        raise NoSuchAccount("There is no such account")
    if actor_id not in by_id:
        raise NoSuchAccount("Your account is gone")
    active_admins = sum(1 for user in rows if user.account().is_active_admin)
    return by_id[actor_id], by_id[target_id], active_admins


def set_password(token: str, password: str, confirm: str) -> User:
    """Set an account's password through its one-time link, which then stops working."""
    check_new_password(password, confirm)
    with transaction():
        user = db.session.scalar(select(User).where(User.password_token_hash == _digest(token))
                                 .with_for_update())
        if user is None or not user.is_active or not link_works(
                user.password_token_expires_at, utcnow()):
            raise LinkRefused()
        user.set_password(password)
        _clear_link(user)
        user.session_version += 1
        _audit(user.id, user, Change.SET_PASSWORD, "")
    return user


def record_sign_in(user_id: int) -> None:
    """Note when an account last signed in (shown on the staff accounts page)."""
    with transaction():
        db.session.execute(update(User).where(User.id == user_id)
                           .values(last_sign_in_at=utcnow())
                           .execution_options(synchronize_session=False))


def save_from_command_line(email: str, role: Role, password: str) -> bool:
    """`flask create-user`: create an account, or give an existing one this role and password
    and make it active again (the way back in when no Admin can sign in). Ends the
    account's sessions. Returns whether it was created."""
    email = normal_email(email)
    with transaction():
        user = db.session.scalar(select(User).where(func.lower(User.email) == email)
                                 .with_for_update())
        created = user is None
        if created:
            user = User(email=email, role=role)
            db.session.add(user)
        else:
            user.session_version += 1
            user.version += 1
        user.role, user.deactivated_at = role, None
        user.set_password(password)
        _clear_link(user)
        db.session.flush()
        _audit(None, user, Change.COMMAND_LINE,
               f"{'created' if created else 'made active'} as {role.label}, with a password")
    return created


# Helpers

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_link(user: User, email_kind: str) -> Issued:
    """A new one-time link for the account (any older one stops working), emailed to it."""
    token = secrets.token_urlsafe(32)
    user.password_token_hash = _digest(token)
    user.password_token_expires_at = link_expires(utcnow())
    link = notifications.public_url("auth.set_password", token=token)
    notifications.queue_to_staff(user.email, email_kind, link=link,
                                 expires_at=user.password_token_expires_at)
    return Issued(email=user.email, link=link, expires_at=user.password_token_expires_at)


def _clear_link(user: User) -> None:
    user.password_token_hash = None
    user.password_token_expires_at = None


def _audit(actor_id: int | None, target: User, change: Change, detail: str) -> None:
    db.session.add(StaffAudit(actor_id=actor_id, target_id=target.id, change=change.value,
                              detail=detail))
