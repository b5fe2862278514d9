"""`custseg chat` as a person uses it: welcome, a question, a numbered button, quit."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from adapters.console.chat import chat
from tests.bot.test_brain import ME, brain  # noqa: F401  (the module-scoped demo brain)

ROOT = Path(__file__).resolve().parents[2]


def test_chat_loop_answers_and_presses_buttons(brain, tmp_path):  # noqa: F811
    typed = iter(["who are the declining customers?", "1", "", "quit"])
    out = io.StringIO()
    assert chat(brain, ME, read=lambda _prompt: next(typed), out=out, color=False, state_dir=tmp_path) == 0
    text = out.getvalue()
    assert text.startswith("Welcome")
    assert "Declining — " in text and "top 10 by lifetime value" in text
    assert "[1] Show 10 more" in text
    assert "11–20 by lifetime value" in text  # the button was pressed by typing its number


def test_the_welcomes_choices_are_numbered_and_a_greeting_is_answered(brain, tmp_path):  # noqa: F811
    typed = iter(["1", "hi there", "quit"])
    out = io.StringIO()
    assert chat(brain, ME, read=lambda _prompt: next(typed), out=out, color=False, state_dir=tmp_path) == 0
    text = out.getvalue()
    # "1" pressed the welcome's first button (before: "Not understood").
    assert "[1] My overview" in text and "Your overview" in text
    assert "Not understood" not in text and "didn't catch" not in text
    assert "Hi! Ask me about your customers" in text


def test_first_run_builds_the_demo_and_reads_questions_from_a_pipe(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CUSTSEG_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "chat"],
        input="how many dormant customers?\ngive me the segment breakdown\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "First run: building the demo book" in proc.stdout
    assert "Dormant — " in proc.stdout and "Segment breakdown — 2,000 customers" in proc.stdout
    assert (tmp_path / "var" / "charts" / "segments.png").exists()
    assert "Traceback" not in proc.stderr
