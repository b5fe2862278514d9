"""The composition root: the one place the bot's services are built from settings and a store.

The web process (Slack and Teams), the worker, the CLI and the console all call ``build``; nothing
else constructs a handler registry or a service. It lives in ``bot`` (not ``adapters``) because
what it wires is the bot's own: which handler modules answer, and which services share them.
Adapters only bring what is theirs (posters, for the worker).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.handlers import (
    action_lists,
    actions,
    conversation,
    customers,
    digest,
    figures,
    one_customer,
    schedule,
    talk,
)
from bot.registry import Handlers
from bot.services.access import AccessService
from bot.services.chat import ChatService
from bot.services.scheduled import ScheduledPosts
from config.settings import Settings
from custseg.store.db import Store

# Every module with handlers; the order is the digest sections' order.
HANDLER_MODULES = (
    talk,
    conversation,
    customers,
    figures,
    one_customer,
    digest,
    action_lists,
    actions,
    schedule,
)


def standard_handlers() -> Handlers:
    """A fresh registry with every handler module's intents, actions and digest sections."""
    return Handlers.from_modules(HANDLER_MODULES)


@dataclass
class App:
    """The services one process uses."""

    chat: ChatService
    access: AccessService
    scheduled: ScheduledPosts


def build(store: Store, settings: Settings, handlers: Handlers | None = None) -> App:
    """The services on ``store``, sharing one handler registry and one loaded snapshot."""
    chat = ChatService(store, settings, handlers if handlers is not None else standard_handlers())
    return App(chat=chat, access=chat.access, scheduled=ScheduledPosts(chat))
