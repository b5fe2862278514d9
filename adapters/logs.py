"""Process logging for the web and worker processes: structured, tagged, and free of secrets.

JSON lines in production (stderr is not a terminal, or ``CUSTSEG_LOG_FORMAT=json``), readable text
on a terminal. Every record carries the request or job it belongs to (``bind``). A filter removes
secrets before any handler sees the record: the values of secret environment variables and
anything shaped like a Slack token, a bearer token or a JWT. Customer data is kept out of logs by
what we log (ids of requests and jobs, counts, error types), not by filtering.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Mapping

_CONTEXT: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("custseg_log_context", default={})  # noqa: B039  never mutated: bind() replaces it

SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|CLIENT_SECRET|PRIVATE_KEY)", re.I)
SECRET_SHAPES = re.compile(
    r"xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"  # user:password in URLs
)
REDACTED = "[redacted]"
# Third-party clients log request URLs and headers at DEBUG; configure() keeps them at WARNING.
NOISY_LOGGERS = ("slack_bolt", "slack_sdk", "aiohttp.access", "urllib3", "msal", "apscheduler")


@contextlib.contextmanager
def bind(**fields: str) -> Iterator[None]:
    """Tag every log record inside the block, e.g. ``with bind(request="slack-ab12"):``."""
    token = _CONTEXT.set({**_CONTEXT.get(), **{k: str(v) for k, v in fields.items()}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def secret_values(env: Mapping[str, str]) -> list[str]:
    """Values of environment variables whose names say they are secret (longest first)."""
    values = {v for k, v in env.items() if SECRET_NAME.search(k) and v and len(v) >= 6}
    url = env.get("CUSTSEG_DATABASE_URL", "")
    with contextlib.suppress(Exception):
        from sqlalchemy.engine import make_url

        password = make_url(url).password if url else None
        if password and len(password) >= 4:
            values.add(str(password))
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for value in secrets:
        text = text.replace(value, REDACTED)
    return SECRET_SHAPES.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Formats the message once, removes secrets from it (and from the traceback), adds the context."""

    def __init__(self, env: Mapping[str, str] | None = None):
        super().__init__()
        self.secrets = secret_values(os.environ if env is None else env)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        record.custseg_context = _CONTEXT.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "custseg_context", {}),
        }
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = getattr(record, "custseg_context", {})
        if context:
            tags = " ".join(f"{k}={v}" for k, v in context.items())
            first, _, rest = line.partition("\n")
            line = f"{first}  [{tags}]" + (f"\n{rest}" if rest else "")
        return line


def configure(fmt: str | None = None, level: str | None = None, stream=None) -> logging.Handler:
    """Send the root logger to ``stream`` (stderr) as JSON or text, secrets removed.

    ``fmt`` is "json" or "text"; by default ``CUSTSEG_LOG_FORMAT``, else text on a terminal and
    JSON otherwise. ``level`` defaults to ``CUSTSEG_LOG_LEVEL`` or INFO.
    """
    stream = stream or sys.stderr
    fmt = fmt or os.environ.get("CUSTSEG_LOG_FORMAT") or ("text" if stream.isatty() else "json")
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_custseg", False)]:
        root.removeHandler(old)
    handler._custseg = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel((level or os.environ.get("CUSTSEG_LOG_LEVEL") or "INFO").upper())
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
