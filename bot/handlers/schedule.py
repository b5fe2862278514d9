"""Subscribe a channel to the digest or the churn alerts, or stop it."""

from __future__ import annotations

from typing import Any

from bot import wording
from bot.context import Context
from bot.handlers import intent
from bot.interpret import interpretation
from bot.reply import Reply
from custseg.store.subscriptions import subscribe as store_subscribe
from custseg.store.subscriptions import unsubscribe as store_unsubscribe

DEFAULTS = {"digest": {"day": "mon", "time": "09:00"}, "alerts": {"day": "daily", "time": "08:00"}}


@intent("subscribe")
def subscribe(ctx: Context, query: dict[str, Any]) -> Reply:
    topic = query.get("topic")
    if topic not in DEFAULTS:
        return Reply(context=interpretation(query), text=wording.TOPIC_NEEDED)
    worker = ctx.brain.settings.worker
    default = {"day": worker.alert_day, "time": worker.alert_time} if topic == "alerts" else DEFAULTS[topic]
    schedule = {**default, **(query.get("schedule") or {})}
    tz = ctx.brain.settings.timezone
    row, _ = store_subscribe(
        ctx.brain.store,
        ctx.channel.platform,
        ctx.channel.channel_id,
        topic,
        schedule["day"],
        schedule["time"],
        tz,
        ctx.user.user_id,
    )
    when = f"{wording.DAY_LABEL[row['day']]} at {row['time']} ({row['timezone']})"
    return Reply(
        context=interpretation(query),
        text=wording.SUBSCRIBED.format(topic=wording.TOPIC_LABEL[topic], when=when),
        footer=wording.SUBSCRIPTION_NOTE,
    )


@intent("unsubscribe")
def unsubscribe(ctx: Context, query: dict[str, Any]) -> Reply:
    topic = query.get("topic")
    if topic not in DEFAULTS:
        return Reply(context=interpretation(query), text=wording.TOPIC_NEEDED)
    removed = store_unsubscribe(ctx.brain.store, ctx.channel.platform, ctx.channel.channel_id, topic)
    text = wording.UNSUBSCRIBED if removed else wording.NOT_SUBSCRIBED
    return Reply(context=interpretation(query), text=text.format(topic=wording.TOPIC_LABEL[topic]))
