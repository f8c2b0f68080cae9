"""What localstripe says the cards paid: charged minus refunded, per order, asked of the
Stripe API (never of our tables). Used by the card payment tests and the card money
property."""
from collections import defaultdict

import stripe

SECRET = "sk_test_localstripe"


def stripe_client(base: str) -> stripe.StripeClient:
    return stripe.StripeClient(SECRET, base_addresses={"api": base})


def kept_by_order(base: str, customers: set[str]) -> dict[int, int]:
    """Cents each order kept in Stripe: its succeeded charges less their refunds, over the
    charges of these Stripe customers (the ones a test made)."""
    client = stripe_client(base)
    kept: dict[int, int] = defaultdict(int)
    for customer in customers:
        for charge in client.v1.charges.list(params={"customer": customer,
                                                     "limit": 100}).auto_paging_iter():
            if charge.status != "succeeded" or not charge.payment_intent:
                continue
            intent = client.v1.payment_intents.retrieve(charge.payment_intent)
            kept[int(intent.metadata["order_id"])] += charge.amount - charge.amount_refunded
    return dict(kept)

