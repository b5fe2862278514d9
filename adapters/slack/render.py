"""Render a neutral Reply as Slack Block Kit, inside Slack's limits by construction.

Slack rejects a whole message over its limits (``invalid_blocks``), so nothing here relies on the
brain keeping answers short: every text is cut into pieces of at most 3,000 characters (after
escaping), tables become a line per row (and two-column fields for wide ones) that wrap on a phone, buttons go 25 to an actions block, and
an answer needing more than 50 blocks is paged over several messages, with the buttons on the last.
Past ``max_messages`` the rest is left out with a note saying so.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from bot import i18n, wording
from bot.reply import Button, Reply, Table

log = logging.getLogger("custseg.slack")

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS = 25
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000
MAX_FALLBACK = 3000

# Slack action ids of the buttons this adapter makes: brain buttons carry the brain's action id
# (numbered, because Slack wants action ids unique within a message); the share button is ours.
BRAIN_ACTION_PREFIX = "custseg:"
# A button that asks for a reason first (``Button.asks_reason``): it opens a modal instead.
REASON_ACTION_PREFIX = "custseg_reason:"
SHARE_ACTION = "custseg_share"
REASON_VIEW = "custseg_reason"
REASON_BLOCK = "reason"


@dataclass
class Message:
    """One Slack message: ``text`` is the notification fallback, ``blocks`` what people see."""

    text: str
    blocks: list[dict[str, Any]]


def escape(text: str) -> str:
    """Slack mrkdwn control characters; *bold* and _italic_ are the same in Slack and pass through."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Formatting characters in customer data (names, owners) are swapped for look-alikes where the
# adapter knows the text is data, so "*Keller* & Sons" or a name with ``` cannot bold, strike or
# break out of a code block. The brain's own text keeps its *bold* and _italic_.
_LOOKALIKE = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_MARK = re.compile(r"[*~`]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def neutral(text: str) -> str:
    """``text`` with the mrkdwn formatting characters it carries made inert (look-alikes)."""
    return _MARK.sub(lambda m: _LOOKALIKE[m.group(0)], text)


def _cut(text: str, limit: int) -> list[str]:
    """``text`` in pieces whose *escaped* length is at most ``limit``, cut at line ends or spaces."""
    pieces: list[str] = []
    rest = text
    while len(escape(rest)) > limit:
        # The longest prefix that fits once escaped (escaping at most quintuples a character).
        end = min(len(rest), limit)
        while len(escape(rest[:end])) > limit:
            end -= max(1, (len(escape(rest[:end])) - limit) // 5)
        # A line end in the second half, else a space there, else anywhere.
        cut = rest.rfind("\n", 0, end)
        if cut <= end // 2:
            cut = rest.rfind(" ", 0, end)
        if cut <= end // 2:
            cut = end
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ") if cut < end else rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _plain(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(pieces: list[str]) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": p} for p in pieces]}


def text_blocks(text: str, bold: bool = False) -> list[dict[str, Any]]:
    """Sections of mrkdwn ``text``; ``bold`` wraps each in ``*`` (its own marks made inert first:
    it is a line the adapter formats, such as the interpretation)."""
    wrap = 2 if bold else 0
    if bold:
        text = neutral(text)
    return [
        _section(f"*{escape(p)}*" if bold else escape(p)) for p in _cut(text, MAX_TEXT - wrap) if p.strip()
    ]


def context_blocks(text: str) -> list[dict[str, Any]]:
    pieces = [escape(p) for p in _cut(text, MAX_TEXT) if p.strip()]
    return [
        _context(pieces[i : i + MAX_CONTEXT_ELEMENTS]) for i in range(0, len(pieces), MAX_CONTEXT_ELEMENTS)
    ]


def _field(label: str, value: str) -> dict[str, Any]:
    head = f"*{escape(_cut(label, 200)[0])}*\n" if label.strip() else ""
    pieces = _cut(neutral(value), MAX_FIELD_TEXT - len(head) - 1)
    text = head + escape(pieces[0]) + ("…" if len(pieces) > 1 else "")
    return {"type": "mrkdwn", "text": text if text.strip() else "–"}


def field_blocks(fields: list[tuple[str, str]]) -> list[dict[str, Any]]:
    items = [_field(label, value) for label, value in fields]
    return [
        {"type": "section", "fields": items[i : i + MAX_FIELDS]} for i in range(0, len(items), MAX_FIELDS)
    ]


# A list row shows up to this many columns on its line; a wider table shows its key columns there
# and the others as the row's fields (two columns), so nothing is wider than a phone.
ROW_COLUMNS = 3
ROW_SEPARATOR = " · "


def table_blocks(table: Table) -> list[dict[str, Any]]:
    """A table as a phone can read it: a line of headings, then per row a line of its key columns
    (the first in bold) and, for a wide table, the other columns as the row's two-column fields.
    Text wraps at the screen's width, which a code block would not."""
    shown = table.row_columns(ROW_COLUMNS)
    rest = [i for i in range(len(table.headers)) if i not in shown]

    def line(row: list[str]) -> str:
        cells = [_cut(neutral(row[i]), 600)[0] for i in shown]
        head = f"*{escape(cells[0])}*" if cells[0].strip() else "–"
        return ROW_SEPARATOR.join([head, *(escape(c) for c in cells[1:])])

    headings = ROW_SEPARATOR.join(escape(_cut(neutral(table.headers[i]), 200)[0]) for i in shown)
    blocks: list[dict[str, Any]] = [_context([headings or "–"])]
    if rest:
        for row in table.rows:
            fields = [_field("", f"{table.headers[i]}: {row[i]}") for i in rest][:MAX_FIELDS]
            blocks.append({**_section(line(row)), "fields": fields})
        return blocks
    # A narrow table: its rows as lines, as many to a section as fit.
    chunk: list[str] = []
    for row in table.rows:
        text = line(row)
        if chunk and len("\n".join([*chunk, text])) > MAX_TEXT:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(text)
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    return blocks


def button_element(button: Button, index: int) -> dict[str, Any] | None:
    """A brain button; None when its payload cannot fit Slack's 2,000-character button value."""
    value = json.dumps(button.payload, separators=(",", ":"), ensure_ascii=False, default=str)
    prefix = REASON_ACTION_PREFIX if button.asks_reason else BRAIN_ACTION_PREFIX
    action_id = f"{prefix}{button.action_id}:{index}"
    if len(value) > MAX_VALUE or len(action_id) > 255:
        log.warning("button %r left out: its payload is too long for Slack", button.action_id)
        return None
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": _plain(button.label.strip() or "…", MAX_BUTTON_TEXT)},
        "action_id": action_id,
        "value": value,
    }
    if button.style:
        element["style"] = button.style
    return element


def share_element(source: dict[str, Any]) -> dict[str, Any] | None:
    value = json.dumps(source, separators=(",", ":"), ensure_ascii=False, default=str)
    if len(value) > MAX_VALUE:
        return None
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": wording.SLACK_WORDS["share"]},
        "action_id": SHARE_ACTION,
        "value": value,
    }


def parse_brain_action(action_id: str) -> str | None:
    """The brain's action id from a Slack action id made by ``button_element``."""
    prefix = next((p for p in (BRAIN_ACTION_PREFIX, REASON_ACTION_PREFIX) if action_id.startswith(p)), None)
    if prefix is None:
        return None
    name, _, _index = action_id[len(prefix) :].rpartition(":")
    return name or None


def reason_view(title: str, submit: str, metadata: str) -> dict[str, Any]:
    """The modal asking for an optional reason before a decision (``views.open``); ``metadata``
    (at most 3,000 characters) comes back with the submission."""
    return {
        "type": "modal",
        "callback_id": REASON_VIEW,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": _plain(title, 24)},
        "submit": {"type": "plain_text", "text": _plain(submit, 24)},
        "close": {"type": "plain_text", "text": wording.SLACK_WORDS["cancel"]},
        "blocks": [
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": wording.SLACK_WORDS["reason_label"]},
                "hint": {"type": "plain_text", "text": wording.SLACK_WORDS["reason_hint"]},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_BLOCK,
                    "multiline": True,
                    "max_length": 500,
                },
            }
        ],
    }


def content_blocks(reply: Reply, chart: str = "below") -> list[dict[str, Any]]:
    """Everything except buttons and footer, in reading order (interpretation first).

    ``chart`` says where the reply's image goes: ``"below"`` (uploaded after the message),
    ``"alt"`` (only its text alternative, e.g. in a private answer a file cannot be shown in).
    """
    blocks: list[dict[str, Any]] = []
    if reply.context:
        blocks += text_blocks(reply.context, bold=True)
    if reply.title and reply.title.strip():
        header = {"type": "plain_text", "text": _plain(reply.title.strip(), MAX_HEADER)}
        blocks.append({"type": "header", "text": header})
    if reply.text:
        blocks += text_blocks(reply.text)
    if reply.fields:
        blocks += field_blocks(reply.fields)
    if reply.table:
        blocks += table_blocks(reply.table)
    if reply.image:
        note = wording.SLACK_WORDS["chart_below"] if chart == "below" else wording.SLACK_WORDS["chart_alt"]
        blocks += context_blocks(note.format(title=reply.image.title, alt=reply.image.alt_text))
    return blocks


def fallback_text(reply: Reply) -> str:
    """The notification text (what a phone shows); Slack also reads it to screen-reader users."""
    pieces = _cut(reply.context or reply.title or reply.text or "custseg", MAX_FALLBACK - 1)
    return escape(pieces[0]) + ("…" if len(pieces) > 1 else "")


def render(
    reply: Reply,
    *,
    share: dict[str, Any] | None = None,
    chart: str = "below",
    max_messages: int = 3,
    shared_by: str | None = None,
) -> list[Message]:
    with i18n.speaking(reply.language):  # Slack's own words in the answer's language
        return _render(reply, share, chart, max_messages, shared_by)


def _render(
    reply: Reply,
    share: dict[str, Any] | None,
    chart: str,
    max_messages: int,
    shared_by: str | None,
) -> list[Message]:
    """The reply as one or more Slack messages, each within Slack's limits.

    Parameters
    ----------
    share : dict, optional
        Where the answer came from (``{"q": text}`` or ``{"a": action, "p": payload}``); when given,
        a *Share in channel* button is added that recomputes and posts it for everyone.
    chart : {"below", "alt"}
        Whether the chart is uploaded after the message or only described.
    max_messages : int
        At most this many messages; content beyond is left out with a note (≥ 1).
    shared_by : str, optional
        Slack user id to credit in a shared answer.
    """
    body = content_blocks(reply, chart)
    if shared_by:
        body += [_context([wording.SLACK_WORDS["shared_by"].format(user=escape(shared_by))])]
    # At most two actions blocks of buttons and one of footer, so the tail always fits one message.
    elements = [e for i, b in enumerate(reply.buttons) if (e := button_element(b, i))]
    elements = elements[: 2 * MAX_ACTIONS - 1]
    if share is not None and (e := share_element(share)):
        elements.append(e)
    tail = [
        {"type": "actions", "elements": elements[i : i + MAX_ACTIONS]}
        for i in range(0, len(elements), MAX_ACTIONS)
    ]
    if reply.footer:
        tail += context_blocks(reply.footer)[:1]
    # Every message after the first starts with a "continued" line, and one block is kept free for
    # the "left out" note, so the arithmetic below can never exceed MAX_BLOCKS per message.
    max_messages = max(1, max_messages)
    room = MAX_BLOCKS * max_messages - (max_messages - 1) - len(tail)
    if len(body) > room:
        dropped = len(body) - (room - 1)
        body = [*body[: room - 1], *context_blocks(wording.SLACK_WORDS["left_out"].format(n=dropped))]
    blocks = body + tail
    pages: list[list[dict[str, Any]]] = [blocks[:MAX_BLOCKS]]
    rest = blocks[MAX_BLOCKS:]
    while rest:
        pages.append(rest[: MAX_BLOCKS - 1])
        rest = rest[MAX_BLOCKS - 1 :]
    text = fallback_text(reply)
    messages = [Message(text, pages[0])]
    for n, page in enumerate(pages[1:], start=2):
        messages.append(
            Message(text, [_context([wording.SLACK_WORDS["continued"].format(n=n, of=len(pages))]), *page])
        )
    return messages
