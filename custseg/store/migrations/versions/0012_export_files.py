"""exported files served by a short-lived link (exports in Teams)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('export_files',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    op.create_index(op.f('ix_export_files_expires_at'), 'export_files', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_export_files_expires_at'), table_name='export_files')
    op.drop_table('export_files')
