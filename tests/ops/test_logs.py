"""Logs of the web and worker processes: structured, tagged with their request or job, no secrets."""

from __future__ import annotations

import io
import json
import logging

import pytest

from adapters import logs


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "Pa55-word~with.symbols")
    stream = io.StringIO()
    handler = logs.configure("json", "INFO", stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_request_they_belong_to(captured: io.StringIO) -> None:
    log = logging.getLogger("custseg.test")
    with logs.bind(request="slack-1a2b", platform="slack"):
        log.info("answered in %d ms", 42)
    log.info("outside any request")
    first, second = lines(captured)
    assert first["message"] == "answered in 42 ms"
    assert first["request"] == "slack-1a2b" and first["platform"] == "slack"
    assert first["level"] == "info" and first["logger"] == "custseg.test"
    assert "request" not in second


def test_secrets_never_reach_the_log(captured: io.StringIO) -> None:
    log = logging.getLogger("custseg.test")
    log.warning("signing secret is %s", "8f742231b10e8888abcd99yyyzzz85a5")
    log.warning("calling with token xoxb-1234-5678-abcdefghijkl and app token xapp-1-A0-123-abc")
    log.warning("header Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl")
    log.warning("db postgresql+psycopg://custseg:hunter22@db.internal/custseg")
    try:
        raise RuntimeError("login failed with Pa55-word~with.symbols")
    except RuntimeError:
        log.exception("startup failed")
    text = captured.getvalue()
    for secret in (
        "8f742231b10e8888abcd99yyyzzz85a5",
        "xoxb-1234",
        "xapp-1-A0",
        "eyJhbGciOiJSUzI1NiJ9",
        "hunter22",
        "Pa55-word~with.symbols",
    ):
        assert secret not in text
    assert text.count("[redacted]") >= 6
    assert "startup failed" in text and "RuntimeError" in text  # the error stays diagnosable


def test_text_format_on_a_terminal_is_readable() -> None:
    stream = io.StringIO()
    handler = logs.configure("text", "INFO", stream)
    try:
        with logs.bind(job="digest:slack:C1:2026-W47"):
            logging.getLogger("custseg.worker").info("sent")
    finally:
        logging.getLogger().removeHandler(handler)
    assert stream.getvalue().rstrip().endswith("custseg.worker: sent  [job=digest:slack:C1:2026-W47]")
