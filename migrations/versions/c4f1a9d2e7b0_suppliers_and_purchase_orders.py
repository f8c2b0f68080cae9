"""suppliers and purchase orders; a product's supplier, supplier SKU and cost price;
asking shoppers to confirm when a backorder is delayed

Revision ID: c4f1a9d2e7b0
Revises: a7d41c9e0f36
Create Date: 2026-12-03 18:00:00

Purchase orders are numbered from their id (PO1001 is id 1), so no counter row is
shared between staff creating them. The partial index on purchase order lines holds
what is still to come per product: what the promise reads after every change.
"""
from alembic import op
import sqlalchemy as sa

revision = 'c4f1a9d2e7b0'
down_revision = 'a7d41c9e0f36'
branch_labels = None
depends_on = None

PO_STATUSES = ("Draft", "Ordered", "Partly received", "Received", "Cancelled")

# SQLite copies the products table to add its foreign key (batch mode), which drops the
# page cache's triggers on it (a7d41c9e0f36): they are made again, as they were there.
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
}


def _page_cache_triggers_again():
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def upgrade():
    op.create_table(
        'suppliers',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(200), nullable=False, unique=True),
        sa.Column('email', sa.String(254), nullable=False),
        sa.Column('lead_time_days', sa.Integer(), nullable=False),
        sa.CheckConstraint('lead_time_days >= 0', name='lead_time_not_negative'),
    )
    op.create_table(
        'purchase_orders',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('supplier_id', sa.Integer(), sa.ForeignKey('suppliers.id'), nullable=False),
        sa.Column('status', sa.Enum(*PO_STATUSES, name='postatus', native_enum=False,
                                    length=32), nullable=False),
        sa.Column('expected_date', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_purchase_orders_supplier_id', 'purchase_orders', ['supplier_id'])
    op.create_index('ix_purchase_orders_status_id', 'purchase_orders', ['status', 'id'])
    op.create_table(
        'purchase_order_lines',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('purchase_order_id', sa.Integer(), sa.ForeignKey('purchase_orders.id'),
                  nullable=False),
        sa.Column('product_id', sa.Integer(), sa.ForeignKey('products.id'), nullable=False),
        sa.Column('sku', sa.String(64), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('unit_cost', sa.Numeric(12, 2), nullable=False),
        sa.Column('closed', sa.Boolean(), nullable=False),
        sa.CheckConstraint('quantity > 0', name='po_quantity_positive'),
        sa.CheckConstraint('received >= 0 AND received <= quantity',
                           name='received_within_quantity'),
        sa.CheckConstraint('unit_cost >= 0', name='unit_cost_not_negative'),
    )
    op.create_index('ix_purchase_order_lines_purchase_order_id', 'purchase_order_lines',
                    ['purchase_order_id'])
    op.create_index('ix_purchase_order_lines_open', 'purchase_order_lines',
                    ['product_id', 'purchase_order_id'],
                    sqlite_where=sa.text('received < quantity AND NOT closed'),
                    postgresql_where=sa.text('received < quantity AND NOT closed'))
    with op.batch_alter_table('products') as batch:
        batch.add_column(sa.Column('supplier_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('supplier_sku', sa.String(64), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('cost_price', sa.Numeric(12, 2), nullable=True))
        batch.create_foreign_key('fk_products_supplier_id', 'suppliers', ['supplier_id'], ['id'])
        batch.create_index('ix_products_supplier_id', ['supplier_id'])
    with op.batch_alter_table('store_settings') as batch:
        batch.add_column(sa.Column('ask_delay_confirmation', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('awaiting_answer', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    _page_cache_triggers_again()


def downgrade():
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('awaiting_answer')
    with op.batch_alter_table('store_settings') as batch:
        batch.drop_column('ask_delay_confirmation')
    with op.batch_alter_table('products') as batch:
        batch.drop_index('ix_products_supplier_id')
        batch.drop_constraint('fk_products_supplier_id', type_='foreignkey')
        batch.drop_column('cost_price')
        batch.drop_column('supplier_sku')
        batch.drop_column('supplier_id')
    op.drop_index('ix_purchase_order_lines_open', 'purchase_order_lines')
    op.drop_index('ix_purchase_order_lines_purchase_order_id', 'purchase_order_lines')
    op.drop_table('purchase_order_lines')
    op.drop_index('ix_purchase_orders_status_id', 'purchase_orders')
    op.drop_index('ix_purchase_orders_supplier_id', 'purchase_orders')
    op.drop_table('purchase_orders')
    op.drop_table('suppliers')
    _page_cache_triggers_again()
