"""``Brain``: the chat service with the standard handlers, under the name the adapters and tests
know. Everything it does lives in ``bot.services.chat``; this module only keeps the name."""

from __future__ import annotations

from bot.app import standard_handlers
from bot.services.chat import ChatService, unreachable, who_are_you
from config.settings import Settings
from custseg.store.db import Store

__all__ = ["Brain", "unreachable", "who_are_you"]


class Brain(ChatService):
    """``ChatService(store, settings, standard_handlers())``: what ``bot.app.build`` makes as its
    ``chat`` service, constructible on its own for a test or a one-off."""

    def __init__(self, store: Store, settings: Settings):
        super().__init__(store, settings, standard_handlers())
