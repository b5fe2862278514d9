"""One handler per intent (and per button action). Adding a chat command is one handler here plus
its tests; no adapter changes. Handlers return a neutral ``Reply``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.context import Context
from bot.reply import Reply
from custseg.query import Query

# An intent's handler answers a validated query; an action's, a button's payload (JSON).
IntentHandler = Callable[[Context, Query], Reply]
Handler = Callable[[Context, dict[str, Any]], Reply]
INTENT_HANDLERS: dict[str, IntentHandler] = {}
ACTION_HANDLERS: dict[str, Handler] = {}


def intent(name: str) -> Callable[[IntentHandler], IntentHandler]:
    def register(fn: IntentHandler) -> IntentHandler:
        INTENT_HANDLERS[name] = fn
        return fn

    return register


def action(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        ACTION_HANDLERS[name] = fn
        return fn

    return register


def load_all() -> None:
    """Import the handler modules so they register themselves."""
    from bot.handlers import action_lists, actions, customers, digest, one_customer, schedule, talk  # noqa: F401
