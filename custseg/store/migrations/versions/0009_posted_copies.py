"""posted copies of messages with suggestion buttons; outbox updates

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 14:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posted_copies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=255), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('reply', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'channel_id', 'message_id', name='uq_posted_copy_message')
    )
    op.create_table('posted_copy_suggestions',
    sa.Column('copy_id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['copy_id'], ['posted_copies.id'], ),
    sa.ForeignKeyConstraint(['suggestion_id'], ['action_suggestions.id'], ),
    sa.PrimaryKeyConstraint('copy_id', 'suggestion_id')
    )
    op.create_index(op.f('ix_posted_copy_suggestions_suggestion_id'), 'posted_copy_suggestions', ['suggestion_id'], unique=False)
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=8), nullable=False, server_default='post'))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('kind')
    op.drop_index(op.f('ix_posted_copy_suggestions_suggestion_id'), table_name='posted_copy_suggestions')
    op.drop_table('posted_copy_suggestions')
    op.drop_table('posted_copies')
