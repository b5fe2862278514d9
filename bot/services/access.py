"""Who a chat user is and what they may see: the one place the settings' people are read for that.

The chat service builds every handler's context from it, the worker uses it for a subscriber's
scope, and ``custseg ask --json`` for the console user's.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import ChatUser
from bot.intents import declaration
from config.access import Person
from config.settings import Settings


@dataclass(frozen=True)
class Access:
    """What one user may do: who they are (``person``), whose customers they see (``scope``, None:
    all of them), and whether they are a stranger to the settings (help only)."""

    person: Person | None
    scope: frozenset[str] | None
    stranger: bool

    @property
    def owner(self) -> str | None:
        """The account manager this user is (their name in the data's owner column)."""
        return self.person.owner if self.person else None

    def may_ask(self, intent: str) -> bool:
        """Whether this user may use ``intent`` at all (strangers only the open ones)."""
        return not self.stranger or declaration(intent).open_to_strangers


# The worker composing a channel's scheduled post for an operator is no person: the whole book.
WHOLE_BOOK = Access(person=None, scope=None, stranger=False)


class AccessService:
    """Answers "who is this and what may they see" from ``settings``."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def knows(self, platform: str, user_id: str) -> bool:
        """Whether the settings name this platform id as one of our people (or in ``[users]``)."""
        return self.settings.person(platform, user_id) is not None

    @property
    def open_access(self) -> bool:
        """No people are configured: everyone sees everything (a local, single-user setup)."""
        return self.settings.open_access

    def of(self, user: ChatUser) -> Access:
        person = self.settings.person(user.platform, user.user_id, user.email)
        return Access(
            person=person,
            scope=self.settings.scope_owners(person),
            stranger=person is None and not self.settings.open_access,
        )
