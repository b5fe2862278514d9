"""Where customer data may go: the one policy every adapter, handler and the worker apply.

Adapters find out the facts (who can read a channel, ``bot.context.Channel.visibility``; whether
the asker or the conversation belongs to another organisation; how many guests a roster has) and
ask here; the intent's declaration (``bot.intents``) says whether an answer carries customer data.
The sentences are in ``bot.wording``.

- A channel shared with another organisation or with guests (``external``), or one whose members
  could not be read (``unchecked``), gets no customer data unless an admin listed it under
  ``[channels] allow_external``.
- Someone of another organisation is answered only what strangers may ask (help).
- A conversation of another tenant gets no answer that carries customer data.
- Only a direct message or a private channel of our organisation sees an answer in the open; in
  any other channel a chat platform shows it to the asker alone (or in their personal chat).
- A public channel gets scheduled posts only when the subscription said so (the subscribe
  handler asks).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot import wording
from bot.context import Channel
from bot.intents import Intent
from config.settings import Settings


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


def export_refusal(settings: Settings, channel: Channel) -> str | None:
    """Why a file of customer rows may not be handed over in ``channel``, or None.

    A file cannot be shown to one person only the way a chat answer can, so an export goes only
    where an answer is posted in the open (a direct message, a private channel of ours) and
    nowhere customer data is refused; the terminal is the asker's own.
    """
    if channel.platform == "console":
        return None
    refused = refusal(settings, channel)
    if refused is not None:
        return refused
    return None if answered_in_the_open(channel) else wording.EXPORT_ONLY_PRIVATE


def outsider_refusal(intent: Intent, outsider: str | None) -> str | None:
    """Why an asker of another organisation gets no answer to ``intent`` (``outsider`` is the
    sentence the adapter found for them, None when they are ours), or None."""
    if outsider is None or intent.open_to_strangers:
        return None
    return outsider


def foreign_refusal(intent: Intent) -> str | None:
    """Why a conversation of another organisation's tenant gets no answer to ``intent``, or None."""
    return wording.OTHER_TENANT if intent.customer_data else None


def answered_in_the_open(channel: Channel) -> bool:
    """Whether an answer may be posted for everyone in ``channel``: a direct message, or a private
    channel of our organisation. Elsewhere only the asker sees it (with a button to share it)."""
    return channel.visibility in ("dm", "private")


def keep_private(intent: Intent, shared: bool) -> bool:
    """Whether the answer to ``intent`` asked in a ``shared`` conversation (a team channel or a
    group chat) goes to the asker's personal chat instead."""
    return shared and intent.customer_data


def needs_public_consent(channel: Channel) -> bool:
    """Scheduled posts into a public channel need the subscriber to say so explicitly."""
    return channel.visibility == "public"


@dataclass(frozen=True)
class PostRefused:
    """Why a scheduled post may not go into a conversation: the operator's sentence, and whether
    trying again later may succeed (a member list that could not be read)."""

    text: str
    retryable: bool = False


def post_refusal(
    channel: Channel,
    allowed: Collection[str],
    why: str = "shared",
    guests: int = 0,
    error: str | None = None,
) -> PostRefused | None:
    """Why customer data may not be posted into ``channel`` by a poster, or None.

    ``allowed`` holds the ``platform:channel`` keys of ``[channels] allow_external``; ``why`` says
    what made the channel ``external`` (``shared``, ``tenant`` or ``guests``, with ``guests`` the
    number of them); ``error`` why its members could not be read (``unchecked``).
    """
    key = f"{channel.platform}:{channel.channel_id}"
    if channel.visibility not in ("external", "unchecked") or key in allowed:
        return None
    platform = channel.platform.capitalize()
    allow = wording.POST_ALLOW.format(key=key)
    if channel.visibility == "unchecked":
        text = wording.POST_UNCHECKED.format(
            platform=platform, channel=channel.channel_id, error=error or "unknown", allow=allow
        )
        return PostRefused(text, retryable=True)
    reason = wording.POST_REFUSED_WHY[why].format(n=guests)
    return PostRefused(
        wording.POST_REFUSED.format(platform=platform, channel=channel.channel_id, why=reason, allow=allow)
    )
