"""The back office: one module per resource, sharing one blueprint."""
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager

bp = Blueprint("admin", __name__)


@bp.before_request
def require_sign_in():
    """Every /admin page needs a signed-in user."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()


def admin_required(view):
    """Settings and staff accounts are for Admins; Staff get 403."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


from app.admin import (home, orders, product_csv, products, purchasing,  # noqa: E402,F401
                       reports, settings, users)
