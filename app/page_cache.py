"""Storefront pages rendered once and served many times, until the data under them changes.

The catalogue and product pages are the same for every shopper but for a few values: the
CSRF token of the session, the one-time token of each buy form, and what the session
alone says (the count on the header's Cart link: VISITOR_GLOBALS). So a page is rendered
with markers in their place, kept split at the markers, and each response joins the
parts with this shopper's CSRF token, fresh one-time tokens and session values.

A kept page is served only while the database has not changed since it was rendered.
"Changed" is a generation number that moves on every commit anywhere, in any process:
- SQLite: `PRAGMA data_version` on a connection of our own, which moves whenever any
  other connection commits; read on each request, it costs microseconds.
- PostgreSQL: a thread per process LISTENs for `shop_changed`, which triggers on the
  products and store_settings tables send when a transaction that changed them commits
  (migration 3c5f0e2a9b41); this process's own commits move it at once as well.
When it cannot tell (no watcher yet, the listening connection lost, an in-memory
database), nothing is served from the cache: pages render as if it were off.

Pages for signed-in staff, or with a flashed message to show, always render afresh.
"""
import logging
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Protocol

from flask import (Flask, Response, current_app, get_flashed_messages, render_template,
                   session)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import Engine, event

from app.forms import new_once_token

log = logging.getLogger(__name__)

CSRF_MARK = Markup("<!--page-cache:csrf-->")
ONCE_MARK = Markup("<!--page-cache:once-->")
# Template globals whose value comes from the visitor's session alone (no SQL): a kept
# page holds a marker for each, filled per response by calling the global itself.
VISITOR_GLOBALS = {"cart_count": Markup("<!--page-cache:cart_count-->")}
# Autoescaping turns every "<" of the data shown into "&lt;", so a marker can only
# come from the template itself.
_MARKS = re.compile(f"<!--page-cache:(csrf|once|{'|'.join(VISITOR_GLOBALS)})-->")
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


class Kept:
    """A rendered page split at its markers: text, kind, text, kind, ..., text."""

    __slots__ = ("generation", "parts")

    def __init__(self, generation: int, html: str):
        self.generation = generation
        self.parts = _MARKS.split(html)

    def fill(self, csrf_token: str, visitor: Mapping[str, str] | None = None) -> str:
        """The page with this session's CSRF token, a one-time token per form (one
        random part per response and the form's place, unique as the forms need) and
        the session's own values (`visitor`, by the name of their global)."""
        parts, once = self.parts, new_once_token()
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            kind = parts[i]
            out.append(csrf_token if kind == "csrf" else f"{once}-{i}" if kind == "once"
                       else str(escape((visitor or {})[kind])))
            out.append(parts[i + 1])
        return "".join(out)


class Shelf:
    """One app's kept pages: the most recently used, up to `size`."""

    def __init__(self, size: int, watcher: Watcher):
        self.size = size
        self.watcher = watcher
        self.pages: OrderedDict[Hashable, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, generation: int) -> Kept | None:
        with self.lock:
            kept = self.pages.get(key)
            if kept is None or kept.generation != generation:
                return None
            self.pages.move_to_end(key)
            return kept

    def put(self, key: Hashable, kept: Kept) -> None:
        with self.lock:
            self.pages[key] = kept
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


class PageCache:
    """`page_cache.render(key, template, load)`: see the module's docstring."""

    def init_app(self, app: Flask, engine: Engine) -> None:
        size = app.config["PAGE_CACHE_SIZE"]
        app.extensions["page_cache"] = Shelf(size, watcher_for(engine) if size else Unwatched())

    @staticmethod
    def shelf(app: Flask | None = None) -> Shelf:
        return (app or current_app).extensions["page_cache"]

    def close(self, app: Flask) -> None:
        """Stop watching the database (the PostgreSQL listener's connection closes)."""
        shelf = self.shelf(app)
        shelf.watcher.close()
        app.extensions["page_cache"] = Shelf(0, Unwatched())

    def render(self, key: Hashable, template: str, load: Callable[[], dict]) -> Response:
        """The page `template` shows with the context `load()` returns, kept under `key`."""
        shelf = self.shelf()
        # Read before the data: a commit after this point leaves the page stale.
        generation = shelf.watcher.generation()
        if generation is None or not self._shared_page():
            return Response(render_template(template, **load()))
        kept = shelf.get(key, generation)
        if kept is None:
            marks = {name: (lambda mark=mark: mark) for name, mark in VISITOR_GLOBALS.items()}
            html = render_template(template, csrf_token=lambda: CSRF_MARK,
                                   one_time_token=lambda: ONCE_MARK, **marks, **load())
            kept = Kept(generation, html)
            shelf.put(key, kept)
        globals_ = current_app.jinja_env.globals
        return Response(kept.fill(generate_csrf(),
                                  {name: globals_[name]() for name in VISITOR_GLOBALS}))

    @staticmethod
    def _shared_page() -> bool:
        """The page every anonymous shopper sees: nobody signed in, no message waiting."""
        # login_user() keeps the user's id in the session, and we set no remember-me
        # cookie: with no id there, nobody is signed in, and the user loader (with
        # its session-protection hash) need not run on the storefront's busiest path.
        signed_in = "_user_id" in session and current_user.is_authenticated
        return not signed_in and not get_flashed_messages()
