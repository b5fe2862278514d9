"""Render a neutral Reply as terminal text: aligned tables, buttons as numbered choices."""

from __future__ import annotations

import re
from pathlib import Path

from bot import i18n, wording
from bot.reply import Attachment, Reply, Table

_BOLD = re.compile(r"\*([^*\n]+)\*")


def emphasis(text: str, color: bool) -> str:
    return _BOLD.sub((lambda m: f"\033[1m{m.group(1)}\033[0m") if color else (lambda m: m.group(1)), text)


def table_text(table: Table) -> str:
    cells = [table.headers, *table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.rjust(w) if table.alignment(i) == "right" else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return "\n".join(
        [line(table.headers), "  ".join("─" * w for w in widths), *(line(r) for r in table.rows)]
    )


def save_file(file: Attachment, directory: Path) -> Path:
    """Write an exported file into ``directory`` (created if need be); its path. A name already
    there is overwritten: the same question on the same snapshot gives the same file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / Path(file.filename).name
    path.write_bytes(file.content)
    return path


def render(
    reply: Reply, color: bool = False, chart_dir: Path | None = None, file_dir: Path | None = None
) -> str:
    """The reply as text; charts are written as PNG files into ``chart_dir`` and named, an
    exported file into ``file_dir``, with its path."""
    with i18n.speaking(reply.language):
        return _render(reply, color, chart_dir, file_dir)


def _render(reply: Reply, color: bool, chart_dir: Path | None, file_dir: Path | None) -> str:
    dim = (lambda s: f"\033[2m{s}\033[0m") if color else (lambda s: s)
    out: list[str] = []
    if reply.context:
        out.append(emphasis(f"*{reply.context}*", color))
    if reply.title:
        out.append(emphasis(f"*{reply.title}*", color))
    if reply.text:
        out.append(emphasis(reply.text, color))
    if reply.fields:
        width = max(len(label) for label, _ in reply.fields)
        out.append("\n".join(f"{label.rjust(width)}  {value}" for label, value in reply.fields))
    if reply.table:
        out.append(table_text(reply.table))
    if reply.image:
        where = ""
        if chart_dir is not None:
            chart_dir.mkdir(parents=True, exist_ok=True)
            path = chart_dir / (re.sub(r"\W+", "-", reply.image.title.lower()).strip("-") + ".png")
            path.write_bytes(reply.image.png)
            where = f" (chart saved to {path})"
        out.append(dim(f"Chart: {reply.image.title}{where}"))
    if reply.file and file_dir is not None:
        out.append(wording.EXPORT_SAVED.format(path=save_file(reply.file, file_dir)))
    if reply.buttons:
        out.append("  ".join(f"[{i}] {b.label}" for i, b in enumerate(reply.buttons, 1)))
    if reply.footer:
        out.append(dim(reply.footer))
    return "\n\n".join(out)
