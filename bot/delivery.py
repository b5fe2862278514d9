"""The port for posting without being asked (digests, alerts, approval tasks).

Each chat platform adapter implements ``Poster``; the worker's outbox calls it. A poster never
decides about retries itself: it raises ``custseg.errors.DeliveryError`` saying whether trying again can help
(rate limit, server error, network) and after how long, and the outbox does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.reply import Reply


@dataclass(frozen=True)
class Posted:
    """Where a post landed, so it can be updated in place later (Slack ``ts``, Teams activity id)."""

    platform: str
    channel_id: str
    message_id: str


class Poster(Protocol):
    """Posts a neutral reply into a channel of one platform."""

    platform: str

    def post(self, channel_id: str, reply: Reply) -> Posted:
        """Post ``reply`` into ``channel_id``; raise DeliveryError on failure."""
        ...

    def update(self, posted: Posted, reply: Reply) -> None:
        """Replace an earlier post's content (e.g. after an approval); raise DeliveryError on failure."""
        ...
