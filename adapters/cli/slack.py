"""`custseg slack-socket`: the Slack app over Socket Mode, for workspaces without a public URL."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys

from adapters.cli.common import brain_for, settings_from
from custseg.errors import ConfigError

SOCKET_REQUIRED = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")


def cmd_slack_socket(args: argparse.Namespace) -> int:
    missing = [name for name in SOCKET_REQUIRED if not os.environ.get(name)]
    if missing:
        raise ConfigError(
            f"Socket Mode needs {', '.join(missing)} in the environment: the bot token (xoxb-…) from "
            "OAuth & Permissions and an app-level token (xapp-…) with connections:write from Basic "
            "Information. See the README's Slack section."
        )
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from adapters import logs
    from adapters.slack.bot import SlackBot
    from adapters.slack.client import web_client
    from adapters.slack.listeners import build_bolt_app

    logs.configure()
    settings = settings_from(args)
    brain, _ = brain_for(settings)

    async def serve() -> None:
        # The Socket Mode client opens its aiohttp session when it is made, so it (and the Web API
        # client it shares with the bot) must be made inside the running loop.
        bot = SlackBot(brain, settings, web_client(os.environ["SLACK_BOT_TOKEN"], os.environ))
        handler = AsyncSocketModeHandler(build_bolt_app(bot, None), os.environ["SLACK_APP_TOKEN"])
        print("custseg on Slack over Socket Mode (Ctrl-C to stop)", file=sys.stderr)
        await handler.start_async()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it is stopped
        asyncio.run(serve())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("slack-socket", help="run the Slack app over Socket Mode (no public URL needed)")
    p.set_defaults(func=cmd_slack_socket)
