"""Counting failed attempts per client, in the storage RATELIMIT_STORAGE_URI names.

Only the sign-in form is throttled, so the check sits in that one view instead of
before and after every request, as Flask-Limiter's does (an eighth of the CPU of a
cached storefront page). The counting is the `limits` library's, the one Flask-Limiter
is built on: a fixed window per client, in memory or in Redis, so that every app
instance sees the same count.
"""
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter


@dataclass(frozen=True)
class Counts:
    strategy: FixedWindowRateLimiter
    prefix: str
    enabled: bool


class Limiter:
    def init_app(self, app: Flask) -> None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions["limiter"] = Counts(FixedWindowRateLimiter(storage),
                                           app.config["RATELIMIT_KEY_PREFIX"],
                                           app.config["RATELIMIT_ENABLED"])

    @staticmethod
    def counts() -> Counts:
        return current_app.extensions["limiter"]

    def blocked(self, limit: str, scope: str, client: str) -> float | None:
        """Seconds until `client` may try `scope` again, or None if it may now."""
        counts, item = self.counts(), parse(limit)
        if not counts.enabled or counts.strategy.test(item, counts.prefix, scope, client):
            return None
        stats = counts.strategy.get_window_stats(item, counts.prefix, scope, client)
        return max(1.0, stats.reset_time - time.time())

    def failed(self, limit: str, scope: str, client: str) -> None:
        """Count one failed attempt of `client` at `scope`."""
        counts = self.counts()
        if counts.enabled:
            counts.strategy.hit(parse(limit), counts.prefix, scope, client)
