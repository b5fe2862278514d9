"""Answer each Slack message once: the first web process to claim it in our store answers it.

Slack resends an event it thinks was missed (``X-Slack-Retry-Num``), and one message can arrive as
two events (a DM that mentions the bot is both ``message.im`` and ``app_mention``); both find the
claim in ``seen_events`` (``custseg.store.seen_events``, shared with Teams' redelivered activities).
"""

from __future__ import annotations

from custseg.store.seen_events import Claims

__all__ = ["Claims"]
