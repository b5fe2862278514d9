"""Who is in a Teams conversation: guests of our own tenant count as outsiders.

A team channel or group chat of our own tenant can still have guests (``userRole`` "guest") or
members from another organisation (federated chats); the safe-channel rule (``bot.channels``) treats
such a conversation as ``external``. The roster comes from the connector's paged member list and
its verdict is kept for a few minutes, so a digest does not cost a roster call per message. When
the roster cannot be read the verdict is ``unchecked``: customer data is refused (fail closed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("custseg.teams")

TTL_SECONDS = 300.0
PAGE_SIZE = 500
# A team of 50 000 people is 100 pages; beyond that the roster is treated as unreadable.
MAX_PAGES = 100


@dataclass(frozen=True)
class Roster:
    """The verdict on one conversation's members.

    Attributes
    ----------
    members : frozenset of str
        Every member's Teams user id and Entra object id.
    outsiders : int
        Members who are guests or belong to another tenant.
    error : str, optional
        Why the roster could not be read (then ``members`` is empty and nothing is known).
    """

    members: frozenset[str] = frozenset()
    outsiders: int = 0
    error: str | None = None

    def visibility(self, seen: str) -> str:
        """``seen`` (what the conversation type says) corrected by who is actually in it."""
        if self.error is not None:
            return "unchecked"
        return "external" if self.outsiders else seen


def outsider(member: Any, tenant_id: str | None) -> bool:
    """A guest account, or someone whose home tenant is not ``tenant_id``."""
    role = (getattr(member, "user_role", None) or "").lower()
    other = getattr(member, "tenant_id", None)
    return role == "guest" or bool(tenant_id and other and other != tenant_id)


class Rosters:
    """Roster verdicts per conversation, read through a connector client and kept ``ttl`` seconds.

    Parameters
    ----------
    tenant_id : str, optional
        Our tenant (the app registration's); without it (local mode), each conversation's own tenant.
    ttl : float
        Seconds a verdict is reused. Failures are not kept: the next message asks again.
    clock : callable
        Monotonic seconds (replaceable in tests).
    """

    def __init__(
        self, tenant_id: str | None, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.tenant_id = tenant_id
        self.ttl = ttl
        self.clock = clock
        self._verdicts: dict[str, tuple[float, Roster]] = {}

    async def get(self, client: Any, conversation_id: str, conversation_tenant: str | None) -> Roster:
        """The verdict for ``conversation_id`` (a channel key, not a thread id)."""
        cached = self._verdicts.get(conversation_id)
        if cached is not None and cached[0] > self.clock():
            return cached[1]
        roster = await self._read(client, conversation_id, self.tenant_id or conversation_tenant)
        if roster.error is None:
            self._verdicts[conversation_id] = (self.clock() + self.ttl, roster)
        return roster

    async def _read(self, client: Any, conversation_id: str, tenant_id: str | None) -> Roster:
        if not hasattr(client, "get_conversation_paged_member"):
            return Roster(error="no Teams connector for this conversation")
        members: set[str] = set()
        outsiders = 0
        token = ""
        try:
            for _ in range(MAX_PAGES):
                page = await client.get_conversation_paged_member(conversation_id, PAGE_SIZE, token)
                for member in page.members or []:
                    members.update(i for i in (member.id, member.aad_object_id) if i)
                    outsiders += outsider(member, tenant_id)
                token = page.continuation_token or ""
                if not token:
                    return Roster(frozenset(members), outsiders)
        except Exception as err:
            status = getattr(err, "status", None)
            why = f"HTTP {status}" if status else type(err).__name__
            log.warning("could not read the members of a Teams conversation: %s", why)
            return Roster(error=why)
        return Roster(error=f"more than {MAX_PAGES * PAGE_SIZE} members")
