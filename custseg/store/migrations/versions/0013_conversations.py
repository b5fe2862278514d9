"""conversation state per person and chat thread (follow-ups)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversations',
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('conversation', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'conversation', 'user_id')
    )
    op.create_index(op.f('ix_conversations_expires_at'), 'conversations', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_conversations_expires_at'), table_name='conversations')
    op.drop_table('conversations')
