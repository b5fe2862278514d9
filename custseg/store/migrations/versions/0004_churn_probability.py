"""churn probability per snapshot customer

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:15:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('snapshot_customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('churn_probability', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('snapshot_customers', schema=None) as batch_op:
        batch_op.drop_column('churn_probability')
