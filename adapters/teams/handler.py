"""The Teams activity handler: messages and card buttons in, Adaptive Cards out.

An ``ActivityHandler`` as in botbuilder: personal-chat messages and channel @mentions go to
``Brain.ask``; card buttons (``Action.Execute`` invokes, or ``Action.Submit`` messages from older
clients) go to ``Brain.act``. A button's answer replaces the card in place for everyone, with who
pressed it and when; a private answer goes to the presser alone and leaves the card as it was.
Installing or first messaging the app in a conversation stores its reference for proactive posts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import html
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    InvokeResponse,
)
from microsoft_agents.hosting.core import ActivityHandler, TurnContext
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from adapters.teams import references
from adapters.teams.connection import transient
from adapters.teams.render import CARD_CONTENT_TYPE, SUBMIT_KEY, attribution, card
from bot import wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.handlers import ACTION_HANDLERS
from bot.reply import Reply
from config import Settings

log = logging.getLogger("custseg.teams")
T = TypeVar("T")
# Where the SDK's adapter leaves the turn's connector client (its ChannelServiceAdapter key).
CONNECTOR_CLIENT_KEY = "ConnectorClient"

ATTEMPTS = 3
MAX_WAIT_S = 10.0
BUTTON_UNREADABLE = "I could not read that button. Ask me again and use the buttons on the new answer."
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def card_activity(built: dict[str, Any]) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=built)],
    )


async def with_retries(operation: Callable[[], Awaitable[T]]) -> T:
    """Run one call to the Teams service, retrying rate limits, server errors and network failures
    (honouring ``Retry-After``) so a user's answer survives a short hiccup."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await operation()
        except Exception as err:
            retry, after = transient(err)
            if not retry or attempt == ATTEMPTS:
                raise
            await asyncio.sleep(min(after if after is not None else 0.5 * 2**attempt, MAX_WAIT_S))
    raise AssertionError("unreachable")


class CustsegTeams(ActivityHandler):
    """custseg in Microsoft Teams: one instance per web process."""

    def __init__(self, brain: Brain, settings: Settings, local_mode: bool, tenant_id: str | None = None):
        self.brain = brain
        self.settings = settings
        self.local_mode = local_mode
        self.tenant_id = tenant_id
        self._stored: set[str] = set()
        self._emails: dict[str, str | None] = {}

    # -- who and where ---------------------------------------------------------------------------
    async def _user(self, context: TurnContext) -> ChatUser:
        """The person: known by Entra object id or Teams id in settings, else by their e-mail."""
        sender = context.activity.from_property or ChannelAccount(id="unknown")
        ids = [i for i in (sender.aad_object_id, sender.id) if i]
        known = next((i for i in ids if self.settings.person("teams", i)), None)
        email = None if known else await self._email(context, sender.id)
        return ChatUser(known or (ids[0] if ids else "unknown"), "teams", sender.name, email)

    async def _email(self, context: TurnContext, teams_id: str | None) -> str | None:
        """The sender's e-mail from the Teams roster, looked up once per user and only when
        people are configured by e-mail."""
        if not teams_id or not any(p.email for p in self.settings.people.values()):
            return None
        if teams_id not in self._emails:
            client = context.turn_state.get(CONNECTOR_CLIENT_KEY)
            email = None
            try:
                if isinstance(client, TeamsConnectorClient):
                    member = await client.get_conversation_member(context.activity.conversation.id, teams_id)
                    email = member.email or member.user_principal_name
            except Exception as err:  # without an e-mail the person is simply unknown, as in the console
                log.warning("could not look up a Teams member's e-mail: %s", type(err).__name__)
            self._emails[teams_id] = email
        return self._emails[teams_id]

    def _channel(self, context: TurnContext) -> Channel:
        """The conversation and who can read it: a personal chat is ``dm``; a conversation of
        another tenant is ``external``; a team channel is ``public`` (the whole team reads it), a
        group chat ``private``."""
        conversation = context.activity.conversation
        key = references.channel_key(conversation.id)
        kind = conversation.conversation_type
        if self.tenant_id and conversation.tenant_id and conversation.tenant_id != self.tenant_id:
            return Channel(key, "teams", "external")
        seen = {"personal": "dm", "channel": "public", "groupChat": "private"}.get(kind or "", "unknown")
        return Channel(key, "teams", seen)

    # -- conversation references -----------------------------------------------------------------
    async def _remember(self, context: TurnContext, refresh: bool = False) -> None:
        """Store where this conversation is, once per process (always on install)."""
        activity = context.activity
        key = references.channel_key(activity.conversation.id)
        if key in self._stored and not refresh:
            return
        conversation = activity.conversation
        reference = activity.get_conversation_reference()
        reference.activity_id = None
        reference.user = None
        reference.conversation = ConversationAccount(
            id=key,
            conversation_type=conversation.conversation_type,
            is_group=conversation.is_group,
            tenant_id=conversation.tenant_id,
        )
        channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        team = channel_data.get("team")
        name = conversation.name or (team.get("name") if isinstance(team, dict) else None)
        try:
            await asyncio.to_thread(
                references.save_reference,
                self.brain.store,
                key,
                reference.model_dump(mode="json", by_alias=True, exclude_none=True),
                kind=conversation.conversation_type,
                name=name,
                tenant_id=conversation.tenant_id,
            )
        except Exception as err:  # answering matters more; the next message tries again
            log.error("could not store a Teams conversation reference: %s", type(err).__name__)
            return
        self._stored.add(key)

    async def _forget(self, context: TurnContext) -> None:
        key = references.channel_key(context.activity.conversation.id)
        self._stored.discard(key)
        await asyncio.to_thread(references.mark_uninstalled, self.brain.store, key)
        log.info("custseg was removed from a Teams conversation; proactive posts there stop")

    # -- sending ---------------------------------------------------------------------------------
    def _card(self, reply: Reply, updated_by: str | None = None) -> dict[str, Any]:
        return card(reply, updated_by=updated_by, local_mode=self.local_mode)

    async def _send(self, context: TurnContext, built: dict[str, Any]) -> None:
        await with_retries(lambda: context.send_activity(card_activity(built)))

    async def _replace(self, context: TurnContext, activity_id: str, built: dict[str, Any]) -> bool:
        """Replace the card ``activity_id`` for everyone; False (and logged) if Teams refused."""
        update = card_activity(built)
        update.id = activity_id
        try:
            await with_retries(lambda: context.update_activity(update))
        except Exception as err:
            log.warning("could not update a Teams card in place: %s", type(err).__name__)
            return False
        return True

    # -- messages ----------------------------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        await self._remember(turn_context)
        if isinstance(activity.value, dict) and SUBMIT_KEY in activity.value:
            await self._submitted(turn_context, activity.value)
            return
        text = html.unescape(_TAG.sub(" ", activity.remove_recipient_mention())).strip()
        user = await self._user(turn_context)
        reply = await asyncio.to_thread(self.brain.ask, text, user, self._channel(turn_context))
        await self._send(turn_context, self._card(reply))

    # -- buttons -----------------------------------------------------------------------------------
    async def _press(self, context: TurnContext, verb: Any, payload: Any) -> tuple[Reply, dict[str, Any]]:
        """Run a button through the brain: the reply and the card to show."""
        if not isinstance(verb, str) or not verb:
            return Reply(context="Not understood", text=BUTTON_UNREADABLE, private=True), {}
        user = await self._user(context)
        reply = await asyncio.to_thread(
            self.brain.act, verb, payload if isinstance(payload, dict) else {}, user, self._channel(context)
        )
        if verb not in ACTION_HANDLERS:
            # A stale or foreign button: tell the presser, never wipe the card for everyone.
            reply = dataclasses.replace(reply, private=True)
        if reply.private:
            return reply, self._card(reply)
        who = user.display_name or user.user_id
        return reply, self._card(reply, updated_by=attribution(who, dt.datetime.now(dt.UTC)))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        await self._remember(turn_context)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        if not isinstance(action, dict):
            action = {}
        reply, built = await self._press(turn_context, action.get("verb"), action.get("data"))
        if not built:
            built = self._card(reply)
        if not reply.private and activity.reply_to_id:
            # The invoke response updates the presser's view; everyone else needs the card replaced.
            await self._replace(turn_context, activity.reply_to_id, built)
        return InvokeResponse(status=200, body={"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": built})

    async def _submitted(self, context: TurnContext, value: dict[str, Any]) -> None:
        """An Action.Submit fallback press (older clients): the same as Action.Execute, answered by
        replacing the card, or by a new message when the card cannot be replaced or for a private
        answer (which, without Universal Actions, Teams can only show in the conversation)."""
        reply, built = await self._press(context, value.get(SUBMIT_KEY), value.get("payload"))
        if not built:
            built = self._card(reply)
        card_id = context.activity.reply_to_id
        if reply.private or not card_id or not await self._replace(context, card_id, built):
            await self._send(context, built)

    # -- installation ------------------------------------------------------------------------------
    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot = turn_context.activity.recipient
        if bot and any(m.id == bot.id for m in members_added):
            await self._remember(turn_context, refresh=True)
            await self._send(turn_context, self._card(self.brain.welcome()))

    async def on_members_removed_activity(
        self, members_removed: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot = turn_context.activity.recipient
        if bot and any(m.id == bot.id for m in members_removed):
            await self._forget(turn_context)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._remember(turn_context, refresh=True)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._forget(turn_context)


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """A turn failed (the brain never raises, so this is Teams being unreachable or refusing):
    log it without any message content and tell the user if Teams still listens."""
    log.error(
        "a Teams %s activity failed: %s",
        context.activity.type if context.activity else "?",
        type(error).__name__,
    )
    if context.activity is None or context.activity.type != ActivityTypes.message:
        return
    try:
        await context.send_activity(wording.INTERNAL_ERROR)
    except Exception as err:
        log.error("could not tell the user either: %s", type(err).__name__)
