"""The App Home tab: one person's key accounts, dormant high-value customers, actions waiting for
them and their digest subscriptions, built from the brain's own intents each time it is opened."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import MAX_HOME_BLOCKS, content_blocks, context_blocks, escape
from bot import wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.reply import Reply
from custseg.store.subscriptions import list_subscriptions

SECTIONS: list[tuple[str, dict[str, Any]]] = [
    (
        "Your key accounts",
        {"intent": "find_customers", "filters": {"key_account": True, "owner": "me"}, "sort": "revenue"},
    ),
    (
        "Your dormant high-value customers",
        {
            "intent": "find_customers",
            "filters": {"lifecycle": "dormant", "value_tier": "high", "owner": "me"},
        },
    ),
    ("Actions waiting for your decision", {"intent": "pending_actions"}),
]
SUBSCRIPTIONS_TITLE = "Your digest subscriptions"
NO_SUBSCRIPTIONS = (
    "None yet. In a channel, tell me e.g. *post the key account digest here every Monday at 9*."
)
SUBSCRIPTION_LINE = "• {topic} in <#{channel}>, {when} at {time} ({tz})"
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


def subscription_lines(brain: Brain, user: ChatUser) -> str:
    mine = [s for s in list_subscriptions(brain.store, "slack") if s["created_by"] == user.user_id]
    if not mine:
        return NO_SUBSCRIPTIONS
    return "\n".join(
        SUBSCRIPTION_LINE.format(
            topic=wording.TOPIC_LABEL.get(s["topic"], s["topic"]).capitalize(),
            channel=escape(s["channel_id"]),
            when=wording.DAY_LABEL.get(s["day"], s["day"]),
            time=s["time"],
            tz=s["timezone"],
        )
        for s in mine
    )


def home_view(brain: Brain, user: ChatUser) -> dict[str, Any]:
    """The ``views.publish`` view for ``user`` (at most 100 blocks)."""
    blocks: list[dict[str, Any]] = []
    for title, query in SECTIONS:
        blocks += _section_blocks(title, brain.run(query, user, Channel(f"home:{user.user_id}", "slack")))
    lines = subscription_lines(brain, user)
    blocks += [
        _header(SUBSCRIPTIONS_TITLE),
        {"type": "section", "text": {"type": "mrkdwn", "text": lines[:3000]}},
    ]
    blocks += context_blocks(HOME_FOOTER)
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
