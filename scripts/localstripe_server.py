"""localstripe, the fake Stripe API and Stripe.js, bound to 127.0.0.1 only.

`localstripe` itself listens on every interface; this runs the same app on the loopback
address. Used by `make run` (see Procfile) and by the tests' session fixture.
Usage: python scripts/localstripe_server.py [--port 8420] [--webhook URL --secret WHSEC]
With --webhook, localstripe posts its events to URL, signed with the secret (as Stripe
does with the endpoint configured in its dashboard).
"""
import argparse

from aiohttp import web
from localstripe.server import app
from localstripe.webhooks import register_webhook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook", help="the shop's /webhooks/stripe address")
    parser.add_argument("--secret", default="", help="STRIPE_WEBHOOK_SECRET")
    args = parser.parse_args()
    if args.webhook:
        register_webhook("shop", args.webhook, args.secret, None)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
