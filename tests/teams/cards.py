"""Reading an Adaptive Card the way a person does: its texts and its table rows."""

from __future__ import annotations

from typing import Any


def card_text(card: dict[str, Any]) -> str:
    """Every text a person reads on the card, in order."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(node["text"])
            elif node.get("type") == "FactSet":
                out.extend(f"{f['title']}: {f['value']}" for f in node["facts"])
            for key in ("body", "items", "rows", "cells"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(out)


def table_rows(card: dict[str, Any]) -> list[list[str]]:
    """The data rows of every table page on the card (headers left out)."""
    rows: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Table":
                for row in node["rows"][1:]:
                    rows.append([cell["items"][0]["text"] for cell in row["cells"]])
                return
            for key in ("body", "items"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return rows
