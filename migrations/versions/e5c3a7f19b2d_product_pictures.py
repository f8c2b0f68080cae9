"""product pictures, and emails with an HTML part

Revision ID: e5c3a7f19b2d
Revises: d4b2e1c9a8f6
Create Date: 2026-12-04 17:40:00

`product_pictures`: a product's pictures in order (position 0 is the main one), each
stored as files named by the hash of their content (app/pictures/), with the width and
height of each size for the pages' `<img>`. `products.pictures_version` counts the
changes to a product's pictures: a picture change updates the product's row, so the
page cache's triggers (a7d41c9e0f36) name the product and its kept pages are dropped.
`outbox_emails.html`: the email as HTML, with the items' pictures.

SQLite: columns are added and dropped with ALTER TABLE, never by copying the table
(batch mode would drop the page cache's triggers on products).
"""
from alembic import op
import sqlalchemy as sa

revision = 'e5c3a7f19b2d'
down_revision = 'f1b7d3a9c2e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'product_pictures',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('product_id', sa.Integer(),
                  sa.ForeignKey('products.id', ondelete='CASCADE'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(64), nullable=False),
        sa.Column('alt_text', sa.String(300), nullable=False),
        sa.Column('thumb_width', sa.Integer(), nullable=False),
        sa.Column('thumb_height', sa.Integer(), nullable=False),
        sa.Column('large_width', sa.Integer(), nullable=False),
        sa.Column('large_height', sa.Integer(), nullable=False),
        sa.CheckConstraint('position >= 0', name='picture_position_not_negative'),
    )
    op.create_index('ix_product_pictures_product_position', 'product_pictures',
                    ['product_id', 'position'])
    op.create_index('ix_product_pictures_key', 'product_pictures', ['key'])
    op.add_column('products', sa.Column('pictures_version', sa.Integer(), nullable=False,
                                        server_default='0'))
    op.add_column('outbox_emails', sa.Column('html', sa.Text(), nullable=True))


def downgrade():
    op.execute("ALTER TABLE outbox_emails DROP COLUMN html")
    op.execute("ALTER TABLE products DROP COLUMN pictures_version")
    op.drop_index('ix_product_pictures_key', table_name='product_pictures')
    op.drop_index('ix_product_pictures_product_position', table_name='product_pictures')
    op.drop_table('product_pictures')
