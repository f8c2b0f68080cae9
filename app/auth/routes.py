import hashlib
import math
import secrets
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import bp
from app.auth.forms import LoginForm, LogoutForm, SetPasswordForm
from app.domain.errors import DomainError
from app.domain.staff import normal_email
from app.extensions import db, limiter
from app.models import User
from app.services import staff


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another host."""
    fallback = url_for("admin.home")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


@cache
def dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16),
                                  method=current_app.config["PASSWORD_HASH_METHOD"])


def client_ip() -> str:
    return request.remote_addr or "unknown"


def sign_in_counts() -> list[tuple[str, str, str]]:
    """The counts a failed sign-in adds to, as (limit, scope, client).

    One per account and IP, so that one person's wrong passwords do not lock out
    everyone behind the same office address; and a looser one per IP, so that one
    address cannot try many accounts fast. The account is the email as typed, kept
    as a digest so the storage holds no addresses.
    """
    ip = client_ip()
    email = request.form.get("email", "").strip().lower()
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    config = current_app.config
    return [(config["LOGIN_RATE_LIMIT"], "sign-in", f"{ip}/{account}"),
            (config["LOGIN_IP_RATE_LIMIT"], "sign-in-ip", ip)]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff sign in; after LOGIN_RATE_LIMIT failed attempts at one account from one IP,
    or LOGIN_IP_RATE_LIMIT at any from one IP, that IP waits (429)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    counts = sign_in_counts() if request.method == "POST" else []
    waits = [wait for count in counts if (wait := limiter.blocked(*count))]
    if waits:
        raise TooManyRequests(retry_after=math.ceil(max(waits)))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == normal_email(form.email.data)))
        if user is None or not user.is_active or not user.has_password:
            # Hash anyway, so the time taken does not tell which emails are staff, and a
            # deactivated account reads as a wrong password (and counts as one).
            check_password_hash(dummy_hash(), form.password.data)
        elif user.check_password(form.password.data):
            login_user(user)
            staff.record_sign_in(user.id)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append("That email and password do not match")
    for count in counts:
        limiter.failed(*count)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out."""
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are signed out", "info")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Choose a password through a one-time link (a new account's, or after a reset)."""
    user = staff.link_account(token) if len(token) <= 100 else None
    if user is None:
        return render_template("auth/link_refused.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            staff.set_password(token, form.password.data, form.confirm.data)
        except staff.LinkRefused:
            return render_template("auth/link_refused.html"), 404
        except DomainError as error:
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            flash("Your password is set: sign in with it", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, email=user.email), \
        (400 if form.is_submitted() else 200)
