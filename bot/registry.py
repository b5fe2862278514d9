"""The handlers of one running bot: intent name → handler, button action → handler.

A ``Handlers`` instance is filled by the composition root (``bot.app``) from the handler modules,
each of which lists what it answers in ``INTENTS`` and ``ACTIONS``; nothing registers itself on
import, so two bots (or a test's extra button) never share state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

from bot.context import Context
from bot.intents import INTENTS, Intent, declaration
from bot.reply import Reply
from custseg.query import Query

# An intent's handler answers a validated query; an action's, a button's payload (JSON).
IntentHandler = Callable[[Context, Query], Reply]
Handler = Callable[[Context, dict[str, Any]], Reply]


class Handlers:
    """Which function answers each intent and each button action."""

    def __init__(self) -> None:
        self.intents: dict[str, IntentHandler] = {}
        self.actions: dict[str, Handler] = {}
        # Sections other features add to the key-account digest, in registration order.
        self.digest_parts: list[Callable[..., Any]] = []

    def add_intent(self, name: str, handler: IntentHandler) -> None:
        if name not in INTENTS:
            raise ValueError(f"intent '{name}' has no declaration in bot.intents")
        if name in self.intents:
            raise ValueError(f"intent '{name}' has two handlers")
        self.intents[name] = handler

    def add_action(self, name: str, handler: Handler) -> None:
        if name in self.actions:
            raise ValueError(f"button action '{name}' has two handlers")
        self.actions[name] = handler

    def add_module(self, module: ModuleType) -> None:
        """Register what ``module`` lists in its ``INTENTS`` and ``ACTIONS`` mappings (and the digest
        sections in its ``DIGEST_PARTS``)."""
        intents: Mapping[str, IntentHandler] = getattr(module, "INTENTS", {})
        actions: Mapping[str, Handler] = getattr(module, "ACTIONS", {})
        for name, fn in intents.items():
            self.add_intent(name, fn)
        for name, pressed in actions.items():
            self.add_action(name, pressed)
        self.digest_parts.extend(getattr(module, "DIGEST_PARTS", ()))

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType]) -> Handlers:
        handlers = cls()
        for module in modules:
            handlers.add_module(module)
        missing = set(INTENTS) - set(handlers.intents)
        if missing:
            raise ValueError(f"declared intents without a handler: {', '.join(sorted(missing))}")
        return handlers

    def intent(self, name: str) -> IntentHandler:
        return self.intents[name]

    def action(self, name: str) -> Handler | None:
        return self.actions.get(name)

    @staticmethod
    def declaration(name: object) -> Intent:
        return declaration(name)
