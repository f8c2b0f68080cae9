"""card payments: the Payments tab's setting, and the card saved for an order

Revision ID: d4b2e1c9a8f6
Revises: c3a1f0d2b7e4
Create Date: 2026-12-03 17:50:00

`store_settings.charge_backorders`: `At checkout` or `When they ship`.
`orders.stripe_customer` / `stripe_payment_method`: Stripe's ids of the card saved for
that order (no card data); `orders.payment_problem`: why a charge failed, until paid.
"""
from alembic import op
import sqlalchemy as sa

revision = 'd4b2e1c9a8f6'
down_revision = 'c3a1f0d2b7e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('store_settings') as batch:
        batch.add_column(sa.Column('charge_backorders', sa.String(length=20), nullable=False,
                                   server_default='When they ship'))
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('stripe_customer', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('stripe_payment_method', sa.String(length=255),
                                   nullable=True))
        batch.add_column(sa.Column('payment_problem', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('payment_problem')
        batch.drop_column('stripe_payment_method')
        batch.drop_column('stripe_customer')
    with op.batch_alter_table('store_settings') as batch:
        batch.drop_column('charge_backorders')
