"""seen chat events (answer each Slack event once)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('seen_events',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('event_key', sa.String(length=255), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'event_key')
    )
    op.create_index(op.f('ix_seen_events_seen_at'), 'seen_events', ['seen_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_seen_events_seen_at'), table_name='seen_events')
    op.drop_table('seen_events')
