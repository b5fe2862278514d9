"""Posting without being asked, exactly once: queue a reply under a unique key, deliver it later.

``enqueue`` is the one entry point for anything that posts unasked (scheduled digests and alerts,
a direct message to an account manager after an approval). ``deliver_due`` is the worker's
delivery step: it claims one due post at a time (safe with several workers), hands it to the
platform's ``Poster``, and records the outcome; retryable failures come back later with
exponential backoff, and after ``max_attempts`` the post is parked as failed for
``custseg outbox --retry``.

An *update* (``enqueue_update``) goes the same way but rewrites an earlier message in place; an
update overtaken by a newer one of the same message is left out. Every delivered post carrying
suggestion buttons is recorded as a posted copy (``remember``), so a decision can update it later.

Exactly once, as far as the platform allows: the clock is read for every post (claim, lease,
Retry-After and backoff all from the real time), the lease is renewed right before sending (a worker
whose lease ran out and was taken over does not send), and recording the result is retried until it
sticks. A post that may have gone out although its worker never heard back (a timeout, a reset
connection, a worker killed mid-send, a database error after sending) is *reconciled* before it is
sent again, by a poster that can find its own posts (``Tagging``: Slack carries the outbox key in
the message metadata). A platform that cannot be asked (Teams) gets it again: at least once there.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from bot.delivery import Posted, Poster
from bot.reply import Button, Image, Reply, Table
from config.sections import DeliverySettings
from custseg.errors import DeliveryError, StoreError
from custseg.store import copies
from custseg.store import outbox as table
from custseg.store.copies import Copy
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
        "language": reply.language,
        "title": reply.title,
        "text": reply.text,
        "fields": [[label, value] for label, value in reply.fields],
        "table": None
        if reply.table is None
        else {
            "headers": reply.table.headers,
            "rows": reply.table.rows,
            "align": reply.table.align,
            "key": reply.table.key,
        },
        "image": None
        if reply.image is None
        else {
            "title": reply.image.title,
            "png": base64.b64encode(reply.image.png).decode("ascii"),
            "alt_text": reply.image.alt_text,
        },
        "buttons": [
            {
                "label": b.label,
                "action_id": b.action_id,
                "payload": b.payload,
                "style": b.style,
                "asks_reason": b.asks_reason,
            }
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
        else Table(
            table_data["headers"], table_data["rows"], table_data.get("align", []), table_data.get("key", [])
        ),
        image=None if not image else Image(image["title"], base64.b64decode(image["png"]), image["alt_text"]),
        buttons=[
            Button(
                b["label"], b["action_id"], b.get("payload", {}), b.get("style"), bool(b.get("asks_reason"))
            )
            for b in data.get("buttons", [])
        ],
        footer=data.get("footer"),
        private=bool(data.get("private", False)),
        language=str(data.get("language") or "en"),
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


def enqueue_update(store: Store, posted: Posted, key: str, reply: Reply) -> bool:
    """Queue rewriting the earlier post ``posted`` with ``reply``, once per ``key`` (e.g.
    ``"update:7:311"``: copy 7 after audit row 311), delivered and retried like a post."""
    return table.queue(
        store, posted.platform, posted.channel_id, key, reply_to_json(reply), update_of=posted.message_id
    )


# -- the registry of posted copies ------------------------------------------------------------------------


def suggestion_ids(reply: Reply) -> list[int]:
    """The suggestions whose buttons ``reply`` carries, in button order."""
    found: list[int] = []
    for b in reply.buttons:
        sid = b.payload.get("suggestion_id")
        if isinstance(sid, int) and sid not in found:
            found.append(sid)
    return found


def remember(store: Store, posted: Posted, reply: Reply) -> Copy | None:
    """Record a posted message that carries suggestion buttons, so a decision anywhere updates it too.

    Adapters call this for every non-ephemeral message they post with such buttons (the outbox for
    its deliveries). Ephemeral Slack messages are left out: only the person who saw one can
    change it, through the interaction's ``response_url``, so no one else could update it later.
    A message about several suggestions (buttons marked ``"list"``) is a ``list`` copy; one about a
    single suggestion is a ``card``. Returns the copy, or None when the reply carries no suggestion.
    """
    ids = suggestion_ids(reply)
    if reply.private or not ids:
        return None
    kind = "list" if any(b.payload.get("list") for b in reply.buttons) else "card"
    return copies.record(
        store, posted.platform, posted.channel_id, posted.message_id, kind, reply_to_json(reply), ids
    )


# -- delivering -------------------------------------------------------------------------------------------


@runtime_checkable
class Tagging(Protocol):
    """A poster that can tag a post with its outbox key and find the tagged post again later, so a
    post whose answer was lost is looked up instead of being sent twice (Slack; not Teams)."""

    def post_tagged(self, channel_id: str, reply: Reply, key: str) -> Posted:
        """Post ``reply`` into ``channel_id`` carrying ``key``; raise DeliveryError on failure."""
        ...

    def find_tagged(self, channel_id: str, key: str, since: dt.datetime) -> Posted | None:
        """The post carrying ``key`` in ``channel_id`` made after ``since`` (naive UTC), or None;
        raise a retryable DeliveryError when the platform cannot be asked right now."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did: ``sent``, ``found`` (an earlier attempt had posted it after
    all: recorded, not posted again), ``retry`` (queued again), ``failed`` (parked), ``superseded``
    (an update left out because a newer update of the same message follows), or ``taken`` (this
    worker's lease had run out and another worker owns the post now: nothing sent)."""

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


def maybe_posted(row: Mapping[str, Any]) -> bool:
    """Whether an earlier attempt at this post may have reached the platform: any earlier attempt
    (its worker died mid-send, or its answer was lost or refused) or an earlier failure (parked,
    then queued again)."""
    return row["attempts"] > 1 or row["last_error"] is not None


def deliver_one(
    store: Store,
    posters: Mapping[str, Poster],
    settings: DeliverySettings,
    clock: Clock = utcnow,
    kinds: Iterable[str] | None = None,
) -> Outcome | None:
    """Claim one due post for a platform we can post to (of ``kinds``, "post" or "update", when
    given) and post it; None when nothing is due."""
    row = table.claim_next(store, posters.keys(), settings.lease_seconds, clock(), kinds)
    if row is None:
        return None
    key, attempts, token = row["key"], row["attempts"], row["claim_token"]
    if attempts > settings.max_attempts:
        # Only reachable when workers kept dying mid-send: the post may be what kills them.
        error = row["last_error"] or "the worker stopped while sending it"
        table.mark_failed(store, row["id"], token, f"gave up after {attempts - 1} attempts: {error}")
        return Outcome(key, "failed", attempts - 1, error)
    reply = reply_from_json(row["reply"])
    poster = posters[row["platform"]]
    try:
        if row["kind"] == "update":
            posted = Posted(row["platform"], row["channel_id"], row["message_id"])
            if table.superseded(store, row):
                _record_sent(store, row, posted.message_id, settings, clock)
                return Outcome(key, "superseded", attempts)
            if not table.renew(store, row["id"], token, settings.lease_seconds, clock()):
                return _taken(key, attempts)
            poster.update(posted, reply)  # rewriting a message twice shows the same: no check needed
        else:
            tagger = poster if isinstance(poster, Tagging) else None
            if maybe_posted(row):
                found = tagger.find_tagged(row["channel_id"], key, row["created_at"]) if tagger else None
                if found is not None:
                    log.info("%s had been posted by an earlier attempt; recorded, not posted again", key)
                    _record_sent(store, row, found.message_id, settings, clock)
                    _remember(store, found, reply, key)
                    return Outcome(key, "found", attempts)
                if tagger is None and row["last_error"] is None:
                    log.warning(
                        "%s may have been posted by a worker that stopped mid-send; %s cannot be asked, "
                        "so it is posted again (it may show twice)",
                        key,
                        row["platform"],
                    )
            # Renewed right before sending: a worker whose lease ran out while it waited (a slow
            # platform, a paused process) finds the post taken over and leaves it to the new owner.
            if not table.renew(store, row["id"], token, settings.lease_seconds, clock()):
                return _taken(key, attempts)
            if tagger is not None:
                posted = tagger.post_tagged(row["channel_id"], reply, key)
            else:
                posted = poster.post(row["channel_id"], reply)
    except DeliveryError as err:
        return _failed(store, row, settings, str(err), err.retryable, err.retry_after, clock)
    except StoreError:
        raise  # our database failed before anything was sent: the lease runs out and it is retried
    except Exception as err:  # a poster bug or an unwrapped network error: retry, bounded by max_attempts
        log.exception("posting %s raised", key)
        return _failed(store, row, settings, f"{type(err).__name__}: {err}", True, None, clock)
    if not _record_sent(store, row, posted.message_id, settings, clock):
        log.warning("%s was posted after this worker's lease ran out; another worker had taken it", key)
    if row["kind"] == "post":
        _remember(store, posted, reply, key)
    return Outcome(key, "sent", attempts)


def _remember(store: Store, posted: Posted, reply: Reply, key: str) -> None:
    try:
        remember(store, posted, reply)
    except Exception:  # the post is out either way; only later updates of it would be missed
        log.exception("%s was posted but not recorded as a copy", key)


def _taken(key: str, attempts: int) -> Outcome:
    log.warning("%s: this worker's lease ran out and another worker took the post over; not sent", key)
    return Outcome(key, "taken", attempts)


def _record_sent(
    store: Store, row: Mapping[str, Any], message_id: str | None, settings: DeliverySettings, clock: Clock
) -> bool:
    """``mark_sent``, retried with backoff until it sticks: the post is out, and a row left
    ``sending`` would be sent again after its lease (or, on Slack, found and recorded then).

    Gives up (raising the last error) after ten leases or ten minutes, whichever is shorter, so a
    worker whose database is gone for good does not hang. False if another worker had taken the row.
    """
    patience = min(10 * settings.lease_seconds, 600.0)
    deadline = time.monotonic() + patience
    wait = 0.05
    while True:
        try:
            return table.mark_sent(store, row["id"], row["claim_token"], message_id, clock())
        except Exception as err:  # StoreError, or a driver error the store did not wrap
            if time.monotonic() + wait > deadline:
                log.error(
                    "%s was posted but could not be recorded as sent for %.0f s: %s",
                    row["key"],
                    patience,
                    err,
                )
                raise
            log.warning(
                "%s was posted; recording it failed (%s), trying again in %.2f s", row["key"], err, wait
            )
            time.sleep(wait)
            wait = min(wait * 2, 5.0)


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
    kinds: Iterable[str] | None = None,
) -> list[Outcome]:
    """Deliver due posts (of ``kinds`` when given) one by one until none is due (or ``limit``
    attempts were made)."""
    outcomes: list[Outcome] = []
    while len(outcomes) < limit:
        outcome = deliver_one(store, posters, settings, clock, kinds)
        if outcome is None:
            break
        outcomes.append(outcome)
    return outcomes
