"""One exception hierarchy; every message says what went wrong and what to do about it.

Its root ``CustsegError`` and ``ConfigError`` are defined in ``config.errors`` (the settings loader
raises them and imports nothing of the core); catch them from here like the rest.
"""

from __future__ import annotations

from config.errors import ConfigError, CustsegError

__all__ = [
    "ActionError",
    "ConfigError",
    "CustsegError",
    "DatabaseUnreachable",
    "DeliveryError",
    "InputFileError",
    "ModelError",
    "NoSnapshotError",
    "QueryError",
    "SourceError",
    "StoreError",
]


class InputFileError(CustsegError):
    """An input file cannot be read or fails validation; nothing was written.

    Parameters
    ----------
    path : str
        The file being read.
    problems : list of (line, reason)
        Line numbers are 1-based physical lines of the file (the header is line 1), or None
        when a problem concerns the whole file.
    """

    exit_code = 3
    max_shown = 10

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = problems
        shown = [f"  {path}:{line}: {reason}" if line else f"  {path}: {reason}" for line, reason in problems]
        more = len(problems) - self.max_shown
        body = "\n".join(shown[: self.max_shown]) + (f"\n  … and {more} more problems" if more > 0 else "")
        super().__init__(
            f"{path} was rejected, nothing was loaded ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}):\n{body}\n"
            "Fix the file or the column mapping (config/mappings/*.toml) and load it again."
        )


class SourceError(CustsegError):
    """The configured order source (a company database table) cannot be read."""

    exit_code = 4


class StoreError(CustsegError):
    """Our own database is unreachable, not migrated, or holds no data for the request."""

    exit_code = 5


class DatabaseUnreachable(StoreError):
    """Our own database did not answer (down, restarting, or locked): worth asking again shortly."""


class NoSnapshotError(StoreError):
    """No snapshot has been built yet."""

    def __init__(self) -> None:
        super().__init__(
            "There is no snapshot yet. Load orders with `custseg load FILE` (or `custseg demo`) "
            "and build one with `custseg segment`."
        )


class QueryError(CustsegError):
    """A structured query is malformed (unknown intent, bad slot value)."""

    exit_code = 6


class ModelError(CustsegError):
    """A statistical model cannot be fitted or used on this data (too little of it, no convergence).

    Callers that can fall back to a rule (the snapshot) catch it and say so in their notes.
    """

    exit_code = 7


class ActionError(CustsegError):
    """A suggested win-back action cannot be found or changed."""


class DeliveryError(CustsegError):
    """A post to a chat platform failed. ``retryable`` says whether the same post may succeed later,
    ``retry_after`` how many seconds the platform asked us to wait (if it said)."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
