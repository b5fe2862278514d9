"""Slack as its users meet it (issue 19): the welcome in the Messages tab, App Home's buttons and
its one notice for someone unknown, the "Look up customer" message shortcut, the asker told when
Slack would not take an answer, and Slack's event rate limit in the log. Signed requests into the
real web process, calls observed at the fake Slack Web API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.web.app import build_app
from bot import wording
from bot.brain import Brain
from custseg.store import open_store
from tests.fakes.slack_api import Call, FakeSlackAPI, LoopbackServer
from tests.helpers.demo_book import DemoBooks
from tests.helpers.logs import captured_logs
from tests.helpers.slack import SECRET, TOKEN, SlackSide, buttons, demo_settings, slack_env


def messages_tab(user: str, channel: str) -> dict[str, str]:
    return {"type": "app_home_opened", "user": user, "channel": channel, "tab": "messages"}


def welcomes(fake: FakeSlackAPI, channel: str) -> list[Call]:
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.args["channel"] == channel and wording.WELCOME in c.text()
    ]


@pytest.fixture
def web_process(demo_books: DemoBooks, tmp_path: Path, fake: FakeSlackAPI) -> Iterator[object]:
    """Start the web process on a demo book file of the test's own, as often as asked: each call of
    the yielded function stops the previous process and starts a new one on the same file."""
    fake.reset()
    settings = demo_settings()
    url = demo_books.sqlite_url(tmp_path, settings)
    running: list[tuple[LoopbackServer, object]] = []

    def start() -> SlackSide:
        while running:
            server, store = running.pop()
            server.stop()
            store.dispose()  # type: ignore[attr-defined]
        store = open_store(url)
        brain = Brain(store, settings)
        server = LoopbackServer(build_app(brain, settings, slack_env(fake), modules=("adapters.slack.app",)))
        running.append((server.start(), store))
        return SlackSide(server.url, fake)

    yield start
    for server, store in running:
        server.stop()
        store.dispose()  # type: ignore[attr-defined]


def test_the_messages_tab_welcomes_each_person_once_even_after_a_restart(web_process):
    slack = web_process()
    assert slack.event(messages_tab("U_MARIA", "D_MARIA")).status == 200
    (welcome,) = slack.fake.wait_for("chat.postMessage")
    assert welcome.args["channel"] == "D_MARIA"
    assert wording.WELCOME in welcome.text() and wording.EXAMPLES[0] in welcome.text()
    assert [b["text"]["text"] for b in buttons(welcome.blocks)] == [wording.OVERVIEW_BUTTON]
    slack.event(messages_tab("U_MARIA", "D_MARIA"))

    slack = web_process()  # a restart: only the database remembers
    slack.event(messages_tab("U_MARIA", "D_MARIA"))
    slack.event(messages_tab("U_JOHN", "D_JOHN"))
    slack.fake.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "D_JOHN")
    time.sleep(0.5)  # Maria's openings were sent first; give them time to (wrongly) post
    assert len(welcomes(slack.fake, "D_MARIA")) == 1
    assert len(welcomes(slack.fake, "D_JOHN")) == 1


def test_a_welcome_slack_did_not_take_is_tried_again_at_the_next_opening(web_process):
    slack = web_process()
    slack.fake.fail("chat.postMessage", status=500, times=3)  # the client's first try and both retries
    slack.event(messages_tab("U_MARIA", "D_MARIA"))
    deadline = time.monotonic() + 20
    while len(slack.fake.calls_to("chat.postMessage", ok_only=False)) < 3:
        assert time.monotonic() < deadline, slack.fake.summary()
        time.sleep(0.05)
    # She opens the tab again (and again) until a welcome arrives: one, not one per opening.
    while not welcomes(slack.fake, "D_MARIA"):
        assert time.monotonic() < deadline, slack.fake.summary()
        slack.event(messages_tab("U_MARIA", "D_MARIA"))
        time.sleep(0.3)
    slack.event(messages_tab("U_MARIA", "D_MARIA"))
    time.sleep(0.5)
    assert len(welcomes(slack.fake, "D_MARIA")) == 1


def test_app_home_carries_the_overviews_buttons_and_answers_them_in_the_messages_tab(slack: SlackSide):
    slack.dm("suggest a win-back for Globex")
    slack.fake.wait_for("chat.postMessage")
    slack.fake.reset()
    slack.event({"type": "app_home_opened", "user": "U_MARIA", "channel": "D_MARIA", "tab": "home"})
    (home,) = slack.fake.wait_for("views.publish")
    labels = [b["text"]["text"] for b in buttons(home.blocks)]
    assert labels[0] == wording.OVERVIEW_REFRESH
    assert labels[1:6] == wording.EXAMPLES[:5]
    assert labels.count(wording.HOME_OPEN_IN_CHAT) == 3
    ids = [b["action_id"] for b in buttons(home.blocks)]
    assert len(set(ids)) == len(ids) and len(home.blocks) <= 100

    # "Open in chat" under "Actions waiting for your decision": the list, with its decision
    # buttons, in Maria's DM with the app.
    slack.fake.reset()
    pending = [b for b in buttons(home.blocks) if b["text"]["text"] == wording.HOME_OPEN_IN_CHAT][2]
    assert json.loads(pending["value"])["query"]["intent"] == "pending_actions"
    assert slack.home_click(pending).status == 200
    (opened,) = slack.fake.wait_for("conversations.open")
    assert opened.args["users"] == "U_MARIA"
    (answer,) = slack.fake.wait_for("chat.postMessage")
    assert answer.args["channel"] == "U_MARIA"  # the DM conversations.open named (the fake: the user id)
    assert answer.blocks[0]["text"]["text"].startswith("*Actions awaiting a decision")
    assert {"Approve", "Reject", "Snooze 7 days"} <= {
        b["text"]["text"].split(" · ")[0] for b in buttons(answer.blocks)
    }

    # An example question is asked in the DM; Refresh rebuilds the tab and posts nothing.
    example = next(b for b in buttons(home.blocks) if b["text"]["text"] == wording.EXAMPLES[0])
    slack.home_click(example)
    (asked,) = slack.fake.wait_for("chat.postMessage", 2)[1:]
    assert asked.args["channel"] == "U_MARIA" and asked.blocks[0]["text"]["text"].startswith("*")
    refresh = buttons(home.blocks)[0]
    slack.home_click(refresh)
    (again,) = slack.fake.wait_for("views.publish")
    assert again.args["user_id"] == "U_MARIA"
    assert [b["text"]["text"] for b in buttons(again.blocks)] == labels
    assert len(slack.fake.calls_to("chat.postMessage")) == 2


def test_app_home_tells_someone_unknown_once_which_id_to_add(slack: SlackSide):
    slack.event({"type": "app_home_opened", "user": "U_NEWBIE", "channel": "D_NEWBIE", "tab": "home"})
    (home,) = slack.fake.wait_for("views.publish")
    text = home.text()
    assert text.count("I don't know who you are yet") == 1
    assert "`U_NEWBIE`" in text and 'slack_id = "U_NEWBIE"' in text
    assert buttons(home.blocks) == []


def shortcut_answer(slack: SlackSide, text: str, **kw: str) -> Call:
    answer, name = slack.shortcut(text, **kw)
    assert answer.status == 200 and answer.seconds < 3
    (reply,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    assert reply.args["response_type"] == "ephemeral"
    return reply


def test_look_up_customer_shortcut_shows_the_named_customer_only_to_the_presser(slack: SlackSide):
    card = shortcut_answer(slack, "Had a call with Globex today, they're unhappy about the last delivery")
    assert card.blocks[0]["text"]["text"].startswith("*Customer profile · Globex")
    assert "Maria" in card.text()  # Globex is in Maria's book: the whole card
    assert slack.fake.calls_to("chat.postMessage") == [], "nothing posted where others read it"

    # In the presser's scope: John does not see Maria's customers.
    slack.fake.add_user("U_JOHN", "john@example.com", "John Smith")
    outside = shortcut_answer(slack, "Globex called again", user="U_JOHN")
    assert "not one of the customers you can see" in outside.text()

    none = shortcut_answer(slack, "Lunch at noon? The usual place")
    assert none.text().count(wording.LOOKUP_NONE.split(",")[0]) == 1
    assert slack.fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("fault", ["server_errors", "rate_limited"])
def test_an_answer_slack_keeps_refusing_is_followed_by_a_notice_to_the_asker(slack: SlackSide, fault):
    if fault == "server_errors":
        slack.fake.fail("chat.postMessage", status=500, times=10)
    else:
        slack.fake.rate_limit("chat.postMessage", times=10, retry_after=0)
    _, ts = slack.mention("how many champions?")
    (notice,) = slack.fake.wait_for("chat.postEphemeral", timeout=30)
    assert (notice.args["channel"], notice.args["user"], notice.args["thread_ts"]) == (
        "C_SALES",
        "U_MARIA",
        ts,
    )
    assert wording.UNDELIVERED in notice.text()
    refused = slack.fake.calls_to("chat.postMessage", ok_only=False)
    assert len(refused) >= 3 and all(c.status in (429, 500) for c in refused), "retried before giving up"


def test_slacks_event_rate_limit_is_logged_with_the_workspace_and_minute(slack: SlackSide):
    notice = {
        "token": "legacy",
        "type": "app_rate_limited",
        "team_id": "T1",
        "minute_rate_limited": 1518467820,
        "api_app_id": "A1",
    }
    with captured_logs() as texts:
        assert slack.send(json.dumps(notice).encode(), "application/json").status == 200
    (logged,) = [t for t in texts if "rate limit" in t]
    assert "T1" in logged and "1518467820" in logged
    assert not any(secret in t for t in texts for secret in (TOKEN, SECRET, "legacy"))
    assert slack.fake.calls_to("chat.postMessage") == []
