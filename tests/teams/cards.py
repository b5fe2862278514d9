"""Reading an Adaptive Card the way a person does: its texts and its table rows."""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.teams.render import ROW_COLUMNS
from bot.reply import Table


def card_text(card: dict[str, Any]) -> str:
    """Every text a person reads on the card, in order."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(node["text"])
            elif node.get("type") == "FactSet":
                out.extend(f"{f['title']}: {f['value']}" for f in node["facts"])
            for key in ("body", "items", "columns"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(out)


def table_rows(card: dict[str, Any]) -> list[list[str]]:
    """The data rows of every list page on the card (headers left out), each as a person reads it:
    the columns its line shows, then those its *Details* reveal."""
    rows: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("body", "items"):
                walk(node.get(key))
        elif isinstance(node, list):
            for n, item in enumerate(node):
                if not isinstance(item, dict):
                    continue
                if item.get("type") == "ColumnSet" and item.get("separator"):
                    row = [c["items"][0]["text"] for c in item["columns"]]
                    after = node[n + 1] if n + 1 < len(node) else {}
                    if "selectAction" in item and after.get("type") == "Container":
                        row += [f["value"] for f in after["items"][0]["facts"]]
                    rows.append(row)
                elif item.get("type") != "ColumnSet":
                    walk(item)

    walk(card)
    return rows


def read_order(table: Table) -> list[list[str]]:
    """``table``'s rows in the order a card shows their cells (see ``table_rows``)."""
    shown = table.row_columns(ROW_COLUMNS)
    rest = [i for i in range(len(table.headers)) if i not in shown]
    return [[row[i] for i in shown + rest] for row in table.rows]


def row_customer(line: str) -> str | None:
    """The customer a row of the card is about: the name its line starts with, in bold."""
    found = re.match(r"\W*\*\*(.+?)\*\*", line)
    return found.group(1) if found else None


def card_actions(card: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every button on the card with the title a person reads on it, wherever the card puts it (its
    ``actions``, or an ActionSet in the body). A button under a customer's line reads as
    "<title> · <customer>"; a title Teams would cut reads as its tooltip (the whole label)."""
    found: list[tuple[str, dict[str, Any]]] = []

    def read(a: dict[str, Any], row: str | None) -> None:
        title = a.get("tooltip") or a["title"]
        found.append((f"{title} · {row}" if row else title, a))

    def walk(node: Any, row: str | None) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, row)
        elif isinstance(node, dict):
            if node.get("type") == "ActionSet":
                for a in node["actions"]:
                    read(a, row)
                return
            items = node.get("items") or []
            if node.get("type") == "Container" and any(i.get("type") == "ActionSet" for i in items):
                texts = [i["text"] for i in items if i.get("type") == "TextBlock"]
                row = row_customer(texts[0]) if texts else row
            walk(node.get("body") or items, row)

    walk(card, None)
    for a in card.get("actions", []):
        read(a, None)
    return found


def card_action(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The one button on the card that reads ``title`` (see ``card_actions``)."""
    (found,) = [a for read, a in card_actions(card) if read == title]
    return found


# Teams' limits on a card (see adapters/teams/render.py): what it shows and what it accepts.
MAX_ACTIONS = 6
MAX_TITLE = 30
MAX_BYTES = 28_000
_SINGLE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")


def rule_breaks(card: dict[str, Any]) -> list[str]:
    """How ``card`` breaks Teams' rules: more actions than Teams shows (card-level or in one
    ActionSet), a button title Teams cuts, a single line break Teams joins, or more bytes than
    Teams accepts. Empty when it keeps them all."""
    found: list[str] = []

    def actions(where: str, listed: list[dict[str, Any]]) -> None:
        if len(listed) > MAX_ACTIONS:
            found.append(f"{len(listed)} actions in {where}")
        for a in listed:
            if len(a["title"]) > MAX_TITLE:
                found.append(f"title of {len(a['title'])} characters: {a['title']!r}")
            walk(a.get("card"))

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") == "TextBlock" and _SINGLE_BREAK.search(node["text"]):
                found.append(f"a single line break in {node['text'][:60]!r}")
            if node.get("type") == "ActionSet":
                actions("an ActionSet", node["actions"])
            for key in ("body", "items", "columns", "rows", "cells"):
                walk(node.get(key))

    walk(card)
    actions("the card's actions", card.get("actions", []))
    size = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    if size > MAX_BYTES:
        found.append(f"{size:,} bytes")
    return found
