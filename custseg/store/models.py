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
    LargeBinary,
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


class SnapshotPart(Base):
    """A slice of a snapshot's customers (up to ``PART_ROWS`` of them, by customer id) as one Parquet
    file, zstd-compressed. The columns and their types are ``custseg.snapshot.columns.SCHEMA``; day
    counts are whole days up to the as-of date, money in the data's currency units.

    Columnar so that a snapshot is written and read as arrays, not as one row per customer, and a
    reader decodes only the columns it asks for (migration 0014 moved the old rows here).
    """

    __tablename__ = "snapshot_parts"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    n_rows: Mapped[int] = mapped_column(Integer, nullable=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


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
SNAPSHOT_PARTS = cast(Table, SnapshotPart.__table__)
SUBSCRIPTIONS = cast(Table, Subscription.__table__)


# --- Conversation references: where a chat app was installed, so it can post later unasked ---------


class ConversationRef(Base):
    """A conversation a chat app may post into without being asked (digests, alerts).

    Stored when the app is installed in a team, group chat or personal chat, or first messaged there;
    ``reference`` is the platform's own address of the conversation (for Teams the Bot Framework
    conversation reference: service URL, conversation, bot). ``installed`` turns false when the app is
    removed, so posts there fail with a clear message instead of silently.
    """

    __tablename__ = "conversation_refs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(255), nullable=False)
    kind: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(255))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    installed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    # A personal chat's person (Teams user id and Entra object id), so the bot finds it again (0010).
    user_id: Mapped[str | None] = mapped_column(String(255), index=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)

    __table_args__ = (UniqueConstraint("platform", "channel_id", name="uq_conversation_ref_channel"),)


CONVERSATION_REFS = cast(Table, ConversationRef.__table__)


# --- Seen chat events: each incoming chat event is answered once, across processes and restarts ---


class SeenEvent(Base):
    """An incoming chat event already taken by one web process (Slack retries and Teams
    redeliveries resend the same event).

    ``event_key`` names the user's message (Slack: channel and timestamp; Teams: conversation and
    activity id), so a retry, a duplicate event id and the same message arriving as two event types
    all find the row and are not answered again. Rows older than a day are purged; Slack stops
    retrying after about an hour, Teams within minutes.
    """

    __tablename__ = "seen_events"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)


SEEN_EVENTS = cast(Table, SeenEvent.__table__)


# --- Outbox and schedule state: scheduled posts delivered exactly once (issue 7) ------------------


class OutboxMessage(Base):
    """A post waiting to go out, going out, sent or given up on.

    ``key`` names what the post is for and its period ("digest:slack:C123:2026-W47"): it is unique,
    so the same digest or alert can be queued only once however often it is built. ``reply`` is the
    neutral reply as JSON (chart PNGs in base64). A worker takes a row by setting ``status`` to
    sending with a ``lease_until``; if it dies mid-send the lease runs out and another takes it.
    Times are UTC.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    platform: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(255), nullable=False)
    reply: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # "post" makes a new message; "update" rewrites the message ``message_id`` (set when queued).
    kind: Mapped[str] = mapped_column(String(8), nullable=False, server_default="post")

    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_key"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )


class ScheduleRun(Base):
    """The newest scheduled time a job has been handled for ("digest:slack:C123", "refresh"), UTC.

    Advancing it is the worker's atomic claim on a run: of two workers, only one moves it forward.
    """

    __tablename__ = "schedule_runs"

    job: Mapped[str] = mapped_column(String(320), primary_key=True)
    last_fire_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class AlertEpisode(Base):
    """A customer's current spell of high churn risk or dormancy, as one channel's alerts know it.

    A customer is alerted once when the episode starts; the row is removed when they recover, so
    the next slide starts a new episode. ``alerted`` is false for episodes already running when the
    channel's alerts began (or that started with the customer already lost).
    """

    __tablename__ = "alert_episodes"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    alerted: Mapped[bool] = mapped_column(Boolean, nullable=False)


OUTBOX = cast(Table, OutboxMessage.__table__)
SCHEDULE_RUNS = cast(Table, ScheduleRun.__table__)
ALERT_EPISODES = cast(Table, AlertEpisode.__table__)


# --- Win-back actions: suggestions, their decisions, and the append-only audit log -------------------


class ActionSuggestion(Base):
    """A suggested win-back action for one customer, and where it stands.

    ``state`` is one of proposed, approved, rejected, snoozed, done, expired (custseg.actions);
    ``version`` grows with every transition, so a change is written only by whoever saw the current
    version (optimistic concurrency). ``open_slot`` is true while the suggestion is open (proposed,
    snoozed, approved) and NULL once closed: the unique key (customer, playbook, open_slot) lets a
    customer have one open suggestion per play and any number of closed ones, on every database.
    ``facts`` are the snapshot labels and figures behind it; money in the data's currency.
    """

    __tablename__ = "action_suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    customer_name: Mapped[str | None] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(128))
    playbook: Mapped[str] = mapped_column(String(64), nullable=False)
    task: Mapped[str] = mapped_column(String(255), nullable=False)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    value_at_stake: Mapped[float] = mapped_column(Float, nullable=False)
    value_basis: Mapped[str] = mapped_column(String(16), nullable=False)
    expected_value: Mapped[float] = mapped_column(Float, nullable=False)
    snapshot_as_of: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    open_slot: Mapped[bool | None] = mapped_column(Boolean)
    snoozed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("customer_id", "playbook", "open_slot", name="uq_action_open_per_play"),
    )


class ActionAudit(Base):
    """One transition of a suggestion: who (name and chat user id), when (UTC), from which platform,
    previous state (NULL when created) and new state, and the reason given. Rows are only ever
    added; the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "action_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("action_suggestions.id"), nullable=False, index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[str | None] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(32), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))


ACTION_SUGGESTIONS = cast(Table, ActionSuggestion.__table__)
ACTION_AUDIT = cast(Table, ActionAudit.__table__)


# --- Chart images: PNGs the web process serves by URL, for cards that cannot carry them (Teams) ------


class ChartImage(Base):
    """A chart image served at ``/charts/{token}.png`` until ``expires_at`` (UTC).

    ``token`` is random and unguessable: Teams clients fetch card images without credentials, so
    knowing the token is what grants access. ``sha256`` of the PNG is unique, so a chart drawn
    again (the same digest re-posted) is stored once and keeps its token.
    """

    __tablename__ = "chart_images"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    png: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)

    __table_args__ = (UniqueConstraint("sha256", name="uq_chart_images_sha256"),)


CHART_IMAGES = cast(Table, ChartImage.__table__)


# --- Exported files: a list as CSV / XLSX, served by a short-lived link (Teams) ---------------------


class ExportFile(Base):
    """An exported file served at ``/exports/{token}/{filename}`` until ``expires_at`` (UTC).

    Teams cannot carry a file in a bot's message without a consent card, so the web process serves
    it: ``token`` is random and unguessable and is the only key (a browser fetches it without our
    credentials), so it lives minutes, not days. ``platform``/``user_id`` say who asked (the audit of
    who exported what; the rows themselves are only here until they expire).
    """

    __tablename__ = "export_files"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    user_id: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)


EXPORT_FILES = cast(Table, ExportFile.__table__)


# --- Posted copies: every message carrying a suggestion's buttons, so a decision updates them all ---


class PostedCopy(Base):
    """A non-ephemeral message that carries buttons for one or more suggestions: where it is
    (platform, channel, Slack ``ts`` or Teams activity id), whether it is one suggestion's ``card``
    or a ``list`` of several (digest, alerts, pending list), and its content as a serialised reply
    (``bot.outbox.reply_to_json``), kept current as decisions rewrite it. ``version`` grows with every
    rewrite, so two decisions on one list never overwrite each other's line."""

    __tablename__ = "posted_copies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(255), nullable=False)
    message_id: Mapped[str] = mapped_column(String(255), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    reply: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("platform", "channel_id", "message_id", name="uq_posted_copy_message"),
    )


class PostedCopySuggestion(Base):
    """Which suggestions a posted copy carries buttons for (looked up by suggestion)."""

    __tablename__ = "posted_copy_suggestions"

    copy_id: Mapped[int] = mapped_column(ForeignKey("posted_copies.id"), primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("action_suggestions.id"), primary_key=True, index=True
    )


POSTED_COPIES = cast(Table, PostedCopy.__table__)
POSTED_COPY_SUGGESTIONS = cast(Table, PostedCopySuggestion.__table__)


# --- Conversations: what each person's chat thread remembers between two messages --------------------


class Conversation(Base):
    """One person's state in one chat conversation (a Slack thread or DM, a Teams conversation or
    reply chain, a terminal session): the last query, the rows of the last list they were shown and
    the customer last talked about (``bot.nlu.followups.Recent``, as JSON).

    ``conversation`` is the SHA-256 of the platform's conversation key, so keys of any length fit
    and no channel id sits in the table. The row is ignored once ``expires_at`` (UTC) has passed:
    a conversation idle longer than the settings' ``[conversations] idle_minutes`` starts afresh.
    """

    __tablename__ = "conversations"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    conversation: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)


CONVERSATIONS = cast(Table, Conversation.__table__)
