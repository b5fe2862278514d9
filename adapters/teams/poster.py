"""Posting into Teams without being asked (digests, alerts): the ``bot.delivery.Poster`` for Teams.

Posts go to conversations whose reference was stored when the app was installed there or first
messaged (``adapters.teams.references``), through the SDK's ``continue_conversation``. Failures
become ``DeliveryError``: retryable for rate limits (with Retry-After), server errors and network
trouble; not retryable, with what to do, when the app is not installed in that conversation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from microsoft_agents.activity import ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import ClaimsIdentity, TurnContext

from adapters.teams import references
from adapters.teams.connection import TeamsConfig, transient
from adapters.teams.handler import card_activity
from adapters.teams.render import card
from bot.delivery import DeliveryError, Posted
from bot.reply import Reply
from custseg.store.db import Store

log = logging.getLogger("custseg.teams")


def not_installed(channel_id: str) -> DeliveryError:
    return DeliveryError(
        f"custseg is not installed in the Teams conversation {channel_id}, so nothing was posted there. "
        "Add the custseg app to that team or chat (or message it there once), then retry the delivery.",
        retryable=False,
    )


class TeamsPoster:
    """Posts and updates cards in Teams conversations where the app is installed.

    Parameters
    ----------
    store : Store
        Where the conversation references are.
    env : mapping
        The environment with the app registration (``MICROSOFT_APP_*``); without it, local mode.
    allow_external : iterable of str
        Conversations of other tenants an admin allowed (``"teams:19:…"``, from ``[channels]``).
    """

    platform = "teams"

    def __init__(self, store: Store, env: Mapping[str, str], allow_external: Iterable[str] = ()):
        self.store = store
        self.allow_external = frozenset(allow_external)
        self.config = TeamsConfig.from_env(env)
        if self.config.missing:
            raise DeliveryError(
                f"Teams is partly configured: set {', '.join(self.config.missing)} as well.", retryable=False
            )
        self._auth = self.config.auth_configuration()

    def post(self, channel_id: str, reply: Reply) -> Posted:
        """Post ``reply`` as a new card in ``channel_id``; the Posted id allows updating it later."""
        stored = self._installed(channel_id)
        ours = self.config.tenant_id
        external = ours and stored.tenant_id and stored.tenant_id != ours
        if external and f"teams:{stored.channel_id}" not in self.allow_external:
            raise DeliveryError(
                f"Refused: the Teams conversation {stored.channel_id} belongs to another organisation, "
                "so no customer data is posted there. Subscribe a conversation of your own organisation, "
                f'or allow this one with [channels] allow_external = ["teams:{stored.channel_id}"].',
                retryable=False,
            )
        message_id = self._run(stored, lambda context: self._send(context, reply))
        return Posted(self.platform, stored.channel_id, message_id)

    def update(self, posted: Posted, reply: Reply) -> None:
        """Replace the card of an earlier post (e.g. after a decision elsewhere)."""
        stored = self._installed(posted.channel_id)
        self._run(stored, lambda context: self._replace(context, posted.message_id, reply))

    # ------------------------------------------------------------------------------------------------
    def _installed(self, channel_id: str) -> references.StoredReference:
        stored = references.get_reference(self.store, channel_id)
        if stored is None or not stored.installed:
            error = not_installed(channel_id)
            log.warning("%s", error)
            raise error
        return stored

    def _card(self, reply: Reply) -> dict[str, Any]:
        return card(reply, local_mode=self.config.local_mode)

    async def _send(self, context: TurnContext, reply: Reply) -> str:
        response = await context.send_activity(card_activity(self._card(reply)))
        return response.id or ""

    async def _replace(self, context: TurnContext, message_id: str, reply: Reply) -> str:
        update = card_activity(self._card(reply))
        update.id = message_id
        await context.update_activity(update)
        return message_id

    def _run(
        self, stored: references.StoredReference, action: Callable[[TurnContext], Awaitable[str]]
    ) -> str:
        """Run ``action`` in a proactive turn of the stored conversation; failures → DeliveryError."""
        try:
            return asyncio.run(self._continue(stored, action))
        except DeliveryError:
            raise
        except Exception as err:
            retryable, after = transient(err)
            status = getattr(err, "status", None)
            if status in (403, 404):
                # Teams no longer lets the bot into that conversation: it was removed there.
                references.mark_uninstalled(self.store, stored.channel_id)
                raise not_installed(stored.channel_id) from None
            what = f"HTTP {status}" if status else type(err).__name__
            message = f"Posting to the Teams conversation {stored.channel_id} failed ({what})."
            if not retryable:
                message += " Check the MICROSOFT_APP_* settings and that the app is still installed there."
            log.warning("%s", message)
            raise DeliveryError(message, retryable=retryable, retry_after=after) from None

    async def _continue(
        self, stored: references.StoredReference, action: Callable[[TurnContext], Awaitable[str]]
    ) -> str:
        adapter = CloudAdapter(connection_manager=self.config.connections(self._auth))
        # Failures must reach the caller as exceptions, not as an error message posted to the channel.
        adapter.on_turn_error = None
        continuation = ConversationReference.model_validate(stored.reference).get_continuation_activity()
        # Without an id the turn's sends are new posts, not replies to an activity.
        continuation.id = None
        result: list[str] = []

        async def callback(context: TurnContext) -> None:
            result.append(await action(context))

        if self.config.local_mode:
            await adapter.continue_conversation_with_claims(ClaimsIdentity(), continuation, callback)
        else:
            await adapter.continue_conversation(self.config.app_id or "", continuation, callback)
        return result[0]
