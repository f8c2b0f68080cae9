"""Jobs the worker runs, each in an app context of its own. A job is enqueued after the
transaction that asked for it commits (`app.services.after_commit`), so it never runs
for a change that was rolled back, and it reads what that change wrote."""
import os

import stripe
from flask import Flask, current_app, has_app_context

from app.queue import huey

# Stripe or the network had a hiccup: try again later, waiting longer each time.
TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)
_worker_app: Flask | None = None


def app_for_job() -> Flask:
    """The web process's app when the job runs in it (immediate mode), else the worker's."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from app import create_app
        from app.config import Config, ProductionConfig
        _worker_app = create_app(ProductionConfig if os.environ.get("FLASK_ENV") == "production"
                                 else Config)
    return _worker_app


@huey.task(retries=8, retry_delay=10, retry_backoff=2)
def charge_released_backorder(order_id: int) -> None:
    """Charge a released backorder to the card saved for its order (off session)."""
    from app.services import release_charges

    with app_for_job().app_context():
        release_charges.charge_released(order_id)


@huey.task(retries=8, retry_delay=10, retry_backoff=2)
def refund_card(order_id: int, key: str) -> None:
    """Send an order's card refunds pending under `key` to Stripe."""
    from app.services import cards

    with app_for_job().app_context():
        cards.refund(order_id, key)


JOBS = {"charge_released_backorder": charge_released_backorder, "refund_card": refund_card}
