"""In Slack: answers in channels where others can read them go to the asker alone, and nothing is
shared into a channel of another organisation."""

from __future__ import annotations

from tests.helpers.slack import SlackSide, buttons


def test_a_mention_in_a_public_channel_is_answered_only_to_the_asker_with_a_share_button(slack: SlackSide):
    slack.fake.set_channel("C_PUBLIC_ASK")
    _, ts = slack.mention("how many champions?", channel="C_PUBLIC_ASK")
    (answer,) = slack.fake.wait_for("chat.postEphemeral")
    assert answer.args["channel"] == "C_PUBLIC_ASK" and answer.args["user"] == "U_MARIA"
    assert answer.args["thread_ts"] == ts
    assert answer.blocks[0]["text"]["text"].startswith("*Champions")
    assert any(e["action_id"] == "custseg_share" for e in buttons(answer.blocks))
    assert slack.fake.calls_to("chat.postMessage") == []


def test_sharing_into_a_slack_connect_channel_is_refused(slack: SlackSide):
    slack.fake.set_channel("C_CONNECT_ASK", is_ext_shared=True, is_private=True)
    _, name = slack.command("how many champions?", channel="C_CONNECT_ASK")
    (private,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    assert private.args["response_type"] == "ephemeral"
    share = next(e for e in buttons(private.blocks) if e["action_id"] == "custseg_share")
    _, click = slack.click(share, channel="C_CONNECT_ASK", ephemeral=True)
    (refused,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert refused.args["response_type"] == "ephemeral"
    assert "shared with people outside the organisation" in refused.args["text"]
    assert "allow_external" in refused.args["text"]
    assert not [c for c in slack.fake.calls_to("respond") if c.args.get("response_type") == "in_channel"]


def test_when_slack_cannot_say_who_is_in_a_channel_nothing_is_shared_there(slack: SlackSide):
    slack.fake.fail("conversations.info", status=500, times=50)  # every lookup (and its retries) fails
    _, name = slack.command("how many champions?", channel="C_UNSEEN")
    (private,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    assert private.args["response_type"] == "ephemeral" and "Champions" in private.text()
    share = next(e for e in buttons(private.blocks) if e["action_id"] == "custseg_share")
    _, click = slack.click(share, channel="C_UNSEEN", ephemeral=True)
    (refused,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert refused.args["response_type"] == "ephemeral"
    assert "couldn't check who is in this conversation" in refused.args["text"]
    assert slack.fake.calls_to("chat.postMessage") == []
    assert not [c for c in slack.fake.calls_to("respond") if c.args.get("response_type") == "in_channel"]
