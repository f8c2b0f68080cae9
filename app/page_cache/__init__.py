"""Storefront pages rendered once and served many times, until what they show changes.

The parts, each readable alone:
- fill.py: a page kept with markers, filled with each visitor's tokens per response;
- store.py: the kept pages of one process, bounded, each dropped when a product it
  shows looks different;
- watchers.py: how a process learns which products another process changed;
- policy.py: which requests may get the page every anonymous shopper sees.

A view says what its page shows: for each product its face (everything of it that the
page shows, as a value), and whether the page lists products. This process's own
commits apply at once (the session's flushes say which products changed and how they
look now); other processes' commits arrive through the watcher, and their faces are
read from the database. A change that leaves a product's face as it was (a sale that
leaves 37 instead of 38, both "In stock") leaves its pages kept.

Pages for signed-in staff, or with a flashed message to show, always render afresh, and
so does every page while the watcher cannot tell what changed.
"""
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, Response, current_app, has_app_context, render_template
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from app.page_cache import policy
from app.page_cache.fill import CSRF_MARK, ONCE_MARK, VISITOR_GLOBALS, Kept
from app.page_cache.store import Store
from app.page_cache.watchers import EVERYTHING, Changes, Unwatched, Watcher, watcher_for

__all__ = ["CSRF_MARK", "ONCE_MARK", "VISITOR_GLOBALS", "Changes", "Kept", "PageCache",
           "Store"]


# What the cache needs to know of the data: the faces of products as committed, and
# what a session's flush changed (faces by product id, whether products were added,
# removed or renamed, whether everything changed). app/services/catalog.py answers.
ReadFaces = Callable[[Connection, Iterable[int]], Mapping[int, Hashable]]
Flushed = Callable[[Session], Changes | None]
PENDING = "page_cache.changes"  # in Session.info: this transaction's changes so far


class _Shelf:
    """One app's kept pages and the watcher that says what changed."""

    def __init__(self, store: Store, watcher: Watcher | None = None,
                 read_faces: ReadFaces | None = None):
        self.store = store
        self.watcher = watcher or Unwatched()
        self.read_faces = read_faces

    def apply(self, changes: Changes, connection: Connection | None) -> None:
        if changes.everything:
            self.store.clear()
            return
        self.store.touch(changes.products, listed=changes.listed)
        faces = changes.faces
        if faces is None:
            found = self.read_faces(connection, changes.products)
            faces = {pid: found.get(pid) for pid in changes.products}
        self.store.settle(faces)


class PageCache:
    """`page_cache.render(key, template, load, shows)`: see the package's docstring."""

    def init_app(self, app: Flask, engine: Engine, read_faces: ReadFaces,
                 flushed: Flushed, watcher: Watcher | None = None) -> None:
        """Keep pages for `app`, learning of changes from `engine`'s database (or from
        `watcher`, when given) and from this process's sessions."""
        size = app.config["PAGE_CACHE_SIZE"]
        shelf = _Shelf(Store(size), read_faces=read_faces)
        if watcher is None:
            watcher = watcher_for(engine, shelf.apply) if size else Unwatched()
        shelf.watcher = watcher
        app.extensions["page_cache"] = shelf
        policy.register(app)
        self._flushed = flushed
        if not event.contains(Session, "after_flush", self._after_flush):
            event.listen(Session, "after_flush", self._after_flush)
            event.listen(Session, "after_commit", self._after_commit)
            event.listen(Session, "after_rollback", self._after_rollback)

    @staticmethod
    def _shelf(app: Flask | None = None) -> _Shelf:
        return (app or current_app).extensions["page_cache"]

    def ready(self, app: Flask | None = None) -> bool:
        """Whether kept pages may be served now (the watcher knows what changed)."""
        return self._shelf(app).watcher.ready()

    def listening(self, app: Flask | None = None) -> bool:
        """Whether the watcher is connected (PostgreSQL's listener; always so elsewhere)."""
        return getattr(self._shelf(app).watcher, "listening", True)

    def kept(self, app: Flask | None = None) -> list[Hashable]:
        """The keys of the pages kept now, least recently used first."""
        return self._shelf(app).store.keys()

    def kept_pages(self, app: Flask | None = None) -> list[Kept]:
        """The pages kept now, least recently used first."""
        return self._shelf(app).store.pages()

    def clear(self, app: Flask | None = None) -> None:
        """Drop every kept page: the next view of each renders afresh."""
        self._shelf(app).store.clear()

    @contextmanager
    def unwatched(self, app: Flask) -> Iterator[None]:
        """For a while, as if the database could not be watched: every page renders."""
        shelf = self._shelf(app)
        watcher, shelf.watcher = shelf.watcher, Unwatched()
        try:
            yield
        finally:
            shelf.watcher = watcher

    def close(self, app: Flask) -> None:
        """Stop watching the database (the PostgreSQL listener's connection closes)."""
        self._shelf(app).watcher.close()
        app.extensions["page_cache"] = _Shelf(Store(0))

    def render(self, key: Hashable, template: str, load: Callable[[], dict],
               shows: Callable[[dict], Mapping[int, Hashable]], lists: bool = False) -> Response:
        """The page `template` shows with the context `load()` returns, kept under `key`.

        `shows(context)`: the face of each product on the page, by id; `lists`: the
        page lists products, so adding, removing or renaming any changes it."""
        shelf = self._shelf()
        if not shelf.watcher.ready() or not policy.shared_page():
            return Response(render_template(template, **load()))
        kept = shelf.store.get(key)
        if kept is None:
            since = shelf.store.mark()  # before the data is read
            context = load()
            marks = {name: (lambda mark=mark: mark) for name, mark in VISITOR_GLOBALS.items()}
            html = render_template(template, csrf_token=lambda: CSRF_MARK,
                                   one_time_token=lambda: ONCE_MARK, **marks, **context)
            kept = Kept(html, shows(context), lists)
            shelf.store.put(key, kept, since)
        globals_ = current_app.jinja_env.globals
        return Response(kept.fill(generate_csrf(),
                                  {name: globals_[name]() for name in VISITOR_GLOBALS}))

    @staticmethod
    def bulk_changed(session: Session) -> None:
        """The session's transaction changes products with bulk statements, which no flush
        reports (the product import): when it commits, this process drops every kept
        page, as after a settings change. Other processes learn of it from the watcher."""
        session.info[PENDING] = EVERYTHING

    # This process's commits, from the session: known at once, with the faces.

    def _after_flush(self, session: Session, _context) -> None:
        changes = self._flushed(session) if has_app_context() else None
        if changes is not None:
            session.info[PENDING] = _merge(session.info.get(PENDING), changes)

    @staticmethod
    def note(session: Session, changes: Changes) -> None:
        """Count changes written outside a flush (a bulk UPDATE ... RETURNING) with the
        transaction's, as a flush's are: applied at once when it commits."""
        session.info[PENDING] = _merge(session.info.get(PENDING), changes)

    def _after_commit(self, session: Session) -> None:
        changes = session.info.pop(PENDING, None)
        if changes is not None and has_app_context():
            shelf = current_app.extensions.get("page_cache")
            if shelf is not None:
                shelf.apply(changes, None)

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(PENDING, None)


def _merge(before: Changes | None, after: Changes) -> Changes:
    if before is None:
        return after
    if before.everything or after.everything:
        return EVERYTHING
    return Changes(products=before.products | after.products,
                   listed=before.listed or after.listed,
                   faces={**(before.faces or {}), **(after.faces or {})})
