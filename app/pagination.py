"""One pagination helper for every list: no COUNT over the whole table per view."""
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from app.extensions import db

MAX_PAGE = 10_000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def paginate(stmt: Select, number: int, size: int) -> Page:
    """Fetch one page of `stmt`, asking for one row more to know if a next page exists."""
    number = min(max(number, 1), MAX_PAGE)
    rows = list(db.session.scalars(stmt.limit(size + 1).offset((number - 1) * size)))
    return Page(items=rows[:size], number=number, has_next=len(rows) > size)
