"""chart images served by URL (charts in Teams cards)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 02:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chart_images',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('png', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token'),
    sa.UniqueConstraint('sha256', name='uq_chart_images_sha256')
    )
    op.create_index(op.f('ix_chart_images_expires_at'), 'chart_images', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_chart_images_expires_at'), table_name='chart_images')
    op.drop_table('chart_images')
