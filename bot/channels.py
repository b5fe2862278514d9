"""Where customer data may go: the one rule every adapter, handler and the worker apply.

Adapters find out who can read a channel (``bot.context.Channel.visibility``); this module decides.
A channel shared with another organisation or with guests gets no customer data unless an admin
listed it under ``[channels] allow_external``; a public channel gets scheduled posts only when the
subscription said so (the subscribe handler asks).
"""

from __future__ import annotations

from bot import wording
from bot.context import Channel
from config.settings import Settings

VISIBILITIES: tuple[str, ...] = ("dm", "private", "public", "external", "unchecked", "unknown")
# Answers to these carry no customer data, so they may be given where the question was asked.
NO_CUSTOMER_DATA = frozenset({"help", "unknown", "subscribe", "unsubscribe"})


def refusal(settings: Settings, channel: Channel) -> str | None:
    """Why customer data may not be posted into ``channel`` (a sentence for the user), or None.

    ``unchecked`` (the platform could not tell who is in it) is refused like ``external``: an
    unreadable member list must not let data out.
    """
    if channel.visibility not in ("external", "unchecked"):
        return None
    if settings.channels.external_allowed(channel.platform, channel.channel_id):
        return None
    return wording.EXTERNAL_CHANNEL if channel.visibility == "external" else wording.MEMBERS_UNCHECKED


def needs_public_consent(channel: Channel) -> bool:
    """Scheduled posts into a public channel need the subscriber to say so explicitly."""
    return channel.visibility == "public"
