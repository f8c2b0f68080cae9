"""notify the page cache when products or the store settings change (PostgreSQL)

Revision ID: 3c5f0e2a9b41
Revises: 78f1694b57ff
Create Date: 2026-11-27 21:10:00

A statement-level trigger per table sends NOTIFY shop_changed; PostgreSQL delivers it
when the transaction commits (never on a rollback) and folds the repeats of one
transaction into one. Each app process LISTENs and stops serving the pages it kept
(app/page_cache/). SQLite: see a7d41c9e0f36.
"""
from alembic import op

revision = '3c5f0e2a9b41'
down_revision = '78f1694b57ff'
branch_labels = None
depends_on = None

TABLES = ("products", "store_settings")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION notify_shop_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('shop_changed', TG_TABLE_NAME);
            RETURN NULL;
        END $$
    """)
    for table in TABLES:
        op.execute(f"""
            CREATE TRIGGER {table}_changed
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION notify_shop_changed()
        """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_changed ON {table}")
    op.execute("DROP FUNCTION notify_shop_changed()")
