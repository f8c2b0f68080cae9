from flask import Blueprint

bp = Blueprint("cart", __name__)

from app.cart import routes  # noqa: E402,F401
from app.cart.cart import count  # noqa: E402


@bp.app_template_global("cart_count")
def cart_count() -> int:
    """Units in the visitor's cart, for the header (read from the session: no SQL)."""
    return count()
