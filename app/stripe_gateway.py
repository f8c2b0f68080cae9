"""The one place that talks to Stripe (or localstripe, its stand-in for tests)."""
from urllib.parse import urlsplit

import stripe
from flask import current_app


def cards_enabled() -> bool:
    """Cards are offered only when both keys are configured."""
    config = current_app.config
    return bool(config["STRIPE_SECRET_KEY"] and config["STRIPE_PUBLISHABLE_KEY"])


def test_mode() -> bool:
    return current_app.config["STRIPE_PUBLISHABLE_KEY"].startswith("pk_test_")


def client() -> stripe.StripeClient:
    config = current_app.config
    addresses = {"api": config["STRIPE_API_BASE"]} if config["STRIPE_API_BASE"] else None
    # Our own retries (with the same idempotency keys) are safe; Stripe's client retries too.
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], base_addresses=addresses,
                               max_network_retries=2)


def js_origin() -> str:
    """The origin Stripe.js loads from, and talks to: the only one the CSP adds."""
    parts = urlsplit(current_app.config["STRIPE_JS_URL"])
    return f"{parts.scheme}://{parts.netloc}"


def verify_event(payload: bytes, signature: str) -> stripe.Event:
    """The event, if Stripe signed it with our webhook secret; else SignatureVerificationError."""
    return stripe.Webhook.construct_event(payload, signature,
                                          current_app.config["STRIPE_WEBHOOK_SECRET"])


test_mode.__test__ = False  # not a pytest test, despite its name
