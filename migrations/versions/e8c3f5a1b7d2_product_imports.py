"""product imports: a CSV file kept between its preview and its import

Revision ID: e8c3f5a1b7d2
Revises: e5c3a7b9d1f2
Create Date: 2026-12-04 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e8c3f5a1b7d2'
down_revision = 'e5c3a7b9d1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product_imports',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('plan_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token')
    )
    with op.batch_alter_table('product_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_imports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('product_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_imports_user_id'))
    op.drop_table('product_imports')
