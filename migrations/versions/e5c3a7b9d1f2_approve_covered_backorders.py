"""backorders approved by the purchase orders covering them; the date of a product's
first incoming unit not yet promised

Revision ID: e5c3a7b9d1f2
Revises: e5c3a7f19b2d
Create Date: 2026-12-04 17:40:00

`store_settings.approve_covered`: `Approve backorders covered by a purchase order`.
`orders.approved_by_po`: the backorder was approved by that rule (not by staff), so it
moves back to New Backorder if the purchase orders stop covering it.
`products.incoming_date`: the expected date of the first unit on its way that no waiting
line is promised (what the product page shows), filled here for the POs already on
their way.
"""
from alembic import op
import sqlalchemy as sa

revision = 'e5c3a7b9d1f2'
down_revision = 'e5c3a7f19b2d'
branch_labels = None
depends_on = None

INCOMING = ('Ordered', 'Partly received')


def upgrade():
    # Plain ADD COLUMNs, never a copy of the table (which SQLite's batch mode may make, for
    # a default given as an expression such as sa.false()): the page cache's triggers on
    # products and store_settings stay as they are. '0' reads as false on both databases.
    op.add_column('store_settings', sa.Column('approve_covered', sa.Boolean(), nullable=False,
                                              server_default='0'))
    op.add_column('orders', sa.Column('approved_by_po', sa.Boolean(), nullable=False,
                                      server_default='0'))
    op.add_column('products', sa.Column('incoming_date', sa.Date(), nullable=True))
    _fill_incoming_dates()


def _fill_incoming_dates():
    """Each product's first incoming unit past the units already waiting (as the app's
    `arrival_for(waiting, 1, incoming)` counts them)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT l.product_id, p.waiting, o.expected_date, l.quantity - l.received AS units "
        "FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id "
        "JOIN products p ON p.id = l.product_id "
        "WHERE o.status IN :incoming AND l.received < l.quantity AND NOT l.closed "
        "ORDER BY l.product_id, o.expected_date, o.id")
        .bindparams(sa.bindparam('incoming', expanding=True))
        # SQLite hands dates back as text unless told the column's type.
        .columns(sa.column('product_id', sa.Integer), sa.column('waiting', sa.Integer),
                 sa.column('expected_date', sa.Date), sa.column('units', sa.Integer)),
        {'incoming': list(INCOMING)})
    dates, passed = {}, {}
    for product_id, waiting, expected, units in rows:
        if product_id in dates:
            continue
        passed[product_id] = passed.get(product_id, 0) + units
        if passed[product_id] > waiting:
            dates[product_id] = expected
    products = sa.table('products', sa.column('id', sa.Integer),
                        sa.column('incoming_date', sa.Date))
    for product_id, expected in dates.items():
        bind.execute(products.update().where(products.c.id == product_id)
                     .values(incoming_date=expected))


def downgrade():
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), not batch mode's copy of the
    # table, for the same reason: the triggers stay.
    op.drop_column('products', 'incoming_date')
    op.drop_column('orders', 'approved_by_po')
    op.drop_column('store_settings', 'approve_covered')
