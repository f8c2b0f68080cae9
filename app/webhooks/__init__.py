"""Events other services post to us (Stripe), checked by signature instead of CSRF."""
from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from app.webhooks import routes  # noqa: E402,F401
