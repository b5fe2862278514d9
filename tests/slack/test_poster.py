"""SlackPoster, the port the scheduler posts through: delivered posts say where they landed, and
failures say whether trying again can help."""

from __future__ import annotations

import socket

import pytest

from adapters.slack.poster import SlackPoster
from bot.delivery import Posted
from bot.reply import Image, Reply
from custseg.errors import DeliveryError
from tests.fakes.slack_api import FakeSlackAPI
from tests.helpers.slack import TOKEN

DIGEST = Reply(context="Key accounts · your accounts", title="Key-account digest", text="*12 key accounts*")


@pytest.fixture
def poster(fake: FakeSlackAPI) -> SlackPoster:
    fake.reset()
    return SlackPoster(TOKEN, fake.api_url)


def test_post_and_update_in_place(poster: SlackPoster, fake: FakeSlackAPI):
    posted = poster.post("C_SALES", DIGEST)
    assert posted.platform == "slack" and posted.channel_id == "C_SALES" and posted.message_id
    (post,) = fake.calls_to("chat.postMessage")
    assert post.blocks[0]["text"]["text"] == "*Key accounts · your accounts*"
    poster.update(posted, Reply(context="Approved by Maria", text="Done."))
    (update,) = fake.calls_to("chat.update")
    assert update.args["ts"] == posted.message_id and update.args["channel"] == "C_SALES"
    assert update.blocks[0]["text"]["text"] == "*Approved by Maria*"


def test_chart_goes_into_the_posts_thread_with_the_v2_upload(poster: SlackPoster, fake: FakeSlackAPI):
    posted = poster.post(
        "C_SALES", Reply(context="Segments", image=Image("Segments", b"\x89PNG-bytes", "alt"))
    )
    (upload,) = fake.calls_to("upload")
    (done,) = fake.calls_to("files.completeUploadExternal")
    assert upload.body == b"\x89PNG-bytes"
    assert done.args["channel_id"] == "C_SALES" and done.args["thread_ts"] == posted.message_id


def test_rate_limit_is_retryable_with_slacks_retry_after(poster: SlackPoster, fake: FakeSlackAPI):
    fake.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(DeliveryError) as caught:
        poster.post("C_SALES", DIGEST)
    assert caught.value.retryable and caught.value.retry_after == 7
    assert len(fake.calls_to("chat.postMessage", ok_only=False)) == 1  # the outbox decides when to retry
    fake.fail("chat.update", status=503)
    with pytest.raises(DeliveryError) as server_error:
        poster.update(Posted("slack", "C_SALES", "1.2"), DIGEST)
    assert server_error.value.retryable and server_error.value.retry_after is None


def test_refusals_are_final_and_say_why(fake: FakeSlackAPI):
    with pytest.raises(DeliveryError, match="invalid_auth") as caught:
        SlackPoster("xoxb-revoked", fake.api_url).post("C_SALES", DIGEST)
    assert not caught.value.retryable


def test_unreachable_slack_is_retryable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match="Could not reach Slack") as caught:
        SlackPoster(TOKEN, f"http://127.0.0.1:{port}/api/", timeout=2).post("C_SALES", DIGEST)
    assert caught.value.retryable


def test_from_env_needs_the_token():
    with pytest.raises(DeliveryError, match="SLACK_BOT_TOKEN"):
        SlackPoster.from_env({})
