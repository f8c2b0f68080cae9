"""The one place that talks to Stripe (or localstripe, its stand-in for tests)."""
from urllib.parse import urlsplit

import math
import secrets

import stripe
from flask import current_app, jsonify, request, session

from app.extensions import limiter


def cards_enabled() -> bool:
    """Cards are offered only when both keys are configured."""
    config = current_app.config
    return bool(config["STRIPE_SECRET_KEY"] and config["STRIPE_PUBLISHABLE_KEY"])


def test_mode() -> bool:
    return current_app.config["STRIPE_PUBLISHABLE_KEY"].startswith("pk_test_")


def page_settings() -> dict:
    """What a page with the Card Element needs to know."""
    config = current_app.config
    return {"cards": cards_enabled(), "test_mode": test_mode(),
            "stripe_js": config["STRIPE_JS_URL"], "stripe_key": config["STRIPE_PUBLISHABLE_KEY"]}


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


def allow_stripe_js(response):
    """The CSP of a page with the Card Element: Stripe.js's origin, and no other, may
    load scripts, take the card in its frame and be talked to. Set on those pages only."""
    if cards_enabled():
        origin = js_origin()
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' {origin}; style-src 'self' "
            f"'unsafe-inline'; img-src 'self' data:; connect-src 'self' {origin}; "
            f"frame-src {origin}; form-action 'self'; base-uri 'none'; "
            "object-src 'none'; frame-ancestors 'none'")
    return response


def card_attempt_refused():
    """Count one card attempt of this visitor; a 429 answer once they tried too many.

    Per IP and per session, through the shared limiter that also throttles sign-in."""
    config = current_app.config
    visitor = session.setdefault("card_visitor", secrets.token_urlsafe(12))
    counts = [(config["CARD_IP_RATE_LIMIT"], "card-ip", request.remote_addr or "unknown"),
              (config["CARD_SESSION_RATE_LIMIT"], "card-session", visitor)]
    waits = [wait for count in counts if (wait := limiter.blocked(*count))]
    if waits:
        minutes = math.ceil(max(waits) / 60)
        answer = jsonify(error=f"Too many card attempts. Try again in {minutes} "
                               f"minute{'s' if minutes != 1 else ''}, or pay by bank deposit.")
        return answer, 429, {"Retry-After": str(math.ceil(max(waits)))}
    for count in counts:
        limiter.failed(*count)
    return None


def ask_to_confirm(order_id: int, intent_id: str, client_secret: str) -> None:
    """Keep, for the status page this browser opens next, what Stripe.js needs to ask the
    shopper's bank to confirm a payment (the secret stays in the signed session cookie,
    never in a URL)."""
    session["confirm_payment"] = {"order": order_id, "intent": intent_id,
                                  "secret": client_secret}


def payment_to_confirm(order_id: int) -> dict | None:
    """The payment this browser was asked to confirm for this order, if any."""
    asked = session.get("confirm_payment")
    return asked if isinstance(asked, dict) and asked.get("order") == order_id else None


def payment_confirmed() -> None:
    session.pop("confirm_payment", None)


def verify_event(payload: bytes, signature: str) -> stripe.Event:
    """The event, if Stripe signed it with our webhook secret; else SignatureVerificationError."""
    return stripe.Webhook.construct_event(payload, signature,
                                          current_app.config["STRIPE_WEBHOOK_SECRET"])


test_mode.__test__ = False  # not a pytest test, despite its name
