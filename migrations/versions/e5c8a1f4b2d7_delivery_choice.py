"""delivery choice: the Payments tab's switch, and the shopper's choice on the order

Revision ID: e5c8a1f4b2d7
Revises: d4b2e1c9a8f6
Create Date: 2026-12-04 17:45:00

`store_settings.offer_ship_together`: checkout asks `Delivery` when a cart would split
(off until an admin turns it on). `orders.delivery`: what the shopper answered, `Ship
what is in stock now` or `Ship everything together`; empty when checkout did not ask.
"""
from alembic import op
import sqlalchemy as sa

revision = 'e5c8a1f4b2d7'
down_revision = 'd4b2e1c9a8f6'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: on SQLite, batch mode copies store_settings and the
# copy loses the page cache's trigger on it (a settings change would no longer reach the
# other processes' kept pages). SQLite adds and drops these columns in place.
def upgrade():
    op.add_column('store_settings', sa.Column('offer_ship_together', sa.Boolean(),
                                              nullable=False, server_default=sa.false()))
    op.add_column('orders', sa.Column('delivery', sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column('orders', 'delivery')
    op.drop_column('store_settings', 'offer_ship_together')
