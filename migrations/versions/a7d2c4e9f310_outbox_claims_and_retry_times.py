"""outbox: a claim per send and the time of the next try

Revision ID: a7d2c4e9f310
Revises: a7d2c4e81f03
Create Date: 2026-12-03 17:00:00

`claimed_until`: a sender claims an email with a conditional UPDATE before it
talks to SMTP, so two senders (threads or processes, on SQLite as on PostgreSQL)
never send it twice, and no transaction stays open while SMTP answers. A sender
that dies mid-send leaves a claim that lapses, and the email is tried again.
`next_attempt_at`: after a failure the background sender waits longer each time
before it tries again, so an SMTP outage does not use up every attempt at once.
"""
from alembic import op
import sqlalchemy as sa

revision = 'a7d2c4e9f310'
down_revision = 'a7d2c4e81f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_emails') as batch:
        batch.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_emails') as batch:
        batch.drop_column('next_attempt_at')
        batch.drop_column('claimed_until')
