"""Who is asking, where, and on which data: what every handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.brain import Brain
    from config.access import Person
    from custseg.query import QueryEngine


@dataclass(frozen=True)
class ChatUser:
    """A person in a chat platform (``user_id`` as the platform knows them)."""

    user_id: str
    platform: str = "console"
    display_name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Channel:
    """Where the conversation happens; subscriptions post back here.

    ``visibility`` is who can read it, as the adapter found out from the platform: ``dm`` (the bot
    and one person), ``private`` (invited members of our organisation), ``public`` (anyone in the
    workspace or team), ``external`` (shared with another organisation or with guests),
    ``unchecked`` (the platform could not say who is in it: refused for data like ``external``),
    or ``unknown``.
    """

    channel_id: str
    platform: str = "console"
    visibility: str = "unknown"


@dataclass
class Context:
    """Everything a handler needs to answer one message or button press."""

    brain: Brain
    user: ChatUser
    channel: Channel
    data: QueryEngine | None
    # The worker composing a channel's scheduled post is no person: it works on the whole book.
    whole_book: bool = False
    # For a button press: the message carrying the button (Slack ts, Teams activity id), when known.
    message_id: str | None = None

    @property
    def engine(self) -> QueryEngine:
        """The query engine on the latest snapshot; NoSnapshotError when there is none yet."""
        if self.data is None:
            from custseg.errors import NoSnapshotError

            raise NoSnapshotError()
        return self.data

    @property
    def person(self) -> Person | None:
        """Who this user is, from the settings' [people] (or the [users] shorthand); None if unknown."""
        return self.brain.settings.person(self.user.platform, self.user.user_id, self.user.email)

    @property
    def scope(self) -> frozenset[str] | None:
        """The account managers whose customers this user may see (None: everyone)."""
        if self.whole_book:
            return None
        return self.brain.settings.scope_owners(self.person)

    @property
    def stranger(self) -> bool:
        """Someone the settings do not map to a person, where access is not open: help only."""
        return self.person is None and not self.brain.settings.open_access and not self.whole_book

    def sees(self, owner: str | None) -> bool:
        """Whether this user may see the customers of account manager ``owner`` (None: no owner)."""
        scope = self.scope
        if scope is None:
            return True
        return owner is not None and owner.strip().lower() in {o.strip().lower() for o in scope}

    @property
    def owner(self) -> str | None:
        """The account manager this user is (their name in the data's owner column)."""
        person = self.person
        return person.owner if person else None

    @property
    def currency(self) -> str:
        return self.brain.settings.currency
