"""categories, and which products are in them

Revision ID: e5c8a1f3b7d2
Revises: d4b2e1c9a8f6
Create Date: 2026-12-04 17:40:00

A category has a unique name and a unique slug (its name in links, /?category=<slug>).
`product_categories` pairs products and categories; its second index serves the
catalogue's category filter (the products of one category, by product).

The page cache (app/page_cache/, migration a7d41c9e0f36) learns of both tables: a
product put in or taken out of a category counts as that product listed anew ("+12":
every kept page listing products is dropped); any change to the categories themselves
(one added or renamed, which every catalogue page's links show) counts as everything.
"""
from alembic import op
import sqlalchemy as sa

revision = 'e5c8a1f3b7d2'
down_revision = 'd4b2e1c9a8f6'
branch_labels = None
depends_on = None

MAX_PAYLOAD = 7_000  # NOTIFY payloads stop at 8,000 bytes: past this, "everything"

SQLITE_TRIGGERS = {
    "product_categories_inserted": "AFTER INSERT ON product_categories BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NEW.product_id, 1); END",
    "product_categories_deleted": "AFTER DELETE ON product_categories BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (OLD.product_id, 1); END",
    "categories_inserted": "AFTER INSERT ON categories BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NULL, 1); END",
    "categories_updated": "AFTER UPDATE ON categories BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NULL, 1); END",
    "categories_deleted": "AFTER DELETE ON categories BEGIN "
        "INSERT INTO page_changes (product_id, listed) VALUES (NULL, 1); END",
}


def upgrade():
    op.create_table(
        'categories',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(100), nullable=False, unique=True),
        sa.Column('slug', sa.String(120), nullable=False, unique=True),
    )
    op.create_table(
        'product_categories',
        sa.Column('product_id', sa.Integer(),
                  sa.ForeignKey('products.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('category_id', sa.Integer(),
                  sa.ForeignKey('categories.id', ondelete='CASCADE'), primary_key=True),
    )
    op.create_index('ix_product_categories_category_id_product_id', 'product_categories',
                    ['category_id', 'product_id'])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_up()
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_down()
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_product_categories_category_id_product_id',
                  table_name='product_categories')
    op.drop_table('product_categories')
    op.drop_table('categories')


def _postgresql_up():
    op.execute(f"""
        CREATE FUNCTION notify_product_categories_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            words text;
        BEGIN
            IF TG_OP = 'DELETE' THEN
                SELECT string_agg(DISTINCT '+' || product_id, ',') INTO words FROM old_rows;
            ELSE
                SELECT string_agg(DISTINCT '+' || product_id, ',') INTO words FROM new_rows;
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
    op.execute("""CREATE TRIGGER product_categories_inserted AFTER INSERT ON product_categories
                  REFERENCING NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_product_categories_changed()""")
    op.execute("""CREATE TRIGGER product_categories_deleted AFTER DELETE ON product_categories
                  REFERENCING OLD TABLE AS old_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_product_categories_changed()""")
    # The function of 3c5f0e2a9b41 sends the table's name: everything.
    op.execute("""CREATE TRIGGER product_categories_changed
                  AFTER UPDATE OR TRUNCATE ON product_categories
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_shop_changed()""")
    op.execute("""CREATE TRIGGER categories_changed
                  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
                  FOR EACH STATEMENT EXECUTE FUNCTION notify_shop_changed()""")


def _postgresql_down():
    for trigger in ("inserted", "deleted", "changed"):
        op.execute(f"DROP TRIGGER product_categories_{trigger} ON product_categories")
    op.execute("DROP TRIGGER categories_changed ON categories")
    op.execute("DROP FUNCTION notify_product_categories_changed()")
