"""The App Home tab: one person's overview (``bot.overview``), rebuilt each time it is opened."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import MAX_HOME_BLOCKS, content_blocks, context_blocks, escape
from bot.context import ChatUser
from bot.overview import SECTIONS, sections
from bot.reply import Reply
from bot.services.chat import ChatService

HOME_FOOTER = "Refreshed each time you open this tab. Message me, mention me or use /custseg to ask anything."
# Each section gets an equal share of the tab's 100 blocks, so one long answer cannot crowd out the rest.
SECTION_BLOCKS = (MAX_HOME_BLOCKS - 2) // (len(SECTIONS) + 1)


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _section_blocks(title: str, reply: Reply) -> list[dict[str, Any]]:
    # Buttons are left out: Home is a summary; follow-ups happen in a conversation with the bot.
    blocks = [_header(title), *content_blocks(reply, chart="alt")]
    if reply.footer:
        blocks += context_blocks(reply.footer)[:1]
    return [*blocks[: SECTION_BLOCKS - 1], {"type": "divider"}]


def home_view(brain: ChatService, user: ChatUser) -> dict[str, Any]:
    """The ``views.publish`` view for ``user`` (at most 100 blocks)."""
    *parts, (subscriptions_title, subscriptions) = sections(
        brain.store, brain.run, user, lambda c: f"<#{escape(c)}>"
    )
    blocks: list[dict[str, Any]] = []
    for title, reply in parts:
        blocks += _section_blocks(title, reply)
    blocks += [
        _header(subscriptions_title),
        {"type": "section", "text": {"type": "mrkdwn", "text": subscriptions.text[:3000]}},
    ]
    blocks += context_blocks(HOME_FOOTER)
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
