"""Catalogue search: products by the words typed, name matches first, then SKU, then
description; through PostgreSQL full-text search or SQLite FTS5 (docs/architecture.md)."""
from sqlalchemy import ColumnElement, case, func, inspect, literal_column, select, text

from app.domain.search import Term, fts5_match, search_terms, tsquery
from app.extensions import db
from app.models import Product
from app.pagination import Window, keyset
from app.services.catalog import in_category

SIMPLE = literal_column("'simple'::regconfig")
# Where a product's words matched, best first.
IN_NAME, IN_SKU, IN_DESCRIPTION = 0, 1, 2


def search_page(typed: str, size: int, *, category_id: int | None = None,
                after: int | None = None, before: int | None = None) -> Window:
    """The products with every term of `typed` in their name, SKU or description (the
    last word of a term may start a longer word), `size` at a time after or before the
    product with that id: those with every term in their name first, then in their
    SKU, then the rest, each by name. Nothing typed is search syntax: quotes, `*`, `-`
    or `OR` are words or spaces (app/domain/search.py). No words: no products."""
    terms = search_terms(typed)
    if not terms:
        return Window(items=[], after=None, before=None)
    where = [_matches(Product, terms)]
    if category_id is not None:
        where.append(in_category(category_id))
    return keyset(Product, (lambda p: _rank(p, terms), "name", "id"), size,
                  after=after, before=before, where=where)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _matches(product, terms: list[Term], weight: str = "") -> ColumnElement:
    """PostgreSQL: the product's search vector (migration f1b7d3a9c2e6: name words
    weighted A, SKU B, description C) has the terms, of that weight if one is given.
    SQLite: FTS5 finds the terms (in that column only, for a weight)."""
    if _postgresql():
        return _search_vector(product).op("@@")(func.to_tsquery(SIMPLE, tsquery(terms, weight)))
    column = {"": None, "A": "name", "B": "sku"}[weight]
    return product.id.in_(_fts5_rows(terms, column))


def _rank(product, terms: list[Term]) -> ColumnElement:
    """IN_NAME when every term is in the name, else IN_SKU when every term is in the
    SKU, else IN_DESCRIPTION (the terms are spread across the three)."""
    return case((_matches(product, terms, "A"), IN_NAME),
                (_matches(product, terms, "B"), IN_SKU), else_=IN_DESCRIPTION)


def _search_vector(product) -> ColumnElement:
    """products.search_vector of this entity or alias: a column PostgreSQL computes and
    the models leave out (SQLite has none)."""
    return literal_column(f"{inspect(product).selectable.name}.search_vector")


def _fts5_rows(terms: list[Term], column: str | None = None):
    """The ids of the products FTS5 finds (SQLite), as a subquery run once per query."""
    table = literal_column("products_fts")
    return select(literal_column("rowid")).select_from(text("products_fts")).where(
        table.match(fts5_match(terms, column)))
