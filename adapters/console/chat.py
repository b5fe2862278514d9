"""`custseg chat`: the brain in a terminal, with history and numbered buttons."""

from __future__ import annotations

import contextlib
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from adapters.console.render import render
from bot.context import Channel, ChatUser
from bot.reply import Reply
from bot.services.chat import ChatService

QUIT = {"quit", "exit", "bye", ":q"}


def _readline_history(path: Path) -> None:
    try:
        import readline
    except ImportError:  # not on every platform; chat works without history
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError, OSError):
        readline.read_history_file(path)
    readline.set_history_length(500)
    import atexit

    atexit.register(lambda: readline.write_history_file(path))


def chat(
    brain: ChatService,
    user: ChatUser,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
    color: bool | None = None,
    state_dir: Path = Path("var"),
) -> int:
    """Read questions until the user quits; a number picks a button of the last answer."""
    color = out.isatty() if color is None else color
    if read is input:
        _readline_history(state_dir / "chat_history")
    channel = Channel(f"console:{user.user_id}", "console")
    # One terminal session is one conversation: follow-ups read against it, a new run starts afresh.
    session = f"console:{uuid.uuid4().hex}"
    charts, files = state_dir / "charts", state_dir / "exports"
    # The welcome's buttons are numbered like any answer's, so "1" picks its first choice.
    welcome = brain.welcome(user)
    print(render(welcome, color), file=out)
    last: Reply | None = welcome
    print("\nType a question, a number to press a button, or 'quit'.", file=out)
    while True:
        try:
            text = read("\nyou › ").strip()
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        if text.lower() in QUIT:
            return 0
        if not text:
            continue
        if text.isdigit() and last and 1 <= int(text) <= len(last.buttons):
            button = last.buttons[int(text) - 1]
            reply = brain.act(button.action_id, button.payload, user, channel, None, session)
        else:
            reply = brain.ask(text, user, channel, session)
        print("\n" + render(reply, color, charts, files), file=out, flush=True)
        last = reply
