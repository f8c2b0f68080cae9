"""Change watchers: a number that moves whenever committed data may have changed.

- SQLite: `PRAGMA data_version` on a connection of our own, which moves whenever any
  other connection commits; read on each request, it costs microseconds.
- PostgreSQL: a thread per process LISTENs for `shop_changed`, which triggers on the
  products and store_settings tables send when a transaction that changed them commits
  (migration 3c5f0e2a9b41); this process's own commits move it at once as well.
When it cannot tell (no watcher yet, the listening connection lost, an in-memory
database), the generation is None and nothing is served from the cache.
"""
import logging
import sqlite3
import threading
from typing import Protocol

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

CHANNEL = "shop_changed"
LISTENER = "page-cache-listener"  # its application_name in pg_stat_activity


class Watcher(Protocol):
    def generation(self) -> int | None:
        """A number that moves whenever committed data may have changed; None: unknown."""

    def close(self) -> None:
        """Stop watching."""


class Unwatched:
    """A database we cannot watch: never serve from the cache."""

    def generation(self) -> None:
        return None

    def close(self) -> None:
        pass


class SQLiteWatcher:
    """`PRAGMA data_version` moves when any other connection commits, in any process."""

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.connection: sqlite3.Connection | None = None

    def generation(self) -> int | None:
        with self.lock:
            try:
                if self.connection is None:
                    self.connection = sqlite3.connect(self.path, check_same_thread=False)
                return self.connection.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                log.exception("page cache: cannot read the SQLite data version")
                self.close()
                return None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class PostgresWatcher:
    """A thread LISTENs for the triggers' notifications; our own commits count at once."""

    RETRY_SECONDS = 1.0

    def __init__(self, engine: Engine):
        self.engine = engine
        self.counter = 0
        self.listening = False
        self.closed = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.counting = threading.Lock()  # bumped from request threads and the listener
        event.listen(engine, "commit", self.bump)

    def bump(self, *_args) -> None:
        with self.counting:
            self.counter += 1

    def generation(self) -> int | None:
        if self.thread is None or not self.thread.is_alive():
            self._start()  # lazily, in each process: gunicorn forks after the import
        return self.counter if self.listening else None

    def _start(self) -> None:
        with self.lock:
            if (self.thread is None or not self.thread.is_alive()) and not self.closed.is_set():
                self.thread = threading.Thread(target=self._listen, name=LISTENER,
                                               daemon=True)
                self.thread.start()

    def _listen(self) -> None:
        failures = 0
        while not self.closed.is_set():
            try:
                raw = self.engine.raw_connection()
                connection = raw.driver_connection
                raw.detach()  # ours for good, not the pool's
                try:
                    connection.autocommit = True
                    connection.execute(f"SET application_name = '{LISTENER}'")
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.bump()  # whatever happened while we were not listening
                    self.listening, failures = True, 0
                    while not self.closed.is_set():
                        for _ in connection.notifies(timeout=self.RETRY_SECONDS):
                            self.bump()
                finally:
                    self.listening = False
                    connection.close()
            except Exception:  # noqa: BLE001 - whatever it is: serve nothing kept, retry
                failures += 1
                if failures == 1 and not self.closed.is_set():
                    log.warning("page cache: not listening for %s; pages render afresh until "
                                "it is back", CHANNEL, exc_info=True)
                self.closed.wait(self.RETRY_SECONDS)

    def close(self) -> None:
        self.closed.set()
        event.remove(self.engine, "commit", self.bump)
        if self.thread is not None:
            self.thread.join(timeout=5)


def watcher_for(engine: Engine) -> Watcher:
    if engine.dialect.name == "postgresql":
        return PostgresWatcher(engine)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return SQLiteWatcher(engine.url.database)
    return Unwatched()
