import json

import stripe
from flask import current_app, request

from app import stripe_gateway
from app.extensions import csrf
from app.services import cards
from app.webhooks import bp


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_events():
    """A Stripe event: applied once if Stripe signed it, refused (400) otherwise."""
    if not current_app.config["STRIPE_WEBHOOK_SECRET"]:
        return "Webhooks are not configured", 404
    payload = request.get_data()
    try:
        stripe_gateway.verify_event(payload, request.headers.get("Stripe-Signature", ""))
        event = json.loads(payload)
        if not isinstance(event, dict) or not {"id", "type", "data"} <= event.keys():
            raise ValueError("not an event")
    except (ValueError, stripe.SignatureVerificationError):
        return "Bad signature", 400
    applied = cards.apply_event(event)
    return ("Applied" if applied else "Already applied"), 200
