"""Change watchers: how a process learns which products another process changed.

Both databases name the products a commit changed, written by triggers (migration
a7d41c9e0f36): a product's id when its row changed; "+id" when it was added, removed or
renamed (which products a catalogue page lists, and in which order); anything else
(the store settings, a TRUNCATE, too many products at once) means everything.
- SQLite: triggers append to the `page_changes` table. `PRAGMA data_version`, read on
  each request on a connection of our own (microseconds), moves when any other
  connection commits; only then are the rows after the last one seen read.
- PostgreSQL: triggers send the ids in `NOTIFY shop_changed`, delivered on commit; a
  thread per process LISTENs on a connection of its own.
When a watcher cannot tell (not listening yet, the listening connection lost, an
in-memory database), it is not ready and nothing is served from the cache.
"""
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

CHANNEL = "shop_changed"
LISTENER = "page-cache-listener"  # its application_name in pg_stat_activity


@dataclass(frozen=True)
class Changes:
    """What one or more commits changed."""

    everything: bool = False
    products: frozenset[int] = frozenset()
    listed: bool = False  # a product added, removed or renamed
    # The products' faces after the change, when the committing process knows them;
    # else they are read from the database.
    faces: dict | None = None

    @classmethod
    def parse(cls, tokens: list[str]) -> "Changes":
        """From the triggers' words: "12", "+12"; anything else means everything."""
        products, listed = set(), False
        for token in tokens:
            bare = token[1:] if token.startswith("+") else token
            if not bare.isdigit():
                return EVERYTHING
            products.add(int(bare))
            listed = listed or token.startswith("+")
        return cls(products=frozenset(products), listed=listed)


EVERYTHING = Changes(everything=True)
# With a connection to read the faces with (None when everything changed).
Deliver = Callable[[Changes, Connection | None], None]


class Watcher(Protocol):
    def ready(self) -> bool:
        """Whether kept pages may be served now; first delivers the changes learnt."""

    def close(self) -> None:
        """Stop watching."""


class Unwatched:
    """A database we cannot watch: never serve from the cache."""

    def ready(self) -> bool:
        return False

    def close(self) -> None:
        pass


class SQLiteWatcher:
    """`PRAGMA data_version` moves when any other connection commits, in any process;
    then the change log says what changed."""

    def __init__(self, path: str, deliver: Deliver):
        self.deliver = deliver
        self.lock = threading.Lock()
        # One connection of our own, outside any transaction (each read sees the latest).
        self.engine = create_engine(
            "sqlite://", poolclass=StaticPool,
            creator=lambda: sqlite3.connect(path, check_same_thread=False))
        self.connection: Connection | None = None
        self.version: int | None = None
        self.last_seen = 0

    def ready(self) -> bool:
        with self.lock:
            try:
                if self.connection is None:
                    self._open()
                raw = self.connection.connection.dbapi_connection
                version = raw.execute("PRAGMA data_version").fetchone()[0]
                if version != self.version:
                    self.version = version
                    self._read_log()
                return True
            except Exception:  # noqa: BLE001 - whatever it is: serve nothing kept, retry
                log.exception("page cache: cannot read what changed in SQLite")
                self._close_connection()
                return False

    def _open(self) -> None:
        self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.last_seen = self.connection.scalar(
            text("SELECT COALESCE(MAX(id), 0) FROM page_changes"))
        self.version = None
        self.deliver(EVERYTHING, self.connection)  # whatever happened while not watching

    def _read_log(self) -> None:
        rows = self.connection.execute(
            text("SELECT id, product_id, listed FROM page_changes WHERE id > :last ORDER BY id"),
            {"last": self.last_seen}).all()
        if not rows:
            return
        # Ids follow on without gaps (AUTOINCREMENT, rolled back with their rows); a gap
        # means old rows were pruned before we read them.
        gap = rows[0].id != self.last_seen + 1
        self.last_seen = rows[-1].id
        if gap or any(row.product_id is None for row in rows):
            changes = EVERYTHING
        else:
            changes = Changes(products=frozenset(row.product_id for row in rows),
                              listed=any(row.listed for row in rows))
        self.deliver(changes, self.connection)

    def _close_connection(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - it is going anyway
                pass
            self.connection = None

    def close(self) -> None:
        with self.lock:
            self._close_connection()
            self.engine.dispose()


class PostgresWatcher:
    """A thread LISTENs for the triggers' notifications and delivers each."""

    RETRY_SECONDS = 1.0

    def __init__(self, engine: Engine, deliver: Deliver):
        self.engine = engine
        self.deliver = deliver
        # The faces are read on a connection of the watcher's own, outside the app's pool.
        self.reader = create_engine(engine.url, pool_size=1, max_overflow=0)
        self.listening = False
        self.closed = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def ready(self) -> bool:
        if self.thread is None or not self.thread.is_alive():
            self._start()  # lazily, in each process: gunicorn forks after the import
        return self.listening

    def _start(self) -> None:
        with self.lock:
            if (self.thread is None or not self.thread.is_alive()) and not self.closed.is_set():
                self.thread = threading.Thread(target=self._listen, name=LISTENER,
                                               daemon=True)
                self.thread.start()

    def _deliver(self, changes: Changes) -> None:
        if changes.everything:
            self.deliver(changes, None)
            return
        with self.reader.connect() as connection:
            self.deliver(changes, connection)

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
                    self._deliver(EVERYTHING)  # whatever happened while we were not listening
                    self.listening, failures = True, 0
                    while not self.closed.is_set():
                        for notice in connection.notifies(timeout=self.RETRY_SECONDS):
                            self._deliver(Changes.parse(notice.payload.split(",")))
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
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.reader.dispose()


def watcher_for(engine: Engine, deliver: Deliver) -> Watcher:
    if engine.dialect.name == "postgresql":
        return PostgresWatcher(engine, deliver)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return SQLiteWatcher(engine.url.database, deliver)
    return Unwatched()
