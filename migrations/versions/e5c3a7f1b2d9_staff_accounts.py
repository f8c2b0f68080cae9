"""staff accounts: deactivation, sign-in times, session versions, set-password links,
and the audit list of changes to accounts

Revision ID: e5c3a7f1b2d9
Revises: d4b2e1c9a8f6
Create Date: 2026-12-04 17:40:00

`users.session_version` is part of the id each signed-in session carries: raising it
signs the account out everywhere. `users.version` refuses a form opened before another
change. `users.password_token_hash` is the SHA-256 of a one-time set-password link's
token. Existing accounts start active, at version 1, with no link.
"""
from alembic import op
import sqlalchemy as sa

revision = 'e5c3a7f1b2d9'
down_revision = 'e5c8a1f4b2d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                   server_default='1'))
        batch.add_column(sa.Column('password_token_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('password_token_expires_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.create_unique_constraint('uq_users_password_token_hash', ['password_token_hash'])
    op.create_table(
        'staff_audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('change', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name='fk_staff_audit_actor_id_users'),
        sa.ForeignKeyConstraint(['target_id'], ['users.id'],
                                name='fk_staff_audit_target_id_users'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_staff_audit_target_id', 'staff_audit', ['target_id'])


def downgrade():
    op.drop_index('ix_staff_audit_target_id', table_name='staff_audit')
    op.drop_table('staff_audit')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('uq_users_password_token_hash', type_='unique')
        batch.drop_column('password_token_expires_at')
        batch.drop_column('password_token_hash')
        batch.drop_column('session_version')
        batch.drop_column('version')
        batch.drop_column('last_sign_in_at')
        batch.drop_column('deactivated_at')
