"""win-back actions: suggestions and their append-only audit log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

APPEND_ONLY = "the action audit log is append-only: transitions are recorded, never changed or removed"


def upgrade() -> None:
    op.create_table('action_suggestions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('customer_name', sa.String(length=255), nullable=True),
    sa.Column('owner', sa.String(length=128), nullable=True),
    sa.Column('playbook', sa.String(length=64), nullable=False),
    sa.Column('task', sa.String(length=255), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('value_at_stake', sa.Float(), nullable=False),
    sa.Column('value_basis', sa.String(length=16), nullable=False),
    sa.Column('expected_value', sa.Float(), nullable=False),
    sa.Column('snapshot_as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('open_slot', sa.Boolean(), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id', 'playbook', 'open_slot', name='uq_action_open_per_play')
    )
    with op.batch_alter_table('action_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_suggestions_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_suggestions_state'), ['state'], unique=False)

    op.create_table('action_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=True),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['suggestion_id'], ['action_suggestions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_audit_suggestion_id'), ['suggestion_id'], unique=False)

    # The audit log must stay what happened: the database itself refuses edits, whoever asks.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION action_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER action_audit_append_only BEFORE UPDATE OR DELETE ON action_audit "
            "FOR EACH ROW EXECUTE FUNCTION action_audit_append_only()"
        )
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER action_audit_no_{verb.lower()} BEFORE {verb} ON action_audit "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS action_audit_append_only ON action_audit")
        op.execute("DROP FUNCTION IF EXISTS action_audit_append_only()")
    with op.batch_alter_table('action_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_audit_suggestion_id'))
    op.drop_table('action_audit')
    with op.batch_alter_table('action_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_suggestions_state'))
        batch_op.drop_index(batch_op.f('ix_action_suggestions_customer_id'))
    op.drop_table('action_suggestions')
