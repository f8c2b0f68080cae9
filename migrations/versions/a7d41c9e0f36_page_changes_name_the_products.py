"""the page cache learns which products changed, on PostgreSQL and SQLite

Revision ID: a7d41c9e0f36
Revises: a7d2c4e9f310
Create Date: 2026-12-03 17:00:00

Each process keeps rendered storefront pages and drops only those showing a product
that changed (app/page_cache/). The triggers here name the products, as comma-separated
words: "12" when product 12's row changed, "+12" when it was added, removed or renamed
(which products a catalogue page lists, and in which order). Anything else means
everything: the store settings (the trigger of 3c5f0e2a9b41 stays), a TRUNCATE, or more
products than a notification holds.

PostgreSQL: statement-level triggers with transition tables replace the products
trigger of 3c5f0e2a9b41 and send the words in NOTIFY shop_changed, on commit.

SQLite: row triggers append to `page_changes`, which each process reads from the last
row it saw when PRAGMA data_version moves; a NULL product means everything. The table
keeps its last 10,000 rows. A later migration that makes SQLite copy the products or
store_settings table (batch mode) drops these triggers with it: create them again there
(tests/web/test_page_cache.py fails without them).
"""
from alembic import op

revision = 'a7d41c9e0f36'
down_revision = 'a7d2c4e9f310'
branch_labels = None
depends_on = None

KEEP = 10_000  # change-log rows kept (SQLite)
MAX_PAYLOAD = 7_000  # NOTIFY payloads stop at 8,000 bytes: past this, "everything"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_up()
    else:
        _sqlite_up()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_down()
    else:
        _sqlite_down()


def _postgresql_up():
    op.execute("DROP TRIGGER products_changed ON products")
    op.execute(f"""
        CREATE FUNCTION notify_products_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            words text;
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                SELECT string_agg(CASE WHEN o.id IS NULL OR o.name IS DISTINCT FROM n.name
                                       THEN '+' ELSE '' END || n.id, ',')
                  INTO words FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id;
            ELSIF TG_OP = 'INSERT' THEN
                SELECT string_agg('+' || id, ',') INTO words FROM new_rows;
            ELSE
                SELECT string_agg('+' || id, ',') INTO words FROM old_rows;
            END IF;
            IF words IS NULL THEN
                RETURN NULL;  -- a statement that touched no row
            END IF;
            IF length(words) > {MAX_PAYLOAD} THEN
                words := 'everything';
            END IF;
            PERFORM pg_notify('shop_changed', words);
            RETURN NULL;
        END $$
    """)
    op.execute("""CREATE TRIGGER products_inserted AFTER INSERT ON products
                  REFERENCING NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_products_changed()""")
    op.execute("""CREATE TRIGGER products_updated AFTER UPDATE ON products
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_products_changed()""")
    op.execute("""CREATE TRIGGER products_deleted AFTER DELETE ON products
                  REFERENCING OLD TABLE AS old_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_products_changed()""")
    # The function of 3c5f0e2a9b41 sends the table's name: everything.
    op.execute("""CREATE TRIGGER products_truncated AFTER TRUNCATE ON products
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_shop_changed()""")


def _postgresql_down():
    for trigger in ("inserted", "updated", "deleted", "truncated"):
        op.execute(f"DROP TRIGGER products_{trigger} ON products")
    op.execute("DROP FUNCTION notify_products_changed()")
    op.execute("""CREATE TRIGGER products_changed
                  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_shop_changed()""")


SQLITE_TRIGGERS = {
    "products_inserted": "AFTER INSERT ON products BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NEW.id, 1); END",
    "products_updated": "AFTER UPDATE ON products BEGIN "
        "INSERT INTO page_changes (product_id, listed) "
        "VALUES (NEW.id, OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name); END",
    "products_deleted": "AFTER DELETE ON products BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (OLD.id, 1); END",
    "store_settings_inserted": "AFTER INSERT ON store_settings BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NULL, 1); END",
    "store_settings_updated": "AFTER UPDATE ON store_settings BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NULL, 1); END",
    "store_settings_deleted": "AFTER DELETE ON store_settings BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NULL, 1); END",
    "page_changes_pruned": "AFTER INSERT ON page_changes BEGIN "
        f"DELETE FROM page_changes WHERE id <= NEW.id - {KEEP}; END",
}


def _sqlite_up():
    op.execute("""CREATE TABLE page_changes (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      product_id INTEGER,
                      listed BOOLEAN NOT NULL)""")
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def _sqlite_down():
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE page_changes")
