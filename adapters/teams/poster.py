"""Posting into Teams without being asked (digests, alerts): the ``bot.delivery.Poster`` for Teams.

Posts go to conversations whose reference was stored when the app was installed there or first
messaged (``adapters.teams.references``), through the SDK's ``continue_conversation``; a post for a
person (the account manager's task) goes to their personal chat, started if there is none
(``adapters.teams.personal``). Before customer data goes into a team channel or group chat its
members are checked (``adapters.teams.roster``): guests or members of another organisation refuse
the post unless ``[channels] allow_external`` lists the conversation, and so does a member list
that cannot be read. Failures become ``DeliveryError``: retryable for rate limits (with
Retry-After), server errors and network trouble; not retryable, with what to do, when the app is
not installed in that conversation or the conversation is not safe for customer data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext

from adapters.teams import references
from adapters.teams.connection import TeamsConfig, transient
from adapters.teams.handler import CONNECTOR_CLIENT_KEY, card_activity
from adapters.teams.personal import is_user_id, open_personal, proactive
from adapters.teams.render import card
from adapters.teams.roster import Rosters
from adapters.web.charts import ChartLinks
from bot import channels as policy
from bot.context import Channel
from bot.delivery import Posted
from bot.reply import Reply
from custseg.errors import DeliveryError
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
    chart_links : ChartLinks, optional
        Where charts are stored for the web process to serve (``adapters.web.charts.links_for``);
        without it a chart is embedded in the card while it fits, else shown as numbers.
    """

    platform = "teams"

    def __init__(
        self,
        store: Store,
        env: Mapping[str, str],
        allow_external: Iterable[str] = (),
        chart_links: ChartLinks | None = None,
    ):
        self.store = store
        self.chart_links = chart_links
        self.allow_external = frozenset(allow_external)
        self.config = TeamsConfig.from_env(env)
        if self.config.missing:
            raise DeliveryError(
                f"Teams is partly configured: set {', '.join(self.config.missing)} as well.", retryable=False
            )
        self._auth = self.config.auth_configuration()
        self.rosters = Rosters(self.config.tenant_id)

    def post(self, channel_id: str, reply: Reply) -> Posted:
        """Post ``reply`` as a new card in ``channel_id``, or in the personal chat of the person
        ``channel_id`` names (a Teams user id or Entra object id, started if needed); the Posted
        id allows updating it later."""
        if is_user_id(channel_id):
            return self._post_to_person(channel_id, reply)
        stored = self._installed(channel_id)
        ours = self.config.tenant_id
        external = ours and stored.tenant_id and stored.tenant_id != ours
        if external:
            seen = Channel(stored.channel_id, "teams", "external")
            refused = policy.post_refusal(seen, self.allow_external, why="tenant")
            if refused is not None:
                raise DeliveryError(refused.text, retryable=refused.retryable)
        # A conversation an admin allowed needs no roster; a personal chat has no one else in it.
        guarded = None if external or stored.kind == "personal" else stored
        if guarded and f"teams:{stored.channel_id}" in self.allow_external:
            guarded = None
        message_id = self._run(stored, lambda context: self._send(context, reply, guarded))
        return Posted(self.platform, stored.channel_id, message_id)

    def _post_to_person(self, user_id: str, reply: Reply) -> Posted:
        try:
            stored = asyncio.run(
                open_personal(self.store, self._adapter(), self.config.app_id, self.config.tenant_id, user_id)
            )
        except DeliveryError as err:
            log.warning("%s", err)
            raise
        try:
            message_id = self._run(stored, lambda context: self._send(context, reply))
        except DeliveryError as err:
            now = references.get_reference(self.store, stored.channel_id)
            if err.retryable or (now is not None and now.installed):
                raise
            # The person closed or blocked that chat: the next attempt starts a new one.
            raise DeliveryError(
                f"The personal Teams chat with the user {user_id} is gone; a new one is started on the next "
                "attempt.",
                retryable=True,
            ) from None
        return Posted(self.platform, stored.channel_id, message_id)

    def update(self, posted: Posted, reply: Reply) -> None:
        """Replace the card of an earlier post (e.g. after a decision elsewhere)."""
        stored = self._installed(posted.channel_id)
        self._run(stored, lambda context: self._replace(context, posted.message_id, reply))

    def _adapter(self) -> CloudAdapter:
        adapter = CloudAdapter(connection_manager=self.config.connections(self._auth))
        # Failures must reach the caller as exceptions, not as an error message posted to the channel.
        adapter.on_turn_error = None
        return adapter

    # ------------------------------------------------------------------------------------------------
    def _installed(self, channel_id: str) -> references.StoredReference:
        stored = references.get_reference(self.store, channel_id)
        if stored is None or not stored.installed:
            error = not_installed(channel_id)
            log.warning("%s", error)
            raise error
        return stored

    def _card(self, reply: Reply) -> dict[str, Any]:
        image_url = self.chart_links.url if self.chart_links else None
        return card(reply, local_mode=self.config.local_mode, image_url=image_url)

    async def _send(
        self, context: TurnContext, reply: Reply, guarded: references.StoredReference | None = None
    ) -> str:
        if guarded is not None:
            await self._check_members(context, guarded)
        response = await context.send_activity(card_activity(self._card(reply)))
        return response.id or ""

    async def _check_members(self, context: TurnContext, stored: references.StoredReference) -> None:
        """Refuse a conversation with guests or members of another organisation, or whose member
        list cannot be read (fail closed)."""
        client = context.turn_state.get(CONNECTOR_CLIENT_KEY)
        roster = await self.rosters.get(client, stored.channel_id, stored.tenant_id)
        if roster.error is not None:
            seen = Channel(stored.channel_id, "teams", "unchecked")
            refused = policy.post_refusal(seen, self.allow_external, error=str(roster.error))
        elif roster.outsiders:
            seen = Channel(stored.channel_id, "teams", "external")
            refused = policy.post_refusal(seen, self.allow_external, why="guests", guests=roster.outsiders)
        else:
            refused = None
        if refused is not None:
            raise DeliveryError(refused.text, retryable=refused.retryable)

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
        result: list[str] = []

        async def callback(context: TurnContext) -> None:
            result.append(await action(context))

        await proactive(self._adapter(), self.config.app_id, stored.reference, callback)
        return result[0]
