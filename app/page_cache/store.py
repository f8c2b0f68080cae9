"""The kept pages of one process: the most recently used, up to a size, each dropped
as soon as a product it shows looks different.

Which pages a change drops: the pages showing a product whose face (what a page shows
of it) is not the one they were rendered with; every page that lists products when
one is added, removed or renamed (the catalogue's order); every page when anything
else changes (the settings). A page whose rendering overlapped a change to what it
shows is served but not kept: its data may predate the change.
"""
import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable, Mapping

from app.page_cache.fill import Kept

MAX_TOUCHED = 50_000  # products remembered as changed; past it, as if everything changed


class Store:
    """Kept pages by key, least recently used dropped first; safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[Hashable, Kept] = OrderedDict()
        self._showing: dict[int, set[Hashable]] = {}  # product id -> keys of its pages
        self._listing: set[Hashable] = set()
        self._lock = threading.Lock()
        # Changes are numbered; a rendering notes the number it started at (mark()).
        self._number = 0
        self._touched: dict[int, int] = {}  # product id -> its last change's number
        self._listed_at = 0                  # the last addition, removal or rename
        self._everything_at = 0              # the last change to everything

    def mark(self) -> int:
        """The number of the last change learnt: pass it to put() after rendering."""
        return self._number

    def get(self, key: Hashable) -> Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
            return kept

    def put(self, key: Hashable, kept: Kept, since: int) -> bool:
        """Keep `kept`, rendered from data read after change number `since`, unless a
        change learnt since then touches what it shows."""
        with self._lock:
            if (self._everything_at > since or (kept.lists and self._listed_at > since)
                    or any(self._touched.get(pid, 0) > since for pid in kept.faces)):
                return False
            self._drop(key)
            self._pages[key] = kept
            for pid in kept.faces:
                self._showing.setdefault(pid, set()).add(key)
            if kept.lists:
                self._listing.add(key)
            while len(self._pages) > self.size:
                self._drop(next(iter(self._pages)))
            return True

    def touch(self, product_ids: Collection[int], listed: bool = False) -> None:
        """These products changed (and, if `listed`, which products are listed): no
        rendering in flight keeps a page of them; pages listing products are dropped."""
        with self._lock:
            self._number += 1
            if len(self._touched) + len(product_ids) > MAX_TOUCHED:
                self._touched.clear()
                self._everything_at = self._number
            for pid in product_ids:
                self._touched[pid] = self._number
            if listed:
                self._listed_at = self._number
                for key in list(self._listing):
                    self._drop(key)

    def settle(self, faces: Mapping[int, Hashable | None]) -> int:
        """Drop the pages showing a product whose face is not `faces[id]` (None: the
        product is gone). Returns how many pages were dropped."""
        dropped = 0
        with self._lock:
            for pid, face in faces.items():
                for key in list(self._showing.get(pid, ())):
                    kept = self._pages.get(key)
                    if kept is not None and (face is None or kept.faces.get(pid) != face):
                        self._drop(key)
                        dropped += 1
        return dropped

    def clear(self) -> None:
        """Everything changed: drop every page, and keep none rendering now."""
        with self._lock:
            self._number += 1
            self._everything_at = self._number
            self._touched.clear()
            for key in list(self._pages):
                self._drop(key)

    def pages(self) -> list[Kept]:
        """The pages kept, least recently used first."""
        with self._lock:
            return list(self._pages.values())

    def keys(self) -> list[Hashable]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._pages)

    def _drop(self, key: Hashable) -> None:
        kept = self._pages.pop(key, None)
        if kept is None:
            return
        for pid in kept.faces:
            keys = self._showing.get(pid)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._showing[pid]
        self._listing.discard(key)
