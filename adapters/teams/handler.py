"""The Teams activity handler: messages and card buttons in, Adaptive Cards out.

An ``ActivityHandler`` as in botbuilder: personal-chat messages and channel @mentions go to
``ChatService.ask``; card buttons (``Action.Execute`` invokes, or ``Action.Submit`` messages from older
clients) go to ``ChatService.act``. A button's answer replaces the card in place for everyone, with who
pressed it and when, only when the press changed something (``bot.presses``): the presser at once in
the invoke response, everyone else through an update queued on the outbox and sent right afterwards
(``adapters.teams.updates``); a failed, stale or refused press is answered to the presser alone and
leaves the card as it was. An activity Teams delivers again is answered once (``seen_events``). The
compose box's customer search (``composeExtension/query``) offers customers' cards to insert. A
conversation of another tenant gets no customer data, on messages, presses and searches alike.
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
    TurnContextProtocol,
)
from microsoft_agents.hosting.core import ActivityHandler
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from adapters.teams import references
from adapters.teams.connection import CONNECTOR_CLIENT_KEY, transient
from adapters.teams.personal import open_personal, proactive
from adapters.teams.render import (
    CARD_CONTENT_TYPE,
    MESSAGE_CONTENT_TYPE,
    REASON_INPUT,
    SUBMIT_KEY,
    attribution,
    card,
    summary,
    with_reason,
)
from adapters.teams.roster import Rosters
from adapters.teams.updates import CardUpdates
from adapters.web.charts import links_for
from adapters.web.exports import links_for as export_links_for
from bot import channels as policy
from bot import i18n, wording
from bot.context import Channel, ChatUser
from bot.delivery import Posted
from bot.outbox import enqueue_update, remember, suggestion_ids
from bot.overview import OVERVIEW_ACTION
from bot.presses import changes_shared, readable
from bot.reply import Button, Reply
from bot.services.chat import ChatService
from config import Settings
from custseg.errors import CustsegError
from custseg.store.seen_events import Claims, event_key

log = logging.getLogger("custseg.teams")
T = TypeVar("T")

ATTEMPTS = 3
MAX_WAIT_S = 10.0
BUTTON_UNREADABLE = "I could not read that button. Ask me again and use the buttons on the new answer."
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# The button under a privately given answer that posts it where it was asked (handled here, not by
# the brain: only the adapter can post into another conversation).
SHARE_VERB = "teams.share"
SEEN = {"personal": "dm", "channel": "public", "groupChat": "private"}
# The compose box's customer search: the invoke, and the command and parameter the app manifest
# declares (adapters/teams/appPackage/manifest.json, composeExtensions).
SEARCH_INVOKE = "composeExtension/query"
SEARCH_COMMAND = "searchCustomers"
SEARCH_PARAMETER = "name"
MAX_SEARCH = 100
# Invokes that only read (a compose-box search): a redelivered one is simply answered again.
READ_ONLY_INVOKES = frozenset({SEARCH_INVOKE})
THUMBNAIL_CONTENT_TYPE = "application/vnd.microsoft.card.thumbnail"


def _search_message(text: str) -> dict[str, Any]:
    """A compose-box search answered with a line of text instead of results."""
    return {"type": "message", "text": text}


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if the platform sent an object there, else an empty one."""
    return value if isinstance(value, dict) else {}


def conversation_name(activity: Activity) -> str | None:
    """The conversation's name as Teams gives it: a chat's topic, else the channel or its team."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    named = [data.get("channel"), data.get("team")]
    found = [n.get("name") for n in named if isinstance(n, dict) and n.get("name")]
    return (activity.conversation.name if activity.conversation else None) or next(iter(found), None)


def card_activity(built: dict[str, Any]) -> Activity:
    """A message activity carrying the card ``built``, with the notification text Teams shows for
    it (``summary``: the card's first line, instead of "Card")."""
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=built)],
        summary=summary(built),
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

    def __init__(
        self,
        brain: ChatService,
        settings: Settings,
        local_mode: bool,
        tenant_id: str | None = None,
        app_id: str | None = None,
        updates: CardUpdates | None = None,
    ):
        self.brain = brain
        self.settings = settings
        self.local_mode = local_mode
        self.tenant_id = tenant_id
        # Proactive turns (personal chats, shares) run as this app; None in local mode.
        self.app_id = None if local_mode else app_id
        self.rosters = Rosters(tenant_id)
        # Sends the card updates a press queues; without it they wait for the worker.
        self.updates = updates
        self.claims = Claims(brain.store, platform="teams")
        self._stored: set[str] = set()
        self._emails: dict[str, str | None] = {}
        self._chart_links = links_for(brain.store, settings.web)
        self._export_links = export_links_for(brain.store, settings.web)

    # -- who and where ---------------------------------------------------------------------------
    def _sender(self, context: TurnContextProtocol) -> tuple[ChatUser, bool]:
        """The person as the activity names them (no roster lookup), and whether settings know them."""
        sender = context.activity.from_property or ChannelAccount(id="unknown")
        ids = [i for i in (sender.aad_object_id, sender.id) if i]
        known = next((i for i in ids if self.brain.access.knows("teams", i)), None)
        user = ChatUser(
            known or (ids[0] if ids else "unknown"),
            "teams",
            sender.name,
            locale=getattr(context.activity, "locale", None),
        )
        return user, known is not None

    async def _user(self, context: TurnContextProtocol) -> ChatUser:
        """The person: known by Entra object id or Teams id in settings, else by their e-mail."""
        user, known = self._sender(context)
        if known:
            return user
        sender = context.activity.from_property or ChannelAccount(id="unknown")
        return dataclasses.replace(user, email=await self._email(context, sender.id))

    async def _email(self, context: TurnContextProtocol, teams_id: str | None) -> str | None:
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

    def _foreign(self, activity: Activity) -> bool:
        """Whether the conversation belongs to another tenant than ours (with a tenant configured,
        one that does not say its tenant counts as another)."""
        if not self.tenant_id:
            return False
        data = _mapping(activity.channel_data)
        tenant = _mapping(data.get("tenant"))
        seen = {
            t.lower() for t in (activity.conversation.tenant_id, tenant.get("id")) if isinstance(t, str) and t
        }
        return seen != {self.tenant_id.lower()}

    async def _channel(self, context: TurnContextProtocol) -> Channel:
        """The conversation and who can read it: a personal chat is ``dm``; a conversation of
        another tenant, or with guests or members of another tenant, is ``external``; a team
        channel is ``public`` (the whole team reads it), a group chat ``private``; ``unchecked``
        when its members could not be read."""
        conversation = context.activity.conversation
        key = references.channel_key(conversation.id)
        if self._foreign(context.activity):
            return Channel(key, "teams", "external")
        seen = SEEN.get(conversation.conversation_type or "", "unknown")
        if seen in ("public", "private") and not self.settings.channels.external_allowed("teams", key):
            client = context.turn_state.get(CONNECTOR_CLIENT_KEY)
            seen = (await self.rosters.get(client, key, conversation.tenant_id)).visibility(seen)
        return Channel(key, "teams", seen)

    # -- conversation references -----------------------------------------------------------------
    async def _remember(self, context: TurnContextProtocol, refresh: bool = False) -> None:
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
        name = conversation_name(activity)
        # A personal chat is found again by its person when the bot wants to message them.
        person = activity.from_property if conversation.conversation_type == "personal" else None
        try:
            await asyncio.to_thread(
                references.save_reference,
                self.brain.store,
                key,
                reference.model_dump(mode="json", by_alias=True, exclude_none=True),
                kind=conversation.conversation_type,
                name=name,
                tenant_id=conversation.tenant_id,
                user_id=person.id if person else None,
                aad_object_id=person.aad_object_id if person else None,
            )
        except Exception as err:  # answering matters more; the next message tries again
            log.error("could not store a Teams conversation reference: %s", type(err).__name__)
            return
        self._stored.add(key)

    async def _forget(self, context: TurnContextProtocol) -> None:
        key = references.channel_key(context.activity.conversation.id)
        self._stored.discard(key)
        await asyncio.to_thread(references.mark_uninstalled, self.brain.store, key)
        log.info("custseg was removed from a Teams conversation; proactive posts there stop")

    # -- sending ---------------------------------------------------------------------------------
    def _card(
        self, reply: Reply, updated_by: str | None = None, asker: ChatUser | None = None
    ) -> dict[str, Any]:
        image_url = self._chart_links.url if self._chart_links else None
        shown = self._with_download(reply, asker) if reply.file is not None else reply
        return card(shown, updated_by=updated_by, local_mode=self.local_mode, image_url=image_url)

    def _with_download(self, reply: Reply, asker: ChatUser | None) -> Reply:
        """An export's file as a short-lived download link in the card (a bot's message in Teams
        cannot carry the file itself), or why there is none."""
        assert reply.file is not None
        who = asker.user_id if asker is not None else "unknown"
        links = self._export_links
        url = links.url(reply.file, "teams", who) if links is not None else None
        if links is None or url is None:
            line = wording.EXPORT_NO_LINK
        else:
            label = wording.EXPORT_LINK.format(filename=reply.file.filename, minutes=links.minutes)
            line = f"[{label}]({url})"
        return dataclasses.replace(reply, text=f"{reply.text}\n\n{line}", file=None)

    async def _personal_chat(
        self, context: TurnContextProtocol, sender: ChannelAccount
    ) -> references.StoredReference:
        """The sender's personal chat with the bot (opened if needed), for answers meant for them only."""
        return await open_personal(
            self.brain.store,
            context.adapter,
            self.app_id,
            self.tenant_id or context.activity.conversation.tenant_id,
            sender.id,
        )

    async def _send(self, context: TurnContextProtocol, built: dict[str, Any]) -> str | None:
        """Send a card; the new activity's id (None if Teams gave none)."""
        response = await with_retries(lambda: context.send_activity(card_activity(built)))
        return response.id if response is not None else None

    async def _record(
        self,
        context: TurnContextProtocol,
        activity_id: str | None,
        reply: Reply,
        conversation_id: str | None = None,
    ) -> None:
        """Record a card with suggestion buttons sent into this conversation (or ``conversation_id``),
        so a decision made anywhere else updates it too."""
        if not activity_id or reply.private or not suggestion_ids(reply):
            return
        where = conversation_id or context.activity.conversation.id
        posted = Posted("teams", references.channel_key(where), activity_id)
        try:
            await asyncio.to_thread(remember, self.brain.store, posted, reply)
        except Exception as err:  # the answer is out; only later updates of this copy would be missed
            log.error("could not record a posted Teams card: %s", type(err).__name__)

    async def _replace(self, context: TurnContextProtocol, activity_id: str, built: dict[str, Any]) -> bool:
        """Replace the card ``activity_id`` for everyone; False (and logged) if Teams refused."""
        update = card_activity(built)
        update.id = activity_id
        try:
            await with_retries(lambda: context.update_activity(update))
        except Exception as err:
            log.warning("could not update a Teams card in place: %s", type(err).__name__)
            return False
        return True

    # -- once only -------------------------------------------------------------------------------
    async def on_turn(self, turn_context: TurnContextProtocol) -> None:
        """Answer each activity once: Teams redelivers an activity it thinks was missed (same
        conversation, same activity id), and a redelivered message or press must not be answered,
        decided or posted a second time, even by another web process or after a restart.

        Every turn speaks the sender's language (``ChatService.language``: their ``[people]``
        setting, ``activity.locale``, the message's words, the default), so the notes this handler
        says itself (answered privately, *Share in …*) match the answer."""
        user, _ = self._sender(turn_context)
        text = getattr(turn_context.activity, "text", None)
        with i18n.speaking(self.brain.language(user, text if isinstance(text, str) else None)):
            if await self._first_delivery(turn_context.activity):
                await super().on_turn(turn_context)
                return
            log.info("a redelivered Teams %s activity was not answered again", turn_context.activity.type)
            if turn_context.activity.type == ActivityTypes.invoke:
                # Teams waits for an invoke's answer: say it was taken, and decide nothing.
                seen = {
                    "statusCode": 200,
                    "type": MESSAGE_CONTENT_TYPE,
                    "value": wording.TEAMS_ALREADY_ANSWERED,
                }
                await turn_context.send_activity(
                    Activity(type=ActivityTypes.invoke_response, value={"status": 200, "body": seen})
                )

    async def _first_delivery(self, activity: Activity) -> bool:
        """Whether this is the first time the activity arrives (claimed in ``seen_events``)."""
        if not activity.id or (activity.type == ActivityTypes.invoke and activity.name in READ_ONLY_INVOKES):
            return True
        key = event_key(activity.conversation.id, activity.id)
        try:
            return await asyncio.to_thread(self.claims.claim, key)
        except Exception as err:  # our database: answering twice beats not answering at all
            log.warning("could not claim a Teams activity, answering it anyway: %s", type(err).__name__)
            return True

    # -- messages ----------------------------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContextProtocol) -> None:
        activity = turn_context.activity
        await self._remember(turn_context)
        if isinstance(activity.value, dict) and SUBMIT_KEY in activity.value:
            await self._submitted(turn_context, activity.value)
            return
        text = html.unescape(_TAG.sub(" ", activity.remove_recipient_mention() or "")).strip()
        foreign = self._foreign(activity)
        shared = activity.conversation.conversation_type in ("channel", "groupChat")
        # Read as the follow-up it may be: "tell me about the second one" is a profile, kept private.
        sender, _known = self._sender(turn_context)
        asked = (
            await asyncio.to_thread(self.brain.intent_of, text, sender, activity.conversation.id)
            if foreign or shared
            else None
        )
        refused = policy.foreign_refusal(asked) if foreign and asked else None
        if refused is not None:
            await self._send(turn_context, self._card(Reply(text=refused)))
            return
        user = await self._user(turn_context)
        if asked and policy.keep_private(asked, shared):
            await self._answer_privately(turn_context, text, user)
            return
        # The conversation id names a channel's reply chain (";messageid=…"), a group chat or a
        # personal chat: each keeps its own follow-ups, per person.
        reply = await asyncio.to_thread(
            self.brain.ask, text, user, await self._channel(turn_context), activity.conversation.id
        )
        await self._record(turn_context, await self._send(turn_context, self._card(reply, asker=user)), reply)

    # -- buttons -----------------------------------------------------------------------------------
    async def _press(
        self, context: TurnContextProtocol, verb: Any, payload: Any
    ) -> tuple[Reply, dict[str, Any]]:
        """Run a button through the brain: the reply and the card to show."""
        if not isinstance(verb, str) or not verb:
            return Reply(context="Not understood", text=BUTTON_UNREADABLE, private=True), {}
        if self._foreign(context.activity):
            refused = Reply(text=wording.OTHER_TENANT, private=True)
            return refused, self._card(refused)
        if isinstance(payload, dict) and not readable(payload):
            stale = Reply(context="Not understood", text=BUTTON_UNREADABLE, private=True)
            return stale, self._card(stale)
        if verb == SHARE_VERB:
            return await self._share(context, payload if isinstance(payload, dict) else {})
        user = await self._user(context)
        reply = await asyncio.to_thread(
            self.brain.act,
            verb,
            with_reason(payload) if isinstance(payload, dict) else {},
            user,
            await self._channel(context),
            context.activity.reply_to_id,
            context.activity.conversation.id,
        )
        if not changes_shared(verb, reply):
            # A failed, stale or refused press, or a click on something already decided: tell the
            # presser, never rewrite the card for everyone.
            reply = dataclasses.replace(reply, private=True)
        if reply.private:
            return reply, self._card(reply)
        # Who pressed, and when, is part of the message everyone sees (the queued update carries it).
        who = attribution(user.display_name or user.user_id, dt.datetime.now(dt.UTC))
        shown = self._with_download(reply, user) if reply.file is not None else reply
        shown = dataclasses.replace(shown, footer="\n".join(s for s in (shown.footer, who) if s))
        return shown, self._card(shown)

    async def on_invoke_activity(self, turn_context: TurnContextProtocol) -> InvokeResponse | None:
        activity = turn_context.activity
        if activity.name == SEARCH_INVOKE:
            return InvokeResponse(status=200, body={"composeExtension": await self._search(turn_context)})
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
            # The invoke response updates the presser's view at once; everyone else's copy is
            # rewritten in the background (Teams gives up on an invoke after about 5 s, and an
            # update may meet rate limits and retries).
            await self._queue_update(turn_context, activity.reply_to_id, reply)
        if self.updates is not None:
            self.updates.nudge()  # also the suggestion's other copies the decision queued
        return InvokeResponse(status=200, body={"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": built})

    # -- the compose box's customer search (messaging extension) ---------------------------------
    async def _search(self, context: TurnContextProtocol) -> dict[str, Any]:
        """Customers matching what was typed in the compose box's search, within the asker's scope
        as in chat: a list of previews, each inserting the customer's card. Someone who may see no
        customer data, or a conversation it may not go into, gets a line saying so instead."""
        activity = context.activity
        value = _mapping(activity.value)
        if value.get("commandId") != SEARCH_COMMAND:
            return _search_message(wording.SEARCH_UNKNOWN)
        if self._foreign(activity):
            return _search_message(wording.SEARCH_NOT_AVAILABLE)
        typed = next(
            (
                str(p.get("value") or "")
                for p in value.get("parameters") or []
                if isinstance(p, dict) and p.get("name") == SEARCH_PARAMETER
            ),
            "",
        )[:MAX_SEARCH]
        user = await self._user(context)
        channel = await self._channel(context)
        refused = policy.refusal(self.settings, channel)
        if refused is not None:
            return _search_message(refused)
        found = await asyncio.to_thread(self.brain.find_customers, typed, user, channel)
        if found is None:
            return _search_message(wording.SEARCH_NOT_AVAILABLE)
        if not typed.strip():
            return _search_message(wording.SEARCH_TYPE_A_NAME)
        if not found:
            return _search_message(wording.SEARCH_NO_MATCH.format(typed=typed.strip()))
        results = [
            {
                "contentType": CARD_CONTENT_TYPE,
                "content": self._card(reply, asker=user),
                "preview": {
                    "contentType": THUMBNAIL_CONTENT_TYPE,
                    "content": {"title": reply.title or reply.context, "text": reply.context},
                },
            }
            for reply in found
        ]
        return {"type": "result", "attachmentLayout": "list", "attachments": results}

    async def _queue_update(self, context: TurnContextProtocol, message_id: str, reply: Reply) -> None:
        """Queue rewriting the pressed card for everyone with ``reply``, once per press."""
        activity = context.activity
        posted = Posted("teams", references.channel_key(activity.conversation.id), message_id)
        key = event_key("press:teams", activity.conversation.id, activity.id or message_id)
        try:
            await asyncio.to_thread(enqueue_update, self.brain.store, posted, key, reply)
        except Exception as err:  # the presser has the answer; only the others' view stays behind
            log.error("could not queue a Teams card update: %s", type(err).__name__)

    async def _submitted(self, context: TurnContextProtocol, value: dict[str, Any]) -> None:
        """An Action.Submit fallback press (older clients): the same as Action.Execute, answered by
        replacing the card, or by a new message when the card cannot be replaced. Without Universal
        Actions Teams has no answer only the presser sees, so a private answer goes to their
        personal chat (in a personal chat, that is where the button was)."""
        payload = value.get("payload")
        if isinstance(payload, dict):
            # Action.Submit puts the card's inputs beside its data, not inside it.
            payload = {**payload, **{k: v for k, v in value.items() if k.startswith(f"{REASON_INPUT}.")}}
        reply, built = await self._press(context, value.get(SUBMIT_KEY), payload)
        if not built:
            built = self._card(reply)
        card_id = context.activity.reply_to_id
        if reply.private:
            await self._tell_presser(context, built)
        elif not card_id or not await self._replace(context, card_id, built):
            await self._send(context, built)

    async def _tell_presser(self, context: TurnContextProtocol, built: dict[str, Any]) -> None:
        """A card for the presser alone: here in a personal chat, else in their personal chat
        (nothing is posted where others would read it; a refused personal chat is logged)."""
        activity = context.activity
        if activity.conversation.conversation_type == "personal":
            await self._send(context, built)
            return
        sender = activity.from_property or ChannelAccount(id="unknown")
        try:
            personal = await self._personal_chat(context, sender)
        except CustsegError as err:
            log.warning("could not answer a button press privately: %s", err)
            return
        if await self._post_in(context, personal.reference, built) is None:
            log.warning("could not answer a button press privately: Teams refused the personal chat")

    # -- installation ------------------------------------------------------------------------------
    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContextProtocol
    ) -> None:
        bot = turn_context.activity.recipient
        if bot and any(m.id == bot.id for m in members_added):
            await self._remember(turn_context, refresh=True)
            welcome = self.brain.welcome(self._sender(turn_context)[0])
            await self._send(turn_context, self._card(welcome))
            personal = turn_context.activity.conversation.conversation_type == "personal"
            if personal and not self._foreign(turn_context.activity):
                # Installed for one person: their overview right away, as Slack's App Home would.
                user = await self._user(turn_context)
                overview = await asyncio.to_thread(
                    self.brain.act, OVERVIEW_ACTION, {}, user, await self._channel(turn_context)
                )
                await self._send(turn_context, self._card(overview))

    async def on_members_removed_activity(
        self, members_removed: list[ChannelAccount], turn_context: TurnContextProtocol
    ) -> None:
        bot = turn_context.activity.recipient
        if bot and any(m.id == bot.id for m in members_removed):
            await self._forget(turn_context)

    async def on_installation_update_add(self, turn_context: TurnContextProtocol) -> None:
        await self._remember(turn_context, refresh=True)

    async def on_installation_update_remove(self, turn_context: TurnContextProtocol) -> None:
        await self._forget(turn_context)

    # -- answers only the asker sees ------------------------------------------------------------------
    async def _answer_privately(self, context: TurnContextProtocol, text: str, user: ChatUser) -> None:
        """A question in a channel or group chat: Teams has no message only the asker sees, so the
        answer goes to the asker's personal chat with a button to share it here, and the thread
        gets a note without any data. Without a personal chat the thread says how to get one."""
        activity = context.activity
        sender = activity.from_property or ChannelAccount(id="unknown")
        note = wording.ANSWERED_PRIVATELY
        try:
            personal = await self._personal_chat(context, sender)
            here = Channel(personal.channel_id, "teams", "dm")
            # Follow-ups are asked where the question was: the channel's conversation keeps them.
            reply = await asyncio.to_thread(self.brain.ask, text, user, here, activity.conversation.id)
            name = conversation_name(activity) or wording.THE_CONVERSATION
            share = Button(
                wording.SHARE_IN.format(channel=name),
                SHARE_VERB,
                {"q": text, "conversation": activity.conversation.id, "name": name},
            )
            shown = dataclasses.replace(reply, buttons=[*reply.buttons, share])
            sent = await self._post_in(context, personal.reference, self._card(shown, asker=user))
            if sent is None:
                # Closed or blocked by the person: the next question starts a new one.
                await asyncio.to_thread(references.mark_uninstalled, self.brain.store, personal.channel_id)
                note = wording.PERSONAL_CHAT_FAILED
            else:
                await self._record(context, sent, shown, personal.channel_id)
        except CustsegError as err:
            log.warning("could not answer privately in a personal chat: %s", err)
            note = wording.PERSONAL_CHAT_FAILED
        await self._send(context, self._card(Reply(text=note)))

    async def _post_in(
        self, context: TurnContextProtocol, reference: dict[str, Any], built: dict[str, Any]
    ) -> str | None:
        """Post a card into another stored conversation: its activity id, or None (logged) when
        Teams refused."""
        sent: list[str] = []

        async def post(turn: TurnContextProtocol) -> None:
            response = await with_retries(lambda: turn.send_activity(card_activity(built)))
            sent.append(response.id if response else "")

        try:
            await proactive(context.adapter, self.app_id, reference, post)
        except Exception as err:
            log.warning("could not post into another Teams conversation: %s", type(err).__name__)
        return sent[0] if sent else None

    async def _share(
        self, context: TurnContextProtocol, payload: dict[str, Any]
    ) -> tuple[Reply, dict[str, Any]]:
        """*Share in <channel>*: answer the question again for everyone where it was asked, if that
        conversation is safe for customer data and the presser is in it. The presser's copy says
        where it went; refusals are shown to the presser alone."""
        target, question = payload.get("conversation"), payload.get("q")
        if not isinstance(target, str) or not isinstance(question, str):
            refused = Reply(context="Not understood", text=BUTTON_UNREADABLE, private=True)
            return refused, self._card(refused)
        name = str(payload.get("name") or wording.THE_CONVERSATION)
        user = await self._user(context)
        key = references.channel_key(target)
        stored = await asyncio.to_thread(references.get_reference, self.brain.store, key)
        if stored is None or not stored.installed:
            refused = Reply(text=wording.SHARE_NOT_INSTALLED.format(channel=name), private=True)
            return refused, self._card(refused)
        sender = context.activity.from_property or ChannelAccount(id="unknown")
        ids = {i for i in (sender.id, sender.aad_object_id) if i}
        outcome: list[tuple[Reply, bool]] = []

        async def share(turn: TurnContextProtocol) -> None:
            roster = await self.rosters.get(turn.turn_state.get(CONNECTOR_CLIENT_KEY), key, stored.tenant_id)
            external = self.tenant_id and stored.tenant_id and stored.tenant_id != self.tenant_id
            seen = "external" if external else roster.visibility(SEEN.get(stored.kind or "", "unknown"))
            channel = Channel(key, "teams", seen)
            refused = policy.refusal(self.settings, channel)
            if refused is None and roster.error is None and not ids & roster.members:
                refused = wording.SHARE_NOT_MEMBER.format(channel=name)
            if refused is not None:
                outcome.append((Reply(text=refused, private=True), False))
                return
            reply = await asyncio.to_thread(self.brain.ask, question, user, channel)
            by = wording.SHARED_BY.format(name=user.display_name or user.user_id)
            built = self._card(reply, updated_by=by, asker=user)
            response = await with_retries(lambda: turn.send_activity(card_activity(built)))
            outcome.append((reply, True))
            await self._record(context, response.id if response else None, reply, key)

        thread = {
            **stored.reference,
            "conversation": {**stored.reference.get("conversation", {}), "id": target},
        }
        try:
            await proactive(context.adapter, self.app_id, thread, share)
        except Exception as err:
            log.warning("could not share an answer into a Teams conversation: %s", type(err).__name__)
        if not outcome:
            failed = Reply(text=wording.SHARE_FAILED.format(channel=name), private=True)
            return failed, self._card(failed)
        reply, shared = outcome[0]
        if not shared:
            return reply, self._card(reply)
        done = dataclasses.replace(reply, buttons=[], private=True)
        return done, self._card(done, updated_by=wording.SHARED_IN.format(channel=name))


async def on_turn_error(context: TurnContextProtocol, error: Exception) -> None:
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
