"""localstripe, the fake Stripe API and Stripe.js, bound to 127.0.0.1 only.

`localstripe` itself listens on every interface; this runs the same app on the loopback
address. Used by `make run` (see Procfile) and by the tests' session fixture.
Usage: python scripts/localstripe_server.py [--port 8420]
"""
import argparse

from aiohttp import web
from localstripe.server import app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
