"""One person's overview: their key accounts, dormant high-value customers, actions waiting for
them and their digest subscriptions, each answered by the chat service as that person, so in their scope.

Slack shows the sections on the App Home tab (``adapters.slack.home``); in chat (Teams' personal
chat, or anywhere the *My overview* button is pressed) they come as one message with a Refresh
button (``overview_reply``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import wording
from bot.context import Channel, ChatUser, Run
from bot.reply import Button, Reply
from config.settings import Settings
from custseg.query import Query
from custseg.store.db import Store
from custseg.store.models import CONVERSATION_REFS
from custseg.store.subscriptions import list_subscriptions

OVERVIEW_ACTION = "overview.show"
SECTIONS: list[tuple[str, Query]] = [
    (
        "key_accounts",
        Query.from_json(
            {"intent": "find_customers", "filters": {"key_account": True, "owner": "me"}, "sort": "revenue"}
        ),
    ),
    (
        "dormant",
        Query.from_json(
            {
                "intent": "find_customers",
                "filters": {"lifecycle": "dormant", "value_tier": "high", "owner": "me"},
            }
        ),
    ),
    ("pending", Query.from_json({"intent": "pending_actions"})),
]
# Rows of each section's table shown in the chat version; the rest is counted.
CHAT_ROWS = 5


def overview_button() -> Button:
    return Button(wording.OVERVIEW_BUTTON, OVERVIEW_ACTION)


def stored_names(store: Store, platform: str) -> Callable[[str], str]:
    """Channel ids → the names stored when the app was installed there (the id when unknown)."""
    t = CONVERSATION_REFS
    with store.connect() as conn:
        rows = conn.execute(select(t.c.channel_id, t.c.name).where(t.c.platform == platform)).all()
    names = {channel_id: name for channel_id, name in rows if name}
    return lambda channel_id: names.get(channel_id, channel_id)


def subscription_lines(store: Store, user: ChatUser, channel_label: Callable[[str], str]) -> str:
    """The digest subscriptions ``user`` set up on their platform, one line each."""
    mine = [s for s in list_subscriptions(store, user.platform) if s["created_by"] == user.user_id]
    if not mine:
        return wording.NO_SUBSCRIPTIONS
    return "\n".join(
        wording.SUBSCRIPTION_LINE.format(
            topic=wording.TOPIC_LABEL.get(s["topic"], s["topic"]).capitalize(),
            channel=channel_label(s["channel_id"]),
            when=wording.DAY_LABEL.get(s["day"], s["day"]),
            time=s["time"],
            tz=s["timezone"],
        )
        for s in mine
    )


def sections(
    store: Store,
    run: Run,
    user: ChatUser,
    channel_label: Callable[[str], str] = str,
) -> list[tuple[str, Reply]]:
    """(title, reply) for each part of ``user``'s overview, every query answered by ``run`` (the
    chat service's) as ``user``, so within their scope.

    ``channel_label`` turns a subscribed channel id into what the platform shows (a Slack channel
    link, a Teams conversation name).
    """
    here = Channel(f"home:{user.user_id}", user.platform, "dm")
    parts = [(wording.OVERVIEW_SECTIONS[key], run(query, user, here)) for key, query in SECTIONS]
    subscriptions = Reply(text=subscription_lines(store, user, channel_label))
    return [*parts, (wording.OVERVIEW_SECTIONS["subscriptions"], subscriptions)]


def _summary(reply: Reply) -> str:
    """A section in a few lines: what it is, its text, and the first rows of its table."""
    lines = [reply.context, reply.text]
    if reply.table:
        rows = reply.table.rows
        lines += ["• " + " · ".join(cell for cell in row if cell) for row in rows[:CHAT_ROWS]]
        if len(rows) > CHAT_ROWS:
            lines.append(wording.OVERVIEW_MORE.format(n=len(rows) - CHAT_ROWS))
    return "\n".join(line for line in lines if line)


def overview_reply(
    settings: Settings,
    store: Store,
    run: Run,
    user: ChatUser,
    channel_label: Callable[[str], str] = str,
) -> Reply:
    """The overview as one chat message, with a Refresh button that replaces it in place."""
    now = dt.datetime.now(ZoneInfo(settings.timezone))
    text = "\n\n".join(
        f"*{title}*\n{_summary(reply)}" for title, reply in sections(store, run, user, channel_label)
    )
    return Reply(
        context=wording.OVERVIEW_CONTEXT,
        text=text,
        buttons=[Button(wording.OVERVIEW_REFRESH, OVERVIEW_ACTION)],
        footer=wording.OVERVIEW_FOOTER.format(at=f"{now:%Y-%m-%d %H:%M} {now.tzname()}"),
    )
