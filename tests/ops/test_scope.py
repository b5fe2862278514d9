"""Who sees what: role × intent × scope on the demo book, through the real brain.

Every expected figure is computed here, independently, from the snapshot frame (owner names
compared lower-cased); the replies must match it and must never name a customer outside the
asker's scope: not in a list, a count, a profile, an explanation, a "did you mean", a digest, an
alert, the pending actions or the App Home.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bot.book import ScopedBook
from bot.brain import Brain, who_are_you
from bot.context import Channel, ChatUser
from bot.reply import Reply
from config import Settings, load_settings
from config.access import Person, TeamSettings
from custseg.actions import list_suggestions
from custseg.query import Filters, Found, NotFound, QueryEngine, Selection
from custseg.snapshot.frame import Snapshot
from custseg.snapshot.storage import load_snapshot
from custseg.store.subscriptions import list_subscriptions
from tests.helpers.demo_book import DemoBooks

ADA = ChatUser("U_ADA", "slack")  # admin: everything
PETRA = ChatUser("U_PETRA", "slack")  # manager of team EMEA = Maria and John
PRIYA = ChatUser("U_PRIYA", "slack")  # account manager: her own book
VIC = ChatUser("U_VIC", "slack")  # viewer of team APAC (members written in odd case, one not in the data)
NEWBIE = ChatUser("U_NEW", "slack")  # mapped, but their book is not in the data: sees nothing
NOBODY = ChatUser("U_NOBODY", "slack")  # not in the settings at all
HERE = Channel("C_SCOPE", "slack")

SCOPES: dict[ChatUser, frozenset[str] | None] = {
    ADA: None,
    PETRA: frozenset({"maria", "john"}),
    PRIYA: frozenset({"priya"}),
    VIC: frozenset({"aiko", "priya", "ghost"}),
    NEWBIE: frozenset({"newbie"}),
}
MAPPED = list(SCOPES)
IDS = ["admin", "manager", "account-manager", "viewer", "empty-scope"]


def scoped_settings() -> Settings:
    return load_settings(env={}).model_copy(
        update={
            "people": {
                "ada": Person(name="Ada Admin", role="admin", slack_id="U_ADA"),
                "petra": Person(name="Petra Novak", role="manager", teams=["EMEA"], slack_id="U_PETRA"),
                "priya": Person(name="Priya", owner="Priya", slack_id="U_PRIYA"),
                "vic": Person(name="Vic Viewer", role="viewer", teams=["APAC"], slack_id="U_VIC"),
                "newbie": Person(name="Nina New", owner="Newbie", slack_id="U_NEW"),
            },
            "teams": {
                "EMEA": TeamSettings(members=["Maria", "John"]),
                "APAC": TeamSettings(members=["aiko", "PRIYA", "Ghost"]),
            },
        }
    )


@dataclass
class World:
    brain: Brain
    snap: Snapshot
    previous: Snapshot
    _names: dict[ChatUser, tuple[set[str], set[str]]] = field(default_factory=dict)

    @property
    def frame(self) -> pd.DataFrame:
        return self.snap.customers

    def inside(self, user: ChatUser, frame: pd.DataFrame | None = None) -> pd.Series:
        """Rows of ``frame`` (default: the latest snapshot) the user may see, computed here."""
        frame = self.frame if frame is None else frame
        scope = SCOPES[user]
        if scope is None:
            return pd.Series(True, index=frame.index)
        return frame["owner"].fillna("").str.lower().isin(scope)

    def outside_names(self, user: ChatUser) -> tuple[set[str], set[str]]:
        """Names and ids of customers the user must never be shown (names that are also an
        in-scope customer's, or part of one, left out: those may rightly appear)."""
        if user not in self._names:
            inside = self.inside(user)
            mine = set(self.frame.loc[inside, "name"].dropna())
            theirs = set(self.frame.loc[~inside, "name"].dropna()) - mine
            theirs = {n for n in theirs if not any(n in m for m in mine)}
            self._names[user] = (theirs, set(self.frame.index[~inside.to_numpy()]))
        return self._names[user]

    def leaks(self, user: ChatUser, reply: Reply, typed: str = "") -> list[str]:
        """Out-of-scope customer names or ids anywhere in the reply, its buttons included."""
        if SCOPES[user] is None:
            return []
        names, ids = self.outside_names(user)
        text = reply.plain_text() + "\n" + json.dumps([b.payload for b in reply.buttons])
        tokens = set(re.findall(r"[\w-]+", text))
        return sorted(n for n in names if n in text and n.lower() not in typed.lower()) + sorted(ids & tokens)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    settings = scoped_settings()
    with demo_books.store(request.param, tmp_path_factory.mktemp("scope"), settings) as store:
        snap = load_snapshot(store)
        yield World(Brain(store, settings), snap, load_snapshot(store, before=snap.as_of))


def ask(world: World, text: str, user: ChatUser) -> Reply:
    reply = world.brain.ask(text, user, HERE)
    assert not (leaked := world.leaks(user, reply, text)), f"{text!r} showed {leaked[:5]}"
    return reply


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found.group(1).replace(",", ""))


def owners_in(reply: Reply, column: str = "Owner") -> set[str]:
    assert reply.table is not None, reply.plain_text()
    i = reply.table.headers.index(column)
    return {row[i] for row in reply.table.rows}


def assert_owners_in_scope(owners: set[str], user: ChatUser) -> None:
    scope = SCOPES[user]
    if scope is not None:
        assert {o.lower() for o in owners} <= scope, owners


# -- counts, overviews, lists ---------------------------------------------------------------------


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_counts_and_their_totals_are_the_in_scope_figures(world, user):
    inside = world.inside(user)
    every = ask(world, "how many customers do we have?", user)
    assert number(r"\*([\d,]+)\* customer", every.text) == int(inside.sum())
    assert number(r"of ([\d,]+)\)", every.text) == int(inside.sum())  # of_total: never the whole book
    dormant = ask(world, "how many dormant customers?", user)
    expected = int((inside & (world.frame["lifecycle"] == "dormant")).sum())
    assert number(r"\*([\d,]+)\* customer", dormant.text) == expected
    assert number(r"of ([\d,]+)\)", dormant.text) == int(inside.sum())


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_overview_counts_only_the_scope(world, user):
    inside = world.inside(user)
    reply = ask(world, "give me the segment breakdown", user)
    assert reply.context.endswith(f"— {int(inside.sum()):,} customers")
    if inside.any():
        assert sum(int(r[1].replace(",", "")) for r in reply.table.rows) == int(inside.sum())
        expected = world.frame[inside]["segment"].value_counts()
        shown = {r[0]: int(r[1].replace(",", "")) for r in reply.table.rows}
        assert sum(shown.values()) == int(expected.sum())
    keys = int((inside & world.frame["key_account"]).sum())
    assert dict(reply.fields)["Key accounts"] == f"{keys:,}"


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_lists_and_their_pages_hold_only_in_scope_customers(world, user):
    inside = world.inside(user)
    expected = int((inside & (world.frame["lifecycle"] == "dormant")).sum())
    first = ask(world, "who are the dormant customers?", user)
    if expected == 0:
        assert first.table is None and first.context.endswith("no customers")
        return
    assert number(r"— ([\d,]+) customer", first.context) == expected
    assert_owners_in_scope(owners_in(first), user)
    more = [b for b in first.buttons if b.action_id == "show_more"]
    assert bool(more) == (expected > 10)
    if more:
        second = world.brain.act("show_more", more[0].payload, user, HERE)
        assert not world.leaks(user, second) and "11–" in second.context
        assert_owners_in_scope(owners_in(second), user)


def test_the_asker_scope_applies_before_owner_and_region_filters(world):
    # Priya asks for Maria's customers: within her scope Maria is unknown, and only her own
    # account managers and regions are offered instead.
    reply = ask(world, "how many customers does Maria have?", PRIYA)
    assert "among the customers you can see" in reply.text
    assert {b.label for b in reply.buttons} <= {"Priya"} and "Maria" not in reply.text.replace("'Maria'", "")
    # A region counts the asker's customers in it (Priya has a few legacy accounts in LATAM).
    latam = ask(world, "how many customers in LATAM?", PRIYA)
    expected = int((world.inside(PRIYA) & (world.frame["region"] == "LATAM")).sum())
    assert number(r"\*([\d,]+)\* customer", latam.text) == expected
    # In a scope without a region, the region is unknown and nothing from outside is offered.
    engine = world.brain.engine()
    outside = engine.run_json(
        {"intent": "count_customers", "filters": {"region": "latam"}}, scope=frozenset({"x"})
    )
    assert (outside["kind"], outside["candidates"]) == ("no_match", [])
    # The manager's own team member, filtered by name, counts exactly their customers.
    john = ask(world, "how many customers does John have?", PETRA)
    assert number(r"\*([\d,]+)\* customer", john.text) == int((world.frame["owner"] == "John").sum())


# -- one customer: profile, explanation, win-back suggestion, "did you mean" ---------------------------

ONE_CUSTOMER = [
    "tell me about {name}",
    "why is {name} at risk?",
    "suggest a win-back for {name}",
]


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
@pytest.mark.parametrize("template", ONE_CUSTOMER, ids=["profile", "explain", "propose_action"])
@pytest.mark.parametrize("name", ["Globex", "Hooli", "Initech"])
def test_one_customer_is_found_only_within_scope(world, user, template, name):
    row = world.frame[world.frame["name"] == name]
    visible = bool(world.inside(user)[row.index[0]])
    reply = ask(world, template.format(name=name), user)
    # A card's title is the customer's name (a suggestion adds ": <task>").
    shown = reply.title.split(": ")[0] if reply.title else None
    if visible:
        assert shown == name, reply.plain_text()
    elif shown is not None:
        # The typed name fits one of the asker's own customers only ("Globex" → Globex Retail
        # for Aiko's book): as if the other did not exist.
        assert shown != name
        owners = world.frame.loc[world.frame["name"] == shown, "owner"]
        assert_owners_in_scope(set(owners), user)
    elif "not one of the customers you can see" in reply.text:
        # Typed exactly: whose book it is (issue 20), and nothing else about the customer.
        owner = str(row["owner"].iloc[0])
        assert f"belongs to {owner}'s book" in reply.text
        assert not reply.fields and reply.table is None and not reply.buttons and not reply.footer
    else:
        assert "couldn't find a customer called" in reply.text and not reply.fields
        # Any "did you mean" candidates are the asker's own customers.
        if reply.table is not None:
            assert_owners_in_scope(owners_in(reply), user)


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
@pytest.mark.parametrize("typed", ["Globx", "Acme Corpp", "Acme", "Stark Industres", "Wonka"])
def test_typos_and_partial_names_never_suggest_a_customer_outside_scope(world, user, typed):
    reply = ask(world, f"tell me about {typed}", user)
    if reply.table is not None and "Customer" in reply.table.headers:
        assert_owners_in_scope(owners_in(reply), user)
    for button in reply.buttons:
        customer = button.payload.get("query", {}).get("customer")
        if customer is not None:
            owners = world.frame.loc[world.frame["name"] == customer, "owner"]
            assert_owners_in_scope(set(owners), user)


def test_a_name_shared_across_scopes_resolves_to_the_visible_one(world):
    # "Acme" fits Acme Corp (John) and Acme Logistics (Maria): the admin must pick, Priya sees
    # neither, and a scope holding only Maria's book gets Acme Logistics straight away.
    assert "Several customers match" in ask(world, "tell me about Acme", ADA).text
    assert "couldn't find" in ask(world, "tell me about Acme", PRIYA).text
    engine = world.brain.engine()
    hit = engine.resolve_customer("Acme", scope=frozenset({"MARIA"}))
    assert isinstance(hit, Found)
    assert world.frame.at[hit.customer_id, "name"] == "Acme Logistics"


# -- digest, churn alerts, pending actions (on demand) ----------------------------------------------


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_digest_on_demand_covers_only_the_scope(world, user):
    inside = world.inside(user)
    reply = ask(world, "show this week's key account digest", user)
    keys = int((inside & world.frame["key_account"]).sum())
    assert number(r"\*([\d,]+) key accounts\*", reply.text) == keys
    if reply.table is not None:
        assert_owners_in_scope(owners_in(reply), user)


def _newly_alerted(world: World) -> pd.Index:
    """Customers who entered high churn risk or dormancy since the previous snapshot (and were in
    it, and are not lost), computed from the two frames."""
    now, before = world.frame, world.previous.customers
    entering = (now["churn_risk"] == "high") | (now["lifecycle"] == "dormant")
    was = ((before["churn_risk"] == "high") | (before["lifecycle"] == "dormant")).reindex(now.index)
    fresh = entering & (was == False) & (now["lifecycle"] != "lost")  # noqa: E712  NaN (new) is not False
    return now.index[fresh.to_numpy()]


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_churn_alerts_on_demand_name_only_in_scope_customers(world, user):
    alerted = _newly_alerted(world)
    expected = int(world.inside(user).reindex(alerted).sum())
    reply = ask(world, "any churn alerts?", user)
    if expected == 0:
        assert reply.text.startswith("No customer crossed")
        return
    assert number(r"\*([\d,]+) customers?\* crossed", reply.text) == expected
    assert_owners_in_scope(owners_in(reply), user)


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_pending_actions_list_only_suggestions_in_scope(world, user):
    for name in ("Globex", "Initech", "Hooli", "Umbrella Corp"):  # Maria, John, Priya, Lukas
        world.brain.ask(f"suggest a win-back for {name}", ADA, HERE)
    waiting = list_suggestions(world.brain.store, ("proposed", "snoozed"))
    inside = world.inside(user)
    expected = [s for s in waiting if bool(inside.get(s.customer_id, False))]
    assert {s.owner for s in waiting} >= {"Maria", "John", "Priya"}
    reply = ask(world, "what actions are waiting for approval?", user)
    if not expected:
        assert reply.text.startswith("No win-back actions are waiting")
        return
    assert reply.context.endswith(f"— {len(expected):,} suggestion{'s' if len(expected) != 1 else ''}")
    assert_owners_in_scope(owners_in(reply), user)


# -- buttons and the App Home ---------------------------------------------------------------------------


def test_a_customer_button_outside_scope_is_unknown_and_creates_nothing(world):
    globex = world.frame.index[world.frame["name"] == "Globex"][0]
    before = list_suggestions(world.brain.store)
    reply = world.brain.act("action.approve", {"customer_id": globex}, PRIYA, HERE)
    assert reply.private and "no longer available" in reply.text and not world.leaks(PRIYA, reply)
    assert list_suggestions(world.brain.store) == before
    # A run_query button forged with someone else's customer shows nothing of it: only whose it is
    # (issue 20: "belongs to <owner>" rather than "not found").
    forged = {"query": {"intent": "customer_profile", "customer": "Globex"}}
    answer = world.brain.act("run_query", forged, PRIYA, HERE)
    assert "belongs to Maria's book" in answer.text and not world.leaks(PRIYA, answer, typed="Globex")
    assert not answer.fields and answer.table is None


@pytest.mark.parametrize("user", [*MAPPED, NOBODY], ids=[*IDS, "unmapped"])
def test_app_home_shows_only_the_users_scope(world, user):
    from adapters.slack.home import home_view

    view = home_view(world.brain, user)
    text = json.dumps(view)
    if user in SCOPES:
        assert not world.leaks(user, Reply(text=text))
    if user is PRIYA:
        assert "| Priya |" in text or "Priya" in text
    if user is NOBODY:
        assert "I don't know who you are yet" in text
        names, _ = world.outside_names(PRIYA)
        assert not any(n in text for n in names | {"Hooli"})


# -- someone outside the mapping: help and nothing else ---------------------------------------------------

DATA_QUESTIONS = [
    "how many customers do we have?",
    "who are the dormant high-value customers?",
    "give me the segment breakdown",
    "tell me about Globex",
    "why is Globex at risk?",
    "suggest a win-back for Globex",
    "show this week's key account digest",
    "any churn alerts?",
    "what actions are waiting for approval?",
    "post the key account digest here every Monday at 9",
    "stop sending the digest here",
    "my dormant customers",
]


@pytest.mark.parametrize("text", DATA_QUESTIONS)
def test_someone_unmapped_is_told_who_to_ask_and_sees_no_data(world, text):
    reply = world.brain.ask(text, NOBODY, HERE)
    assert reply.text == who_are_you(NOBODY)
    assert "U_NOBODY" in reply.text and "[people]" in reply.text and "slack_id" in reply.text
    assert not reply.table and not reply.fields and not reply.buttons and not reply.image
    assert not world.leaks(PRIYA, reply, text) and "Globex" not in reply.text
    assert list_subscriptions(world.brain.store, "slack", HERE.channel_id) == []


def test_someone_unmapped_gets_help_and_buttons_only_say_so(world):
    help_reply = world.brain.ask("help", NOBODY, HERE)
    assert "For example" in help_reply.text
    assert "Here is what I can answer" in world.brain.ask("what's the weather?", NOBODY, HERE).text
    globex = world.frame.index[world.frame["name"] == "Globex"][0]
    before = list_suggestions(world.brain.store)
    presses: list[tuple[str, dict[str, Any]]] = [
        ("show_more", {"query": {"intent": "find_customers"}, "offset": 10}),
        ("run_query", {"query": {"intent": "count_customers"}}),
        ("ask", {"text": help_reply.buttons[0].payload["text"]}),
        ("action.approve", {"customer_id": globex}),
        ("action.reject", {"suggestion_id": 1}),
    ]
    for action_id, payload in presses:
        reply = world.brain.act(action_id, payload, NOBODY, HERE)
        assert reply.private and reply.text == who_are_you(NOBODY), action_id
    assert list_suggestions(world.brain.store) == before


def test_teams_and_terminal_strangers_are_told_their_own_id():
    teams = who_are_you(ChatUser("29:abc", "teams"))
    assert "Teams id `29:abc`" in teams and 'teams_id = "29:abc"' in teams
    console = who_are_you(ChatUser("U9", "console"))
    assert "[users]" in console and "U9" in console


# -- subscriptions: admins and managers only ---------------------------------------------------------------


def test_only_admins_and_managers_change_a_channels_subscriptions(world):
    store = world.brain.store
    channel = Channel("C_SUBS", "slack")

    def subs() -> list[tuple[str, str]]:
        return [(s["topic"], s["day"]) for s in list_subscriptions(store, "slack", "C_SUBS")]

    for user in (PRIYA, VIC, NEWBIE):
        reply = world.brain.ask("post the key account digest here every Monday at 9", user, channel)
        assert reply.private and "Only admins and managers can set up" in reply.text
        assert subs() == []
    assert "every Monday" in world.brain.ask("post the churn alerts here every Monday", PETRA, channel).text
    assert (
        "every Friday" in world.brain.ask("post the key account digest here every Friday", ADA, channel).text
    )
    assert sorted(subs()) == [("alerts", "mon"), ("digest", "fri")]
    for user in (PRIYA, VIC):
        reply = world.brain.ask("stop sending the digest here", user, channel)
        assert reply.private and "Only admins and managers can stop" in reply.text
    assert sorted(subs()) == [("alerts", "mon"), ("digest", "fri")]
    assert "stop posting" in world.brain.ask("stop sending the digest here", PETRA, channel).text
    assert subs() == [("alerts", "mon")]


def test_open_access_keeps_the_single_user_console_working(world):
    """No [people] and no [users]: the local demo, where the one user sees and may do everything."""
    brain = Brain(world.brain.store, load_settings(env={}))
    me, console = ChatUser("console", "console"), Channel("C_OPEN", "console")
    count = brain.ask("how many customers do we have?", me, console)
    assert number(r"\*([\d,]+)\* customer", count.text) == len(world.frame)
    assert brain.ask("tell me about Initech", me, console).title == "Initech"
    assert "every Monday" in brain.ask("post the key account digest here every Monday", me, console).text
    assert "stop posting" in brain.ask("stop sending the digest here", me, console).text


# -- the engine itself -----------------------------------------------------------------------------------


def test_engine_scope_ignores_case_and_owners_missing_from_the_data(world):
    engine = QueryEngine(world.snap)
    frame = world.frame
    maria = int((frame["owner"] == "Maria").sum())
    for scope in (frozenset({"Maria"}), frozenset({" maria "}), frozenset({"MARIA", "Nobody Atall"})):
        count = engine.run_json({"intent": "count_customers"}, scope=scope)
        assert count["count"] == count["of_total"] == maria
    nothing = frozenset({"Nobody Atall"})
    assert engine.run_json({"intent": "count_customers"}, scope=nothing)["of_total"] == 0
    assert engine.run_json({"intent": "segment_overview"}, scope=frozenset())["total"] == 0
    assert engine.run_json({"intent": "find_customers"}, scope=frozenset())["customers"] == []
    assert engine.run_json({"intent": "explain", "customer": "Globex"}, scope=nothing)["kind"] == "not_found"
    assert engine.resolve_customer("Globex", scope=nothing) == NotFound("Globex", [])
    selected = engine.select({"lifecycle": "dormant"}, scope=frozenset({"john"}))
    assert isinstance(selected, Selection)
    mask = selected.mask
    expected = (frame["owner"] == "John") & (frame["lifecycle"] == "dormant")
    assert np.array_equal(mask, expected.to_numpy())
    # None is everything, as before.
    assert engine.run_json({"intent": "count_customers"})["of_total"] == len(frame)


def test_the_workers_scheduled_digest_is_not_mistaken_for_an_unknown_user(world):
    """The worker composes a channel's digest as no person: with [people] configured it still
    covers the whole book (the subscriber was an admin or a manager), not nobody's scope."""
    from adapters.worker.tick import Worker

    worker = Worker(world.brain.store, world.brain.settings, {}, refresh=lambda now: None)
    (message,) = worker.app.scheduled.digest("slack", "C_SCHEDULED", "digest:slack:C_SCHEDULED:test")
    keys = int(world.frame["key_account"].sum())
    assert number(r"\*([\d,]+) key accounts\*", message.reply.text) == keys


def test_a_scheduled_digest_shows_only_what_its_subscriber_may_see(world):
    """A manager who subscribes their channel gets their teams' key accounts there, not the whole
    book; a subscription whose creator is no longer mapped posts nothing about customers."""
    from adapters.worker.tick import Worker

    worker = Worker(world.brain.store, world.brain.settings, {}, refresh=lambda now: None)
    (petra,) = worker.app.scheduled.digest(
        "slack", "C_EMEA", "digest:slack:C_EMEA:test", subscriber="U_PETRA"
    )
    emea = world.frame["owner"].isin(["Maria", "John"])
    assert number(r"\*([\d,]+) key accounts\*", petra.reply.text) == int(
        (world.frame["key_account"] & emea).sum()
    )
    outsiders = set(world.frame.loc[~emea, "name"].dropna())
    assert not any(name in petra.reply.plain_text() for name in outsiders)
    (gone,) = worker.app.scheduled.digest("slack", "C_OLD", "digest:slack:C_OLD:test", subscriber="U_LEFT")
    assert number(r"\*([\d,]+) key accounts\*", gone.reply.text) == 0


@pytest.mark.parametrize("user", MAPPED, ids=IDS)
def test_the_scoped_book_handlers_get_holds_only_the_askers_customers(world: World, user: ChatUser) -> None:
    """What a handler is given cannot see outside the asker's scope: its snapshot and rows are the
    asker's customers only, with the same date and notes, and a selection stays inside too."""
    book = ScopedBook(world.brain.engine(), SCOPES[user], None)
    expected = set(world.frame.index[world.inside(user).to_numpy()])
    assert set(book.frame.index) == expected
    assert set(book.snapshot.customers.index) == expected
    assert book.snapshot.as_of == world.snap.as_of and book.snapshot.notes == world.snap.notes
    selected = book.select(Filters.of({"lifecycle": "dormant"}))
    assert isinstance(selected, Selection)
    assert set(book.rows(selected).index) <= expected
