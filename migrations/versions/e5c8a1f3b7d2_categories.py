"""categories, and which products are in them

Revision ID: e5c8a1f3b7d2
Revises: d4b2e1c9a8f6
Create Date: 2026-12-04 17:40:00

A category has a unique name and a unique slug (its name in links, /?category=<slug>).
`product_categories` pairs products and categories; its second index serves the
catalogue's category filter (the products of one category, by product).
"""
from alembic import op
import sqlalchemy as sa

revision = 'e5c8a1f3b7d2'
down_revision = 'd4b2e1c9a8f6'
branch_labels = None
depends_on = None


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


def downgrade():
    op.drop_index('ix_product_categories_category_id_product_id',
                  table_name='product_categories')
    op.drop_table('product_categories')
    op.drop_table('categories')
