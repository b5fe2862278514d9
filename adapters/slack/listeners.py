"""The bolt app: which Slack request goes to which ``SlackBot`` method. Listeners acknowledge
first, then work (bolt runs them after the ack, in tasks the bot tracks for shutdown)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.bot import SlackBot
from adapters.slack.render import (
    REASON_ACTION_PREFIX,
    REASON_VIEW,
    SHARE_ACTION,
)

COMMAND = "/custseg"
# The message shortcut "Look up customer" (``shortcuts`` in the manifest, same callback_id).
LOOKUP_SHORTCUT = "custseg_lookup"


def build_bolt_app(bot: SlackBot, signing_secret: str | None) -> AsyncApp:
    """The bolt app with custseg's listeners. Listeners acknowledge first, then work.

    ``signing_secret`` is None only for Socket Mode, where Slack authenticates the connection with
    the app-level token instead of signing each request.
    """
    app = AsyncApp(
        client=bot.client,
        signing_secret=signing_secret,
        request_verification_enabled=signing_secret is not None,
        process_before_response=False,
    )

    @app.command(COMMAND)
    async def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack()
        bot.track()
        await bot.command(command, respond)

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any]) -> None:
        bot.track()
        await bot.message(event, mention=True)

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        bot.track()
        await bot.message(event, mention=False)

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any]) -> None:
        bot.track()
        await bot.home(event)

    @app.shortcut(LOOKUP_SHORTCUT)
    async def on_lookup(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        bot.track()
        await bot.look_up(body, respond)

    @app.action(SHARE_ACTION)
    async def on_share(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        bot.track()
        await bot.share(body, action, respond)

    @app.action(re.compile(r"^custseg:"))
    async def on_button(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        bot.track()
        await bot.button(body, action, respond)

    @app.action(re.compile("^" + re.escape(REASON_ACTION_PREFIX)))
    async def on_reason_button(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        bot.track()
        await bot.ask_reason(body, action)

    @app.view(REASON_VIEW)
    async def on_reason(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        bot.track()
        await bot.reason_submitted(body, view)

    return app
