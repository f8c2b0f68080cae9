"""Checkouts over HTTP while pages are read, as a shop lives: each one a new shopper who
opens a product page, adds one unit to the cart and places the order (Bank deposit),
with the CSRF and one-time tokens of the pages, as a browser would. Paced to a rate,
for a bounded time, against 127.0.0.1 only."""
import random
import re
import threading
import time

from servers import get, post, session_cookie

TOKENS = {name: re.compile(rf'name="{name}" type="hidden" value="([^"]+)"'
                           rf'|name="{name}" value="([^"]+)"')
          for name in ("csrf_token", "once")}


def tokens(body: bytes) -> dict[str, str]:
    html = body.decode()
    found = {}
    for name, pattern in TOKENS.items():
        match = pattern.search(html)
        if match:
            found[name] = match.group(1) or match.group(2)
    return found


def checkout(port: int, sku: str) -> bool:
    """One shopper's checkout of one unit of `sku`; True when the order was placed."""
    status, headers, body = get(port, f"/products/{sku}")
    form = tokens(body)
    if status != 200 or len(form) != 2:
        return False
    cookie = session_cookie(headers, "")
    status, headers = post(port, f"/cart/add/{sku}", {**form, "quantity": "1"}, cookie)
    cookie = session_cookie(headers, cookie)
    if status != 302:
        return False
    status, headers, body = get(port, "/checkout", cookie)
    form = tokens(body)
    if status != 200 or len(form) != 2:
        return False
    cookie = session_cookie(headers, cookie)
    status, _ = post(port, "/checkout", {**form, "name": "Bench Shopper",
                                         "email": "bench.shopper@example.com",
                                         "address": "1 Bench St\nSydney NSW 2000",
                                         "payment_method": "Bank deposit"}, cookie)
    return status == 302


class Shoppers:
    """Checkouts of random products from `skus` at `rate` a second (None: one after
    another, as fast as they go) from `threads` threads, until stop()."""

    def __init__(self, port: int, skus: list[str], rate: float | None, threads: int = 1,
                 seed: int = 1):
        self.port, self.skus, self.rate = port, skus, rate
        self.placed = self.refused = 0
        self.seconds: list[float] = []
        self.stopping = threading.Event()
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i, threads), daemon=True)
                        for i in range(threads)]
        self.started = self.stopped = 0.0

    def start(self) -> "Shoppers":
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)
        self.stopped = time.monotonic()

    @property
    def per_second(self) -> float:
        elapsed = (self.stopped or time.monotonic()) - self.started
        return self.placed / elapsed if elapsed > 0 else 0.0

    def _run(self, index: int, count: int) -> None:
        interval = count / self.rate if self.rate else 0.0
        due = time.monotonic() + interval * index / count
        while not self.stopping.is_set():
            if interval:
                self.stopping.wait(max(0.0, due - time.monotonic()))
                if self.stopping.is_set():
                    return
                due += interval
            with self.lock:
                sku = self.random.choice(self.skus)
            began = time.monotonic()
            try:
                placed = checkout(self.port, sku)
            except OSError:
                placed = False
            with self.lock:
                self.seconds.append(time.monotonic() - began)
                if placed:
                    self.placed += 1
                else:
                    self.refused += 1
