"""The kept pages of one process: the most recently used, up to a size."""
import threading
from collections import OrderedDict
from collections.abc import Hashable

from app.page_cache.fill import Kept


class Store:
    """Kept pages by key, least recently used dropped first; safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[Hashable, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: int) -> Kept | None:
        """The page kept under `key`, if it was rendered at `generation`."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is None or kept.generation != generation:
                return None
            self._pages.move_to_end(key)
            return kept

    def put(self, key: Hashable, kept: Kept) -> None:
        with self._lock:
            self._pages[key] = kept
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def keys(self) -> list[Hashable]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
