"""Counting failed attempts per client, in the storage RATELIMIT_STORAGE_URI names.

Only the sign-in form is throttled, so the check sits in that one view instead of
before and after every request, as Flask-Limiter's does (an eighth of the CPU of a
cached storefront page). The counting is the `limits` library's, the one Flask-Limiter
is built on: a fixed window per client, in memory or in Redis, so that every app
instance sees the same count. If the storage cannot be reached, this process counts
in memory until it can again: staff can still sign in, and guessing is still slowed.
"""
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Counts:
    shared: FixedWindowRateLimiter
    fallback: FixedWindowRateLimiter
    prefix: str
    enabled: bool


class Limiter:
    def init_app(self, app: Flask) -> None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions["limiter"] = Counts(FixedWindowRateLimiter(storage),
                                           FixedWindowRateLimiter(MemoryStorage()),
                                           app.config["RATELIMIT_KEY_PREFIX"],
                                           app.config["RATELIMIT_ENABLED"])

    def blocked(self, limit: str, scope: str, client: str) -> float | None:
        """Seconds until `client` may try `scope` again, or None if it may now."""
        counts = current_app.extensions["limiter"]
        if not counts.enabled:
            return None
        item, keys = parse(limit), (counts.prefix, scope, client)

        def wait(strategy: FixedWindowRateLimiter) -> float | None:
            if strategy.test(item, *keys):
                return None
            return max(1.0, strategy.get_window_stats(item, *keys).reset_time - time.time())
        return self._count(counts, wait)

    def failed(self, limit: str, scope: str, client: str) -> None:
        """Count one failed attempt of `client` at `scope`."""
        counts = current_app.extensions["limiter"]
        if counts.enabled:
            item = parse(limit)
            self._count(counts, lambda strategy: strategy.hit(item, counts.prefix, scope, client))

    @staticmethod
    def _count(counts: Counts, work: Callable[[FixedWindowRateLimiter], T]) -> T:
        """`work` on the shared storage or, if it cannot be reached, in this process."""
        try:
            return work(counts.shared)
        except Exception:  # noqa: BLE001 - Redis down, a timeout: count in memory instead
            log.warning("sign-in throttle: %s unreachable; counting in memory",
                        type(counts.shared.storage).__name__, exc_info=True)
            return work(counts.fallback)
