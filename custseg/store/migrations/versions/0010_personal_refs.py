"""personal chats by user: conversation_refs.user_id and aad_object_id

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 02:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('conversation_refs', sa.Column('user_id', sa.String(length=255), nullable=True))
    op.add_column('conversation_refs', sa.Column('aad_object_id', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_conversation_refs_user_id'), 'conversation_refs', ['user_id'], unique=False)
    op.create_index(
        op.f('ix_conversation_refs_aad_object_id'), 'conversation_refs', ['aad_object_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_conversation_refs_aad_object_id'), table_name='conversation_refs')
    op.drop_index(op.f('ix_conversation_refs_user_id'), table_name='conversation_refs')
    with op.batch_alter_table('conversation_refs') as batch:
        batch.drop_column('aad_object_id')
        batch.drop_column('user_id')
