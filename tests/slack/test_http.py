"""The Slack app end to end over HTTP: signed requests into the real web process, answers observed
at the fake Slack Web API, on the demo book."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from adapters.web.app import STATUSES, build_app
from bot.reply import Reply
from custseg.store.subscriptions import subscribe
from tests.fakes.slack_api import LoopbackServer
from tests.helpers.blockkit import message_text
from tests.helpers.slack import SlackSide, buttons


def test_without_tokens_the_web_process_starts_and_names_the_missing_variables(demo_brain):
    app = build_app(demo_brain, demo_brain.settings, {}, modules=("adapters.slack.app",))
    server = LoopbackServer(app).start()
    try:
        with urllib.request.urlopen(f"{server.url}/health", timeout=10) as response:
            health = json.loads(response.read())
        events = SlackSide(server.url, None).send(b"{}", "application/json")  # type: ignore[arg-type]
    finally:
        server.stop()
    (status,) = app[STATUSES]
    assert health["status"] == "ok" and health["platforms"] == {"slack": False}
    assert events.status == 404
    assert status.missing == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    assert "set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in status.line()


def test_slash_command_acks_at_once_and_answers_privately_with_a_share_button(slack: SlackSide):
    answer, name = slack.command("who are the declining customers?")
    assert answer.status == 200 and answer.body == ""
    assert answer.seconds < 3
    (reply,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    assert reply.args["response_type"] == "ephemeral"
    first = reply.blocks[0]["text"]["text"]
    assert first.startswith("*Declining — ") and "top 10 by" in first
    assert "```" not in reply.text() and "Customer · Revenue · Risk" in message_text(reply.blocks)
    assert [b["text"]["text"] for b in buttons(reply.blocks)][-1] == "Share in channel"
    assert slack.fake.calls_to("chat.postMessage") == []


def test_help_and_not_understood_answers_have_no_share_button(slack: SlackSide):
    for question in ("help", "what is the meaning of life"):
        _, name = slack.command(question)
        (reply,) = slack.fake.wait_for("respond", where=lambda c, name=name: c.args["response_url"] == name)
        assert "Share in channel" not in [b["text"]["text"] for b in buttons(reply.blocks)]
        assert reply.args["response_type"] == "ephemeral"


def test_a_private_help_pressed_on_shares_only_what_carries_customer_data(slack: SlackSide):
    _, name = slack.command("help")
    (help_,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    by_label = {b["text"]["text"]: b for b in buttons(help_.blocks)}
    _, overview = slack.click(by_label["My overview"], ephemeral=True)
    (mine,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == overview)
    assert mine.blocks[0]["text"]["text"] == "*Your overview*"
    assert "Share in channel" not in [b["text"]["text"] for b in buttons(mine.blocks)]
    _, asked = slack.click(by_label["how many champions do we have in EMEA?"], ephemeral=True)
    (answer,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == asked)
    assert answer.blocks[0]["text"]["text"].startswith("*Champions")
    assert [b["text"]["text"] for b in buttons(answer.blocks)][-1] == "Share in channel"


def test_share_posts_the_answer_for_everyone_and_removes_the_private_copy(slack: SlackSide):
    _, name = slack.command("how many champions do we have in EMEA?")
    (private,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    share = next(e for e in buttons(private.blocks) if e["action_id"] == "custseg_share")
    answer, click = slack.click(share, ephemeral=True)
    assert answer.status == 200
    posted, deleted = slack.fake.wait_for("respond", 2, where=lambda c: c.args["response_url"] == click)
    assert posted.args["response_type"] == "in_channel" and posted.args["replace_original"] is False
    assert posted.blocks[0]["text"]["text"].startswith("*Champions · in EMEA")
    assert "Shared by <@U_MARIA>" in posted.text()
    assert "custseg_share" not in json.dumps(posted.blocks)
    assert deleted.args["delete_original"] is True


def test_mention_is_answered_in_its_thread(slack: SlackSide):
    answer, ts = slack.mention("my declining customers")
    assert answer.status == 200
    (post,) = slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C_SALES" and post.args["thread_ts"] == ts
    assert "your accounts" in post.blocks[0]["text"]["text"]
    table = message_text(post.blocks)
    assert "Owner: Maria" in table and "Owner: John" not in table


def test_direct_message_is_answered_in_the_conversation(slack: SlackSide):
    answer, _ = slack.dm("tell me about Globex")
    assert answer.status == 200
    (post,) = slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "D_MARIA" and not post.args.get("thread_ts")
    assert any(b["type"] == "header" and b["text"]["text"] == "Globex" for b in post.blocks)


def test_retried_or_duplicated_event_is_answered_once(slack: SlackSide):
    first, ts = slack.mention("how many champions?", event_id="EvSAME")
    event = {
        "type": "app_mention",
        "user": "U_MARIA",
        "text": "<@UCUSTSEG> how many champions?",
        "ts": ts,
        "channel": "C_SALES",
    }
    retry = slack.event(event, event_id="EvSAME", retry=1)
    again = slack.event(event, event_id="EvSAME", retry=2)
    # The same message also arriving as a DM event (a DM that mentions the bot) is the same question.
    also = slack.event({**event, "type": "message", "channel_type": "im"})
    assert {first.status, retry.status, again.status, also.status} == {200}
    slack.fake.wait_for("chat.postMessage")
    time.sleep(1.0)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


def test_show_more_on_a_channel_message_updates_it_in_place(slack: SlackSide):
    slack.mention("who are the declining customers?")
    (post,) = slack.fake.wait_for("chat.postMessage")
    more = next(e for e in buttons(post.blocks) if e["action_id"].startswith("custseg:show_more"))
    answer, _ = slack.click(more, message_ts="1700000000.000777")
    assert answer.status == 200
    (update,) = slack.fake.wait_for("chat.update")
    assert update.args["ts"] == "1700000000.000777" and update.args["channel"] == "C_SALES"
    assert "11–20" in update.blocks[0]["text"]["text"]
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


def test_button_on_a_private_answer_replaces_it_privately(slack: SlackSide):
    _, name = slack.command("who are the declining customers?")
    (private,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    more = next(e for e in buttons(private.blocks) if e["action_id"].startswith("custseg:show_more"))
    _, click = slack.click(more, ephemeral=True)
    (replaced,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert replaced.args["replace_original"] is True
    assert "11–20" in replaced.blocks[0]["text"]["text"]
    assert buttons(replaced.blocks)[-1]["action_id"] == "custseg_share"
    assert slack.fake.calls_to("chat.update") == []


@pytest.fixture
def private_notice(demo_brain):
    """A button whose answer is a notice for the presser alone (what a refused approval returns).

    Roles are enforced by another issue; this registers one action through the handlers' own
    extension point so the private path is exercised today."""

    def refuse(ctx, payload):
        return Reply(text="Only managers of EMEA can approve this.", private=True)

    demo_brain.handlers.add_action("test_refuse", refuse)
    yield {
        "type": "button",
        "text": {"type": "plain_text", "text": "Approve"},
        "action_id": "custseg:test_refuse:0",
        "value": "{}",
    }
    del demo_brain.handlers.actions["test_refuse"]


def test_private_notice_goes_to_the_presser_only_and_leaves_the_message(slack: SlackSide, private_notice):
    # Pressed by a mapped user: someone unknown gets the "who are you" notice before any handler runs.
    answer, click = slack.click(private_notice, user="U_MARIA")
    assert answer.status == 200
    (notice,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert notice.args["response_type"] == "ephemeral" and notice.args["replace_original"] is False
    assert "Only managers of EMEA" in notice.text()
    time.sleep(0.3)
    assert slack.fake.calls_to("chat.update") == []


def test_bad_signature_is_refused_with_no_side_effect(slack: SlackSide):
    answer, _ = slack.command("how many champions?", secret="not-the-secret")
    assert answer.status == 401
    stale, _ = slack.command("how many champions?", timestamp=int(time.time()) - 600)
    assert stale.status == 401
    unsigned = slack.send(
        b"command=/custseg&text=hi", "application/x-www-form-urlencoded", headers={"X-Slack-Signature": ""}
    )
    assert unsigned.status == 401
    time.sleep(0.5)
    assert slack.fake.calls == []


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
        (b'{"type": "event_callback"}', "application/json"),
        (b'{"type": "event_callback", "event": "text"}', "application/json"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        (b'payload={"type":"block_actions","actions":[]}', "application/x-www-form-urlencoded"),
        (b'payload={"type":"message_action","user":{"id":"U1"}}', "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"[]", "application/json"),
    ],
)
def test_malformed_payload_is_a_400_and_the_app_keeps_answering(slack: SlackSide, body, content_type):
    assert slack.send(body, content_type).status == 400
    answer, name = slack.command("how many champions?")
    assert answer.status == 200
    slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)


def test_rate_limited_post_is_retried_after_retry_after_and_delivered(slack: SlackSide):
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    slack.mention("how many champions?")
    (delivered,) = slack.fake.wait_for("chat.postMessage")
    limited = [c for c in slack.fake.calls_to("chat.postMessage", ok_only=False) if c.status == 429]
    assert len(limited) == 1
    assert delivered.at - limited[0].at >= 1.0
    assert delivered.blocks[0]["text"]["text"].startswith("*Champions")


def test_chart_is_uploaded_with_files_upload_v2_into_the_thread(slack: SlackSide):
    _, ts = slack.mention("give me the segment breakdown")
    (post,) = slack.fake.wait_for("chat.postMessage")
    assert "Chart: Segments" in post.text()
    (ask,) = slack.fake.wait_for("files.getUploadURLExternal")
    (upload,) = slack.fake.wait_for("upload")
    (done,) = slack.fake.wait_for("files.completeUploadExternal")
    assert upload.body.startswith(b"\x89PNG") and int(ask.args["length"]) == len(upload.body)
    assert upload.args["file_id"] == ask.args.get("file_id", upload.args["file_id"])
    assert done.args["channel_id"] == "C_SALES" and done.args["thread_ts"] == ts
    assert done.args["files"][0]["title"] == "Segments"
    assert slack.fake.calls_to("files.upload") == []


def test_app_home_shows_my_accounts_actions_and_subscriptions(slack: SlackSide, demo_brain):
    subscribe(demo_brain.store, "slack", "C_SALES", "digest", "mon", "09:00", "UTC", "U_MARIA")
    answer = slack.event({"type": "app_home_opened", "user": "U_MARIA", "channel": "D_MARIA", "tab": "home"})
    assert answer.status == 200
    (publish,) = slack.fake.wait_for("views.publish")
    assert publish.args["user_id"] == "U_MARIA" and publish.args["view"]["type"] == "home"
    text = publish.text()
    headers = [b["text"]["text"] for b in publish.blocks if b["type"] == "header"]
    assert headers == [
        "Your key accounts",
        "Your dormant high-value customers",
        "Actions waiting for your decision",
        "Your digest subscriptions",
    ]
    assert "Key account · your accounts" in text or "your accounts" in text
    assert "Key-account digest in <#C_SALES>, every Monday at 09:00 (UTC)" in text
    assert len(publish.blocks) <= 100


def test_person_known_by_email_is_looked_up_once_and_gets_their_own_book(slack: SlackSide):
    slack.fake.add_user("U_JOHN", "John@Example.com", "John Smith")
    slack.dm("my dormant customers", user="U_JOHN", channel="D_JOHN")
    slack.dm("my declining customers", user="U_JOHN", channel="D_JOHN")
    first, second = slack.fake.wait_for("chat.postMessage", 2)
    for post in (first, second):
        assert "your accounts" in post.blocks[0]["text"]["text"]
        table = message_text(post.blocks)
        assert "Owner: John" in table and "Owner: Maria" not in table
    assert len(slack.fake.calls_to("users.info")) == 1
