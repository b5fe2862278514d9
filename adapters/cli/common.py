"""What every `custseg` command needs: settings, the store and the bot's services, built the same way
(the services by the composition root, ``bot.app.build``).

Command groups that live in their own module (``adapters/cli/<group>.py``) export
``register(sub)`` and are listed in ``adapters.cli.main.COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from config import Settings, load_settings

if TYPE_CHECKING:
    from bot.app import App
    from bot.context import ChatUser
    from bot.services.chat import ChatService
    from custseg.store.db import Store


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings (``--config`` / ``CUSTSEG_CONFIG``), with ``--database`` applied."""
    settings = load_settings(args.config)
    if args.database:
        settings = settings.model_copy(update={"database_url": args.database})
    return settings


def open_store_for(settings: Settings) -> Store:
    from custseg.store import open_store

    return open_store(settings.database_url)


def app_for(settings: Settings, as_user: str | None = None) -> tuple[App, ChatUser]:
    """The bot's services on our store, and the console user (acting as account manager
    ``as_user`` if given)."""
    from bot.app import build
    from bot.context import ChatUser

    if as_user:
        settings = settings.model_copy(update={"users": {**settings.users, "console": as_user}})
    return build(open_store_for(settings), settings), ChatUser("console", "console", as_user)


def brain_for(settings: Settings, as_user: str | None = None) -> tuple[ChatService, ChatUser]:
    """The chat service of ``app_for``, and the console user."""
    app, user = app_for(settings, as_user)
    return app.chat, user
