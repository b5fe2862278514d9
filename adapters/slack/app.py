"""The Slack app: slash command, mentions, direct messages, buttons and App Home, on slack-bolt.

Everything Slack sends arrives at ``POST /slack/events`` of the web process (or over Socket Mode,
see ``adapters.cli.slack``). ``mount`` wires the parts:

- ``endpoint``: the HTTP boundary (signature and timestamp, malformed bodies, replays);
- ``listeners``: the bolt app, which acknowledges at once and hands each request to the bot;
- ``bot``: what custseg does for each request (``SlackBot``), through the chat service;
- ``client``: the Web API client.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from adapters.slack.bot import SlackBot
from adapters.slack.client import web_client
from adapters.slack.dedupe import Claims
from adapters.slack.endpoint import Endpoint
from adapters.slack.listeners import COMMAND, build_bolt_app
from adapters.web.app import PlatformStatus
from bot.services.chat import ChatService
from config import Settings

__all__ = ["COMMAND", "PATH", "REQUIRED", "SlackBot", "build_bolt_app", "mount", "web_client"]

PATH = "/slack/events"
REQUIRED = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
# Signed requests already answered (their signatures), beside the messages in ``seen_events``.
REQUESTS_PLATFORM = "slack-request"


def mount(
    app: web.Application, brain: ChatService, settings: Settings, env: Mapping[str, str]
) -> PlatformStatus:
    """Serve ``/slack/events`` when the bot token and signing secret are in the environment."""
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        return PlatformStatus("slack", False, missing=missing)
    bot = SlackBot(brain, settings, web_client(env["SLACK_BOT_TOKEN"], env))
    endpoint = Endpoint(
        build_bolt_app(bot, env["SLACK_SIGNING_SECRET"]),
        env["SLACK_SIGNING_SECRET"],
        Claims(brain.store, platform=REQUESTS_PLATFORM),
    )
    app.router.add_post(PATH, endpoint.handle)

    async def drain(_: web.Application) -> None:
        await bot.drain()

    app.on_shutdown.append(drain)
    return PlatformStatus("slack", True, detail=f"POST {PATH}")
