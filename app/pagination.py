"""Pagination helpers for every list: no COUNT over the whole table per view.

`paginate` numbers pages (OFFSET: each page costs more the deeper it is; the staff
lists, where page numbers help). `keyset` reads the rows after or before a given row
(each page costs the same however deep: the catalogue).
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select, tuple_
from sqlalchemy.orm import aliased

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


def paginate(stmt: Select, number: int, size: int, *, rows: bool = False) -> Page:
    """Fetch one page of `stmt` (its entities, or its rows of columns with rows=True),
    asking for one row more to know if a next page exists."""
    number = min(max(number, 1), MAX_PAGE)
    page = stmt.limit(size + 1).offset((number - 1) * size)
    found = list(db.session.execute(page) if rows else db.session.scalars(page))
    return Page(items=found[:size], number=number, has_next=len(found) > size)


@dataclass(frozen=True)
class Window:
    """One page of a keyset list, with the ids to ask for its neighbours by."""

    items: list[Any]
    after: int | None   # ?after=<this id> is the next page; None: this is the last
    before: int | None  # ?before=<this id> is the previous page; None: this is the first


OrderTerm = str | Callable[[Any], ColumnElement]


def keyset(entity: type, order_by: Sequence[OrderTerm], size: int, *, after: int | None = None,
           before: int | None = None, where: Sequence[ColumnElement] = ()) -> Window:
    """The `size` rows of `entity` in `order_by` order (which must end with the unique
    `id`) just after the row with id `after`, or just before the row with id `before`.
    One query, one index range scan, at any depth; an id that is not there gives the
    first page.

    An `order_by` term is a column's name, or a function that makes the expression to
    order by from the entity (or from the alias the cursor's row is read through: a
    search's rank). `where` keeps only the rows that match (a category, a search)."""
    def terms(of) -> list[ColumnElement]:
        return [getattr(of, term) if isinstance(term, str) else term(of) for term in order_by]

    columns = terms(entity)
    cursor = after if after is not None else before
    backwards = after is None and before is not None
    stmt = select(entity).where(*where)
    if cursor is not None:
        anchor = aliased(entity, name="anchor")
        cut = select(*terms(anchor)).where(anchor.id == cursor).scalar_subquery()
        stmt = stmt.where(tuple_(*columns) < cut if backwards else tuple_(*columns) > cut)
    stmt = stmt.order_by(*(c.desc() for c in columns) if backwards else columns)
    rows = list(db.session.scalars(stmt.limit(size + 1)))
    if not rows and cursor is not None:
        return keyset(entity, order_by, size, where=where)
    more, rows = len(rows) > size, rows[:size]
    if backwards:
        rows.reverse()
    has_prev, has_next = (more, True) if backwards else (cursor is not None, more)
    return Window(items=rows, after=rows[-1].id if has_next and rows else None,
                  before=rows[0].id if has_prev and rows else None)
