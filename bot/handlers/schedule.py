"""Subscribe a channel to the digest or the churn alerts, or stop it."""

from __future__ import annotations

from typing import Any

from bot import channels, wording
from bot.context import Context
from bot.interpret import interpretation
from bot.reply import Button, Reply
from custseg.query import Query
from custseg.store.subscriptions import subscribe as store_subscribe
from custseg.store.subscriptions import unsubscribe as store_unsubscribe

DEFAULTS = {"digest": {"day": "mon", "time": "09:00"}, "alerts": {"day": "daily", "time": "08:00"}}
MAY_SCHEDULE = ("admin", "manager")


def _not_allowed(ctx: Context, query: Query, topic: str) -> Reply | None:
    """Only admins and managers change what a channel is sent (anyone, where access is open);
    others are told privately and nothing changes."""
    person = ctx.person
    if ctx.settings.open_access or (person is not None and person.role in MAY_SCHEDULE):
        return None
    text = wording.SUBSCRIBE_REFUSED.format(
        verb=wording.SUBSCRIBE_VERB[query.intent], topic=wording.TOPIC_LABEL[topic]
    )
    return Reply(context=interpretation(query), text=text, private=True)


def subscribe(ctx: Context, query: Query) -> Reply:
    return _subscribe(ctx, query)


def _subscribe(ctx: Context, query: Query, public_ok: bool = False) -> Reply:
    """Subscribe the channel; ``public_ok`` once the asker confirmed posting into a public channel."""
    topic = query.topic
    if topic is None or topic not in DEFAULTS:
        return Reply(context=interpretation(query), text=wording.TOPIC_NEEDED)
    refused = _not_allowed(ctx, query, topic)
    if refused is not None:
        return refused
    worker = ctx.settings.worker
    default = {"day": worker.alert_day, "time": worker.alert_time} if topic == "alerts" else DEFAULTS[topic]
    schedule = {**default, **(query.schedule.to_json() if query.schedule else {})}
    tz = ctx.settings.timezone
    unsafe = _unsafe_channel(ctx, query, topic, schedule, tz, public_ok)
    if unsafe is not None:
        return unsafe
    row, _ = store_subscribe(
        ctx.store,
        ctx.channel.platform,
        ctx.channel.channel_id,
        topic,
        schedule["day"],
        schedule["time"],
        tz,
        ctx.user.user_id,
    )
    when = wording.SCHEDULE_WHEN.format(
        when=wording.DAY_LABEL[row["day"]], time=row["time"], tz=row["timezone"]
    )
    return Reply(
        context=interpretation(query),
        text=wording.SUBSCRIBED.format(topic=wording.TOPIC_LABEL[topic], when=when),
        footer=wording.SUBSCRIPTION_NOTE,
    )


def _unsafe_channel(
    ctx: Context, query: Query, topic: str, schedule: dict[str, str], tz: str, public_ok: bool
) -> Reply | None:
    """Refuse channels shared outside the organisation; ask before posting into a public one."""
    refused = channels.refusal(ctx.settings, ctx.channel)
    if refused is not None:
        return Reply(context=interpretation(query), text=refused)
    if channels.needs_public_consent(ctx.channel) and not public_ok:
        when = wording.SCHEDULE_WHEN.format(
            when=wording.DAY_LABEL[schedule["day"]], time=schedule["time"], tz=tz
        )
        return Reply(
            context=interpretation(query),
            text=wording.PUBLIC_CHANNEL.format(topic=wording.TOPIC_LABEL[topic], when=when),
            buttons=[
                Button(
                    wording.PUBLIC_CONFIRM,
                    "subscribe.public_ok",
                    {"topic": topic, "schedule": {"day": schedule["day"], "time": schedule["time"]}},
                    "primary",
                )
            ],
        )
    return None


def subscribe_public(ctx: Context, payload: dict[str, Any]) -> Reply:
    """The confirm button of a subscription in a public channel (the channel is checked again)."""
    given = payload.get("schedule")
    schedule = {k: str(given[k]) for k in ("day", "time") if k in given} if isinstance(given, dict) else {}
    if schedule.get("day") not in wording.DAY_LABEL:  # a forged day falls back to the default
        schedule.pop("day", None)
    query = Query.from_json({"intent": "subscribe", "topic": payload.get("topic"), "schedule": schedule})
    return _subscribe(ctx, query, public_ok=True)


def unsubscribe(ctx: Context, query: Query) -> Reply:
    topic = query.topic
    if topic is None or topic not in DEFAULTS:
        return Reply(context=interpretation(query), text=wording.TOPIC_NEEDED)
    refused = _not_allowed(ctx, query, topic)
    if refused is not None:
        return refused
    removed = store_unsubscribe(ctx.store, ctx.channel.platform, ctx.channel.channel_id, topic)
    text = wording.UNSUBSCRIBED if removed else wording.NOT_SUBSCRIBED
    return Reply(context=interpretation(query), text=text.format(topic=wording.TOPIC_LABEL[topic]))


INTENTS = {"subscribe": subscribe, "unsubscribe": unsubscribe}
ACTIONS = {"subscribe.public_ok": subscribe_public}
