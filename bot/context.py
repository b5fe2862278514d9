"""Who is asking, where, and on which data: what every handler receives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.book import ScopedBook, in_scope

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from bot.reply import Reply
    from config.access import Person
    from config.settings import Settings
    from custseg.query import Query
    from custseg.store.db import Store

    # ``fn(ctx, scope_rows, since)``: a section another feature adds to the digest.
    DigestPartFn = Callable[["Context", pd.DataFrame, dt.date], Any]


@dataclass(frozen=True)
class ChatUser:
    """A person in a chat platform (``user_id`` as the platform knows them)."""

    user_id: str
    platform: str = "console"
    display_name: str | None = None
    email: str | None = None
    # The platform's locale for this person ("zh-CN"), when it says (Slack users.info, Teams activity).
    locale: str | None = None


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


# Answer another question as the same user, in the same channel (a button that re-asks).
Ask = Callable[[str, ChatUser, Channel], "Reply"]
Run = Callable[["Query | dict[str, Any]", ChatUser, Channel], "Reply"]


@dataclass
class Context:
    """Everything a handler needs to answer one message or button press.

    ``data`` is the asker's scoped view of the book (None before the first snapshot); ``person``
    and ``scope`` are who the access service found the user to be and what they may see.
    """

    settings: Settings
    store: Store
    user: ChatUser
    channel: Channel
    data: ScopedBook | None
    person: Person | None = None
    scope: frozenset[str] | None = None
    stranger: bool = False
    ask: Ask | None = None
    run: Run | None = None
    # The column mapping the currency came from (bot.freshness.data_currency); None when the
    # settings named it, or the default applies.
    currency_source: str | None = None
    digest_parts: Sequence[DigestPartFn] = field(default_factory=tuple)
    # For a button press: the message carrying the button (Slack ts, Teams activity id), when known.
    message_id: str | None = None
    # The words the user typed, when the query came from a message (smalltalk answers in kind).
    text: str | None = None

    @property
    def book(self) -> ScopedBook:
        """The asker's view of the latest snapshot; NoSnapshotError when there is none yet."""
        if self.data is None:
            from custseg.errors import NoSnapshotError

            raise NoSnapshotError()
        return self.data

    def sees(self, owner: str | None) -> bool:
        """Whether this user may see the customers of account manager ``owner`` (None: no owner)."""
        return in_scope(self.scope, owner)

    @property
    def owner(self) -> str | None:
        """The account manager this user is (their name in the data's owner column)."""
        person = self.person
        return person.owner if person else None

    @property
    def currency(self) -> str:
        return self.settings.currency

    def answer(self, query: Query | dict[str, Any]) -> Reply:
        """Answer ``query`` as this user in this channel (through the chat service)."""
        if self.run is None:
            raise RuntimeError("this context cannot answer other queries")
        return self.run(query, self.user, self.channel)

    def ask_again(self, text: str) -> Reply:
        """Answer ``text`` as if this user had typed it here."""
        if self.ask is None:
            raise RuntimeError("this context cannot answer other messages")
        return self.ask(text, self.user, self.channel)
