"""stripe_events: the Stripe events already applied, so a redelivery changes nothing

Revision ID: c3a1f0d2b7e4
Revises: c4f1a9d2e7b0
Create Date: 2026-12-03 17:55:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'c3a1f0d2b7e4'
down_revision = 'c4f1a9d2e7b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stripe_events',
        sa.Column('id', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=100), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('stripe_events')
