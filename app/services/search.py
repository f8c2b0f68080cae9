"""Catalogue search: products by the words typed, name matches first, then SKU, then
description; through PostgreSQL full-text search or SQLite FTS5 (docs/architecture.md)."""
import string

from sqlalchemy import ColumnElement, case, func, literal_column, select, text

from app.domain.search import Term, fts5_match, search_terms, tsquery
from app.extensions import db
from app.models import Product
from app.pagination import Window, keyset
from app.services.catalog import in_category

SIMPLE = literal_column("'simple'::regconfig")
SPACE = literal_column("' '")
# ASCII punctuation read as spaces before PostgreSQL's parser reads the words (it would
# read "TEA-1" as "tea" and the number -1); as in the index of migration f1b7d3a9c2e6.
PUNCTUATION = literal_column("'" + string.punctuation.replace("'", "''") + "'")
SPACES = literal_column("'" + " " * len(string.punctuation) + "'")
# Where a product's words matched, best first.
IN_NAME, IN_SKU, IN_DESCRIPTION = 0, 1, 2


def search_page(typed: str, size: int, *, category_id: int | None = None,
                after: int | None = None, before: int | None = None) -> Window:
    """The products with every word of `typed` in their name, SKU or description (a
    word, or the start of one), `size` at a time after or before the product with that
    id: those with all the words in their name first, then in their SKU, then the rest,
    each by name. Nothing typed is search syntax: quotes, `*`, `-` or `OR` are words or
    spaces (app/domain/search.py). No words: no products."""
    words = search_terms(typed)
    if not words:
        return Window(items=[], after=None, before=None)
    where = [_matches(words)]
    if category_id is not None:
        where.append(in_category(category_id))
    return keyset(Product, (lambda p: _rank(p, words), "name", "id"), size,
                  after=after, before=before, where=where)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _matches(words: list[Term]) -> ColumnElement:
    if _postgresql():
        # The expression of the GIN index ix_products_search, written the same way.
        text_ = (Product.name.op("||")(SPACE).op("||")(Product.sku).op("||")(SPACE)
                 .op("||")(Product.description))
        return _words(text_).op("@@")(func.to_tsquery(SIMPLE, tsquery(words)))
    return Product.id.in_(_fts5_rows(words))


def _rank(product, words: list[Term]) -> ColumnElement:
    """IN_NAME when every word is in the name, else IN_SKU when every word is in the
    SKU, else IN_DESCRIPTION (the words are somewhere across the three)."""
    if _postgresql():
        query = func.to_tsquery(SIMPLE, tsquery(words))
        in_name = _words(product.name).op("@@")(query)
        in_sku = _words(product.sku).op("@@")(query)
    else:
        in_name = product.id.in_(_fts5_rows(words, "name"))
        in_sku = product.id.in_(_fts5_rows(words, "sku"))
    return case((in_name, IN_NAME), (in_sku, IN_SKU), else_=IN_DESCRIPTION)


def _words(text_: ColumnElement) -> ColumnElement:
    """PostgreSQL: the words of a text as a tsvector, punctuation read as spaces."""
    return func.to_tsvector(SIMPLE, func.translate(text_, PUNCTUATION, SPACES))


def _fts5_rows(words: list[Term], column: str | None = None):
    """The ids of the products FTS5 finds (SQLite), as a subquery run once per query."""
    table = literal_column("products_fts")
    return select(literal_column("rowid")).select_from(text("products_fts")).where(
        table.match(fts5_match(words, column)))
