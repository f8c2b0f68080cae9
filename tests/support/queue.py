"""The task queue for real: a broker (Redis on 127.0.0.1:6379 or a SQLite file) and a Huey
consumer in threads, as `huey_consumer app.worker.huey` runs it.

Each test's queue has a name of its own and is emptied afterwards, so tests never see
each other's jobs. When Redis is down, the Redis tests fail: they never skip.
"""
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from huey import signals

from app.extensions import huey
from app.queue import EXTENSION, AppQueue

REDIS_URL = "redis://127.0.0.1:6379/0"
PATIENCE = 60.0  # seconds before a wait gives up: only reached when something hangs


def wait_for(condition: Callable[[], object], what: str) -> None:
    """Return once condition() holds; fail if it never does (no timing is asserted)."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


@contextmanager
def real_queue(app: Flask, url: str) -> Iterator[AppQueue]:
    """The app's jobs go to the broker at `url` instead of running at once, and a worker
    of this process runs them in this app."""
    queue = AppQueue(url, f"test-{uuid.uuid4().hex}", immediate=False)
    before = app.extensions[EXTENSION], huey.served
    app.extensions[EXTENSION] = queue
    huey.serve(app)
    try:
        yield queue
    finally:
        app.extensions[EXTENSION], huey.served = before
        if queue._storage is not None:
            queue.storage.flush_all()  # the Redis keys of this queue name
            queue.storage.close()


class Finished:
    """Counts the job runs that ended (done, or failed for good), by task name."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def __call__(self, signal, task, *args) -> None:
        self.counts[task.name] = self.counts.get(task.name, 0) + 1

    def of(self, name: str) -> int:
        return self.counts.get(name, 0)


@contextmanager
def consumer(workers: int = 1) -> Iterator[Finished]:
    """A Huey consumer with `workers` threads; stopped (gracefully) at the end."""
    finished = Finished()
    huey.signal(signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR)(finished)
    running = huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                   check_worker_health=False, initial_delay=0.05,
                                   max_delay=0.2, scheduler_interval=1)
    running._set_signal_handlers = lambda: None  # pytest keeps its own
    running.start()
    try:
        yield finished
    finally:
        running.stop(graceful=True)
        huey.disconnect_signal(finished)
