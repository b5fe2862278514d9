"""Conversation state in the database: per platform, conversation and person, expiring when idle,
surviving a restart and shared by several processes, never widening what the asker may see."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.nlu.followups import Recent
from config import Settings, load_settings
from config.access import Person
from config.sections import ConversationSettings
from custseg.snapshot.storage import load_snapshot
from custseg.store import Store, conversations, open_store
from custseg.store.models import CONVERSATIONS
from tests.helpers.demo_book import DemoBooks

ROOT = Path(__file__).resolve().parents[2]
MARIA = ChatUser("U_MARIA", "slack")
JOHN = ChatUser("U_JOHN", "slack")
BOSS = ChatUser("U_BOSS", "slack")
HERE = Channel("C_SALES", "slack", "private")
THREAD = "C_SALES:1700000000.000100"
T0 = dt.datetime(2026, 11, 13, 9, 0)


def people_settings(idle_minutes: float = 30.0) -> Settings:
    return load_settings(env={}).model_copy(
        update={
            "people": {
                "maria": Person(name="Maria", owner="Maria", slack_id="U_MARIA"),
                "john": Person(name="John", owner="John", slack_id="U_JOHN"),
                "boss": Person(name="Bo Boss", role="admin", slack_id="U_BOSS"),
            },
            "conversations": ConversationSettings(idle_minutes=idle_minutes),
        }
    )


# -- the store ---------------------------------------------------------------------------------------
def test_state_is_kept_per_platform_conversation_and_person(any_store: Store):
    idle = dt.timedelta(minutes=30)
    conversations.save(any_store, "slack", THREAD, "U_MARIA", {"n": 1}, idle, T0)
    conversations.save(any_store, "slack", THREAD, "U_JOHN", {"n": 2}, idle, T0)
    conversations.save(any_store, "teams", THREAD, "U_MARIA", {"n": 3}, idle, T0)
    conversations.save(any_store, "slack", THREAD, "U_MARIA", {"n": 4}, idle, T0)  # replaces the first
    assert conversations.load(any_store, "slack", THREAD, "U_MARIA", T0) == {"n": 4}
    assert conversations.load(any_store, "slack", THREAD, "U_JOHN", T0) == {"n": 2}
    assert conversations.load(any_store, "teams", THREAD, "U_MARIA", T0) == {"n": 3}
    assert conversations.load(any_store, "slack", "C_SALES:other", "U_MARIA", T0) is None
    with any_store.connect() as conn:
        keys = set(conn.execute(select(CONVERSATIONS.c.conversation)).scalars())
    assert keys == {conversations.digest(THREAD)}  # the thread's id itself is not stored


def test_state_expires_after_the_idle_time_and_the_sweep_removes_it(any_store: Store):
    idle = dt.timedelta(minutes=30)
    conversations.save(any_store, "slack", THREAD, "U_MARIA", {"n": 1}, idle, T0)
    conversations.save(any_store, "slack", "D_JOHN", "U_JOHN", {"n": 2}, idle, T0 + dt.timedelta(minutes=20))
    later = T0 + dt.timedelta(minutes=31)
    assert conversations.load(any_store, "slack", THREAD, "U_MARIA", later) is None
    assert conversations.load(any_store, "slack", "D_JOHN", "U_JOHN", later) == {"n": 2}
    assert conversations.delete_expired(any_store, later) == 1
    # A message keeps the conversation alive: saving again moves its expiry.
    conversations.save(any_store, "slack", "D_JOHN", "U_JOHN", {"n": 3}, idle, later)
    assert conversations.load(any_store, "slack", "D_JOHN", "U_JOHN", later + dt.timedelta(minutes=29)) == {
        "n": 3
    }


# -- the brain on the demo book -----------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgres"])
def book_url(request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path: Path) -> Iterator[str]:
    with demo_books.url(request.param, tmp_path, people_settings()) as url:
        yield url


def test_a_thread_follows_up_across_two_processes_and_a_restart(book_url: str):
    settings = people_settings()
    first, second = open_store(book_url), open_store(book_url)
    try:
        # Two web processes on one database: each message may reach either.
        one, other = Brain(first, settings), Brain(second, settings)
        counted = one.ask("how many dormant customers?", MARIA, HERE, THREAD)
        again = other.ask("and in EMEA?", MARIA, HERE, THREAD)
        alone = one.ask("how many dormant customers in EMEA?", MARIA, Channel("C_ELSE", "slack"))
        assert "Dormant" in counted.context
        # The interpretation line shows the whole resolved question, and the figure is its own.
        assert again.context == alone.context and again.text == alone.text
        listed = Brain(open_store(book_url), settings).ask("list them", MARIA, HERE, THREAD)  # a restart
        assert listed.table is not None and listed.context.startswith("Dormant · in EMEA")
        second_row = listed.table.rows[1][0].rstrip(" ★")
        profile = one.ask("tell me about the second one", MARIA, HERE, THREAD)
        assert profile.title == second_row
        why = other.ask("how come it has that segment?", MARIA, HERE, THREAD)
        assert why.title == second_row and why.context.startswith("Why")
    finally:
        first.dispose()
        second.dispose()


def test_another_person_in_the_same_thread_has_their_own_state(book_url: str):
    store = open_store(book_url)
    try:
        brain = Brain(store, people_settings())
        maria = brain.ask("my at-risk customers", MARIA, HERE, THREAD)
        john = brain.ask("how many champions in EMEA?", JOHN, HERE, THREAD)
        assert maria.table is not None and "At risk" in maria.context
        mine = brain.ask("only the top 3", MARIA, HERE, THREAD)
        assert mine.table is not None and len(mine.table.rows) == 3 and "At risk" in mine.context
        his = brain.ask("and in APAC?", JOHN, HERE, THREAD)
        assert "Champions" in his.context and "APAC" in his.context and "At risk" not in his.context
        assert "Champions" in john.context
        # John was shown no list: "the first one" points at nothing of Maria's.
        pointed = brain.ask("tell me about the first one", JOHN, HERE, THREAD)
        assert pointed.text == wording.NO_LIST_TO_POINT and pointed.title is None
    finally:
        store.dispose()


def test_a_follow_up_never_widens_what_the_asker_may_see(demo_books: DemoBooks, tmp_path: Path):
    settings = people_settings()
    store = open_store(demo_books.sqlite_url(tmp_path, settings))
    try:
        brain = Brain(store, settings)
        frame = load_snapshot(store).customers
        johns = frame[frame["owner"] == "John"]
        outsider_id, outsider = str(johns.index[0]), str(johns["name"].iloc[0])
        # The boss lists John's customers in this thread; Maria's state there is her own.
        boss_list = brain.ask("John's customers", BOSS, HERE, THREAD)
        assert boss_list.table is not None
        maria_list = brain.ask("my customers", MARIA, HERE, THREAD)
        assert maria_list.table is not None
        owner_col = maria_list.table.headers.index("Owner") if "Owner" in maria_list.table.headers else None
        if owner_col is not None:
            assert {r[owner_col] for r in maria_list.table.rows} == {"Maria"}
        first = brain.ask("tell me about the first one", MARIA, HERE, THREAD)
        assert first.title == maria_list.table.rows[0][0].rstrip(" ★")
        # Even a state that names someone else's customer (tampered, or left from a wider scope)
        # is resolved through Maria's scope: she is told whose it is, and nothing more.
        planted = Recent().after({"intent": "find_customers"}, rows=[(outsider_id, outsider)])
        conversations.save(store, "slack", THREAD, "U_MARIA", planted.to_json(), dt.timedelta(minutes=30))
        refused = brain.ask("tell me about the first one", MARIA, HERE, THREAD)
        assert refused.text == wording.OUTSIDE_SCOPE.format(typed=outsider, owner="John")
        assert not refused.fields and refused.table is None
    finally:
        store.dispose()


def test_an_idle_conversation_starts_afresh(demo_books: DemoBooks, tmp_path: Path):
    settings = people_settings(idle_minutes=0.01)  # 0.6 seconds
    store = open_store(demo_books.sqlite_url(tmp_path, settings))
    try:
        brain = Brain(store, settings)
        brain.ask("how many champions in EMEA?", MARIA, HERE, THREAD)
        assert "Champions" in brain.ask("and in APAC?", MARIA, HERE, THREAD).context
        time.sleep(0.8)
        alone = brain.ask("and in APAC?", MARIA, HERE, THREAD)
        assert "Champions" not in alone.context and "APAC" in alone.context
    finally:
        store.dispose()


def test_a_row_the_list_did_not_show_is_said_plainly(demo_books: DemoBooks, tmp_path: Path):
    settings = people_settings()
    store = open_store(demo_books.sqlite_url(tmp_path, settings))
    try:
        brain = Brain(store, settings)
        brain.ask("my top 3 customers by revenue", MARIA, HERE, THREAD)
        reply = brain.ask("tell me about the 7th one", MARIA, HERE, THREAD)
        assert reply.text == wording.NO_SUCH_ROW.format(n=7, shown=3)
    finally:
        store.dispose()


# -- custseg ask --json --session, as separate processes ------------------------------------------------
def ask_cli(url: str, session: Path, text: str, as_user: str | None = None) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "adapters.cli.main",
        "--database",
        url,
        "ask",
        "--json",
        "--session",
        str(session),
    ]
    cmd += ["--as-user", as_user] if as_user else []
    proc = subprocess.run(
        [*cmd, text],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout[proc.stdout.index("{") :])


def test_ask_session_keeps_the_conversation_across_processes(demo_books: DemoBooks, tmp_path: Path):
    url = demo_books.sqlite_url(tmp_path)
    session = tmp_path / "session.json"
    first = ask_cli(url, session, "how many dormant customers in North America?")
    second = ask_cli(url, session, "and in LATAM?")
    alone = ask_cli(url, tmp_path / "other.json", "how many dormant customers in LATAM?")
    assert second["query"] == {
        "intent": "count_customers",
        "filters": {"lifecycle": "dormant", "region": "latam"},
    }
    assert second["answer"]["count"] == alone["answer"]["count"] != first["answer"]["count"]
    listed = ask_cli(url, session, "list them")
    assert listed["answer"]["kind"] == "customers"
    row2 = listed["answer"]["customers"][1]
    profile = ask_cli(url, session, "tell me about the second one")
    assert profile["query"]["customer_row"] == 2 and profile["query"]["customer"] == row2["name"]
    assert (
        profile["answer"]["kind"] == "profile"
        and profile["answer"]["customer"]["customer_id"] == row2["customer_id"]
    )
    state = json.loads(session.read_text())
    assert state["recent"]["customer"] == row2["name"]


def test_a_list_shown_by_a_button_is_what_the_next_row_points_into(demo_books: DemoBooks, tmp_path: Path):
    settings = people_settings()
    store = open_store(demo_books.sqlite_url(tmp_path, settings))
    try:
        brain = Brain(store, settings)
        counted = brain.ask("how many declining customers in EMEA?", MARIA, HERE, THREAD)
        (list_them,) = [b for b in counted.buttons if b.action_id == "run_query"]
        listed = brain.act(list_them.action_id, list_them.payload, MARIA, HERE, None, THREAD)
        assert listed.table is not None and len(listed.table.rows) > 2
        profile = brain.ask("tell me about the third one", MARIA, HERE, THREAD)
        assert profile.title == listed.table.rows[2][0].rstrip(" ★")
        # A press elsewhere (no conversation) leaves this thread's memory alone.
        brain.act(list_them.action_id, {"query": {"intent": "find_customers"}}, MARIA, HERE)
        assert brain.ask("why?", MARIA, HERE, THREAD).title == profile.title
    finally:
        store.dispose()
