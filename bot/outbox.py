"""Posting without being asked, exactly once: queue a reply under a unique key, deliver it later.

``enqueue`` is the one entry point for anything that posts unasked (scheduled digests and alerts,
a direct message to an account manager after an approval). ``deliver_due`` is the worker's
delivery step: it claims one due post at a time (safe with several workers), hands it to the
platform's ``Poster``, and records the outcome; retryable failures come back later with
exponential backoff, and after ``max_attempts`` the post is parked as failed for
``custseg outbox --retry``.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.delivery import DeliveryError, Poster
from bot.reply import Button, Image, Reply, Table
from config.settings import DeliverySettings
from custseg.store import outbox as table
from custseg.store.db import Store

log = logging.getLogger("custseg.outbox")

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- the reply as JSON ----------------------------------------------------------------------------------


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """A JSON-ready dict of ``reply`` (chart PNG as base64); ``reply_from_json`` reverses it."""
    return {
        "context": reply.context,
        "title": reply.title,
        "text": reply.text,
        "fields": [[label, value] for label, value in reply.fields],
        "table": None
        if reply.table is None
        else {"headers": reply.table.headers, "rows": reply.table.rows, "align": reply.table.align},
        "image": None
        if reply.image is None
        else {
            "title": reply.image.title,
            "png": base64.b64encode(reply.image.png).decode("ascii"),
            "alt_text": reply.image.alt_text,
        },
        "buttons": [
            {"label": b.label, "action_id": b.action_id, "payload": b.payload, "style": b.style}
            for b in reply.buttons
        ],
        "footer": reply.footer,
        "private": reply.private,
    }


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    table_data, image = data.get("table"), data.get("image")
    return Reply(
        context=data.get("context", ""),
        title=data.get("title"),
        text=data.get("text", ""),
        fields=[(label, value) for label, value in data.get("fields", [])],
        table=None
        if not table_data
        else Table(table_data["headers"], table_data["rows"], table_data.get("align", [])),
        image=None if not image else Image(image["title"], base64.b64decode(image["png"]), image["alt_text"]),
        buttons=[
            Button(b["label"], b["action_id"], b.get("payload", {}), b.get("style"))
            for b in data.get("buttons", [])
        ],
        footer=data.get("footer"),
        private=bool(data.get("private", False)),
    )


# -- queueing ---------------------------------------------------------------------------------------------


def enqueue(
    store: Store,
    platform: str,
    channel_id: str,
    key: str,
    reply: Reply,
    not_before: dt.datetime | None = None,
) -> bool:
    """Queue ``reply`` for ``channel_id`` on ``platform``, once per ``key``.

    Parameters
    ----------
    key : str
        What the post is and for which period, e.g. ``"digest:slack:C123:2026-W47"`` or
        ``"action:42:approved"``. A key already queued or sent is not queued again.
    not_before : datetime, optional
        Do not post before this time (aware, or naive UTC).

    Returns
    -------
    bool
        False when the key already exists (nothing was queued).
    """
    return table.queue(store, platform, channel_id, key, reply_to_json(reply), not_before)


# -- delivering -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did: ``sent``, ``retry`` (queued again) or ``failed`` (parked)."""

    key: str
    status: str
    attempts: int
    error: str | None = None
    next_attempt_at: dt.datetime | None = None


def backoff_seconds(attempts: int, settings: DeliverySettings, retry_after: float | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: ``backoff_seconds`` doubling each
    time up to ``max_backoff_seconds``, but never sooner than the platform asked (``retry_after``)."""
    wait = min(settings.backoff_seconds * 2 ** max(attempts - 1, 0), settings.max_backoff_seconds)
    return max(wait, retry_after or 0.0)


def deliver_one(
    store: Store, posters: Mapping[str, Poster], settings: DeliverySettings, clock: Clock = utcnow
) -> Outcome | None:
    """Claim one due post for a platform we can post to and post it; None when nothing is due."""
    row = table.claim_next(store, posters.keys(), settings.lease_seconds, clock())
    if row is None:
        return None
    key, attempts, token = row["key"], row["attempts"], row["claim_token"]
    if attempts > settings.max_attempts:
        # Only reachable when workers kept dying mid-send: the post may be what kills them.
        error = row["last_error"] or "the worker stopped while sending it"
        table.mark_failed(store, row["id"], token, f"gave up after {attempts - 1} attempts: {error}")
        return Outcome(key, "failed", attempts - 1, error)
    try:
        posted = posters[row["platform"]].post(row["channel_id"], reply_from_json(row["reply"]))
    except DeliveryError as err:
        return _failed(store, row, settings, str(err), err.retryable, err.retry_after, clock)
    except Exception as err:  # a poster bug or an unwrapped network error: retry, bounded by max_attempts
        log.exception("posting %s raised", key)
        return _failed(store, row, settings, f"{type(err).__name__}: {err}", True, None, clock)
    if not table.mark_sent(store, row["id"], token, posted.message_id, clock()):
        log.warning("%s was posted after this worker's lease ran out; another worker had taken it", key)
    return Outcome(key, "sent", attempts)


def _failed(
    store: Store,
    row: dict[str, Any],
    settings: DeliverySettings,
    error: str,
    retryable: bool,
    retry_after: float | None,
    clock: Clock,
) -> Outcome:
    key, attempts = row["key"], row["attempts"]
    if not retryable or attempts >= settings.max_attempts:
        why = error if not retryable else f"gave up after {attempts} attempts: {error}"
        table.mark_failed(store, row["id"], row["claim_token"], why)
        log.error("post %s failed for good: %s", key, why)
        return Outcome(key, "failed", attempts, why)
    when = clock() + dt.timedelta(seconds=backoff_seconds(attempts, settings, retry_after))
    table.mark_retry(store, row["id"], row["claim_token"], error, when)
    log.warning("post %s failed (attempt %d), retrying at %s: %s", key, attempts, when, error)
    return Outcome(key, "retry", attempts, error, when)


def deliver_due(
    store: Store,
    posters: Mapping[str, Poster],
    settings: DeliverySettings,
    clock: Clock = utcnow,
    limit: int = 200,
) -> list[Outcome]:
    """Deliver due posts one by one until none is due (or ``limit`` attempts were made)."""
    outcomes: list[Outcome] = []
    while len(outcomes) < limit:
        outcome = deliver_one(store, posters, settings, clock)
        if outcome is None:
            break
        outcomes.append(outcome)
    return outcomes
