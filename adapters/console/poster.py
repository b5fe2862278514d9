"""A poster for trying the worker locally: posts become text in files (or on the terminal).

``var/outbox/<platform>-<channel>.txt`` gets one entry per post, rendered as in `custseg chat`;
charts are saved next to it. Used for the ``console`` platform, and for every platform when no
chat platform is configured.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import TextIO

from adapters.console.render import render
from bot.delivery import Posted
from bot.reply import Reply


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "channel"


class FilePoster:
    """Appends each post to ``directory/<platform>-<channel>.txt``; prints instead without a directory."""

    def __init__(self, platform: str, directory: Path | None = None, out: TextIO | None = None):
        self.platform = platform
        self.directory = directory
        self.out = out or sys.stdout

    def _write(self, channel_id: str, heading: str, reply: Reply) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if self.directory is None:
            print(f"── {heading} → {self.platform}:{channel_id} at {stamp}\n{render(reply)}\n", file=self.out)
            return f"{channel_id}@{stamp}"
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{_safe(self.platform)}-{_safe(channel_id)}.txt"
        entries = path.read_text(encoding="utf-8").count("\n── ") if path.exists() else 0
        text = render(reply, chart_dir=self.directory / "charts")
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\n── {heading} #{entries + 1} at {stamp}\n{text}\n")
        return f"{path.name}#{entries + 1}"

    def post(self, channel_id: str, reply: Reply) -> Posted:
        return Posted(self.platform, channel_id, self._write(channel_id, "post", reply))

    def update(self, posted: Posted, reply: Reply) -> None:
        self._write(posted.channel_id, f"update of {posted.message_id}", reply)
