"""Storefront pages rendered once and served many times, until the data under them changes.

The parts, each readable alone:
- fill.py: a page kept with markers, filled with each visitor's tokens per response;
- store.py: the kept pages of one process, bounded, least recently used dropped first;
- watchers.py: how a process learns that another process committed a change;
- policy.py: which requests may get the page every anonymous shopper sees.

Pages for signed-in staff, or with a flashed message to show, always render afresh, and
so does every page while the watcher cannot tell whether the data changed.
"""
from collections.abc import Callable, Hashable

from flask import Flask, Response, current_app, render_template
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Engine

from app.page_cache import policy
from app.page_cache.fill import CSRF_MARK, ONCE_MARK, Kept
from app.page_cache.store import Store
from app.page_cache.watchers import Unwatched, Watcher, watcher_for

__all__ = ["CSRF_MARK", "ONCE_MARK", "Kept", "PageCache", "Store"]


class _Shelf:
    """One app's kept pages and the watcher that says when they are stale."""

    def __init__(self, store: Store, watcher: Watcher):
        self.store = store
        self.watcher = watcher


class PageCache:
    """`page_cache.render(key, template, load)`: see the package's docstring."""

    def init_app(self, app: Flask, engine: Engine, watcher: Watcher | None = None) -> None:
        """Keep pages for `app`, watching `engine` (or `watcher`, when given) for changes."""
        size = app.config["PAGE_CACHE_SIZE"]
        if watcher is None:
            watcher = watcher_for(engine) if size else Unwatched()
        app.extensions["page_cache"] = _Shelf(Store(size), watcher)
        policy.register(app)

    @staticmethod
    def _shelf(app: Flask | None = None) -> _Shelf:
        return (app or current_app).extensions["page_cache"]

    def watching(self, app: Flask | None = None) -> bool:
        """Whether kept pages may be served now (the watcher knows the data's state)."""
        return self._shelf(app).watcher.generation() is not None

    def listening(self, app: Flask | None = None) -> bool:
        """Whether the watcher is connected (PostgreSQL's listener; always so elsewhere)."""
        return getattr(self._shelf(app).watcher, "listening", True)

    def clear(self, app: Flask | None = None) -> None:
        """Drop every kept page: the next view of each renders afresh."""
        self._shelf(app).store.clear()

    def close(self, app: Flask) -> None:
        """Stop watching the database (the PostgreSQL listener's connection closes)."""
        self._shelf(app).watcher.close()
        app.extensions["page_cache"] = _Shelf(Store(0), Unwatched())

    def render(self, key: Hashable, template: str, load: Callable[[], dict]) -> Response:
        """The page `template` shows with the context `load()` returns, kept under `key`."""
        shelf = self._shelf()
        # Read before the data: a commit after this point leaves the page stale.
        generation = shelf.watcher.generation()
        if generation is None or not policy.shared_page():
            return Response(render_template(template, **load()))
        kept = shelf.store.get(key, generation)
        if kept is None:
            html = render_template(template, csrf_token=lambda: CSRF_MARK,
                                   one_time_token=lambda: ONCE_MARK, **load())
            kept = Kept(generation, html)
            shelf.store.put(key, kept)
        return Response(kept.fill(generate_csrf()))
