"""A neutral Reply as a Microsoft Teams Adaptive Card (schema 1.5).

Buttons become ``Action.Execute`` (verb = the brain's action id, data = its payload), each with an
``Action.Submit`` fallback for clients without Universal Actions. Long tables are paged inside the
card (``Action.ToggleVisibility`` between pages, no round trip), and a card that would exceed Teams'
message size limit drops trailing pages or the chart and says so, so Teams never rejects it. A chart
is a link to the web process when it has a public URL (``image_url``), else embedded as a data URI.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from bot import i18n, wording
from bot.reply import Button, Image, Reply, Table

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# An invoke answered with a line of text instead of a card (Teams shows it to the presser).
MESSAGE_CONTENT_TYPE = "application/vnd.microsoft.activity.message"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# Teams rejects messages over ~28 KB (card JSON included); stay clearly below it.
MAX_CARD_BYTES = 24_000
PAGE_ROWS = 10
# The key that marks an Action.Submit fallback's data as ours (Action.Execute carries the verb itself).
SUBMIT_KEY = "custseg_action"
# Input ids of the optional reason under a button that asks for one (``reason.<button index>``:
# ids are unique within a card, and a list carries a Reject button per suggestion).
REASON_INPUT = "reason"

# Teams shows this many actions in a card's ``actions`` (and in one ActionSet) and hides the rest.
MAX_ACTIONS = 6
# Teams cuts a button's title beyond about this many characters ("Approve · Kestrel Re…").
MAX_TITLE = 30
# A button about one customer is labelled "<decision> · <customer>" (``bot.winback.cards.list_buttons``).
CUSTOMER_SEPARATOR = " · "

_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
# Teams joins lines a single newline separates; only a blank line starts a new one.
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_STYLE = {"primary": "positive", "danger": "destructive"}


def markdown(text: str) -> str:
    """Our *bold* / _italic_ as Adaptive Card markdown (**bold** / _italic_), every line break
    doubled so Teams shows it."""
    return _LINE_BREAK.sub("\n\n", _BOLD.sub(r"**\1**", text))


# Markdown characters in customer data (names in tables, fact values, titles, the interpretation)
# are swapped for look-alikes, so a customer called "[Pay here](https://…)" or "**Keller**" cannot
# become a link or bold text in a card. The brain's own text keeps its *bold* and _italic_.
_LOOKALIKE = {"*": "\u2217", "_": "\u02cd", "[": "\uff3b", "]": "\uff3d", "`": "\u02cb", "~": "\u223c"}
_MARK = re.compile(r"[*\[\]`~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def neutral(text: str) -> str:
    """``text`` with the markdown characters it carries made inert (look-alikes)."""
    return _MARK.sub(lambda m: _LOOKALIKE[m.group(0)], text)


# Teams shows at most about this many characters of a notification's preview.
SUMMARY_LIMIT = 120


def summary(built: dict[str, Any]) -> str | None:
    """What a Teams notification and the activity feed show for the card ``built`` (without it,
    just "Card"): its first line of text (the interpretation line), as plain text."""
    pending = list(built.get("body") or [])
    while pending:
        element = pending.pop(0)
        if not isinstance(element, dict):
            continue
        if element.get("type") == "TextBlock" and str(element.get("text") or "").strip():
            first = str(element["text"]).strip().splitlines()[0]
            plain = re.sub(r"\*\*|__|`", "", first).strip()
            return plain if len(plain) <= SUMMARY_LIMIT else plain[: SUMMARY_LIMIT - 1].rstrip() + "…"
        pending[:0] = [*(element.get("items") or []), *(element.get("columns") or [])]
    return None


def text_block(text: str, **props: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def action(button: Button, index: int = 0) -> dict[str, Any]:
    """One button: Action.Execute with the same choice as an Action.Submit fallback. A button that
    asks for a reason is an Action.ShowCard holding an optional reason input and the Action.Execute
    that submits it (Teams merges the input into the action's data, see ``with_reason``)."""
    execute = _execute(button)
    if not button.asks_reason:
        return execute
    return {
        "type": "Action.ShowCard",
        **_title(button.label),
        **({"style": _STYLE[button.style]} if button.style else {}),
        "card": {
            "type": "AdaptiveCard",
            "body": [
                {
                    "type": "Input.Text",
                    "id": f"{REASON_INPUT}.{index}",
                    "label": wording.TEAMS_WORDS["reason_label"],
                    "placeholder": wording.TEAMS_WORDS["reason_placeholder"],
                    "isMultiline": True,
                    "maxLength": 500,
                }
            ],
            "actions": [execute],
        },
    }


def with_reason(data: dict[str, Any]) -> dict[str, Any]:
    """A pressed button's data with the reason typed into its input (``reason.<n>``, merged in by
    Teams) as the payload's ``"reason"``; blank reasons are dropped."""
    prefix = f"{REASON_INPUT}."
    clean = {k: v for k, v in data.items() if not k.startswith(prefix)}
    typed = [v.strip() for k, v in data.items() if k.startswith(prefix) and isinstance(v, str) and v.strip()]
    return {**clean, "reason": typed[0]} if typed else clean


def _title(label: str) -> dict[str, str]:
    """A button's ``title`` within what Teams shows, the whole label as its tooltip when cut."""
    if len(label) <= MAX_TITLE:
        return {"title": label}
    return {"title": label[: MAX_TITLE - 1].rstrip() + "…", "tooltip": label}


def _execute(button: Button) -> dict[str, Any]:
    execute: dict[str, Any] = {
        "type": "Action.Execute",
        **_title(button.label),
        "verb": button.action_id,
        "data": button.payload,
        "fallback": {
            "type": "Action.Submit",
            **_title(button.label),
            "data": {SUBMIT_KEY: button.action_id, "payload": button.payload},
        },
    }
    if button.style:
        execute["style"] = _STYLE[button.style]
    return execute


# A row shows up to this many columns side by side at 360 px; a wider table shows its key columns.
ROW_COLUMNS = 3
# A cell of at most this many characters never needs to wrap ("$1,234,567", "high 72 %").
SHORT_CELL = 12
# Card-level buttons sit side by side; when their titles add up to more than this many characters
# they would not fit a 600 px card, so they go one under the other instead.
ROW_OF_BUTTONS = 56


def _table_element(table: Table, rows: list[list[str]], first: int, card_id: str) -> dict[str, Any]:
    """Rows as ColumnSets that fit a phone: the table's key columns (name, key figure, status) side by
    side, the name (and any long text) taking the room left and short cells their own width, so
    no word is broken; a row with more columns says *Details* under its name and opens them (the
    rest, label and value) when tapped.

    ``first`` is the index of ``rows[0]`` in the whole table, so element ids stay unique across pages.
    """
    key = table.row_columns(ROW_COLUMNS)
    rest = [i for i in range(len(table.headers)) if i not in key]
    # Short cells (figures, a status) take their own width; the name and any longer text share the
    # room left, wrapping between words.
    widths = [
        "stretch" if n == 0 or max((len(r[i]) for r in table.rows), default=0) > SHORT_CELL else "auto"
        for n, i in enumerate(key)
    ]

    def columns(cells: list[str], bold: bool, hint: str | None) -> list[dict[str, Any]]:
        out = []
        for n, i in enumerate(key):
            block = text_block(neutral(cells[i]))
            if table.alignment(i) == "right":
                block["horizontalAlignment"] = "right"
            if bold:
                block.update(weight="Bolder", isSubtle=True, size="Small")
            elif n == 0:
                block["weight"] = "Bolder"
            blocks = [block]
            if n == 0 and hint:
                # Under the name, not beside it: a phone has no width to spare.
                blocks.append(text_block(hint, size="Small", isSubtle=True, spacing="None"))
            out.append({"type": "Column", "width": widths[n], "items": blocks})
        return out

    items: list[dict[str, Any]] = [{"type": "ColumnSet", "columns": columns(table.headers, True, None)}]
    for n, row in enumerate(rows, start=first):
        line: dict[str, Any] = {
            "type": "ColumnSet",
            "separator": True,
            "columns": columns(row, False, wording.TEAMS_WORDS["details"] if rest else None),
        }
        if rest:
            details = f"{card_id}-row{n}"
            line["selectAction"] = {
                "type": "Action.ToggleVisibility",
                "title": wording.TEAMS_WORDS["details"],
                "targetElements": [details],
            }
            facts = [{"title": table.headers[i], "value": neutral(row[i])} for i in rest]
            items += [
                line,
                {
                    "type": "Container",
                    "id": details,
                    "isVisible": False,
                    "items": [{"type": "FactSet", "facts": facts}],
                },
            ]
        else:
            items.append(line)
    return {"type": "Container", "items": items}


def _table_pages(table: Table, pages: int, card_id: str) -> list[dict[str, Any]]:
    """The table's first ``pages`` pages: page 1 shown, the others one toggle away."""
    chunks = [table.rows[i : i + PAGE_ROWS] for i in range(0, len(table.rows), PAGE_ROWS)][:pages]
    if len(chunks) <= 1:
        return [_table_element(table, chunks[0] if chunks else [], 0, card_id)]
    ids = [f"{card_id}-page{n}" for n in range(len(chunks))]
    toggles = {
        "type": "ActionSet",
        "actions": [
            {
                "type": "Action.ToggleVisibility",
                "title": wording.TEAMS_WORDS["rows_page"].format(
                    start=n * PAGE_ROWS + 1, end=n * PAGE_ROWS + len(chunk)
                ),
                "targetElements": [{"elementId": other, "isVisible": other == ids[n]} for other in ids],
            }
            for n, chunk in enumerate(chunks)
        ],
    }
    containers = [
        {
            "type": "Container",
            "id": ids[n],
            "isVisible": n == 0,
            "items": [_table_element(table, chunk, n * PAGE_ROWS, card_id)],
        }
        for n, chunk in enumerate(chunks)
    ]
    return [toggles, *containers]


def _image_element(image: Image, url: str | None) -> dict[str, Any]:
    """The chart from ``url``, or embedded in the card as a data URI without one."""
    if url is None:
        url = f"data:image/png;base64,{base64.b64encode(image.png).decode('ascii')}"
    return {
        "type": "Image",
        "url": url,
        "altText": image.alt_text,
        "size": "Stretch",
    }


def attribution(name: str, when: dt.datetime) -> str:
    """Who pressed the button that produced this card, and when (UTC), for everyone to see."""
    return f"Updated by {name} · {when.astimezone(dt.UTC):%d %b %Y, %H:%M} UTC"


def _size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False).encode("utf-8"))


def card(
    reply: Reply,
    *,
    updated_by: str | None = None,
    local_mode: bool = False,
    card_id: str = "t",
    image_url: Callable[[Image], str | None] | None = None,
) -> dict[str, Any]:
    """The Adaptive Card for ``reply``.

    Parameters
    ----------
    updated_by : str, optional
        An attribution line (see ``attribution``) for a card that replaced the one carrying a button.
    local_mode : bool
        Add a note that the bot runs without Teams credentials.
    card_id : str
        Prefix for element ids (table pages), unique within the card.
    image_url : callable, optional
        The URL a chart is served at (``adapters.web.charts.ChartLinks.url``), or None when it
        cannot be; without a URL the chart is embedded while the card stays small enough.
    """
    with i18n.speaking(reply.language):  # Teams' own words (pages, notes) in the answer's language
        return _card(reply, updated_by, local_mode, card_id, image_url)


def _card(
    reply: Reply,
    updated_by: str | None,
    local_mode: bool,
    card_id: str,
    image_url: Callable[[Image], str | None] | None,
) -> dict[str, Any]:
    url = image_url(reply.image) if image_url is not None and reply.image is not None else None
    pages = -(-len(reply.table.rows) // PAGE_ROWS) if reply.table else 0
    with_image = reply.image is not None
    while True:
        built = _build(reply, pages, with_image, url, updated_by, local_mode, card_id)
        if _size(built) <= MAX_CARD_BYTES or (pages <= 1 and not (with_image and url is None)):
            return built
        # An embedded chart goes first (its numbers stay in the text); then table pages from the
        # end. A linked chart is a few bytes, so it stays.
        if with_image and url is None:
            with_image = False
        else:
            pages -= 1


def _build(
    reply: Reply,
    pages: int,
    with_image: bool,
    image_url: str | None,
    updated_by: str | None,
    local_mode: bool,
    card_id: str,
) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if reply.context:
        body.append(text_block(neutral(reply.context), size="Small", isSubtle=True, weight="Bolder"))
    if reply.title:
        body.append(text_block(neutral(reply.title), size="Large", weight="Bolder"))
    card_level, rows = _place(reply.buttons)
    if reply.text:
        texts, rows = _text_with_rows(reply.text, rows, card_id)
        body += texts
    if reply.fields:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": neutral(value)} for label, value in reply.fields],
            }
        )
    if reply.table:
        body += _table_pages(reply.table, pages, card_id)
        shown = min(len(reply.table.rows), pages * PAGE_ROWS)
        if shown < len(reply.table.rows):
            body.append(
                text_block(
                    wording.TEAMS_WORDS["rows_left_out"].format(start=shown + 1, end=len(reply.table.rows)),
                    size="Small",
                    isSubtle=True,
                )
            )
    if reply.image:
        if with_image:
            body.append(_image_element(reply.image, image_url))
        else:
            body.append(
                text_block(
                    wording.TEAMS_WORDS["chart_too_large"].format(alt=reply.image.alt_text), size="Small"
                )
            )
    # Customers the text has no line of their own for get one after the answer.
    body += [_customer_row(f"**{neutral(name)}**", actions, f"{card_id}-{n}") for n, name, actions in rows]
    # Card-level buttons beyond what Teams shows there go in the body, where all of them show; so
    # do buttons too long to sit in one row, one under the other.
    if sum(len(a["title"]) + 4 for a in card_level) > ROW_OF_BUTTONS:
        body += [_action_set([a]) for a in card_level]
        card_level = []
    body += [
        _action_set(card_level[i : i + MAX_ACTIONS]) for i in range(MAX_ACTIONS, len(card_level), MAX_ACTIONS)
    ]
    small = [reply.footer or "", updated_by or "", wording.TEAMS_WORDS["local_mode"] if local_mode else ""]
    body += [text_block(markdown(s), size="Small", isSubtle=True) for s in small if s]
    built: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }
    if card_level:
        built["actions"] = card_level[:MAX_ACTIONS]
    return built


def _customer(button: Button) -> str | None:
    """The customer a button of a list acts on ("Approve · Kestrel Retail"), None for the others."""
    if "suggestion_id" not in button.payload or CUSTOMER_SEPARATOR not in button.label:
        return None
    return button.label.split(CUSTOMER_SEPARATOR, 1)[1]


# A customer's buttons on a list: their place among the reply's customers, name, and actions.
Row = tuple[int, str, list[dict[str, Any]]]


def _place(buttons: list[Button]) -> tuple[list[dict[str, Any]], list[Row]]:
    """The card-level actions, and per customer (in the order the reply names them) the actions
    that decide about them, titled without the customer their row already names.

    The reason inputs keep the button's index in the whole reply, so their ids stay unique.
    """
    card_level: list[dict[str, Any]] = []
    rows: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for n, button in enumerate(buttons):
        name = _customer(button)
        if name is None:
            card_level.append(action(button, n))
            continue
        short = dataclasses.replace(button, label=button.label.split(CUSTOMER_SEPARATOR, 1)[0])
        rows.setdefault((button.payload["suggestion_id"], name), []).append(action(short, n))
    return card_level, [(n, name, actions) for n, ((_, name), actions) in enumerate(rows.items())]


def _action_set(actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "ActionSet", "actions": actions}


def _text_with_rows(text: str, rows: list[Row], card_id: str) -> tuple[list[dict[str, Any]], list[Row]]:
    """``text`` as TextBlocks with each customer's buttons under the line that starts about them
    (``• *Kestrel Retail* went dormant…``), and the rows no line names that way."""
    lines = text.split("\n")
    placed: dict[int, Row] = {}
    for row in rows:
        mark = f"*{row[1]}*"
        at = next(
            (i for i, line in enumerate(lines) if i not in placed and line.lstrip("• ").startswith(mark)),
            None,
        )
        if at is not None:
            placed[at] = row
    out: list[dict[str, Any]] = []
    start = 0
    for at in sorted(placed):
        before = "\n".join(lines[start:at])
        if before.strip():
            out.append(text_block(markdown(before)))
        n, _, actions = placed[at]
        out.append(_customer_row(markdown(lines[at]), actions, f"{card_id}-{n}"))
        start = at + 1
    rest = "\n".join(lines[start:])
    if rest.strip():
        out.append(text_block(markdown(rest)))
    return out, [row for row in rows if row not in placed.values()]


def _customer_row(line: str, actions: list[dict[str, Any]], row_id: str) -> dict[str, Any]:
    """A customer's line (their name in bold) with the buttons that decide about them underneath."""
    return {
        "type": "Container",
        "id": f"{row_id}-customer",
        "items": [
            text_block(line),
            *(_action_set(actions[i : i + MAX_ACTIONS]) for i in range(0, len(actions), MAX_ACTIONS)),
        ],
    }
