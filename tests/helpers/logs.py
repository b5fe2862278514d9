"""The suite-wide log check: no token, secret or customer name ever reaches a log.

Every record of the whole run is captured at the production levels (custseg at DEBUG, the chatty
third-party clients as adapters.logs.configure sets them) and redacted the way production redacts
(adapters.logs: secret-shaped strings and the values of secret environment variables). At the end the
run fails if any record still holds one of the tests' secrets or a demo customer's name
(the hooks in tests/conftest.py)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

TEST_SECRETS = ("xoxb-", "xapp-", "8f742231b10e8888abcd99yyyzzz85a5", "not-a-real-secret")


class LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        from adapters.logs import redact, secret_values

        try:
            text = record.getMessage()
        except Exception:  # a broken format string is the logging call's bug, not a leak
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, redact(text, secret_values(os.environ))))


def demo_customer_names() -> list[str]:
    """Every name a demo customer can have (the named stories and every generated base name)."""
    from custseg import demo

    names = {str(c["name"]) for c in demo._NAMED}
    names |= {f"{p} {t}" for p in demo._PREFIXES for t in demo._TRADES}
    names |= {pattern.format(s) for s in demo._SURNAMES for pattern in demo._SURNAME_PATTERNS}
    return sorted(names, key=len, reverse=True)


def log_leaks(records: list[tuple[str, str]]) -> list[str]:
    """The captured records that hold a test secret or a demo customer's name."""
    names = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, demo_customer_names())) + r")(?!\w)")
    leaks = []
    for logger, text in records:
        found = [s for s in TEST_SECRETS if s in text] + names.findall(text)
        if found:
            leaks.append(f"{logger}: {', '.join(sorted(set(found)))} in {text[:200]!r}")
    return leaks


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log record's message written meanwhile (at the levels the suite runs with, as in production)."""
    texts: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            texts.append(record.getMessage())

    handler = Capture(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        yield texts
    finally:
        logging.getLogger().removeHandler(handler)
