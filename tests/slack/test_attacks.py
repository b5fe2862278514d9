"""Attacks on ``/slack/events``, through the real HTTP endpoint of the web process.

Unsigned or badly signed requests get 401, signed but malformed ones 400 (never a 500, never a
traceback in the log), a replayed signed request is answered once, a forged button payload is a
stale button. A user of another organisation (Slack Connect) gets no customer data on any path
(asking, buttons, sharing, Home), with or without people configured; a failed, stale or refused
press is answered to the presser alone and the shared message changes only on a real decision.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import wording
from bot.brain import Brain
from config import load_settings
from custseg.actions import audit_log, get
from custseg.store.subscriptions import list_subscriptions
from tests.fakes.slack_api import FakeSlackAPI
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, serve_demo
from tests.slack.test_approvals import CHANNEL, pressed, sid, suggestion_message

CONNECT = "C_CONNECT_OUTSIDE"
PARTNER = "U_PARTNER"


def _form(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def _click_payload(slack: SlackSide, action: dict[str, Any], **over: Any) -> dict[str, Any]:
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U_MARIA"},
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": "C_SALES"},
        "channel": {"id": "C_SALES"},
        "trigger_id": "1.2.3",
        "response_url": slack.fake.response_url("forged"),
        "actions": [action],
    }
    return {**payload, **over}


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


# -- unsigned and malformed ------------------------------------------------------------------------------


def _raw(slack: SlackSide, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` with exactly ``headers`` (no signing); the HTTP status."""
    request = urllib.request.Request(
        f"{slack.url}/slack/events",
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


ZEROS = "v0=" + "0" * 64


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": ZEROS},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ZEROS},
        {"X-Slack-Request-Timestamp": "1" * 40, "X-Slack-Signature": ZEROS},
        {"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": ZEROS},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": ZEROS},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "garbage"},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
    ],
    ids=["none", "words", "empty", "huge", "negative", "wrong-signature", "not-a-signature", "no-signature"],
)
@pytest.mark.parametrize(
    "body",
    [
        b'{"type": "url_verification", "challenge": "abc"}',
        b"ssl_check=1&token=legacy",
        b"command=%2Fcustseg&text=top+customers&user_id=U_MARIA&channel_id=C_SALES",
    ],
    ids=["url_verification", "ssl_check", "command"],
)
def test_unsigned_requests_get_401_and_no_traceback(slack: SlackSide, caplog, headers, body):
    assert _raw(slack, body, headers) == 401
    assert slack.fake.calls == []
    no_tracebacks(caplog)


def test_stale_and_wrongly_signed_requests_get_401(slack: SlackSide):
    body = b"command=%2Fcustseg&text=top&user_id=U_MARIA&channel_id=C_SALES"
    form = "application/x-www-form-urlencoded"
    assert slack.send(body, form, timestamp=int(time.time()) - 600).status == 401
    assert slack.send(body, form, secret="not-our-secret").status == 401
    assert slack.fake.calls == []


MALFORMED = {
    "block_actions without action_id": lambda s: _form(_click_payload(s, {"type": "button", "value": "{}"})),
    "block_actions with a numeric value": lambda s: _form(
        _click_payload(s, {"action_id": "custseg:show_more:0", "value": 12})
    ),
    "block_actions without a user": lambda s: _form(
        {**_click_payload(s, {"action_id": "custseg:show_more:0"}), "user": "U_MARIA"}
    ),
    "event without ts": lambda s: json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "event": {"type": "app_mention", "user": "U_MARIA", "text": "<@UCUSTSEG> hi", "channel": "C1"},
        }
    ).encode(),
    "event without a type": lambda s: json.dumps({"type": "event_callback", "event": {}}).encode(),
    "command without user_id": lambda s: b"command=%2Fcustseg&text=top&channel_id=C_SALES",
    "payload that is not JSON": lambda s: b"payload=%7Bnot-json",
    "payload that is a list": lambda s: urlencode({"payload": "[1, 2]"}).encode(),
    "JSON that is not an object": lambda s: b"[1, 2, 3]",
    "not UTF-8": lambda s: b"payload=\xff\xfe",
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_signed_but_malformed_requests_get_400_and_no_traceback(slack: SlackSide, caplog, name):
    body = MALFORMED[name](slack)
    kind = "application/json" if body.startswith((b"{", b"[")) else "application/x-www-form-urlencoded"
    answer = slack.send(body, kind)
    assert answer.status == 400, answer.body
    assert json.loads(answer.body)["error"]
    time.sleep(0.2)  # anything bolt would do after an ack has had its moment
    assert [c.method for c in slack.fake.calls] == []
    no_tracebacks(caplog)


def test_a_forged_suggestion_id_is_a_stale_button_answered_privately(slack: SlackSide, caplog):
    for forged in (10**20, -1, "99999999999999999999", 2**31):
        value = json.dumps({"suggestion_id": forged})
        payload = _click_payload(slack, {"action_id": "custseg:action.approve:0", "value": value})
        answer = slack.send(_form(payload), "application/x-www-form-urlencoded")
        assert answer.status == 200
        (notice,) = slack.fake.wait_for("respond")
        assert notice.args["replace_original"] is False and notice.args["response_type"] == "ephemeral"
        assert "no longer available" in notice.text()
        slack.fake.reset()
    assert slack.fake.calls_to("chat.update") == []
    no_tracebacks(caplog)


def test_a_replayed_signed_request_is_answered_once(slack: SlackSide):
    body = urlencode(
        {
            "command": "/custseg",
            "text": "how many champions?",
            "user_id": "U_MARIA",
            "channel_id": "C_SALES",
            "team_id": "T1",
            "response_url": slack.fake.response_url("replayed"),
        }
    ).encode()
    headers = slack.sign(body)
    first = slack.send(body, "application/x-www-form-urlencoded", headers)
    again = slack.send(body, "application/x-www-form-urlencoded", headers)
    assert (first.status, again.status) == (200, 200)
    slack.fake.wait_for("respond")
    time.sleep(0.5)
    assert len(slack.fake.calls_to("respond")) == 1


# -- what comes in, what goes out --------------------------------------------------------------------------


def test_html_entities_in_incoming_text_are_decoded(slack: SlackSide, demo_brain: Brain):
    customers = demo_brain.engine().snapshot.customers
    mine = customers[(customers["owner"] == "Maria") & customers["name"].str.contains("&", na=False)]
    name = str(mine["name"].iloc[0])
    escaped = name.replace("&", "&amp;")
    slack.dm(f"profile of {escaped}")
    (post,) = slack.fake.wait_for("chat.postMessage")
    headers = [b["text"]["text"] for b in post.blocks if b["type"] == "header"]
    assert headers and name in headers[0], post.text()


# -- failed, stale and refused presses ----------------------------------------------------------------------


@pytest.fixture
def winback_slack(winback: SlackSide) -> SlackSide:
    winback.fake.reset()
    winback.fake.set_channel(CHANNEL, is_private=True)
    return winback


@pytest.mark.parametrize(
    "action,value,says",
    [
        ("custseg:action.approve:0", {"suggestion_id": 999999}, "999999"),
        ("custseg:no.such.button:0", {}, "no longer available"),
        ("custseg:show_more:0", {"query": "gone"}, "That list has expired"),
        ("custseg:run_query:0", {}, "no longer available"),
    ],
)
def test_a_failed_press_on_a_shared_message_is_told_only_to_the_presser(winback_slack, action, value, says):
    slack = winback_slack
    element = {"action_id": action, "value": json.dumps(value), "type": "button"}
    answer, click = slack.click(element, user="U_PETRA", channel=CHANNEL)
    assert answer.status == 200
    (notice,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert notice.args["response_type"] == "ephemeral" and notice.args["replace_original"] is False
    assert says in notice.text()
    assert slack.fake.calls_to("chat.update") == []


def test_a_second_press_on_a_decided_suggestion_leaves_the_shared_message_alone(winback_slack):
    slack = winback_slack
    post = suggestion_message(slack, "Globex")
    approve = pressed(post, "Approve")
    slack.fake.reset()
    slack.click(approve, user="U_PETRA", channel=CHANNEL, message_ts="1700000000.000200")
    (update,) = slack.fake.wait_for("chat.update")
    assert "Approved by Petra Novak" in update.text()

    _, click = slack.click(approve, user="U_OLGA", channel=CHANNEL, message_ts="1700000000.000200")
    (late,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert late.args["replace_original"] is False and "Petra Novak was first" in late.text()
    time.sleep(0.3)
    assert len(slack.fake.calls_to("chat.update")) == 1  # the shared message changed exactly once


@pytest.fixture(scope="module")
def winback(
    fake: FakeSlackAPI, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SlackSide]:
    from tests.slack.test_approvals import team_settings

    yield from serve_demo(
        fake, demo_books, tmp_path_factory.mktemp("slack_attacks_winback"), team_settings(), 600
    )


# -- people of another organisation (Slack Connect) ---------------------------------------------------------


@pytest.fixture(scope="module")
def open_world(
    fake: FakeSlackAPI, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SlackSide]:
    """Right after installing with only the tokens: no people configured, access is open."""
    settings = load_settings(env={})
    assert settings.open_access
    yield from serve_demo(fake, demo_books, tmp_path_factory.mktemp("slack_open"), settings, 600)


@pytest.fixture
def connect(open_world: SlackSide) -> SlackSide:
    open_world.fake.reset()
    open_world.fake.set_channel(CONNECT, is_ext_shared=True)
    open_world.fake.add_user(PARTNER, "pat@partner.example", "Pat Partner", team_id="T_PARTNER")
    open_world.fake.add_user("U_OURS", "ann@ours.example", "Ann Ours")
    return open_world


def _data_free(texts: list[str]) -> None:
    for text in texts:
        assert "$" not in text and "revenue" not in text.lower()


def test_an_outsider_asking_in_a_shared_channel_gets_no_data_without_people_configured(connect):
    slack = connect
    slack.mention("top 10 customers by revenue", user=PARTNER, channel=CONNECT)
    (refused,) = slack.fake.wait_for("chat.postEphemeral")
    assert refused.args["user"] == PARTNER and wording.OUTSIDER[:40] in refused.args["text"]
    _, name = slack.command("top 10 customers by revenue", user=PARTNER, channel=CONNECT)
    (private,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    assert wording.OUTSIDER[:40] in private.args["text"]
    slack.dm("top 10 customers by revenue", user=PARTNER, channel="D_PARTNER")
    (dm,) = slack.fake.wait_for("chat.postEphemeral", 2)[1:]
    assert wording.OUTSIDER[:40] in dm.args["text"]
    _data_free([c.text() for c in slack.fake.calls if c.method in ("chat.postEphemeral", "respond")])
    assert slack.fake.calls_to("chat.postMessage") == []
    # Nor can they have digests sent to them.
    slack.fake.reset()
    slack.dm("post the key account digest here every monday at 9", user=PARTNER, channel="D_PARTNER")
    (refused,) = slack.fake.wait_for("chat.postEphemeral")
    assert wording.OUTSIDER[:40] in refused.text()
    assert list_subscriptions(slack.brain.store) == []  # type: ignore[attr-defined]

    # Help is for anyone; and someone of our own organisation still gets answers (privately here).
    slack.fake.reset()
    slack.mention("help", user=PARTNER, channel=CONNECT)
    (helped,) = slack.fake.wait_for("chat.postEphemeral")
    assert wording.OUTSIDER[:40] not in helped.text()
    slack.fake.reset()
    slack.mention("how many champions?", user="U_OURS", channel=CONNECT)
    (ours,) = slack.fake.wait_for("chat.postEphemeral")
    assert ours.args["user"] == "U_OURS" and "Champions" in ours.text()


def test_an_outsiders_button_press_share_and_home_get_no_data_and_decide_nothing(connect):
    slack = connect
    store = slack.brain.store  # type: ignore[attr-defined]
    slack.dm("suggest a win-back for Globex", user="U_OURS", channel="D_OURS")
    (card,) = slack.fake.wait_for("chat.postMessage")
    approve = pressed(card, "Approve")
    before = audit_log(store, sid(approve))
    slack.fake.reset()

    _, click = slack.click(approve, user=PARTNER, channel=CONNECT)
    (notice,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert notice.args["replace_original"] is False and wording.OUTSIDER[:40] in notice.text()
    more = {"action_id": "custseg:show_more:0", "type": "button", "value": json.dumps({"offset": 10})}
    _, click = slack.click(more, user=PARTNER, channel=CONNECT)
    (notice,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert wording.OUTSIDER[:40] in notice.text()
    share = {"action_id": "custseg_share", "type": "button", "value": json.dumps({"q": "top customers"})}
    _, click = slack.click(share, user=PARTNER, channel=CONNECT, ephemeral=True)
    (notice,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert wording.OUTSIDER[:40] in notice.args["text"]
    assert slack.fake.calls_to("chat.update") == [] and slack.fake.calls_to("chat.postMessage") == []
    assert get(store, sid(approve)).state == "proposed" and audit_log(store, sid(approve)) == before
    # Nor can they decide by typing what the button would have done.
    slack.fake.reset()
    slack.dm(f"approve {sid(approve)}", user=PARTNER, channel="D_PARTNER")
    (refused,) = slack.fake.wait_for("chat.postEphemeral")
    assert wording.OUTSIDER[:40] in refused.text()
    assert get(store, sid(approve)).state == "proposed" and audit_log(store, sid(approve)) == before

    slack.event({"type": "app_home_opened", "user": PARTNER, "tab": "home"})
    (home,) = slack.fake.wait_for("views.publish")
    assert json.dumps(home.args["view"]).count("$") == 0
    assert wording.OUTSIDER_HOME[:30] in json.dumps(home.args["view"])


def test_an_outsider_is_refused_with_people_configured_even_with_a_matching_email(slack: SlackSide):
    # demo_settings knows John by e-mail only; a Slack Connect user with that address is not John.
    slack.fake.set_channel(CONNECT, is_ext_shared=True)
    slack.fake.add_user("U_FAKE_JOHN", "john@example.com", "John?", team_id="T_PARTNER")
    slack.mention("my customers", user="U_FAKE_JOHN", channel=CONNECT)
    (refused,) = slack.fake.wait_for("chat.postEphemeral")
    assert wording.OUTSIDER[:40] in refused.text()
    slack.fake.add_user("U_JOHN_TOO", "john@example.com", "John")
    slack.fake.reset()
    slack.mention("my customers", user="U_JOHN_TOO", channel=CONNECT)
    (answered,) = slack.fake.wait_for("chat.postEphemeral")
    assert "your accounts" in answered.text()


def test_when_slack_cannot_say_who_someone_is_open_access_gives_no_data(connect):
    slack = connect
    slack.mention("top 10 customers by revenue", user="U_NOBODY_KNOWS", channel=CONNECT)
    (refused,) = slack.fake.wait_for("chat.postEphemeral")
    assert wording.OUTSIDER_UNCHECKED[:40] in refused.text()
