"""Storage schema. Amounts are in the data's currency units; timestamps are naive local times as
they appear in the source (the snapshot works in whole days, so time zones do not matter there)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


# Numeric keeps cents exact in PostgreSQL; asdecimal=False hands floats to pandas.
Money = Numeric(18, 2, asdecimal=False)


class Customer(Base):
    """A customer account. ``owner`` is the responsible account manager's name."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(128), index=True)
    region: Mapped[str | None] = mapped_column(String(128), index=True)
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Order(Base):
    """One order; returns and cancellations are orders with a negative ``amount``."""

    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), nullable=False)
    ordered_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    amount: Mapped[float] = mapped_column(Money, nullable=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("load_batches.id"))

    __table_args__ = (Index("ix_orders_customer_time", "customer_id", "ordered_at"),)


class LoadBatch(Base):
    """One `custseg load` of one file: what was read, added, changed and skipped, and why."""

    __tablename__ = "load_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(String(1024), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    mapping: Mapped[str] = mapped_column(String(128), nullable=False)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    lines_read: Mapped[int] = mapped_column(BigInteger, nullable=False)
    orders_added: Mapped[int] = mapped_column(BigInteger, nullable=False)
    orders_changed: Mapped[int] = mapped_column(BigInteger, nullable=False)
    orders_unchanged: Mapped[int] = mapped_column(BigInteger, nullable=False)
    skipped: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)


class Snapshot(Base):
    """A dated segmentation of the whole book. One per as-of date: rebuilding replaces it."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[dt.date] = mapped_column(Date, nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(255), nullable=False)
    n_customers: Mapped[int] = mapped_column(Integer, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class SnapshotCustomer(Base):
    """One customer's row in a snapshot. Day counts are whole days up to the as-of date."""

    __tablename__ = "snapshot_customers"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(128))
    first_order: Mapped[dt.date] = mapped_column(Date, nullable=False)
    last_order: Mapped[dt.date] = mapped_column(Date, nullable=False)
    recency_days: Mapped[int] = mapped_column(Integer, nullable=False)
    tenure_days: Mapped[int] = mapped_column(Integer, nullable=False)
    frequency: Mapped[int] = mapped_column(Integer, nullable=False)
    revenue: Mapped[float] = mapped_column(Float, nullable=False)
    avg_order_value: Mapped[float] = mapped_column(Float, nullable=False)
    returns: Mapped[float] = mapped_column(Float, nullable=False)
    revenue_90d: Mapped[float] = mapped_column(Float, nullable=False)
    revenue_prev_90d: Mapped[float] = mapped_column(Float, nullable=False)
    trend_90d: Mapped[float | None] = mapped_column(Float)
    typical_gap_days: Mapped[float] = mapped_column(Float, nullable=False)
    gap_basis: Mapped[str] = mapped_column(String(16), nullable=False)
    overdue_ratio: Mapped[float] = mapped_column(Float, nullable=False)
    r_score: Mapped[int] = mapped_column(Integer, nullable=False)
    f_score: Mapped[int] = mapped_column(Integer, nullable=False)
    m_score: Mapped[int] = mapped_column(Integer, nullable=False)
    segment: Mapped[str] = mapped_column(String(32), nullable=False)
    value_tier: Mapped[str] = mapped_column(String(16), nullable=False)
    lifecycle: Mapped[str] = mapped_column(String(16), nullable=False)
    lifecycle_reason: Mapped[str] = mapped_column(String(32), nullable=False)
    churn_risk: Mapped[str] = mapped_column(String(16), nullable=False)
    key_account: Mapped[bool] = mapped_column(Boolean, nullable=False)
    key_account_misses: Mapped[int] = mapped_column(Integer, nullable=False)


class Subscription(Base):
    """A scheduled post of the digest or the churn alerts into one chat channel.

    ``day`` is a day name (mon … sun) or ``daily``; ``time`` is HH:MM in ``timezone`` (IANA name).
    One subscription per (platform, channel, topic): subscribing again changes the schedule.
    """

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(255), nullable=False)
    topic: Mapped[str] = mapped_column(String(16), nullable=False)
    day: Mapped[str] = mapped_column(String(8), nullable=False)
    time: Mapped[str] = mapped_column(String(5), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("platform", "channel_id", "topic", name="uq_subscription_channel_topic"),
    )


# Core-level handles for bulk statements (typed as Table, which ``__table__`` is at run time).
CUSTOMERS = cast(Table, Customer.__table__)
ORDERS = cast(Table, Order.__table__)
LOAD_BATCHES = cast(Table, LoadBatch.__table__)
SNAPSHOTS = cast(Table, Snapshot.__table__)
SNAPSHOT_CUSTOMERS = cast(Table, SnapshotCustomer.__table__)
SUBSCRIPTIONS = cast(Table, Subscription.__table__)
