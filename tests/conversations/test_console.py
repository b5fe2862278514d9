"""The terminal chat is one conversation per session: follow-ups read against it, a new session
starts afresh."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console.chat import chat
from tests.bot.test_brain import ME, brain  # noqa: F401  (the module-scoped demo brain)


def session(brain, typed: list[str], tmp: Path) -> str:  # noqa: F811
    lines = iter([*typed, "quit"])
    out = io.StringIO()
    assert chat(brain, ME, read=lambda _prompt: next(lines), out=out, color=False, state_dir=tmp) == 0
    return out.getvalue()


def test_a_terminal_session_follows_up_and_the_next_one_starts_afresh(brain, tmp_path):  # noqa: F811
    text = session(
        brain, ["how many declining customers in APAC?", "and in EMEA?", "only the top 3"], tmp_path
    )
    assert "Declining · in APAC — " in text and "Declining · in EMEA — " in text
    # "only the top 3" became the list of the EMEA declining customers, three rows.
    assert text.count("Declining · in EMEA — ") == 2 and "customers, top 3 by" in text
    fresh = session(brain, ["and in APAC?"], tmp_path)
    assert "Declining" not in fresh.split("Type a question")[-1]
