"""The scheduled-posts service: what a channel's digest and churn alert say, and the daily sweep of
win-back actions with the updates of the messages it changed.

The worker (``adapters.worker.tick``) decides *when* (triggers, claims, the outbox, episodes);
this service decides *what*, with the same handlers chat uses, so chat and schedule say the same.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot import i18n, wording
from bot.context import Channel, ChatUser, Context
from bot.handlers.digest import AlertPlan, alert_suggestions, channel_alert, plan_alerts, previous_snapshot
from bot.reply import Reply
from bot.services.chat import said
from bot.winback.copies import catch_up_copies, spread_outcome
from custseg.actions import SYSTEM, Outcome, sweep
from custseg.query import Query
from custseg.store import chart_images, conversations, export_files
from custseg.store.db import Store

if TYPE_CHECKING:
    from bot.services.chat import ChatService

log = logging.getLogger("custseg.worker")


@dataclass
class Message:
    """One post a run makes: its outbox key, the reply, and (alerts) whose customers it names."""

    key: str
    reply: Reply
    customers: list[str] = field(default_factory=list)


class ScheduledPosts:
    """Digest and alert content for channels, on ``chat``'s snapshot, handlers and settings."""

    def __init__(self, chat: ChatService):
        self.chat = chat

    @property
    def store(self) -> Store:
        return self.chat.store

    def _context(self, platform: str, channel: str, subscriber: str | None = None) -> Context:
        """Scheduled posts show what the person who subscribed the channel may see (a manager's
        channel gets their teams, not the whole book); previews by an operator cover the whole book."""
        if subscriber is None:
            return self.chat.whole_book(ChatUser("custseg", platform), Channel(channel, platform))
        return self.chat.context(
            ChatUser(subscriber, platform), Channel(channel, platform), self.chat.engine()
        )

    def digest(self, platform: str, channel: str, key: str, subscriber: str | None = None) -> list[Message]:
        """The digest a channel gets (the handler itself, so chat and schedule say the same), in
        the subscriber's language (their ``[people]`` setting, else the settings' default)."""
        handler = self.chat.handlers.intent("key_account_digest")
        with i18n.speaking(self._language(platform, subscriber)):
            reply = said(
                handler(
                    self._context(platform, channel, subscriber),
                    Query.from_json({"intent": "key_account_digest"}),
                )
            )
        return [Message(key, reply)]

    def _language(self, platform: str, subscriber: str | None) -> str:
        if subscriber is None:
            return self.chat.configured.bot.language
        return self.chat.language(ChatUser(subscriber, platform))

    def propose_alerted(
        self,
        platform: str,
        channel: str,
        episodes: dict[str, dict[str, Any]] | None,
        subscriber: str | None = None,
    ) -> None:
        """Store (or reuse) the suggestion of each customer the channel's next alert names, so its
        buttons decide a stored suggestion."""
        ctx = self._context(platform, channel, subscriber)
        snap = ctx.book.snapshot
        plan = within_scope(plan_alerts(snap, previous_snapshot(self.store, snap), episodes), ctx)
        alert_suggestions(self.store, self.chat.settings, plan.alert, snap.as_of, SYSTEM)

    def alerts(
        self,
        platform: str,
        channel: str,
        key: str,
        episodes: dict[str, dict[str, Any]] | None,
        subscriber: str | None = None,
    ) -> tuple[list[Message], AlertPlan]:
        """The channel's churn alert, one message grouped by account manager, and the episode changes
        (in the subscriber's language, as the digest)."""
        with i18n.speaking(self._language(platform, subscriber)):
            return self._alerts(platform, channel, key, episodes, subscriber)

    def _alerts(
        self,
        platform: str,
        channel: str,
        key: str,
        episodes: dict[str, dict[str, Any]] | None,
        subscriber: str | None,
    ) -> tuple[list[Message], AlertPlan]:
        ctx = self._context(platform, channel, subscriber)
        snap = ctx.book.snapshot
        previous = previous_snapshot(self.store, snap)
        plan = within_scope(plan_alerts(snap, previous, episodes), ctx)
        if episodes is not None:
            since = wording.PREVIOUS_ALERT
        else:
            since = str(previous.as_of if previous else snap.as_of)
        # Looked up only: the suggestions were proposed before the run was claimed, and a preview
        # proposes nothing.
        settings = self.chat.settings
        suggestions = alert_suggestions(self.store, settings, plan.alert, snap.as_of)
        reply = channel_alert(plan, snap, since, settings, suggestions)
        # One message per run, so its outbox key is the run's: posted once per period.
        messages = [] if reply is None else [Message(key, said(reply), [str(c) for c in plan.alert.index])]
        return messages, plan

    def spread(self, outcome: Outcome) -> None:
        """Queue updates of every posted copy of the suggestion ``outcome`` changed."""
        spread_outcome(self.store, self.chat.configured, outcome)

    def sweep_actions(self, now: dt.datetime, catch_up: dt.timedelta) -> dict[str, int] | None:
        """Remove expired chart images, export files and idle conversations, wake ended snoozes and expire stale suggestions (queueing
        updates of the messages showing them), then re-queue lost copy updates of decisions taken
        within ``catch_up``. The counts of the sweep, or None if it failed (logged)."""
        store, settings = self.store, self.chat.configured
        try:
            charts = chart_images.delete_expired(store, now)
            files = export_files.delete_expired(store, now)
            log.info("%d expired chart images and %d expired export files removed", charts, files)
        except Exception:
            log.exception("removing expired chart images or export files failed")
        try:
            idle = conversations.delete_expired(store, now)
            log.info("%d idle conversations forgotten", idle)
        except Exception:
            log.exception("removing idle conversations failed")

        try:
            counts = sweep(
                store,
                settings,
                now.astimezone(dt.UTC).replace(tzinfo=None),
                on_change=self.spread,
            )
        except Exception:
            log.exception("the daily sweep of win-back actions failed")
            return None
        log.info("win-back actions swept: %(woken)d woken, %(expired)d expired", counts)
        try:
            since = now.astimezone(dt.UTC).replace(tzinfo=None) - catch_up
            looked = catch_up_copies(store, settings, since)
            log.info("posted copies of %d suggestions decided since %s checked", looked, since)
        except Exception:
            log.exception("catching up the updates of posted copies failed")
        return counts


def within_scope(plan: AlertPlan, ctx: Context) -> AlertPlan:
    """Only the customers the subscriber may see are alerted (and tracked) in their channel."""
    if ctx.scope is None:
        return plan
    keep = plan.alert[[ctx.sees(o) for o in plan.alert["owner"]]] if len(plan.alert) else plan.alert
    kept = set(keep.index)
    started = {cid: v for cid, v in plan.started.items() if cid in kept}
    return AlertPlan(keep, started, plan.ended)
