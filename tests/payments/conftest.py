"""A real localstripe process for the card payment tests: started once, on a free port.

It must start: when it cannot, the tests fail (never skip)."""
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_test_secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    """The base URL of a running localstripe."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts/localstripe_server.py"),
                                "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):  # up to 20 s on a busy machine
        if process.poll() is not None:
            pytest.fail(f"localstripe did not start: {process.stderr.read().decode()[-2000:]}")
        try:
            requests.get(f"{base}/js.stripe.com/v3/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("localstripe did not answer on " + base)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def cards(app, localstripe, monkeypatch):
    """Card payments on, against localstripe."""
    return use_localstripe(app, localstripe, monkeypatch)


def use_localstripe(app, base: str, monkeypatch) -> str:
    """Point the app's Stripe settings at the localstripe at `base`; returns `base`."""
    for key, value in {"STRIPE_SECRET_KEY": "sk_test_localstripe",
                       "STRIPE_PUBLISHABLE_KEY": "pk_test_localstripe",
                       "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                       "STRIPE_API_BASE": base,
                       "STRIPE_JS_URL": f"{base}/js.stripe.com/v3/"}.items():
        monkeypatch.setitem(app.config, key, value)
    return base


def save_card_as_stripe_js_would(base: str, client_secret: str, number: str) -> requests.Response:
    """What Stripe.js's confirmCardSetup posts from the shopper's browser (to Stripe, not us)."""
    seti = client_secret.split("_secret_")[0]
    return requests.post(f"{base}/v1/setup_intents/{seti}/confirm", timeout=10, data=json.dumps({
        "key": "pk_test_localstripe", "use_stripe_sdk": True, "client_secret": client_secret,
        "payment_method_data": {"type": "card", "card": {
            "number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
            "billing_details": {"address": {"postal_code": "2000"}}}}))


def answer_the_bank_as_stripe_js_would(base: str, client_secret: str,
                                       confirm: bool = True) -> requests.Response:
    """What Stripe.js does when the shopper's bank asks them to confirm (3-D Secure) and
    they press localstripe's `Complete authentication` (or `Fail authentication`): for a
    SetupIntent, confirm it again (or cancel it); for a PaymentIntent, authenticate it."""
    intent = client_secret.split("_secret_")[0]
    if intent.startswith("seti_"):
        return requests.post(
            f"{base}/v1/setup_intents/{intent}/{'confirm' if confirm else 'cancel'}",
            timeout=10, data=json.dumps({"key": "pk_test_localstripe", "use_stripe_sdk": True,
                                         "client_secret": client_secret}))
    return requests.post(
        f"{base}/v1/payment_intents/{intent}/_authenticate?success="
        f"{'true' if confirm else 'false'}",
        timeout=10, data=json.dumps({"key": "pk_test_localstripe",
                                     "client_secret": client_secret}))
