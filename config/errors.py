"""The root of custseg's one exception hierarchy, and the settings error.

They live here, at the bottom of the layers, so the settings loader can raise them without
importing the core; ``custseg.errors`` builds the rest of the hierarchy on ``CustsegError``.
"""

from __future__ import annotations


class CustsegError(Exception):
    """Base class: a problem the user can act on. ``str(err)`` is shown to the user as is."""

    exit_code = 1


class ConfigError(CustsegError):
    """The settings or a column mapping are invalid or incomplete."""

    exit_code = 2
