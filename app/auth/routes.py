import secrets
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
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


def failed_sign_in(response) -> bool:
    """Only failed attempts count against the per-IP limit."""
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=failed_sign_in)
def login():
    """Staff sign in."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
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
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out."""
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are signed out", "info")
    return redirect(url_for("auth.login"))
