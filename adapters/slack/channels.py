"""Who can read a Slack conversation, from ``conversations.info``: the ``visibility`` of
``bot.context.Channel``. Shared by the web app (questions, sharing, subscribing), the worker's
poster (before each post) and the doctor (is the bot a member)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Direct-message ids start with D; user ids (a post to a user opens the DM) with U or W.
DIRECT_PREFIXES = ("D", "U", "W")


def visibility(channel: Mapping[str, Any]) -> str:
    """``external`` (Slack Connect, also while the invitation is pending), ``dm``, ``private``
    (private channels and group DMs) or ``public``."""
    if channel.get("is_ext_shared") or channel.get("is_pending_ext_shared"):
        return "external"
    if channel.get("is_im"):
        return "dm"
    if channel.get("is_private") or channel.get("is_mpim") or channel.get("is_group"):
        return "private"
    return "public"


def is_direct(channel_id: str) -> bool:
    return channel_id.startswith(DIRECT_PREFIXES)
