"""Block Kit rendering: Slack's limits hold for any reply, and nothing readable is lost on the way."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from adapters.slack.render import ROW_SEPARATOR, parse_brain_action, render
from bot.reply import Button, Image, Reply, Table
from tests.fakes.slack_api import block_kit_errors
from tests.helpers.blockkit import PHONE_COLUMNS, message_text, too_wide

words = st.text(alphabet=st.sampled_from(list("abcxyz &<>*_\n0123456789€é")), min_size=0, max_size=60)
long_text = st.one_of(words, st.builds(lambda w, n: (w + " ") * n, words, st.integers(0, 400)))
cells = st.text(alphabet=st.sampled_from(list("ab <&>12,.$")), min_size=0, max_size=30)


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    n_cols = draw(st.integers(1, 7))
    table = None
    if draw(st.booleans()):
        rows = draw(st.lists(st.lists(cells, min_size=n_cols, max_size=n_cols), max_size=400))
        table = Table([f"h{i}" for i in range(n_cols)], rows, ["left", "right"] * 4)
    image = Image("Segments", b"\x89PNG", draw(words)) if draw(st.booleans()) else None
    return Reply(
        context=draw(long_text),
        title=draw(st.one_of(st.none(), long_text)),
        text=draw(long_text),
        fields=draw(st.lists(st.tuples(words, long_text), max_size=30)),
        table=table,
        image=image,
        buttons=draw(
            st.lists(
                st.builds(
                    Button,
                    label=words,
                    action_id=st.sampled_from(["show_more", "ask", "approve"]),
                    payload=st.dictionaries(st.sampled_from("abc"), long_text, max_size=3),
                ),
                max_size=60,
            )
        ),
        footer=draw(st.one_of(st.none(), long_text)),
    )


def squash(text: str) -> str:
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[\s*`…]+", "", unescaped)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=replies(), max_messages=st.integers(1, 4), share=st.booleans())
def test_any_reply_fits_slacks_limits(reply: Reply, max_messages: int, share: bool):
    messages = render(reply, share={"q": "x"} if share else None, max_messages=max_messages)
    assert 1 <= len(messages) <= max_messages
    for message in messages:
        assert block_kit_errors(message.blocks) == []
        assert len(message.text) <= 3000
    ids = [
        e["action_id"] for m in messages for b in m.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert len(ids) == len(set(ids))
    # Buttons all end up on the last message, where the reader is once they have read the answer.
    assert all(b["type"] != "actions" for m in messages[:-1] for b in m.blocks)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=long_text, rows=st.lists(st.lists(cells, min_size=3, max_size=3), max_size=200))
def test_long_text_and_tables_are_split_without_losing_anything(text: str, rows: list[list[str]]):
    reply = Reply(context="Ctx", text=text, table=Table(["a", "b", "c"], rows))
    messages = render(reply, max_messages=50)
    # A row of three columns is one line "*a* · b · c"; the text has no "·".
    sections = [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section"]
    shown = "".join(t for t in sections if ROW_SEPARATOR not in t)
    assert squash(shown) == squash("Ctx" + text)
    lines = [line for t in sections if ROW_SEPARATOR in t for line in t.split("\n")]
    assert len(lines) == len(rows)
    for row, line in zip(rows, lines, strict=True):
        assert squash("".join(row)) == squash(line.replace(ROW_SEPARATOR.strip(), "").replace("–", ""))


def test_a_huge_answer_is_paged_and_then_cut_with_a_note():
    rows = [[f"Customer {i}", "Maria", f"${i:,}"] for i in range(20000)]
    reply = Reply(
        context="Everything",
        table=Table(["Customer", "Owner", "Revenue"], rows, ["left", "left", "right"]),
        buttons=[Button("Show 10 more", "show_more", {"offset": 10})],
        footer="As of 2026-11-13",
    )
    messages = render(reply, share={"q": "everything"}, max_messages=3)
    assert len(messages) == 3
    assert all(len(m.blocks) <= 50 for m in messages)
    assert messages[1].blocks[0]["elements"][0]["text"] == "… continued (2/3)"
    last = messages[-1].blocks
    assert "left out to fit Slack" in json.dumps(last)
    actions = next(b for b in last if b["type"] == "actions")["elements"]
    assert [e["text"]["text"] for e in actions] == ["Show 10 more", "Share in channel"]
    assert last[-1]["type"] == "context" and last[-1]["elements"][0]["text"] == "As of 2026-11-13"


def test_a_reply_reads_like_the_console_one_in_block_kit():
    reply = Reply(
        context="Dormant · high value — 14 customers, top 10 by revenue",
        title="Globex <Retail> & Co",
        text="*14* customers need a call.",
        fields=[("Owner", "Maria"), ("Revenue", "$1,234")],
        table=Table(
            ["Customer", "Revenue"], [["Globex", "$12"], ["Acme & Sons", "$3,400"]], ["left", "right"]
        ),
        buttons=[Button("Show 4 more", "show_more", {"offset": 10}, style="primary")],
        footer="As of 2026-11-13",
    )
    (message,) = render(reply)
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["section", "header", "section", "section", "context", "section", "actions", "context"]
    assert message.blocks[0]["text"]["text"] == "*Dormant · high value — 14 customers, top 10 by revenue*"
    assert message.blocks[1]["text"]["text"] == "Globex <Retail> & Co"  # plain_text: no escaping
    assert message.blocks[3]["fields"][0]["text"] == "*Owner*\nMaria"
    assert message_text(message.blocks, PHONE_COLUMNS).split("\n\n")[4:] == [
        "  Customer · Revenue",
        "*Globex* · $12\n*Acme & Sons* · $3,400",
        "[Show 4 more]",
        "  As of 2026-11-13",
    ]

    assert "*Acme &amp; Sons* · $3,400" in message.blocks[5]["text"]["text"]
    button = message.blocks[6]["elements"][0]
    assert parse_brain_action(button["action_id"]) == "show_more"
    assert json.loads(button["value"]) == {"offset": 10} and button["style"] == "primary"
    assert message.text.startswith("Dormant · high value")


def test_a_wide_list_reads_on_a_phone_name_figure_and_risk_then_two_columns_of_details():
    headers = ["Customer", "Owner", "Segment", "Stage", "Risk", "Revenue", "Lifetime value", "Last order"]
    row = ["Kestrel Retail ★", "Maria", "Champions", "Active", "high 72 %", "$1.2M", "$3.4M", "3 days ago"]
    table = Table(headers, [row, row], ["left"] * 5 + ["right"] * 3, key=[0, 5, 4])
    (message,) = render(Reply(context="Champions", table=table))
    assert too_wide(message.blocks) == []
    assert message_text(message.blocks[1:3], PHONE_COLUMNS) == "\n".join(
        [
            "  Customer · Revenue · Risk",
            "",
            "*Kestrel Retail ★* · $1.2M · high 72 %",
            "Owner: Maria         Segment: Champions",
            "Stage: Active        Lifetime value:",
            "                     $3.4M",
            "Last order: 3 days",
            "ago",
        ]
    )


def test_a_button_whose_payload_cannot_fit_is_left_out_not_sent_broken():
    reply = Reply(
        text="x", buttons=[Button("Huge", "ask", {"text": "y" * 5000}), Button("Ok", "ask", {"text": "z"})]
    )
    (message,) = render(reply)
    (actions,) = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["text"]["text"] for e in actions["elements"]] == ["Ok"]
    assert block_kit_errors(message.blocks) == []


def test_formatting_characters_in_customer_data_cannot_format_or_break_out():
    reply = Reply(
        context="Profile of *Keller* & Sons_",
        text="*Globex* is the brain's own bold.",
        fields=[("Account manager", "~Strike~ *Bold* `code`")],
        table=Table(["Customer"], [["Evil ``` Corp"], ["*Star* Ltd"]]),
    )
    (message,) = render(reply)
    blocks = json.dumps(message.blocks, ensure_ascii=False)
    context = message.blocks[0]["text"]["text"]
    assert context.startswith("*Profile of ") and context.count("*") == 2  # only the wrapping bold
    assert "&amp;" in context
    field = message.blocks[2]["fields"][0]["text"]
    assert "~" not in field and "`" not in field and field.count("*") == 2  # the label's bold only
    rows = [b["text"]["text"] for b in message.blocks[4:] if b["type"] == "section"]
    assert rows == ["*Evil ˋˋˋ Corp*\n*∗Star∗ Ltd*"]
    assert "*Globex*" in blocks  # the brain's formatting is kept
