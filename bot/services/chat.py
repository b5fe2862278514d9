"""The chat service: a chat message becomes one query, the query runs on the latest snapshot, the
answer becomes one channel-neutral reply. Button presses come back here as actions. Nothing in
here knows which chat platform is on the other side, and nothing a user sends can make it raise."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot import i18n, wording
from bot.book import ScopedBook
from bot.context import Channel, ChatUser, Context
from bot.freshness import data_currency
from bot.handlers import talk
from bot.intents import Intent, declaration
from bot.interpret import interpretation, unsupported_sentence
from bot.nlu import Vocabulary, named_customer, parse
from bot.nlu.followups import resolve
from bot.nlu.languages import detect_language
from bot.registry import Handlers
from bot.reply import Reply
from bot.services.access import WHOLE_BOOK, Access, AccessService
from bot.services.conversations import Thread, keep, pointed, recall, shown
from bot.winback.typed import typed_decision
from config.settings import Settings
from custseg.errors import CustsegError, DatabaseUnreachable, NoSnapshotError, QueryError
from custseg.query import Query, QueryEngine, as_query
from custseg.query.sources import StoredBook
from custseg.snapshot.storage import decode_parts, fetch_parts, snapshot_of
from custseg.store.attributes import attribute_values
from custseg.store.db import Store
from custseg.store.models import SNAPSHOTS
from custseg.store.orders import recent_orders_lookup

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("custseg.bot")
MAX_MESSAGE = 4000


def who_are_you(user: ChatUser) -> str:
    """What to tell a user the settings do not map to a person: which id an admin must add."""
    platform, how = wording.UNKNOWN_PERSON_HOW.get(user.platform, wording.UNKNOWN_PERSON_OTHER)
    return wording.UNKNOWN_PERSON.format(
        platform=platform.format(platform=user.platform),
        user_id=user.user_id,
        how=how.format(user_id=user.user_id),
    )


def with_unsupported(reply: Reply, query: Query) -> Reply:
    """``reply`` led by what of the message could not be applied and why."""
    if not query.unsupported:
        return reply
    lead = unsupported_sentence(query.unsupported, alone=query.intent == "unknown")
    return dataclasses.replace(reply, text=f"{lead}\n\n{reply.text}" if reply.text else lead)


def said(reply: Reply) -> Reply:
    """``reply`` marked with the language it was composed in, for the adapter that renders it."""
    language = i18n.current()
    return reply if reply.language == language else dataclasses.replace(reply, language=language)


def unreachable() -> Reply:
    """The answer while our database cannot be reached: ask again shortly, rather than an error."""
    return Reply(context="Data unavailable", text=wording.DATA_UNREACHABLE)


def _flag_data(reply: Reply, ctx: Context) -> Reply:
    """A press's answer built from the book's own answers (a list's next page) carries customer
    data, as an intent declared so does; answers of queries run for it are flagged by ``run``."""
    if ctx.data is not None and ctx.data.answered and not reply.private and not reply.customer_data:
        return dataclasses.replace(reply, customer_data=True)
    return reply


@dataclasses.dataclass(frozen=True)
class _Loaded:
    """What ``ChatService._load`` built from one snapshot, switched to at once."""

    engine: QueryEngine
    vocabulary: Vocabulary
    snapshot_id: int | None
    settings: Settings
    currency_source: str | None


class ChatService:
    """Answers chat messages and button actions on the latest snapshot in ``store``.

    The snapshot and the name vocabulary are loaded once and reloaded only when a newer snapshot
    has been stored, so answering a message touches the database for one tiny query at most.
    """

    def __init__(self, store: Store, settings: Settings, handlers: Handlers):
        self.store = store
        self.settings = settings
        self.configured = settings
        self.handlers = handlers
        self.access = AccessService(settings)
        # The column mapping the currency came from (bot.freshness.data_currency); None when the
        # settings named it, or the default applies.
        self.currency_source: str | None = None
        self._lock = threading.Lock()
        self._engine: QueryEngine | None = None
        self._vocabulary: Vocabulary | None = None
        self._snapshot_id: int | None = None
        self._preloading: threading.Thread | None = None
        # The web process answers from the held snapshot while a newer one loads (``engine``); the
        # worker and one-off commands load it before answering, so a post follows its new snapshot.
        self.background_reload = False
        # The language each (platform, user) last wrote in, for their button presses.
        self._spoken: dict[tuple[str, str], str] = {}

    # -- data ----------------------------------------------------------------------------------------
    def _latest_id(self) -> int | None:
        with self.store.connect() as conn:
            return conn.execute(select(func.max(SNAPSHOTS.c.id))).scalar()

    def engine(self) -> QueryEngine:
        """The query engine on the latest snapshot.

        The first call loads it, and a newer snapshot stored later is loaded before answering;
        with ``background_reload`` (the web process) it is loaded in a background thread instead
        while messages are still answered from the one held, and the switch happens once the new
        engine and vocabulary are built, so no message waits for a load (``preload`` waits for it).
        """
        latest = self._latest_id()
        if latest is None:
            raise NoSnapshotError()
        with self._lock:
            if self._engine is None or (latest != self._snapshot_id and not self.background_reload):
                # Nothing answers yet: answer as soon as the snapshot and parser's names are in,
                # the engine's name indexes following on a thread (a profile waits for them).
                self._switch(self._load(complete=False))
            elif latest != self._snapshot_id and self._preloading is None:
                # Not a daemon, as the engine's name-index thread: interpreter shutdown under a
                # thread still inside Arrow or numpy aborts the process; a stop waits for the load.
                self._preloading = threading.Thread(
                    target=self._preload, name="snapshot-preload", daemon=False
                )
                self._preloading.start()
            assert self._engine is not None
            return self._engine

    def preload(self) -> None:
        """Wait until a background load started by ``engine`` has switched to the new snapshot."""
        thread = self._preloading
        if thread is not None:
            thread.join()

    def _preload(self) -> None:
        try:
            loaded = self._load(complete=True)
            with self._lock:
                self._switch(loaded)
        except Exception:
            # The held snapshot keeps answering; the next message tries the load again.
            log.exception("could not preload the latest snapshot")
        finally:
            with self._lock:
                self._preloading = None

    def _switch(self, loaded: _Loaded) -> None:
        """Answer from ``loaded`` from now on (called with ``_lock`` held)."""
        self._engine, self._vocabulary, self._snapshot_id = (
            loaded.engine,
            loaded.vocabulary,
            loaded.snapshot_id,
        )
        self.settings, self.currency_source = loaded.settings, loaded.currency_source

    def _load(self, complete: bool) -> _Loaded:
        """The engine and name vocabulary on the latest stored snapshot; ``complete`` builds the
        engine's name indexes before returning, otherwise on a thread.

        The vocabulary (what the parser needs of the data) is built from the names alone on a
        second thread while the rest of the snapshot is decoded and the engine set up: both are
        Arrow and numpy work that releases the GIL, so on two cores the load takes the longer of
        the two, not their sum.
        """
        head, payloads = fetch_parts(self.store)
        attributes = attribute_values(self.store)
        names = decode_parts(payloads, ["name", "owner", "region"])
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vocabulary") as pool:
            building = pool.submit(self._vocabulary_of, names, attributes, head["as_of"])
            del names
            snap = snapshot_of(head, payloads)
            del payloads
            # Computed here and switched to with the engine: a background load never changes the
            # settings the held snapshot is answering with.
            currency, currency_source = data_currency(self.store, self.configured)
            settings = (
                self.settings
                if currency == self.settings.currency
                else self.configured.model_copy(update={"currency": currency})
            )
            engine = QueryEngine(
                snap, recent_orders_lookup(self.store), StoredBook(self.store), currency=currency
            )
            vocabulary = building.result()
        # After the vocabulary: the first answer needs that, not these.
        engine.index_names(background=not complete)
        return _Loaded(engine, vocabulary, snap.id, settings, currency_source)

    @staticmethod
    def _vocabulary_of(
        names: pd.DataFrame, attributes: dict[str, list[str]], as_of: dt.date | None = None
    ) -> Vocabulary:
        """The parser's vocabulary of the book's names (``name``, ``owner``, ``region`` columns)
        and other customer columns, and its as-of day, built completely."""
        return Vocabulary(
            customers=names["name"].to_numpy(dtype=object),
            owners=names["owner"].dropna().unique().tolist(),
            regions=names["region"].dropna().unique().tolist(),
            countries=attributes.get("country", ()),
            attributes=attributes,
            as_of=as_of,
        ).warm()

    def vocabulary(self) -> Vocabulary | None:
        return self._vocabulary

    def context(
        self,
        user: ChatUser,
        channel: Channel,
        engine: QueryEngine | None,
        access: Access | None = None,
        message_id: str | None = None,
        text: str | None = None,
    ) -> Context:
        """What a handler answering ``user`` in ``channel`` receives (``access`` defaults to what
        the settings say of ``user``; the worker passes the whole book for an operator)."""
        access = access if access is not None else self.access.of(user)
        return Context(
            settings=self.settings,
            store=self.store,
            user=user,
            channel=channel,
            data=ScopedBook(engine, access.scope, access.owner) if engine is not None else None,
            person=access.person,
            scope=access.scope,
            stranger=access.stranger,
            ask=self.ask,
            run=self.run,
            currency_source=self.currency_source,
            digest_parts=self.handlers.digest_parts,
            message_id=message_id,
            text=text,
        )

    def whole_book(self, user: ChatUser, channel: Channel) -> Context:
        """The context of a post composed for an operator: no person, the whole book."""
        return self.context(user, channel, self.engine(), WHOLE_BOOK)

    def language(self, user: ChatUser, text: str | None = None) -> str:
        """The language to answer ``user`` in: their ``[people]`` setting, else their chat platform's
        locale, else the language ``text`` is written in, else the settings' default. A message
        with no word in it ("12", a button press) is in the language this person last wrote in
        (remembered by this process), else the default."""
        person = self.configured.person(user.platform, user.user_id, user.email)
        if person is not None and person.language:
            return person.language
        platform = i18n.language_of(user.locale)
        if platform is not None:
            return platform
        key = (user.platform, user.user_id)
        if text and any(c.isalpha() for c in text):
            self._spoken[key] = detect_language(text[:MAX_MESSAGE])
            return self._spoken[key]
        # A button press or a bare number: the language this person last wrote in.
        return self._spoken.get(key, self.configured.bot.language)

    # -- entry points -----------------------------------------------------------------------------------
    def understand(self, text: str) -> dict[str, Any]:
        """The structured query for a message (with the data's names as vocabulary when loaded)."""
        return parse(text[:MAX_MESSAGE], self._vocabulary)

    def intent_of(self, text: str, user: ChatUser | None = None, conversation: str | None = None) -> Intent:
        """The declaration of the intent ``text`` asks for, read as ``ask`` will read it (with the
        data's names when there is a snapshot, and as a follow-up in ``user``'s ``conversation``
        when given: "tell me about the second one" is a profile). What the channel-data policy
        decides on."""
        if typed_decision((text or "")[:MAX_MESSAGE]) is not None:
            # "approve 12" is a button press in words: it decides on customer data, so it is
            # judged as such (an undeclared intent fails closed), not as the "unknown" the parser
            # would make of it.
            return declaration("decide")
        try:
            self.engine()
        except Exception:  # no snapshot or no database: the question is read without the names
            log.debug("reading a message without the data's names", exc_info=True)
        if user is not None and conversation is not None:
            recent = recall(self.store, Thread(user.platform, conversation, user.user_id))
            return declaration(
                resolve((text or "")[:MAX_MESSAGE], recent, self._vocabulary).get("intent", "unknown")
            )
        return declaration(self.understand(text or "").get("intent", "unknown"))

    def ask(self, text: str, user: ChatUser, channel: Channel, conversation: str | None = None) -> Reply:
        """Answer one chat message, in the asker's language (``language``). Never raises: every
        failure becomes a helpful reply.

        ``conversation`` is the platform's key of the thread the message is in (Slack channel and
        thread, Teams conversation or reply chain, a terminal session): with it, the message is read
        as a follow-up of what this user asked there before, and the answer is remembered.
        """
        if i18n.chosen():
            return said(self._ask(text, user, channel, conversation))
        with i18n.speaking(self.language(user, text)):
            return said(self._ask(text, user, channel, conversation))

    def _ask(self, text: str, user: ChatUser, channel: Channel, conversation: str | None) -> Reply:
        try:
            if not text or not text.strip():
                return Reply(context=wording.CONTEXT_LABEL["help"], text=wording.EMPTY_MESSAGE)
            # Typed decisions ("reject 12 because …") are button presses in words, outside the
            # query contract: they never reach the parser.
            typed = typed_decision(text[:MAX_MESSAGE])
            if typed is not None:
                return self.act(*typed, user, channel)
            try:
                self.engine()
            except NoSnapshotError:
                query = as_query(parse(text[:MAX_MESSAGE]))
                if declaration(query.intent).open_to_strangers:
                    return self.run(query, user, channel, engine=None, text=text)
                return Reply(context=interpretation(query), text=wording.NO_SNAPSHOT)
            if conversation is not None:
                return self.follow(text, user, channel, Thread(user.platform, conversation, user.user_id))
            return self.run(self.understand(text), user, channel, text=text)
        except (OperationalError, DatabaseUnreachable) as err:
            log.warning("cannot answer a message, the database is unreachable (%s)", err)
            return unreachable()
        except Exception:
            log.exception("failed to answer a message")
            return Reply(context="Error", text=wording.INTERNAL_ERROR)

    def follow(self, text: str, user: ChatUser, channel: Channel, thread: Thread) -> Reply:
        """Answer ``text`` as the next message of ``thread``: read against what the thread remembers
        (the whole resolved query is what runs, and what the interpretation line shows), then
        remember the query, the rows the asker was shown and the customer it was about."""
        recent = recall(self.store, thread)
        query = resolve(text[:MAX_MESSAGE], recent, self._vocabulary)
        target = pointed(query, recent)
        if isinstance(target, str):
            return Reply(context=interpretation(as_query(query)), text=target)
        answered: list[object] = []
        reply = self.run(target, user, channel, text=text, answered=answered)
        rows, customer = shown(answered, self.settings.conversations.max_rows)
        keep(self.store, self.settings, thread, recent.after(target, rows, customer))
        return reply

    def run(
        self,
        query: Query | dict[str, Any],
        user: ChatUser,
        channel: Channel,
        engine: QueryEngine | None = None,
        access: Access | None = None,
        text: str | None = None,
        answered: list[object] | None = None,
    ) -> Reply:
        """Answer an already-structured query (the contract's JSON is validated into a Query first).

        ``text`` is the message it was read from, when there was one. Words the query could not
        use (``unsupported``) are said first in the answer, so no result reads as if they applied.
        ``answered`` receives the engine's answers the reply was built from (for the conversation).
        Inside ``ask`` it speaks the asker's language already; called alone (a button that re-asks,
        the worker), the language of ``user`` and ``text``.
        """
        if i18n.chosen():
            return said(self._run(query, user, channel, engine, access, text, answered))
        with i18n.speaking(self.language(user, text)):
            return said(self._run(query, user, channel, engine, access, text, answered))

    def _run(
        self,
        query: Query | dict[str, Any],
        user: ChatUser,
        channel: Channel,
        engine: QueryEngine | None,
        access: Access | None,
        text: str | None,
        answered: list[object] | None,
    ) -> Reply:
        checked: Query | None = None
        try:
            checked = as_query(query)
            handler = self.handlers.intent(checked.intent)
            engine = engine if engine is not None else self.engine()
            ctx = self.context(user, channel, engine, access, text=text)
            declared = declaration(checked.intent)
            if ctx.stranger and not declared.open_to_strangers:
                return Reply(context=interpretation(checked), text=who_are_you(user))
            reply = with_unsupported(handler(ctx, checked), checked)
            if answered is not None and ctx.data is not None:
                answered.extend(ctx.data.answered)
            if declared.customer_data and not reply.private:
                return dataclasses.replace(reply, customer_data=True)
            return reply
        except NoSnapshotError:
            return Reply(context=interpretation(checked), text=wording.NO_SNAPSHOT)
        except (OperationalError, DatabaseUnreachable) as err:
            log.warning("cannot answer a query, the database is unreachable (%s)", err)
            return unreachable()
        except QueryError as err:
            # A query that was valid but could not be answered as asked (a column the data does
            # not have) was understood: the interpretation says so, the error says why.
            context = interpretation(checked) if checked is not None else wording.INTENT_LABEL["unknown"]
            return Reply(context=context, text=f"{err} {wording.TRY_HELP}")
        except CustsegError as err:
            return Reply(context=interpretation(checked), text=str(err))
        except Exception:
            log.exception("failed to answer query %s", checked.intent if checked is not None else None)
            return Reply(context=interpretation(checked), text=wording.INTERNAL_ERROR)

    def act(
        self,
        action_id: str,
        payload: dict[str, Any],
        user: ChatUser,
        channel: Channel,
        message_id: str | None = None,
        conversation: str | None = None,
    ) -> Reply:
        """Handle a button press (on the message ``message_id`` in ``channel``, when the platform
        says). Unknown or malformed actions get a friendly answer. In ``conversation``, a list or
        a customer the press shows is remembered as if asked ("List them", then "the second one").
        The answer is in the presser's language (a press has no words to tell it by)."""
        with i18n.speaking(self.language(user)):
            return said(self._act(action_id, payload, user, channel, message_id, conversation))

    def _act(
        self,
        action_id: str,
        payload: dict[str, Any],
        user: ChatUser,
        channel: Channel,
        message_id: str | None,
        conversation: str | None,
    ) -> Reply:
        handler = self.handlers.action(action_id)
        if handler is None:
            return Reply(context="Not understood", text=wording.BUTTON_GONE)
        try:
            ctx = self.context(user, channel, self.engine(), message_id=message_id)
            if ctx.stranger:
                return Reply(text=who_are_you(user), private=True)
            given = payload if isinstance(payload, dict) else {}
            if conversation is None:
                return _flag_data(handler(ctx, given), ctx)
            answered: list[object] = []
            ctx.run = lambda query, who, where: self.run(query, who, where, answered=answered)
            reply = handler(ctx, given)
            if ctx.data is not None:
                self._pressed(
                    Thread(user.platform, conversation, user.user_id), given, [*ctx.data.answered, *answered]
                )
            return _flag_data(reply, ctx)
        except NoSnapshotError:
            return Reply(text=wording.NO_SNAPSHOT)
        except (OperationalError, DatabaseUnreachable) as err:
            log.warning("cannot handle action %s, the database is unreachable (%s)", action_id, err)
            return Reply(text=wording.DATA_UNREACHABLE, private=True)
        except CustsegError as err:
            return Reply(text=str(err))
        except Exception:
            log.exception("failed to handle action %s", action_id)
            return Reply(context="Error", text=wording.INTERNAL_ERROR)

    def _pressed(self, thread: Thread, payload: dict[str, Any], answered: list[object]) -> None:
        """Remember what a press showed in ``thread``: the query it ran (when it carries one), the
        rows of its list and the customer it was about; a press that showed neither changes nothing."""
        rows, customer = shown(answered, self.settings.conversations.max_rows)
        if rows is None and customer is None:
            return
        recent = recall(self.store, thread)
        query = payload.get("query")
        if not isinstance(query, dict) or "intent" not in query:
            query = recent.listing if rows is not None else None
        if query is None:
            query = {"intent": "customer_profile", "customer": customer}
        keep(self.store, self.settings, thread, recent.after(query, rows, customer))

    def look_up(self, text: str, user: ChatUser, channel: Channel) -> Reply:
        """The card of the customer a message names (a "Look up customer" shortcut on someone's
        message), within ``user``'s scope; a private note saying so when it names none. Never
        raises."""
        try:
            self.engine()
            assert self._vocabulary is not None  # built with the engine
            name = named_customer(text[:MAX_MESSAGE], self._vocabulary)
            if name is None:
                return Reply(context=wording.LOOKUP_CONTEXT, text=wording.LOOKUP_NONE, private=True)
            return self.run({"intent": "customer_profile", "customer": name}, user, channel)
        except NoSnapshotError:
            return Reply(text=wording.NO_SNAPSHOT, private=True)
        except (OperationalError, DatabaseUnreachable) as err:
            log.warning("cannot look up a customer, the database is unreachable (%s)", err)
            return unreachable()
        except Exception:
            log.exception("failed to look up a customer")
            return Reply(context="Error", text=wording.INTERNAL_ERROR, private=True)

    def find_customers(
        self, typed: str, user: ChatUser, channel: Channel, limit: int = 10
    ) -> list[Reply] | None:
        """The customers within ``user``'s scope whose name contains ``typed`` (names that start
        with it first, then alphabetically; at most ``limit``), else those whose name it is a
        misspelling of, each as their profile reply: what a compose box's search offers to
        insert. None for someone who may see no customer data (a stranger to the settings); the
        same access rules as a chat question."""
        try:
            access = self.access.of(user)
            if access.stranger:
                return None
            key = typed.strip().casefold()
            if not key:
                return []
            engine = self.engine()
            names = set(engine.snapshot_in(access.scope).customers["name"].dropna().astype(str))
            hits = sorted(
                (n for n in names if key in n.casefold()), key=lambda n: (not n.casefold().startswith(key), n)
            )
            if not hits:
                match = engine.customer_names.resolve(typed)
                hits = [n for n in [match.exact, *match.candidates] if n in names]
            return [
                self.run({"intent": "customer_profile", "customer": name}, user, channel, engine, access)
                for name in hits[:limit]
            ]
        except NoSnapshotError:
            return []
        except (OperationalError, DatabaseUnreachable) as err:
            log.warning("cannot search customers, the database is unreachable (%s)", err)
            return []

    def welcome(self, user: ChatUser | None = None) -> Reply:
        """The first message a new user gets (help, with the overview button), in their language."""
        with i18n.speaking(self.language(user) if user is not None else self.configured.bot.language):
            return said(talk.welcome())
