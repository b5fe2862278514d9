"""Block Kit as the text a Slack user reads, so a test (and its reviewer) sees the message itself.

Section fields sit side by side in two columns, as Slack lays them out; a button reads ``[Label]``;
small print (context blocks) is indented. Slack's escapes are undone; *bold* and _italic_ stay.
"""

from __future__ import annotations

import textwrap
from typing import Any

# A phone shows about this many characters of a message's text on a line.
PHONE_COLUMNS = 40


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _field_lines(fields: list[dict[str, Any]], width: int) -> list[str]:
    """Fields two to a row, each column half the width, wrapped within it."""
    half = (width - 2) // 2
    out: list[str] = []
    for i in range(0, len(fields), 2):
        pair = [
            textwrap.wrap(_unescape(f["text"]).replace("\n", " "), half) or [""] for f in fields[i : i + 2]
        ]
        left, right = pair[0], pair[1] if len(pair) > 1 else []
        for n in range(max(len(left), len(right))):
            a = left[n] if n < len(left) else ""
            b = right[n] if n < len(right) else ""
            out.append(f"{a:<{half}}  {b}".rstrip())
    return out


def block_lines(block: dict[str, Any], width: int | None = None) -> list[str]:
    """One block as the lines it shows; ``width`` wraps text as a screen of that many characters
    does (code blocks do not wrap on Slack: their lines stay as they are)."""

    def wrap(text: str, indent: int = 0) -> list[str]:
        if width is None:
            return text.split("\n")
        room = width - indent
        lines: list[str] = []
        fenced = False
        for line in text.split("\n"):
            if line.startswith("```"):
                fenced = not fenced
            lines += [line] if fenced or line.startswith("```") else (textwrap.wrap(line, room) or [""])
        return lines

    kind = block["type"]
    if kind == "header":
        return [f"## {block['text']['text']}"]
    if kind == "section":
        lines = wrap(_unescape(block["text"]["text"])) if "text" in block else []
        if block.get("fields"):
            lines += _field_lines(block["fields"], width or 2 * PHONE_COLUMNS)
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            lines.append(f"[{accessory['text']['text']}]")
        return lines
    if kind == "context":
        text = " · ".join(_unescape(e.get("text", e.get("alt_text", ""))) for e in block["elements"])
        return [f"  {line}" for line in wrap(text, 2)]
    if kind == "actions":
        return [" ".join(f"[{e['text']['text']}]" for e in block["elements"] if "text" in e)]
    if kind == "divider":
        return ["───"]
    if kind == "image":
        return [f"(image: {block.get('alt_text', '')})"]
    return [f"({kind})"]


def message_text(blocks: list[dict[str, Any]], width: int | None = None) -> str:
    """A whole message as text, a blank line between blocks (see ``block_lines``)."""
    return "\n\n".join("\n".join(block_lines(b, width)) for b in blocks)


def too_wide(blocks: list[dict[str, Any]], width: int = PHONE_COLUMNS) -> list[str]:
    """The lines a phone of ``width`` characters cannot show without scrolling sideways: those of
    code blocks (Slack does not wrap them) longer than ``width``."""
    return [line for line in message_text(blocks, width).split("\n") if len(line) > width]
