"""An export through the real Slack endpoint: asked in a direct message, the file arrives through
files upload v2 and holds the asker's rows; asked in a public channel, no file goes anywhere."""

from __future__ import annotations

import csv
import io

from bot import wording
from bot.exports import headings
from tests.helpers.slack import SlackSide


def test_an_export_asked_in_a_direct_message_arrives_as_a_file(slack: SlackSide):
    slack.dm("export my at-risk customers to csv")
    (post,) = slack.fake.wait_for("chat.postMessage")
    assert "as a CSV file: customers-at-risk-your-accounts-2026-11-13.csv" in post.text()
    (ask,) = slack.fake.wait_for("files.getUploadURLExternal")
    (upload,) = slack.fake.wait_for("upload")
    (done,) = slack.fake.wait_for("files.completeUploadExternal")
    assert ask.args["filename"] == "customers-at-risk-your-accounts-2026-11-13.csv"
    assert done.args["channel_id"] == "D_MARIA"
    rows = list(csv.DictReader(io.StringIO(upload.body.decode("utf-8-sig"))))
    assert list(rows[0]) == headings("$")
    assert rows and {r["Account manager"] for r in rows} == {"Maria"}
    assert {r["RFM segment"] for r in rows} == {"At risk"}
    assert f"*{len(rows)} customers*" in post.text()


def test_an_export_asked_in_a_public_channel_sends_no_file(slack: SlackSide):
    slack.fake.set_channel("C_OPEN")  # public
    slack.mention("export the at-risk customers to excel", channel="C_OPEN")
    (notice,) = slack.fake.wait_for("chat.postEphemeral")
    assert wording.EXPORT_ONLY_PRIVATE.split(",")[0] in notice.text()
    assert slack.fake.calls_to("files.getUploadURLExternal") == []
    assert slack.fake.calls_to("chat.postMessage") == []


def test_a_slash_command_export_in_a_channel_keeps_the_file_out_of_it(slack: SlackSide):
    slack.fake.set_channel("C_TEAM", is_private=True)
    slack.command("export my at-risk customers to csv", channel="C_TEAM")
    answer, notice = slack.fake.wait_for("respond", n=2)
    assert "as a CSV file" in answer.text()
    assert "a slash command's answer is yours alone" in notice.text()
    assert slack.fake.calls_to("files.getUploadURLExternal") == []


def test_a_slash_command_export_in_the_direct_message_uploads_the_file_there(slack: SlackSide):
    slack.command("export my at-risk customers to csv", channel="D_MARIA")
    slack.fake.wait_for("respond")
    (done,) = slack.fake.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == "D_MARIA"
