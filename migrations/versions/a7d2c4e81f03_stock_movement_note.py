"""stock ledger: the reason staff gave for an adjustment gets a column of its own

Revision ID: a7d2c4e81f03
Revises: 3c5f0e2a9b41
Create Date: 2026-12-03 17:00:00

Until now an adjustment's reason was kept in `reference`, the column for a delivery's
reference, and the product page showed it as one. The existing adjustments move their
text across; allocations that a stock adjustment made cannot be told apart from those
of a receipt and keep theirs.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a7d2c4e81f03'
down_revision = '3c5f0e2a9b41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stock_movements") as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=100), nullable=False,
                                      server_default=""))
    op.execute("UPDATE stock_movements SET note = reference, reference = '' "
               "WHERE reason = 'adjustment'")


def downgrade():
    op.execute("UPDATE stock_movements SET reference = note "
               "WHERE reason = 'adjustment' AND reference = ''")
    with op.batch_alter_table("stock_movements") as batch_op:
        batch_op.drop_column("note")
