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
from app.auth.forms import LoginForm, LogoutForm
from app.extensions import db, limiter
from app.models import User


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff sign in; after LOGIN_RATE_LIMIT failed attempts an IP waits (429)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    limit = current_app.config["LOGIN_RATE_LIMIT"]
    if request.method == "POST" and (wait := limiter.blocked(limit, "sign-in", client_ip())):
        raise TooManyRequests(retry_after=math.ceil(wait))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is None:
            # Hash anyway, so the time taken does not tell which emails are staff.
            check_password_hash(dummy_hash(), form.password.data)
        elif user.check_password(form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append("That email and password do not match")
    if request.method == "POST":
        limiter.failed(limit, "sign-in", client_ip())
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out."""
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are signed out", "info")
    return redirect(url_for("auth.login"))
