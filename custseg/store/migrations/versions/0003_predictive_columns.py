"""predictive columns per snapshot customer: p_alive, expected purchases, next order, order value, clv

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 01:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('snapshot_customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('p_alive', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('expected_purchases', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('expected_next_order', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('expected_order_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('clv', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('snapshot_customers', schema=None) as batch_op:
        batch_op.drop_column('clv')
        batch_op.drop_column('expected_order_value')
        batch_op.drop_column('expected_next_order')
        batch_op.drop_column('expected_purchases')
        batch_op.drop_column('p_alive')
