"""catalogue search: a full-text index of products' names, SKUs and descriptions

Revision ID: f1b7d3a9c2e6
Revises: e5c8a1f3b7d2
Create Date: 2026-12-04 18:00:00

PostgreSQL: `products.search_vector`, a stored generated tsvector of the name's words
(weight A), the SKU's (B) and the description's (C), with a GIN index. ASCII punctuation
is read as spaces first (PostgreSQL's parser would read "TEA-1" as "tea" and the number
"-1", so "1" would not find it). 'simple' lower-cases words and neither stems nor drops
any: SKUs and names in any language match as written. Stored, not an expression index:
the search ranks name matches first by asking the vector for weight A words, which for
an index on an expression would mean parsing the name of every product found again
(1.5 s for a word in half of 100,000 products, against tens of ms).

SQLite: an FTS5 table, `products_fts`, reading its text from `products` (external
content: the text is not stored twice), kept in step by the triggers below. It splits
words as the PostgreSQL side does for ordinary text (unicode61, accents kept).

A later migration that makes SQLite copy the products table (batch mode) drops these
triggers with it, as it drops the page cache's: create them again there
(tests/integration/test_search.py fails without them).
"""
from alembic import op

revision = 'f1b7d3a9c2e6'
down_revision = 'e5c8a1f3b7d2'
branch_labels = None
depends_on = None

# string.punctuation, each character turned into a space (as the search's own words are).
PUNCTUATION = "'!\"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~'"
SPACES = "'" + " " * 32 + "'"
VECTOR = " || ".join(
    f"setweight(to_tsvector('simple'::regconfig, translate({column}, {PUNCTUATION}, {SPACES})), "
    f"'{weight}')" for column, weight in (("name", "A"), ("sku", "B"), ("description", "C")))

SQLITE_TRIGGERS = {
    "products_fts_inserted": "AFTER INSERT ON products BEGIN "
        "INSERT INTO products_fts (rowid, name, sku, description) "
        "VALUES (NEW.id, NEW.name, NEW.sku, NEW.description); END",
    "products_fts_deleted": "AFTER DELETE ON products BEGIN "
        "INSERT INTO products_fts (products_fts, rowid, name, sku, description) "
        "VALUES ('delete', OLD.id, OLD.name, OLD.sku, OLD.description); END",
    # Only when the words change: stock figures change far more often.
    "products_fts_updated": "AFTER UPDATE OF name, sku, description ON products BEGIN "
        "INSERT INTO products_fts (products_fts, rowid, name, sku, description) "
        "VALUES ('delete', OLD.id, OLD.name, OLD.sku, OLD.description); "
        "INSERT INTO products_fts (rowid, name, sku, description) "
        "VALUES (NEW.id, NEW.name, NEW.sku, NEW.description); END",
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE products ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({VECTOR}) STORED")
        op.execute("CREATE INDEX ix_products_search ON products USING gin (search_vector)")
        return
    op.execute("CREATE VIRTUAL TABLE products_fts USING fts5("
               "name, sku, description, content='products', content_rowid='id', "
               "tokenize='unicode61 remove_diacritics 0')")
    op.execute("INSERT INTO products_fts (products_fts) VALUES ('rebuild')")
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_products_search")
        op.execute("ALTER TABLE products DROP COLUMN search_vector")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE products_fts")
