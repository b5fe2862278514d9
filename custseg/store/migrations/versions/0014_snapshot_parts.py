"""snapshots stored as Parquet parts (snapshot_parts) instead of one row per customer

Every stored snapshot is moved over, so an upgraded store keeps its history and has one read path.
The column list and types are frozen here as they were at this revision (the application's own
``custseg.snapshot.columns`` may grow later; readers fill columns an old part lacks).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:30:00.000000
"""

import io
from typing import Any

from alembic import op
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

PART_ROWS = 250_000

# (name, Arrow type, SQL type of snapshot_customers, nullable) as of revision 0013.
_COLUMNS: list[tuple[str, pa.DataType, sa.types.TypeEngine[Any], bool]] = [
    ('customer_id', pa.string(), sa.String(64), False),
    ('name', pa.string(), sa.String(255), True),
    ('owner', pa.string(), sa.String(128), True),
    ('region', pa.string(), sa.String(128), True),
    ('first_order', pa.date32(), sa.Date(), False),
    ('last_order', pa.date32(), sa.Date(), False),
    ('recency_days', pa.int32(), sa.Integer(), False),
    ('tenure_days', pa.int32(), sa.Integer(), False),
    ('frequency', pa.int32(), sa.Integer(), False),
    ('revenue', pa.float64(), sa.Float(), False),
    ('avg_order_value', pa.float64(), sa.Float(), False),
    ('returns', pa.float64(), sa.Float(), False),
    ('revenue_90d', pa.float64(), sa.Float(), False),
    ('revenue_prev_90d', pa.float64(), sa.Float(), False),
    ('trend_90d', pa.float64(), sa.Float(), True),
    ('typical_gap_days', pa.float64(), sa.Float(), False),
    ('gap_basis', pa.string(), sa.String(16), False),
    ('overdue_ratio', pa.float64(), sa.Float(), False),
    ('r_score', pa.int32(), sa.Integer(), False),
    ('f_score', pa.int32(), sa.Integer(), False),
    ('m_score', pa.int32(), sa.Integer(), False),
    ('segment', pa.string(), sa.String(32), False),
    ('value_tier', pa.string(), sa.String(16), False),
    ('lifecycle', pa.string(), sa.String(16), False),
    ('lifecycle_reason', pa.string(), sa.String(32), False),
    ('churn_risk', pa.string(), sa.String(16), False),
    ('churn_probability', pa.float64(), sa.Float(), True),
    ('key_account', pa.bool_(), sa.Boolean(), False),
    ('key_account_misses', pa.int32(), sa.Integer(), False),
    ('p_alive', pa.float64(), sa.Float(), True),
    ('expected_purchases', pa.float64(), sa.Float(), True),
    ('expected_next_order', pa.date32(), sa.Date(), True),
    ('expected_order_value', pa.float64(), sa.Float(), True),
    ('clv', pa.float64(), sa.Float(), True),
]
_SCHEMA = pa.schema([pa.field(n, t, nullable=null) for n, t, _, null in _COLUMNS])

_rows = sa.table(
    'snapshot_customers',
    sa.column('snapshot_id', sa.Integer()),
    *[sa.column(n, s) for n, _, s, _ in _COLUMNS],
)
_parts = sa.table(
    'snapshot_parts',
    sa.column('snapshot_id', sa.Integer()),
    sa.column('part', sa.Integer()),
    sa.column('n_rows', sa.Integer()),
    sa.column('payload', sa.LargeBinary()),
)
_snapshots = sa.table('snapshots', sa.column('id', sa.Integer()))


def _create_rows_table() -> None:
    op.create_table(
        'snapshot_customers',
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        *[sa.Column(n, s, nullable=null) for n, _, s, null in _COLUMNS],
        sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('snapshot_id', 'customer_id'),
    )


def upgrade() -> None:
    op.create_table('snapshot_parts',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('n_rows', sa.Integer(), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'part')
    )
    conn = op.get_bind()
    ids = conn.execute(sa.select(_snapshots.c.id).order_by(_snapshots.c.id)).scalars().all()
    for snapshot_id in ids:
        result = conn.execute(
            sa.select(*[_rows.c[n] for n, *_ in _COLUMNS])
            .where(_rows.c.snapshot_id == snapshot_id)
            .order_by(_rows.c.customer_id)
        )
        part = 0
        # One part at a time, so a large store is migrated in bounded memory.
        while rows := result.fetchmany(PART_ROWS):
            columns = list(zip(*rows))
            table = pa.Table.from_arrays(
                [pa.array(values, field.type) for values, field in zip(columns, _SCHEMA)], schema=_SCHEMA
            )
            sink = io.BytesIO()
            pq.write_table(table, sink, compression='zstd')
            conn.execute(
                sa.insert(_parts).values(snapshot_id=snapshot_id, part=part, n_rows=len(rows), payload=sink.getvalue())
            )
            part += 1
    op.drop_table('snapshot_customers')


def downgrade() -> None:
    _create_rows_table()
    conn = op.get_bind()
    parts = conn.execute(
        sa.select(_parts.c.snapshot_id, _parts.c.payload).order_by(_parts.c.snapshot_id, _parts.c.part)
    )
    names = [n for n, *_ in _COLUMNS]
    for snapshot_id, payload in parts.fetchall():
        table = pq.read_table(pa.BufferReader(payload))
        # Columns a later revision added are not in the old table: keep those of this revision.
        records = table.select(names).to_pylist()
        for record in records:
            record['snapshot_id'] = snapshot_id
        if records:
            conn.execute(sa.insert(_rows), records)
    op.drop_table('snapshot_parts')
