"""Follow-ups in a Slack thread, through the real endpoint and the fake Slack Web API: each person
in the thread keeps their own conversation, and a DM is a conversation of its own."""

from __future__ import annotations

from tests.helpers.slack import SlackSide


def say(slack: SlackSide, text: str, user: str, thread: str | None, channel: str = "C_SALES") -> str:
    """Mention the bot in ``thread`` (None: at the top of the channel) as ``user``; the context line
    of the answer posted in the thread."""
    ts = slack.new_ts()
    event = {"type": "app_mention", "user": user, "text": f"<@UCUSTSEG> {text}", "ts": ts, "channel": channel}
    if thread:
        event["thread_ts"] = thread
    before = len(slack.fake.calls_to("chat.postMessage"))
    assert slack.event(event).status == 200
    posts = slack.fake.wait_for("chat.postMessage", n=before + 1)
    post = posts[before]
    assert post.args["thread_ts"] == (thread or ts)
    return post.blocks[0]["text"]["text"]


def test_three_turns_in_a_thread_with_a_second_person_interleaving(slack: SlackSide):
    slack.fake.add_user("U_JOHN_CONV", "john@example.com", "John")
    top = slack.new_ts()
    # Maria opens the thread at the top of the channel; the bot answers in it.
    event = {
        "type": "app_mention",
        "user": "U_MARIA",
        "text": "<@UCUSTSEG> how many declining customers in APAC?",
    }
    assert slack.event({**event, "ts": top, "channel": "C_SALES"}).status == 200
    (first,) = slack.fake.wait_for("chat.postMessage")
    assert first.args["thread_ts"] == top and first.blocks[0]["text"]["text"].startswith(
        "*Declining · in APAC"
    )

    john = say(slack, "how many dormant customers?", "U_JOHN_CONV", top)
    maria = say(slack, "and in EMEA?", "U_MARIA", top)
    john_again = say(slack, "and in APAC?", "U_JOHN_CONV", top)
    listed = say(slack, "list them", "U_MARIA", top)

    assert john.startswith("*Dormant")
    assert maria.startswith("*Declining · in EMEA")  # the whole resolved question, as the line says
    assert john_again.startswith("*Dormant · in APAC")
    assert listed.startswith("*Declining · in EMEA") and " by " in listed
    # The row Maria points at is one of the rows she was shown, named in the answer's title.
    # Each row is a section whose line starts with the customer's name in bold.
    rows = [b for b in slack.fake.calls_to("chat.postMessage")[-1].blocks if b.get("fields")]
    second = rows[1]["text"]["text"].split(" · ")[0].strip("*").removesuffix(" ★")
    profile = say(slack, "tell me about the second one", "U_MARIA", top)
    assert profile.startswith("*Customer profile · ") and second in profile


def test_a_direct_message_is_its_own_conversation(slack: SlackSide):
    assert slack.dm("how many champions in LATAM?", channel="D_MARIA_CONV")[0].status == 200
    slack.fake.wait_for("chat.postMessage")
    assert slack.dm("and in EMEA?", channel="D_MARIA_CONV")[0].status == 200
    (_, post) = slack.fake.wait_for("chat.postMessage", n=2)
    assert post.args["channel"] == "D_MARIA_CONV" and post.blocks[0]["text"]["text"].startswith(
        "*Champions · in EMEA"
    )
